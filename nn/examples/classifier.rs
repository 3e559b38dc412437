//! Trains a small classifier end to end: three Gaussian blobs in the plane, an MLP, Adam and
//! cross-entropy. Run with `cargo run --release -p nn --example classifier`.

use autodiff::Tape;
use nn::{accuracy, cross_entropy, Activation, Adam, AdamConfig, Linear, LinearConfig, Module};
use nn::{ModuleExt, Optimizer, Sequential};
use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use tensor::Tensor;

/// Draws `per_class` points around each of three centres, with labels 0, 1, 2.
fn blobs(per_class: usize, rng: &mut StdRng) -> (Tensor<f32>, Vec<usize>) {
    let centres = [(-2.0, 0.0), (2.0, 0.0), (0.0, 2.5)];
    let noise = Normal::new(0.0, 0.8).expect("0.8 is a valid standard deviation");
    let mut points = Vec::new();
    let mut labels = Vec::new();
    for (label, (cx, cy)) in centres.iter().enumerate() {
        for _ in 0..per_class {
            points.push(cx + noise.sample(rng));
            points.push(cy + noise.sample(rng));
            labels.push(label);
        }
    }
    let x = Tensor::from_vec(points, &[labels.len(), 2]).expect("two coordinates per point");
    (x, labels)
}

fn main() -> nn::Result<()> {
    let mut rng = StdRng::seed_from_u64(0);
    let (x, y) = blobs(100, &mut rng);

    let layer = |i, o, rng: &mut StdRng| {
        Linear::new(
            &LinearConfig {
                in_features: i,
                out_features: o,
                ..Default::default()
            },
            rng,
        )
    };
    let mut model = Sequential::new()
        .with(layer(2, 16, &mut rng)?)
        .with(Activation::Relu)
        .with(layer(16, 3, &mut rng)?);
    let mut optimizer = Adam::new(AdamConfig {
        lr: 0.02,
        ..Default::default()
    })?;
    println!("model with {} parameters", model.num_params());

    let tape = Tape::new();
    for epoch in 1..=100 {
        let logits = model.forward(&tape, &tape.constant(x.clone()))?;
        let loss = cross_entropy(&logits, &y, &Default::default())?;
        let grads = tape.backward(&loss)?;
        optimizer.step(&mut model.param_grads(&grads))?;
        if epoch % 20 == 0 {
            let acc = accuracy(logits.value(), &y, None)?;
            println!(
                "epoch {epoch:3}: loss {:.4}, accuracy {:.1}%",
                loss.value().to_scalar()?,
                100.0 * acc
            );
        }
        tape.clear();
    }
    Ok(())
}
