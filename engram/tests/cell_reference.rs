//! The ENN cell against NumPy: two steps with d=3, h=4, m=2, B=2, fixed weights and state,
//! noise off. The values come from `tests/reference/enn_cell.py`, which implements the
//! equations of the crate doc independently.

mod common;

use autodiff::Tape;
use engram::cell::{unroll, EnnState};
use rand::rngs::StdRng;

use common::{fill, leaves, reference_parameters, sequence, tiny_config, weights_from};

/// Maximum absolute difference to NumPy (float64 on both sides).
const TOLERANCE: f64 = 1e-7;

// Output of `python3 tests/reference/enn_cell.py`.
const HIDDEN_1: [f64; 8] = [
    -1.27994686,
    1.02510929,
    1.17991153,
    -0.749857488,
    0.525903455,
    1.16787911,
    0.232436714,
    -1.66168422,
];
const ATTENTION_1: [f64; 4] = [0.675736701, 0.324263299, 0.423614721, 0.576385279];
const TRACE_1: [f64; 8] = [
    0.1,
    0.1,
    0.0550279707,
    -0.0857390273,
    -0.1,
    -0.1,
    -0.1,
    0.012468415,
];
const HIDDEN_2: [f64; 8] = [
    -0.416353648,
    1.28246736,
    0.806397203,
    -1.43351117,
    -0.264016393,
    1.28736386,
    0.723462135,
    -1.50107156,
];
const ATTENTION_2: [f64; 4] = [0.710812504, 0.289187496, 0.382389953, 0.617610047];
const TRACE_2: [f64; 8] = [
    0.080701383,
    0.1,
    0.0651543199,
    -0.084734676,
    -0.0822221329,
    -0.0877748655,
    -0.1,
    -4.78233533e-05,
];

fn assert_close(name: &str, got: &[f64], expected: &[f64]) {
    assert_eq!(got.len(), expected.len(), "{name}: length");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!((g - e).abs() < TOLERANCE, "{name}[{i}]: got {g}, NumPy {e}");
    }
}

#[test]
fn cell_matches_numpy_two_steps() {
    let config = tiny_config();
    let tape: Tape<f64> = Tape::new();
    let vars = leaves(&tape, &reference_parameters(&config));
    let weights = weights_from(&config, &vars);
    let input = sequence(&[fill(&[2, 3], 1.2, 1.0), fill(&[2, 3], 1.3, 1.0)]);
    let state = EnnState {
        hidden: tape.constant(fill(&[2, 4], 1.4, 0.2)),
        trace: tape.constant(fill(&[2, 4], 1.5, 0.2)),
    };

    let run = unroll(
        &config,
        &weights,
        &tape.constant(input),
        state,
        None::<&mut StdRng>,
    )
    .unwrap();
    let trace_1 = {
        // The trace after step 1 is the trace input of step 2; recompute it with one step.
        let first = sequence(&[fill(&[2, 3], 1.2, 1.0)]);
        let state = EnnState {
            hidden: tape.constant(fill(&[2, 4], 1.4, 0.2)),
            trace: tape.constant(fill(&[2, 4], 1.5, 0.2)),
        };
        unroll(
            &config,
            &weights,
            &tape.constant(first),
            state,
            None::<&mut StdRng>,
        )
        .unwrap()
        .state
        .trace
    };

    assert_close("hidden 1", &run.outputs[0].value().to_vec(), &HIDDEN_1);
    assert_close(
        "attention 1",
        &run.attention[0].value().to_vec(),
        &ATTENTION_1,
    );
    assert_close("trace 1", &trace_1.value().to_vec(), &TRACE_1);
    assert_close("hidden 2", &run.outputs[1].value().to_vec(), &HIDDEN_2);
    assert_close(
        "attention 2",
        &run.attention[1].value().to_vec(),
        &ATTENTION_2,
    );
    assert_close("trace 2", &run.state.trace.value().to_vec(), &TRACE_2);
}
