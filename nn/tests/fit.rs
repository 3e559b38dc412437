//! Tiny end-to-end fits. Each threshold is far below what a model reaches with a wrong
//! gradient: predicting the class prior for XOR gives cross-entropy ln 2 = 0.69, and predicting
//! the mean sum gives a mean squared error of 5/12 = 0.42.

use autodiff::Tape;
use nn::{
    cross_entropy, mse_loss, Activation, Adam, AdamConfig, Linear, LinearConfig, Lstm, LstmConfig,
    Module,
};
use nn::{ModuleExt, Optimizer, RecurrentOutput, Sequential};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tensor::Tensor;

#[test]
fn mlp_learns_xor() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut model = Sequential::<f32>::new()
        .with(
            Linear::new(
                &LinearConfig {
                    in_features: 2,
                    out_features: 8,
                    ..Default::default()
                },
                &mut rng,
            )
            .unwrap(),
        )
        .with(Activation::Tanh)
        .with(
            Linear::new(
                &LinearConfig {
                    in_features: 8,
                    out_features: 2,
                    ..Default::default()
                },
                &mut rng,
            )
            .unwrap(),
        );
    let mut optimizer = Adam::new(AdamConfig {
        lr: 0.05,
        ..Default::default()
    })
    .unwrap();
    let x = tensor::tensor!([[0.0f32, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]);
    let y = [0, 1, 1, 0];

    let tape = Tape::new();
    let mut loss = f32::INFINITY;
    for _ in 0..300 {
        let logits = model.forward(&tape, &tape.constant(x.clone())).unwrap();
        let l = cross_entropy(&logits, &y, &Default::default()).unwrap();
        loss = l.value().to_scalar().unwrap();
        let grads = tape.backward(&l).unwrap();
        optimizer.step(&mut model.param_grads(&grads)).unwrap();
        tape.clear();
    }
    assert!(loss < 0.02, "XOR loss after 300 steps: {loss}");

    let logits = model.forward(&tape, &tape.constant(x)).unwrap();
    assert_eq!(nn::accuracy(logits.value(), &y, None).unwrap(), 1.0);
}

/// Draws `batch` sequences of 5 values in [0, 1) and their sums.
fn sum_batch(rng: &mut StdRng, batch: usize) -> (Tensor<f32>, Tensor<f32>) {
    let values: Vec<f32> = (0..batch * 5).map(|_| rng.gen::<f32>()).collect();
    let sums: Vec<f32> = values.chunks(5).map(|s| s.iter().sum()).collect();
    (
        Tensor::from_vec(values, &[batch, 5, 1]).unwrap(),
        Tensor::from_vec(sums, &[batch, 1]).unwrap(),
    )
}

#[test]
fn lstm_learns_to_sum_a_sequence() {
    let mut rng = StdRng::seed_from_u64(2);
    let config = LstmConfig {
        input_size: 1,
        hidden_size: 16,
        output: RecurrentOutput::Last,
        ..Default::default()
    };
    let model = Sequential::<f32>::new()
        .with(Lstm::new(&config, &mut rng).unwrap())
        .with(
            Linear::new(
                &LinearConfig {
                    in_features: 16,
                    out_features: 1,
                    ..Default::default()
                },
                &mut rng,
            )
            .unwrap(),
        );
    let mut model = model;
    let mut optimizer = Adam::new(AdamConfig {
        lr: 0.01,
        ..Default::default()
    })
    .unwrap();

    let tape = Tape::new();
    for _ in 0..400 {
        let (x, y) = sum_batch(&mut rng, 32);
        let prediction = model.forward(&tape, &tape.constant(x)).unwrap();
        let loss = mse_loss(&prediction, &tape.constant(y)).unwrap();
        let grads = tape.backward(&loss).unwrap();
        optimizer.step(&mut model.param_grads(&grads)).unwrap();
        tape.clear();
    }

    let (x, y) = sum_batch(&mut rng, 256);
    let prediction = model.forward(&tape, &tape.constant(x)).unwrap();
    let test_mse = mse_loss(&prediction, &tape.constant(y))
        .unwrap()
        .value()
        .to_scalar()
        .unwrap();
    assert!(test_mse < 0.02, "test MSE after 400 steps: {test_mse}");
}
