//! Invariants of the Hebbian trace and of recall, over a longer random sequence with noise on:
//! `|H| <= c` at every step, `eta = 0` leaves the trace unchanged, and `top_k = 1` gives
//! one-hot attention.

mod common;

use autodiff::Tape;
use engram::cell::{unroll, EnnState, Unrolled};
use engram::{EngramConfig, TraceMode};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tensor::Tensor;

use common::{leaves, random_parameters, weights_from};

const BATCH: usize = 3;
const STEPS: usize = 12;

fn config() -> EngramConfig {
    EngramConfig {
        // A large rate and a small clip so that the clip is reached within a few steps.
        hebbian_rate: 0.5,
        trace_clip: 0.05,
        ..EngramConfig::new(5, 8, 6).unwrap()
    }
}

/// Runs the cell and returns the run and every trace, the initial one first.
fn run(config: &EngramConfig) -> (Unrolled<f64>, Vec<Tensor<f64>>) {
    let tape: Tape<f64> = Tape::new();
    let vars = leaves(&tape, &random_parameters(config, 3));
    let weights = weights_from(config, &vars);
    let mut rng = StdRng::seed_from_u64(5);
    let input =
        Tensor::rand_normal(&[BATCH, STEPS, config.input_size], 0.0, 1.0, &mut rng).unwrap();
    let state = EnnState::initial(config, &tape, BATCH, &mut rng).unwrap();
    let mut traces = vec![state.trace.value().clone()];
    // Unroll one step at a time to see every intermediate trace.
    let mut state = state;
    let mut last = None;
    for t in 0..STEPS {
        let step_input = input.narrow(1, t, 1).unwrap().contiguous();
        let out = unroll(
            config,
            &weights,
            &tape.constant(step_input),
            state.clone(),
            Some(&mut rng),
        )
        .unwrap();
        traces.push(out.state.trace.value().clone());
        state = out.state.clone();
        last = Some(out);
    }
    (last.unwrap(), traces)
}

#[test]
fn trace_stays_within_clip() {
    for mode in [TraceMode::Shared, TraceMode::PerSample] {
        let config = EngramConfig {
            trace_mode: mode,
            ..config()
        };
        let (_, traces) = run(&config);
        let largest = traces[1..]
            .iter()
            .flat_map(|t| t.to_vec())
            .fold(0.0f64, |acc, v| acc.max(v.abs()));
        // The bound is the f32 setting widened to f64, as the cell uses it.
        let clip = f64::from(config.trace_clip);
        assert!(largest <= clip, "{mode:?}: |H| reached {largest}");
        // The clip must be active, or this test shows nothing.
        assert!(
            largest > 0.99 * clip,
            "{mode:?}: the trace never reached the clip ({largest})"
        );
    }
}

#[test]
fn zero_rate_keeps_trace() {
    for mode in [TraceMode::Shared, TraceMode::PerSample] {
        let config = EngramConfig {
            hebbian_rate: 0.0,
            trace_mode: mode,
            ..config()
        };
        let (_, traces) = run(&config);
        for (t, trace) in traces.iter().enumerate() {
            assert_eq!(
                trace.to_vec(),
                traces[0].to_vec(),
                "{mode:?}: trace changed at step {t}"
            );
        }
    }
}

#[test]
fn top_one_attention_is_one_hot() {
    for mode in [TraceMode::Shared, TraceMode::PerSample] {
        let config = EngramConfig {
            top_k: Some(1),
            trace_mode: mode,
            ..config()
        };
        let tape: Tape<f64> = Tape::new();
        let vars = leaves(&tape, &random_parameters(&config, 3));
        let weights = weights_from(&config, &vars);
        let mut rng = StdRng::seed_from_u64(8);
        let input = Tensor::rand_normal(&[BATCH, STEPS, 5], 0.0, 1.0, &mut rng).unwrap();
        let state = EnnState::initial(&config, &tape, BATCH, &mut rng).unwrap();
        let out = unroll(
            &config,
            &weights,
            &tape.constant(input),
            state,
            Some(&mut rng),
        )
        .unwrap();
        for (t, attention) in out.attention.iter().enumerate() {
            for row in attention.value().to_vec().chunks(config.memory_size) {
                let ones = row.iter().filter(|&&a| a == 1.0).count();
                let zeros = row.iter().filter(|&&a| a == 0.0).count();
                assert_eq!(
                    (ones, zeros),
                    (1, config.memory_size - 1),
                    "{mode:?} step {t}: {row:?}"
                );
            }
        }
    }
}

#[test]
fn full_attention_rows_sum_to_one() {
    let config = config();
    let (out, _) = run(&config);
    for row in out.attention[0].value().to_vec().chunks(config.memory_size) {
        let total: f64 = row.iter().sum();
        assert!((total - 1.0).abs() < 1e-12, "row sums to {total}");
        assert!(
            row.iter().all(|&a| a > 0.0),
            "softmax without top_k gives every slot weight"
        );
    }
}
