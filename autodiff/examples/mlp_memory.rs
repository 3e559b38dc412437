//! Trains a small MLP with plain SGD on synthetic data, reusing one tape for every step, to
//! show that memory stays flat however many steps run.
//!
//! Usage: `cargo run --release -p autodiff --example mlp_memory -- [steps]` (default 1000).
//! Compare the peak memory of two lengths with `/usr/bin/time -v`, for example 100 and 1000
//! steps: a tape that leaked nodes would grow with the step count.
//!
//! The data are 256 points in 8 dimensions labelled by a fixed random linear "teacher" with
//! 4 classes; the MLP is 8 -> 32 (tanh) -> 4 with a cross-entropy loss.

use autodiff::{Result, Tape, Var};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tensor::{Indices, Tensor};

const SAMPLES: usize = 256;
const INPUTS: usize = 8;
const HIDDEN: usize = 32;
const CLASSES: usize = 4;
const LEARNING_RATE: f32 = 0.5;

/// Computes the mean cross-entropy of `logits: [batch, classes]` against the labels in
/// `index: [batch, 1]`.
fn cross_entropy(logits: &Var<f32>, index: &Indices) -> Result<Var<f32>> {
    logits
        .log_softmax(1)?
        .gather(1, index)?
        .mean(&[], false)?
        .neg()
}

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let steps: usize = match std::env::args().nth(1) {
        Some(text) => text
            .parse()
            .map_err(|e| format!("invalid step count {text:?}: {e}; pass a whole number"))?,
        None => 1000,
    };
    let mut rng = StdRng::seed_from_u64(7);

    // Synthetic data: the label is the argmax of a random linear map of the point.
    let x = Tensor::<f32>::rand_normal(&[SAMPLES, INPUTS], 0.0, 1.0, &mut rng)?;
    let teacher = Tensor::<f32>::rand_normal(&[INPUTS, CLASSES], 0.0, 1.0, &mut rng)?;
    let labels = x.matmul(&teacher)?.argmax(1, true)?;

    // Parameters live outside the tape; each step binds them by key.
    let mut params = [
        Tensor::<f32>::rand_normal(&[INPUTS, HIDDEN], 0.0, 0.35, &mut rng)?,
        Tensor::<f32>::zeros(&[HIDDEN]),
        Tensor::<f32>::rand_normal(&[HIDDEN, CLASSES], 0.0, 0.18, &mut rng)?,
        Tensor::<f32>::zeros(&[CLASSES]),
    ];

    let tape: Tape<f32> = Tape::new();
    let mut first_loss = None;
    let mut loss_value = 0.0;
    let mut nodes = 0;
    for _ in 0..steps {
        tape.clear();
        let input = tape.constant(x.clone());
        let w: Vec<Var<f32>> = params
            .iter()
            .enumerate()
            .map(|(key, p)| tape.leaf_keyed(key as u64, p))
            .collect();

        let hidden = input.matmul(&w[0])?.add(&w[1])?.tanh()?;
        let logits = hidden.matmul(&w[2])?.add(&w[3])?;
        let loss = cross_entropy(&logits, &labels)?;
        loss_value = loss.value().to_scalar()?;
        first_loss.get_or_insert(loss_value);
        nodes = tape.len();

        let grads = tape.backward(&loss)?;
        for (key, p) in params.iter_mut().enumerate() {
            let grad = grads
                .get_key(key as u64)
                .ok_or("every parameter feeds the loss, so each has a gradient")?;
            p.scaled_add_inplace(-LEARNING_RATE, grad)?;
        }
    }

    println!(
        "steps {steps}: loss {:.4} -> {loss_value:.4}, {nodes} nodes per step",
        first_loss.unwrap_or(f32::NAN)
    );
    Ok(())
}
