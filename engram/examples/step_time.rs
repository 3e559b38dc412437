//! Times one training step (forward, backward, Adam) of each model in the MNIST configuration
//! of the ENN paper (Szelogowski, arXiv 2507.21474): batch 128, 28 steps of 28 features, 10 classes.
//!
//! Run: `cargo run --release -p engram --example step_time [MODEL ...]` with models from
//! `enn rnn gru lstm` (all four by default). Prints the median of 10 timed steps after 2
//! warm-up steps, split into forward, backward and optimizer time.
//!
//! The steps run as the `enn` tool runs them: inside
//! [`tensor::threads::with_spinning_workers`] and with the mimalloc allocator. Set
//! `TENSOR_SPIN_WAIT=0` to time them with sleeping workers instead.

use std::time::{Duration, Instant};

use autodiff::Tape;
use engram::models::{build_model, ModelConfig, ModelKind};
use nn::{cross_entropy, Adam, AdamConfig, CrossEntropyOptions, ModuleExt, Optimizer};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tensor::Tensor;

// Training allocates and frees many buffers of 100-200 KB per step. The system allocator
// returns such blocks to the kernel and takes page faults to get them back.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BATCH: usize = 128;
const STEPS: usize = 28;
const FEATURES: usize = 28;
const CLASSES: usize = 10;
const WARM_UP: usize = 2;
const TIMED: usize = 10;

/// Forward, backward and optimizer time of one step.
#[derive(Clone, Copy)]
struct StepTime {
    forward: Duration,
    backward: Duration,
    optimizer: Duration,
}

impl StepTime {
    fn total(&self) -> Duration {
        self.forward + self.backward + self.optimizer
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn time_model(kind: ModelKind) -> Result<Vec<StepTime>, Box<dyn std::error::Error>> {
    let mut model = build_model(kind, &ModelConfig::mnist())?;
    let mut optimizer = Adam::new(AdamConfig::default())?;
    let mut rng = StdRng::seed_from_u64(3);
    let input = Tensor::rand_uniform(&[BATCH, STEPS, FEATURES], 0.0, 1.0, &mut rng)?;
    let targets: Vec<usize> = (0..BATCH).map(|_| rng.gen_range(0..CLASSES)).collect();
    let tape = Tape::new();
    let mut times = Vec::with_capacity(TIMED);
    for step in 0..WARM_UP + TIMED {
        let start = Instant::now();
        let logits = model.forward(&tape, &tape.constant(input.clone()))?;
        let loss = cross_entropy(&logits, &targets, &CrossEntropyOptions::default())?;
        let forward = start.elapsed();

        let start = Instant::now();
        let grads = tape.backward(&loss)?;
        let backward = start.elapsed();

        let start = Instant::now();
        optimizer.step(&mut model.param_grads(&grads))?;
        tape.clear();
        let optimizer_time = start.elapsed();
        if step >= WARM_UP {
            times.push(StepTime {
                forward,
                backward,
                optimizer: optimizer_time,
            });
        }
    }
    Ok(times)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kinds: Vec<ModelKind> = match std::env::args().skip(1).collect::<Vec<_>>() {
        names if names.is_empty() => ModelKind::ALL.to_vec(),
        names => names.iter().map(|n| n.parse()).collect::<Result<_, _>>()?,
    };
    println!(
        "one training step, batch {BATCH} x {STEPS} steps x {FEATURES} features, median of {TIMED}"
    );
    println!(
        "{:<6} {:>10} {:>10} {:>10} {:>10}",
        "model", "total ms", "forward", "backward", "adam"
    );
    for kind in kinds {
        let times = tensor::threads::with_spinning_workers(|| {
            time_model(kind).map_err(|error| error.to_string())
        })?;
        let total = median(times.iter().map(StepTime::total).collect());
        let forward = median(times.iter().map(|t| t.forward).collect());
        let backward = median(times.iter().map(|t| t.backward).collect());
        let optimizer = median(times.iter().map(|t| t.optimizer).collect());
        println!(
            "{:<6} {:>10.1} {:>10.1} {:>10.1} {:>10.1}",
            kind.name(),
            millis(total),
            millis(forward),
            millis(backward),
            millis(optimizer)
        );
    }
    Ok(())
}
