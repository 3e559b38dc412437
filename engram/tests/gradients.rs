//! Gradient checks of the ENN cell in f64: one step, and four unrolled steps, for the reference
//! configuration and for every option. Gradients flow into every parameter, the initial hidden
//! state and the initial trace; the loss weights every output by fixed coefficients, so the
//! upstream gradient is not constant.

mod common;

use autodiff::{check_gradients, AutodiffError, Tape, Var};
use engram::cell::{step, unroll, EnnState};
use engram::encoder::EncodedSequence;
use engram::{EngramConfig, TraceLearning, TraceMode};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tensor::Tensor;

use common::{fill, reference_parameters, sequence, tiny_config, weights_from};

/// Largest accepted `|analytic - numerical| / (1 + |numerical|)`.
const TOLERANCE: f64 = 1e-6;
const BATCH: usize = 2;
const PARAMETERS: usize = 11;

fn input(steps: usize) -> Tensor<f64> {
    let per_step: Vec<Tensor<f64>> = (0..steps)
        .map(|t| fill(&[BATCH, 3], 1.2 + 0.1 * t as f64, 1.0))
        .collect();
    sequence(&per_step)
}

fn initial_trace(config: &EngramConfig) -> Tensor<f64> {
    match config.trace_mode {
        TraceMode::Shared => fill(&[2, 4], 1.5, 0.05),
        TraceMode::PerSample => fill(&[BATCH, 2, 4], 1.5, 0.05),
    }
}

/// Parameters, then the initial hidden state, then the initial trace.
fn check_inputs(config: &EngramConfig) -> Vec<Tensor<f64>> {
    let mut inputs = reference_parameters(config);
    inputs.push(fill(&[BATCH, 4], 1.4, 0.2));
    inputs.push(initial_trace(config));
    inputs
}

/// `sum_t sum(h_t * C_t) + sum(H_T * C_H)` with fixed coefficients `C`.
fn weighted_loss(outputs: &[Var<f64>], trace: &Var<f64>) -> autodiff::Result<Var<f64>> {
    let tape = trace.tape().clone();
    let mut loss = trace
        .mul(&tape.constant(fill(trace.shape(), 2.0, 1.0)))?
        .sum(&[], false)?;
    for (t, h) in outputs.iter().enumerate() {
        let coefficients = tape.constant(fill(h.shape(), 3.0 + t as f64, 1.0));
        loss = loss.add(&h.mul(&coefficients)?.sum(&[], false)?)?;
    }
    Ok(loss)
}

fn to_autodiff(err: engram::EngramError) -> AutodiffError {
    AutodiffError::invalid("enn", err.to_string())
}

/// The unrolled network over `steps` steps; noise, when on, comes from a generator seeded
/// the same way on every evaluation, so the function stays deterministic.
fn unrolled_loss(
    config: &EngramConfig,
    steps: usize,
) -> impl Fn(&Tape<f64>, &[Var<f64>]) -> autodiff::Result<Var<f64>> + '_ {
    move |_tape, vars| {
        let weights = weights_from(config, &vars[..PARAMETERS]);
        let state = EnnState {
            hidden: vars[PARAMETERS].clone(),
            trace: vars[PARAMETERS + 1].clone(),
        };
        let mut rng = StdRng::seed_from_u64(11);
        let x = vars[0].tape().constant(input(steps));
        let run = unroll(config, &weights, &x, state, Some(&mut rng)).map_err(to_autodiff)?;
        weighted_loss(&run.outputs, &run.state.trace)
    }
}

fn assert_check(config: &EngramConfig, steps: usize) {
    let report = check_gradients(
        unrolled_loss(config, steps),
        &check_inputs(config),
        TOLERANCE,
    )
    .unwrap();
    assert!(report.passed(), "{config:?}\n{report}");
}

#[test]
fn cell_one_step_reference() {
    assert_check(&tiny_config(), 1);
}

#[test]
fn unrolled_four_steps_reference() {
    assert_check(&tiny_config(), 4);
}

#[test]
fn unrolled_four_steps_top_k() {
    let config = EngramConfig {
        top_k: Some(1),
        ..tiny_config()
    };
    assert_check(&config, 1);
    assert_check(&config, 4);
}

#[test]
fn unrolled_four_steps_per_sample_trace() {
    let config = EngramConfig {
        trace_mode: TraceMode::PerSample,
        ..tiny_config()
    };
    assert_check(&config, 1);
    assert_check(&config, 4);
}

#[test]
fn unrolled_four_steps_without_layer_norm() {
    let config = EngramConfig {
        layer_norm: false,
        ..tiny_config()
    };
    assert_check(&config, 1);
    assert_check(&config, 4);
}

#[test]
fn unrolled_four_steps_with_seeded_noise() {
    let config = EngramConfig {
        noise_std: 0.001,
        ..tiny_config()
    };
    assert_check(&config, 4);
}

#[test]
fn unrolled_four_steps_per_sample_top_k() {
    let config = EngramConfig {
        trace_mode: TraceMode::PerSample,
        top_k: Some(1),
        ..tiny_config()
    };
    assert_check(&config, 4);
}

/// With the local rule no gradient flows through the trace update, so the analytic gradient
/// must equal the finite differences of the same network with every step's trace frozen to
/// the values the local rule produced.
#[test]
fn local_rule_matches_frozen_trace() {
    let steps = 4;
    let config = EngramConfig {
        trace_learning: TraceLearning::LocalRule,
        ..tiny_config()
    };
    let inputs = check_inputs(&config);

    // Traces entering each step, from one forward run.
    let tape: Tape<f64> = Tape::new();
    let vars: Vec<Var<f64>> = inputs.iter().map(|t| tape.leaf(t.clone())).collect();
    let weights = weights_from(&config, &vars[..PARAMETERS]);
    let mut state = EnnState {
        hidden: vars[PARAMETERS].clone(),
        trace: vars[PARAMETERS + 1].clone(),
    };
    let encoder = weights.encoder();
    let encoded = EncodedSequence::new(&encoder, &tape.constant(input(steps)), 1e-6).unwrap();
    let mut traces = vec![state.trace.value().clone()];
    for t in 0..steps {
        let z = encoded.step(&encoder, t).unwrap();
        let out = step(&config, &weights, &z, &state, None).unwrap();
        traces.push(out.trace.value().clone());
        state = EnnState {
            hidden: out.hidden,
            trace: out.trace,
        };
    }

    // The local-rule network's analytic gradients.
    let analytic_tape: Tape<f64> = Tape::new();
    let analytic_vars: Vec<Var<f64>> = inputs
        .iter()
        .map(|t| analytic_tape.leaf(t.clone()))
        .collect();
    let loss = unrolled_loss(&config, steps)(&analytic_tape, &analytic_vars).unwrap();
    let grads = analytic_tape.backward(&loss).unwrap();

    // The frozen-trace network, checked by finite differences with the initial trace as an
    // input, must produce the same analytic gradients.
    let frozen = |_: &Tape<f64>, vars: &[Var<f64>]| -> autodiff::Result<Var<f64>> {
        let weights = weights_from(&config, &vars[..PARAMETERS]);
        let encoder = weights.encoder();
        let tape = vars[0].tape().clone();
        let encoded = EncodedSequence::new(&encoder, &tape.constant(input(steps)), 1e-6)
            .map_err(to_autodiff)?;
        let mut hidden = vars[PARAMETERS].clone();
        let mut outputs = Vec::new();
        for (t, trace) in traces.iter().take(steps).enumerate() {
            let trace = if t == 0 {
                vars[PARAMETERS + 1].clone()
            } else {
                tape.constant(trace.clone())
            };
            let z = encoded.step(&encoder, t).map_err(to_autodiff)?;
            let state = EnnState { hidden, trace };
            let out = step(&config, &weights, &z, &state, None).map_err(to_autodiff)?;
            hidden = out.hidden.clone();
            outputs.push(out.hidden);
        }
        weighted_loss(&outputs, &tape.constant(traces[steps].clone()))
    };
    let report = check_gradients(frozen, &inputs, TOLERANCE).unwrap();
    assert!(report.passed(), "frozen-trace network: {report}");

    let frozen_tape: Tape<f64> = Tape::new();
    let frozen_vars: Vec<Var<f64>> = inputs.iter().map(|t| frozen_tape.leaf(t.clone())).collect();
    let frozen_loss = frozen(&frozen_tape, &frozen_vars).unwrap();
    let frozen_grads = frozen_tape.backward(&frozen_loss).unwrap();
    assert!(
        (loss.value().to_scalar().unwrap() - frozen_loss.value().to_scalar().unwrap()).abs()
            < 1e-12
    );
    for (index, (a, b)) in analytic_vars.iter().zip(&frozen_vars).enumerate() {
        let expected = frozen_grads.get(b).map(|g| g.to_vec());
        let got = grads.get(a).map(|g| g.to_vec());
        let (Some(expected), Some(got)) = (expected, got) else {
            panic!("input {index}: gradient missing");
        };
        for (g, e) in got.iter().zip(&expected) {
            assert!(
                (g - e).abs() < 1e-10,
                "input {index}: local rule {g}, frozen trace {e}"
            );
        }
    }
}

#[test]
fn attention_pool_gradients() {
    use engram::pooling::attention_pool;
    let inputs = [
        fill(&[2, 3, 4], 0.3, 1.0),
        fill(&[4], 0.9, 0.7),
        fill(&[1], 0.1, 0.5),
    ];
    let loss = |tape: &Tape<f64>, vars: &[Var<f64>]| -> autodiff::Result<Var<f64>> {
        let (pooled, weights) =
            attention_pool(&vars[0], &vars[1], &vars[2]).map_err(to_autodiff)?;
        let a = pooled
            .mul(&tape.constant(fill(&[2, 4], 2.0, 1.0)))?
            .sum(&[], false)?;
        let b = weights
            .mul(&tape.constant(fill(&[2, 3], 5.0, 1.0)))?
            .sum(&[], false)?;
        a.add(&b)
    };
    let report = check_gradients(loss, &inputs, TOLERANCE).unwrap();
    assert!(report.passed(), "{report}");
}

#[test]
fn attention_pool_by_hand() {
    use engram::pooling::attention_pool;
    // With w = 0 and b = 0 every score is tanh(0) = 0, so the weights are uniform (1/2) and the
    // pooled output is the mean over time: ([1, 2] + [3, 6]) / 2 = [2, 4].
    let tape: Tape<f64> = Tape::new();
    let outputs = tape.constant(Tensor::from_vec(vec![1.0, 2.0, 3.0, 6.0], &[1, 2, 2]).unwrap());
    let w = tape.constant(Tensor::zeros(&[2]));
    let b = tape.constant(Tensor::zeros(&[1]));
    let (pooled, weights) = attention_pool(&outputs, &w, &b).unwrap();
    assert_eq!(pooled.value().to_vec(), vec![2.0, 4.0]);
    assert_eq!(weights.value().to_vec(), vec![0.5, 0.5]);
}

/// The input takes a gradient too when an earlier layer produced it (an embedding, say).
#[test]
fn unrolled_three_steps_tracked_input() {
    for layer_norm in [true, false] {
        let config = EngramConfig {
            layer_norm,
            ..tiny_config()
        };
        let mut inputs = check_inputs(&config);
        inputs.push(input(3));
        let loss = |_: &Tape<f64>, vars: &[Var<f64>]| -> autodiff::Result<Var<f64>> {
            let weights = weights_from(&config, &vars[..PARAMETERS]);
            let state = EnnState {
                hidden: vars[PARAMETERS].clone(),
                trace: vars[PARAMETERS + 1].clone(),
            };
            let x = &vars[PARAMETERS + 2];
            let run =
                unroll(&config, &weights, x, state, None::<&mut StdRng>).map_err(to_autodiff)?;
            weighted_loss(&run.outputs, &run.state.trace)
        };
        let report = check_gradients(loss, &inputs, TOLERANCE).unwrap();
        assert!(report.passed(), "layer_norm {layer_norm}: {report}");
    }
}
