//! Learning: on a small associative-recall task every model reaches a stated accuracy within a
//! bounded number of Adam steps.
//!
//! Each example shows two key-value pairs, then a query key; the target is the value stored
//! with that key. Keys are distinct within an example. A model that ignores the pairs scores
//! 25% (four values); one that uses the values but cannot bind them to keys scores about 50%.

use autodiff::Tape;
use engram::models::{build_model, ModelConfig, ModelKind, Task};
use engram::EngramConfig;
use nn::{cross_entropy, Adam, AdamConfig, CrossEntropyOptions, ModuleExt, Optimizer};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use tensor::Tensor;

const KEYS: usize = 4;
const VALUES: usize = 4;
const PAIRS: usize = 2;
/// Features per step: key one-hot, value one-hot, query flag.
const FEATURES: usize = KEYS + VALUES + 1;
const STEPS: usize = PAIRS + 1;
const BATCH: usize = 32;

/// Generates `count` examples as `([count, STEPS, FEATURES], targets)`.
fn recall_batch(count: usize, rng: &mut StdRng) -> (Tensor<f32>, Vec<usize>) {
    let mut data = vec![0.0f32; count * STEPS * FEATURES];
    let mut targets = Vec::with_capacity(count);
    let mut keys: Vec<usize> = (0..KEYS).collect();
    for example in data.chunks_mut(STEPS * FEATURES) {
        keys.shuffle(rng);
        let values: Vec<usize> = (0..PAIRS).map(|_| rng.gen_range(0..VALUES)).collect();
        for pair in 0..PAIRS {
            let step = &mut example[pair * FEATURES..(pair + 1) * FEATURES];
            step[keys[pair]] = 1.0;
            step[KEYS + values[pair]] = 1.0;
        }
        let asked = rng.gen_range(0..PAIRS);
        let query = &mut example[PAIRS * FEATURES..];
        query[keys[asked]] = 1.0;
        query[FEATURES - 1] = 1.0;
        targets.push(values[asked]);
    }
    (
        Tensor::from_vec(data, &[count, STEPS, FEATURES]).unwrap(),
        targets,
    )
}

/// Trains `kind` for `steps` Adam steps and returns its accuracy on 512 fresh examples.
fn train(kind: ModelKind, steps: usize, lr: f64) -> f64 {
    let mut enn = EngramConfig::new(FEATURES, 32, 8).unwrap();
    enn.noise_std = 0.0;
    let config = ModelConfig {
        task: Task::Classification { classes: VALUES },
        enn,
        attention_pooling: false,
        baseline_hidden: (32, 32),
        seed: 7,
    };
    let mut model = build_model(kind, &config).unwrap();
    let mut optimizer = Adam::new(AdamConfig {
        lr,
        ..AdamConfig::default()
    })
    .unwrap();
    let mut rng = StdRng::seed_from_u64(42);
    let tape = Tape::new();
    for _ in 0..steps {
        let (x, y) = recall_batch(BATCH, &mut rng);
        let logits = model.forward(&tape, &tape.constant(x)).unwrap();
        let loss = cross_entropy(&logits, &y, &CrossEntropyOptions::default()).unwrap();
        let grads = tape.backward(&loss).unwrap();
        optimizer.step(&mut model.param_grads(&grads)).unwrap();
        tape.clear();
    }

    model.eval();
    let (x, y) = recall_batch(512, &mut StdRng::seed_from_u64(1234));
    let logits = model.forward(&tape, &tape.constant(x)).unwrap();
    let predicted = logits.value().argmax(-1, false).unwrap();
    let correct = predicted
        .as_slice()
        .iter()
        .zip(&y)
        .filter(|(p, t)| p == t)
        .count();
    correct as f64 / y.len() as f64
}

/// Accuracy every model must reach; a model that cannot bind values to keys stays near 50%.
const REQUIRED_ACCURACY: f64 = 0.9;

fn assert_learns(kind: ModelKind, steps: usize) {
    let accuracy = train(kind, steps, 0.01);
    assert!(
        accuracy >= REQUIRED_ACCURACY,
        "{kind}: accuracy {accuracy} after {steps} steps, expected >= {REQUIRED_ACCURACY}"
    );
}

// Step budgets: each model reached 98-100% with its budget and seed; the GRU stays near 65%
// for about 1,000 steps before it binds keys to values.

#[test]
fn enn_learns_recall() {
    assert_learns(ModelKind::Enn, 600);
}

#[test]
fn rnn_learns_recall() {
    assert_learns(ModelKind::Rnn, 400);
}

#[test]
fn gru_learns_recall() {
    assert_learns(ModelKind::Gru, 2500);
}

#[test]
fn lstm_learns_recall() {
    assert_learns(ModelKind::Lstm, 1000);
}
