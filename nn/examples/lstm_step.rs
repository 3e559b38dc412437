//! Times one training step (forward, backward, Adam update) of a recurrent classifier on an
//! MNIST-row-sized input: batch 128, 28 steps of 28 features, a recurrent layer with 128
//! hidden units, then Linear(128 -> 10) and cross-entropy, for the LSTM, the GRU and the tanh
//! RNN. It times 20 steps after 3 warm-up steps. It prints the median and the fastest
//! wall-clock time, the CPU time per step summed over all threads (Linux only) and the loss
//! of the first and the last step.
//!
//! Run with `cargo run --release -p nn --example lstm_step [lstm|gru|rnn] [--stack]`; without
//! a cell name it times all three. `--stack` times the ENN paper's baseline instead: a layer of
//! 128 units returning every step, a layer of 64 units returning the last step, then
//! Linear(64 -> 10). On a shared machine the CPU time is the steadier figure, because the
//! wall-clock time includes time the process waited for a core.

use std::time::Instant;

use autodiff::Tape;
use nn::{
    cross_entropy, Adam, AdamConfig, GruCell, Linear, LinearConfig, LstmCell, Module, ModuleExt,
};
use nn::{
    Optimizer, Recurrent, RecurrentCell, RecurrentConfig, RecurrentOutput, RnnCell, Sequential,
};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tensor::Tensor;

const BATCH: usize = 128;
const STEPS: usize = 28;
const FEATURES: usize = 28;
const HIDDEN: usize = 128;
const CLASSES: usize = 10;
const WARM_UP: usize = 3;
const TIMED: usize = 20;

/// Timings and the final loss of one model.
struct Timing {
    median_ms: f64,
    fastest_ms: f64,
    /// CPU time per step over all threads, when the platform reports it.
    cpu_ms: Option<f64>,
    /// Loss of the first step (before any update) and of the last step.
    first_loss: f32,
    loss: f32,
}

/// Builds a classifier with cells of type `C` and a linear head. Without `stack` it has one
/// recurrent layer of `HIDDEN` units. With `stack` it is the ENN paper's baseline: a layer of
/// 128 units returning every step, then one of 64 units returning the last step.
fn build_model<C: RecurrentCell<f32> + 'static>(
    stack: bool,
    rng: &mut StdRng,
) -> nn::Result<Sequential<f32>> {
    let layer = |input_size, hidden_size, output| RecurrentConfig {
        input_size,
        hidden_size,
        output,
        ..Default::default()
    };
    let mut model = Sequential::new();
    let last_size = if stack {
        model = model
            .with(Recurrent::<f32, C>::new(
                &layer(FEATURES, 128, RecurrentOutput::Sequence),
                rng,
            )?)
            .with(Recurrent::<f32, C>::new(
                &layer(128, 64, RecurrentOutput::Last),
                rng,
            )?);
        64
    } else {
        model = model.with(Recurrent::<f32, C>::new(
            &layer(FEATURES, HIDDEN, RecurrentOutput::Last),
            rng,
        )?);
        HIDDEN
    };
    let head = LinearConfig {
        in_features: last_size,
        out_features: CLASSES,
        ..Default::default()
    };
    Ok(model.with(Linear::new(&head, rng)?))
}

/// Times training steps of a model with cells of type `C` (see [`build_model`]).
fn step_times_ms<C: RecurrentCell<f32> + 'static>(stack: bool) -> nn::Result<Timing> {
    let mut rng = StdRng::seed_from_u64(0);
    let mut model = build_model::<C>(stack, &mut rng)?;
    let mut optimizer = Adam::new(AdamConfig::default())?;

    let x = Tensor::<f32>::rand_uniform(&[BATCH, STEPS, FEATURES], 0.0, 1.0, &mut rng)?;
    let y: Vec<usize> = (0..BATCH).map(|i| i % CLASSES).collect();
    let tape = Tape::new();
    let mut times = Vec::with_capacity(TIMED);
    let mut cpu_start = None;
    let mut first_loss = f32::NAN;
    let mut last_loss = f32::NAN;
    for step in 0..WARM_UP + TIMED {
        if step == WARM_UP {
            cpu_start = cpu_time_ns();
        }
        let start = Instant::now();
        let logits = model.forward(&tape, &tape.constant(x.clone()))?;
        let loss = cross_entropy(&logits, &y, &Default::default())?;
        last_loss = loss.value().to_vec()[0];
        if step == 0 {
            first_loss = last_loss;
        }
        let grads = tape.backward(&loss)?;
        optimizer.step(&mut model.param_grads(&grads))?;
        tape.clear();
        if step >= WARM_UP {
            times.push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    let cpu_ms = cpu_start
        .zip(cpu_time_ns())
        .map(|(start, end)| (end - start) as f64 / 1e6 / TIMED as f64);
    times.sort_by(f64::total_cmp);
    Ok(Timing {
        median_ms: times[TIMED / 2],
        fastest_ms: times[0],
        cpu_ms,
        first_loss,
        loss: last_loss,
    })
}

/// Returns the CPU time of all threads of this process in nanoseconds, from
/// `/proc/self/task/*/schedstat` (Linux), or `None` where that is not available.
fn cpu_time_ns() -> Option<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(entry.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(total)
}

fn main() -> nn::Result<()> {
    println!("one training step, batch {BATCH} x {STEPS} steps x {FEATURES} features, hidden {HIDDEN}, {} threads", rayon_threads());
    let args: Vec<String> = std::env::args().skip(1).map(|a| a.to_lowercase()).collect();
    let stack = args.iter().any(|a| a == "--stack");
    let only = args.iter().find(|a| !a.starts_with("--"));
    let selected = |name: &str| only.is_none_or(|only| only == name);
    if stack {
        println!("stacked layers: recurrent(128, every step) -> recurrent(64, last step)");
    }
    if selected("lstm") {
        report("LSTM", step_times_ms::<LstmCell<f32>>(stack)?);
    }
    if selected("gru") {
        report("GRU ", step_times_ms::<GruCell<f32>>(stack)?);
    }
    if selected("rnn") {
        report("RNN ", step_times_ms::<RnnCell<f32>>(stack)?);
    }
    Ok(())
}

/// Prints one line of results. The fastest step is shown too because on a shared machine the
/// median includes time the process waited for a core.
fn report(name: &str, timing: Timing) {
    let cpu = timing
        .cpu_ms
        .map_or_else(|| "n/a".to_string(), |ms| format!("{ms:.1} ms"));
    println!(
        "{name}: median {:.1} ms, fastest {:.1} ms, CPU {cpu} per step, loss {:.7} first, {:.7} \
         last",
        timing.median_ms, timing.fastest_ms, timing.first_loss, timing.loss
    );
}

/// Returns the thread count the tensor kernels may use (rayon's global pool).
fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
