//! Training-step benchmarks: `training/f32/{model}-b128-t28-d28` times one step (forward,
//! backward through time, Adam update) on a batch of 128 sequences of 28 steps with 28
//! features, the shape of MNIST read row by row. Throughput is in sequences.
//!
//! Two sets of models: one recurrent layer of 128 units followed by Linear(128 -> 10) and
//! cross-entropy (`lstm-1layer`, `gru-1layer`, `rnn-1layer`), and the four models of the ENN
//! paper's MNIST comparison as the `engram` factory builds them (`enn`, `lstm`, `gru`, `rnn`).
//! With the feature `opencl`, the ENN step also runs on the OpenCL device (`opencl`).

use autodiff::Tape;
use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use engram::models::{build_model, ModelConfig, ModelKind};
use nn::{
    cross_entropy, Adam, AdamConfig, CrossEntropyOptions, GruCell, Linear, LinearConfig, LstmCell,
    Module, ModuleExt, Optimizer, Recurrent, RecurrentCell, RecurrentConfig, RecurrentOutput,
    RnnCell, Sequential,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tensor::Tensor;

const BATCH: usize = 128;
const STEPS: usize = 28;
const FEATURES: usize = 28;
const HIDDEN: usize = 128;
const CLASSES: usize = 10;

/// Builds a random input batch and random class targets, outside the timed closure.
fn batch() -> (Tensor<f32>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(3);
    let input = Tensor::rand_uniform(&[BATCH, STEPS, FEATURES], 0.0, 1.0, &mut rng)
        .expect("valid uniform bounds");
    let targets = (0..BATCH).map(|_| rng.gen_range(0..CLASSES)).collect();
    (input, targets)
}

/// Runs one training step of `model` and clears the tape for the next one.
fn train_step<M: Module<f32> + ?Sized>(
    model: &mut M,
    optimizer: &mut Adam<f32>,
    tape: &Tape<f32>,
    input: &Tensor<f32>,
    targets: &[usize],
) {
    let logits = model
        .forward(tape, &tape.constant(input.clone()))
        .expect("forward pass of a well-formed batch");
    let loss = cross_entropy(&logits, targets, &CrossEntropyOptions::default())
        .expect("targets are in range");
    let grads = tape.backward(&loss).expect("scalar loss");
    optimizer
        .step(&mut model.param_grads(&grads))
        .expect("finite gradients");
    tape.clear();
}

/// Builds one recurrent layer of `C` cells followed by a linear classifier.
fn one_layer<C: RecurrentCell<f32> + 'static>() -> Sequential<f32> {
    let mut rng = StdRng::seed_from_u64(0);
    let config = RecurrentConfig {
        input_size: FEATURES,
        hidden_size: HIDDEN,
        output: RecurrentOutput::Last,
        ..Default::default()
    };
    let head = LinearConfig {
        in_features: HIDDEN,
        out_features: CLASSES,
        ..Default::default()
    };
    Sequential::new()
        .with(Recurrent::<f32, C>::new(&config, &mut rng).expect("valid recurrent config"))
        .with(Linear::new(&head, &mut rng).expect("valid linear config"))
}

/// Times training steps of the models that `make` builds.
///
/// The steps run as the `enn` tool runs them, on a pool worker with the other workers spinning
/// (see `tensor::threads`). The tape and the models are not `Send`, so every measurement builds
/// its model on that worker and runs one untimed step first.
fn bench_model<M: Module<f32> + ?Sized>(
    c: &mut Criterion,
    name: &str,
    make: impl Fn() -> Box<M> + Sync,
) {
    let (input, targets) = batch();
    let mut group = c.benchmark_group(format!("training/f32/{name}-b{BATCH}-t{STEPS}-d{FEATURES}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("step", |b| {
        b.iter_custom(|iterations| {
            tensor::threads::with_spinning_workers(|| {
                let mut model = make();
                let mut optimizer =
                    Adam::new(AdamConfig::default()).expect("default Adam settings");
                let tape = Tape::new();
                train_step(model.as_mut(), &mut optimizer, &tape, &input, &targets);
                let start = Instant::now();
                for _ in 0..iterations {
                    train_step(model.as_mut(), &mut optimizer, &tape, &input, &targets);
                    black_box(&model);
                }
                start.elapsed()
            })
        })
    });
    group.finish();
}

/// Times the ENN classifier's training step with the model, the batch and the optimizer state
/// on the OpenCL device (`training/f32/enn-b128-t28-d28/opencl`), up to the end of the last
/// kernel. It runs outside the spinning workers, which would take the cores that a CPU OpenCL
/// device such as PoCL computes on.
#[cfg(feature = "opencl")]
fn bench_enn_on_opencl(c: &mut Criterion) {
    let Some(device) = super::opencl::device_for::<f32>() else {
        return;
    };
    let (input, targets) = batch();
    let input = super::opencl::upload(&input, &device);
    let mut model = build_model(ModelKind::Enn, &ModelConfig::mnist())
        .expect("the paper's MNIST configuration");
    model
        .to_device(&device)
        .expect("the device has memory for the model");
    let mut optimizer = Adam::new(AdamConfig::default()).expect("default Adam settings");
    let tape = Tape::new();
    let mut group = c.benchmark_group(format!("training/f32/enn-b{BATCH}-t{STEPS}-d{FEATURES}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("opencl", |b| {
        b.iter(|| {
            train_step(model.as_mut(), &mut optimizer, &tape, &input, &targets);
            super::opencl::finish(&device);
        })
    });
    group.finish();
}

/// Registers every training-step benchmark.
pub fn bench(c: &mut Criterion) {
    #[cfg(feature = "opencl")]
    bench_enn_on_opencl(c);
    bench_model(c, "lstm-1layer", || Box::new(one_layer::<LstmCell<f32>>()));
    bench_model(c, "gru-1layer", || Box::new(one_layer::<GruCell<f32>>()));
    bench_model(c, "rnn-1layer", || Box::new(one_layer::<RnnCell<f32>>()));
    for kind in [
        ModelKind::Enn,
        ModelKind::Lstm,
        ModelKind::Gru,
        ModelKind::Rnn,
    ] {
        bench_model(c, &kind.to_string(), || {
            build_model(kind, &ModelConfig::mnist()).expect("the paper's MNIST configuration")
        });
    }
}
