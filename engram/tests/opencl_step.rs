//! ENN training steps on an OpenCL device against the same steps on the CPU, with the copies
//! between host and device counted while each step runs:
//!
//! - the cell: forward and backward through three unrolled steps. The loss and every
//!   parameter gradient must match, and nothing may be copied until they are read back.
//! - the ENN classifier the `enn` tool trains: forward with noise, a random initial state and
//!   top-k recall, cross-entropy, backward and an SGD update. The loss and the updated
//!   parameters must match, and only the step's inputs may be uploaded.
//! - the LSTM, GRU and RNN baselines, whose fused recurrent layers compute on host copies.
//!   Only the loss and the updated parameters are checked.
//!
//! Needs an OpenCL runtime (for example PoCL); the device comes from `TENSOR_OPENCL_DEVICE`
//! (`PLATFORM:DEVICE`, default `0:0`). Run with `cargo test -p engram --features opencl`.
#![cfg(feature = "opencl")]

mod common;

use std::sync::{Mutex, MutexGuard};

use autodiff::{Tape, Var};
use engram::cell::{unroll, EnnState, EnnWeights};
use engram::models::{build_model, ModelConfig, ModelKind, Task};
use engram::{EngramConfig, TraceMode};
use nn::{cross_entropy, CrossEntropyOptions, ModuleExt, Optimizer, Sgd, SgdConfig};
use rand::rngs::StdRng;
use tensor::opencl::{
    host_fallbacks, reset_transfer_stats, transfer_stats, OpenClDevice, TransferStats,
};
use tensor::{Device, Tensor};

use common::{fill, reference_parameters};

/// Relative tolerance of the loss (f32 on two devices that round differently).
const LOSS_RTOL: f64 = 1e-4;
/// Tolerance of each gradient element, relative to the largest magnitude in that gradient.
const GRAD_RTOL: f64 = 1e-3;
const BATCH: usize = 2;
const STEPS: usize = 3;

/// Serialises the tests: the transfer counters are global, so a test running next to another
/// would count its copies.
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn opencl_device() -> Device {
    Device::OpenCl(OpenClDevice::from_env().expect("an OpenCL device opens"))
}

/// Returns the test's configuration: d = 5, h = 8, m = 4, no noise, zero initial state.
fn config() -> EngramConfig {
    let mut config = EngramConfig::new(5, 8, 4).expect("valid sizes");
    config.noise_std = 0.0;
    config.initial_state_std = 0.0;
    config
}

/// Binds the parameter variables (in `reference_parameters` order) as `EnnWeights`.
fn weights_from(config: &EngramConfig, vars: &[Var<f32>]) -> EnnWeights<f32> {
    let norm = |g: &Var<f32>, b: &Var<f32>| config.layer_norm.then(|| (g.clone(), b.clone()));
    EnnWeights {
        encoder_weight: vars[0].clone(),
        encoder_bias: vars[1].clone(),
        encoder_norm: norm(&vars[2], &vars[3]),
        memory: vars[4].clone(),
        integrator_weight: vars[5].clone(),
        integrator_bias: vars[6].clone(),
        output_weight: vars[7].clone(),
        output_bias: vars[8].clone(),
        output_norm: norm(&vars[9], &vars[10]),
    }
}

/// What one step returns, read back to the host after the step.
struct StepResult {
    loss: f32,
    grads: Vec<Tensor<f32>>,
    /// Whether every gradient was still on the step's device before it was read back.
    grads_on_device: bool,
    /// Copies while the step ran, from the first operation to the last gradient (the uploads
    /// of parameters and inputs before it are excluded).
    during_step: TransferStats,
}

fn delta(after: TransferStats, before: TransferStats) -> TransferStats {
    TransferStats {
        uploads: after.uploads - before.uploads,
        downloads: after.downloads - before.downloads,
        bytes_up: after.bytes_up - before.bytes_up,
        bytes_down: after.bytes_down - before.bytes_down,
    }
}

/// Runs forward and backward on `device`. The loss is `sum_t sum(h_t^2)`.
fn run_step(config: &EngramConfig, device: &Device) -> StepResult {
    let params: Vec<Tensor<f32>> = reference_parameters(config)
        .iter()
        .map(|p| p.cast::<f32>().to_device(device).expect("upload parameter"))
        .collect();
    let input = fill(&[BATCH, STEPS, config.input_size], 0.3, 1.0)
        .cast::<f32>()
        .to_device(device)
        .expect("upload input");
    let trace_shape = match config.trace_mode {
        TraceMode::Shared => vec![config.memory_size, config.hidden_size],
        TraceMode::PerSample => vec![BATCH, config.memory_size, config.hidden_size],
    };
    let zeros = |shape: &[usize]| {
        Tensor::<f32>::zeros(shape)
            .to_device(device)
            .expect("upload")
    };
    let hidden = zeros(&[BATCH, config.hidden_size]);
    let trace = zeros(&trace_shape);

    let tape = Tape::new();
    let vars: Vec<Var<f32>> = params.into_iter().map(|p| tape.leaf(p)).collect();
    let weights = weights_from(config, &vars);
    let state = EnnState {
        hidden: tape.constant(hidden),
        trace: tape.constant(trace),
    };
    let x = tape.constant(input);

    reset_transfer_stats();
    let before = transfer_stats();
    let run = unroll(config, &weights, &x, state, None::<&mut StdRng>).expect("forward");
    let mut loss = run.outputs[0]
        .square()
        .expect("square")
        .sum(&[], false)
        .expect("sum");
    for h in &run.outputs[1..] {
        let term = h.square().expect("square").sum(&[], false).expect("sum");
        loss = loss.add(&term).expect("add");
    }
    let grads = tape.backward(&loss).expect("backward");
    let device_grads: Vec<Tensor<f32>> = vars
        .iter()
        .map(|v| {
            grads
                .get(v)
                .expect("every parameter gets a gradient")
                .clone()
        })
        .collect();
    let grads_on_device = device_grads.iter().all(|g| g.device() == *device);
    let loss = loss.value().to_host().expect("download loss").to_vec()[0];
    let grads = device_grads
        .iter()
        .map(|g| g.to_host().expect("download gradient"))
        .collect();
    let during_step = delta(transfer_stats(), before);
    StepResult {
        loss,
        grads,
        grads_on_device,
        during_step,
    }
}

#[test]
fn enn_step_on_opencl_matches_cpu() {
    let _serial = serial();
    let config = config();
    let device = opencl_device();
    let cpu = run_step(&config, &Device::Cpu);
    let gpu = run_step(&config, &device);

    let loss_error = (f64::from(gpu.loss) - f64::from(cpu.loss)).abs();
    assert!(
        loss_error <= LOSS_RTOL * f64::from(cpu.loss).abs(),
        "loss: device {}, cpu {}",
        gpu.loss,
        cpu.loss
    );
    for (index, (g, c)) in gpu.grads.iter().zip(&cpu.grads).enumerate() {
        assert_eq!(g.shape(), c.shape(), "gradient {index}: shapes");
        let scale = c
            .iter()
            .fold(0.0f64, |m, v| m.max(f64::from(v).abs()))
            .max(1e-12);
        for (position, (gv, cv)) in g.iter().zip(c.iter()).enumerate() {
            let error = (f64::from(gv) - f64::from(cv)).abs() / scale;
            assert!(
                error <= GRAD_RTOL,
                "gradient {index}, element {position}: device {gv}, cpu {cv}, max |g| {scale}"
            );
        }
    }
    assert!(
        gpu.grads_on_device,
        "gradients must stay on the device until read back"
    );

    let stats = gpu.during_step;
    assert_eq!(
        host_fallbacks(),
        vec![],
        "operations that ran on host copies"
    );
    assert_eq!(stats.uploads, 0, "uploads during the step: {stats:?}");
    // The loss and the 11 gradients are read back once each at the end, and nothing before.
    let reads_at_end = 1 + cpu.grads.len() as u64;
    assert_eq!(stats.downloads, reads_at_end, "downloads: {stats:?}");
}

/// Sizes of the classifier test: a batch of 4 sequences of 5 steps with 6 features.
const MODEL_SHAPE: [usize; 3] = [4, 5, 6];
const CLASSES: usize = 3;

/// What one classifier training step leaves: the loss, the updated parameters (read back
/// after the step) and the copies made while it ran.
struct ModelStep {
    loss: f32,
    params: Vec<(String, Tensor<f32>)>,
    during_step: TransferStats,
}

/// Runs forward, cross-entropy, backward and one SGD update of the classifier `kind` on
/// `device`. For the ENN, noise, the random initial state and top-k recall are on.
fn run_model_step(kind: ModelKind, device: &Device) -> ModelStep {
    let mut enn = EngramConfig::new(MODEL_SHAPE[2], 8, 4).expect("valid sizes");
    enn.noise_std = 0.01;
    enn.initial_state_std = 0.1;
    // Sparse recall: the top-2 of the 4 memory slots.
    enn.top_k = Some(2);
    let config = ModelConfig {
        task: Task::Classification { classes: CLASSES },
        enn,
        ..ModelConfig::mnist()
    };
    let mut model = build_model(kind, &config).expect("valid configuration");
    model
        .to_device(device)
        .expect("parameters move to the device");
    let mut optimizer = Sgd::new(SgdConfig {
        lr: 0.1,
        momentum: 0.9,
        ..Default::default()
    })
    .expect("valid settings");
    let input = fill(&MODEL_SHAPE, 0.2, 1.0)
        .cast::<f32>()
        .to_device(device)
        .expect("upload input");
    let targets = [0, 2, 1, 2];

    reset_transfer_stats();
    let tape = Tape::new();
    let logits = model
        .forward(&tape, &tape.constant(input))
        .expect("forward");
    let loss = cross_entropy(&logits, &targets, &CrossEntropyOptions::default()).expect("loss");
    let grads = tape.backward(&loss).expect("backward");
    optimizer
        .step(&mut model.param_grads(&grads))
        .expect("update");
    let during_step = transfer_stats();

    let loss = loss.value().to_host().expect("download loss").to_vec()[0];
    let params = model
        .named_params()
        .into_iter()
        .map(|(name, p)| (name, p.value().to_host().expect("download parameter")))
        .collect();
    ModelStep {
        loss,
        params,
        during_step,
    }
}

/// Checks that a device step gave the loss and updated parameters of the CPU step.
fn assert_same_step(gpu: &ModelStep, cpu: &ModelStep) {
    let loss_error = (f64::from(gpu.loss) - f64::from(cpu.loss)).abs();
    assert!(
        loss_error <= LOSS_RTOL * f64::from(cpu.loss).abs(),
        "loss: device {}, cpu {}",
        gpu.loss,
        cpu.loss
    );
    for ((name, g), (_, c)) in gpu.params.iter().zip(&cpu.params) {
        for (position, (gv, cv)) in g.iter().zip(c.iter()).enumerate() {
            // Parameters of order 1 after one step of lr 0.1: an absolute bound fits.
            assert!(
                (gv - cv).abs() <= 1e-5,
                "{name}, element {position}: device {gv}, cpu {cv}"
            );
        }
    }
}

#[test]
fn baseline_steps_match_cpu() {
    let _serial = serial();
    // The fused recurrent layers compute on host copies of device tensors and return their
    // results to the device. The step copies, so only its result is checked.
    for kind in [ModelKind::Lstm, ModelKind::Gru, ModelKind::Rnn] {
        let cpu = run_model_step(kind, &Device::Cpu);
        let gpu = run_model_step(kind, &opencl_device());
        assert_same_step(&gpu, &cpu);
    }
}

#[test]
fn enn_classifier_step_matches_cpu() {
    let _serial = serial();
    let cpu = run_model_step(ModelKind::Enn, &Device::Cpu);
    let gpu = run_model_step(ModelKind::Enn, &opencl_device());
    assert_same_step(&gpu, &cpu);

    let stats = gpu.during_step;
    assert_eq!(
        host_fallbacks(),
        vec![],
        "operations that ran on host copies"
    );
    assert_eq!(stats.downloads, 0, "downloads during the step: {stats:?}");
    // Only the step's inputs, which are drawn or read on the host, are uploaded. They are the
    // initial hidden state and trace, the noise of every step (one tensor), the dropout mask
    // of the classifier head, and the targets (an index for the loss and one for its gradient).
    assert_eq!(stats.uploads, 6, "uploads during the step: {stats:?}");
}
