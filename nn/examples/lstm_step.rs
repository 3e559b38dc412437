//! Times one training step (forward, backward, Adam update) of a recurrent classifier on an
//! MNIST-row-sized input: batch 128, 28 steps of 28 features, a recurrent layer with 128
//! hidden units, then Linear(128 -> 10) and cross-entropy. Prints the median and the fastest
//! of 20 timed steps after 3 warm-up steps for the LSTM, the GRU and the tanh RNN.
//!
//! Run with `cargo run --release -p nn --example lstm_step`.

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

/// Returns the median and the fastest step time in milliseconds for cells of type `C`.
fn step_times_ms<C: RecurrentCell<f32> + 'static>() -> nn::Result<(f64, f64)> {
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
    let mut model = Sequential::new()
        .with(Recurrent::<f32, C>::new(&config, &mut rng)?)
        .with(Linear::new(&head, &mut rng)?);
    let mut optimizer = Adam::new(AdamConfig::default())?;

    let x = Tensor::<f32>::rand_uniform(&[BATCH, STEPS, FEATURES], 0.0, 1.0, &mut rng)?;
    let y: Vec<usize> = (0..BATCH).map(|i| i % CLASSES).collect();
    let tape = Tape::new();
    let mut times = Vec::with_capacity(TIMED);
    for step in 0..WARM_UP + TIMED {
        let start = Instant::now();
        let logits = model.forward(&tape, &tape.constant(x.clone()))?;
        let loss = cross_entropy(&logits, &y, &Default::default())?;
        let grads = tape.backward(&loss)?;
        optimizer.step(&mut model.param_grads(&grads))?;
        tape.clear();
        if step >= WARM_UP {
            times.push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    times.sort_by(f64::total_cmp);
    Ok((times[TIMED / 2], times[0]))
}

fn main() -> nn::Result<()> {
    println!("one training step, batch {BATCH} x {STEPS} steps x {FEATURES} features, hidden {HIDDEN}, {} threads", rayon_threads());
    report("LSTM", step_times_ms::<LstmCell<f32>>()?);
    report("GRU ", step_times_ms::<GruCell<f32>>()?);
    report("RNN ", step_times_ms::<RnnCell<f32>>()?);
    Ok(())
}

/// Prints one line of results. The fastest step is shown too because on a shared machine the
/// median includes time the process waited for a core.
fn report(name: &str, (median, fastest): (f64, f64)) {
    println!("{name}: median {median:.1} ms, fastest {fastest:.1} ms");
}

/// Returns the thread count the tensor kernels may use (rayon's global pool).
fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
