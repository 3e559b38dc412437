//! Recurrent cells and layers: outputs against numpy references, fused sequence against the
//! step-by-step composition, and gradient checks through three time steps.

mod common;

use autodiff::{assert_gradients_close, Tape, Var};
use common::{check_param_gradients, weighted_sum, GRAD_TOL};
use nn::{
    CellState, GruCell, LstmCell, Module, ModuleExt, Recurrent, RecurrentCell, RecurrentConfig,
};
use nn::{RecurrentOutput, RnnCell};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tensor::Tensor;

/// Tolerance against numpy float64 references computed with the same formulas.
const VALUE_TOL: f64 = 1e-12;

const BATCH: usize = 2;
const STEPS: usize = 3;
const INPUT: usize = 2;
const HIDDEN: usize = 3;

/// Builds a tensor whose element at a multi-index is `f(index)`.
fn pattern(shape: &[usize], f: impl Fn(&[usize]) -> f64) -> Tensor<f64> {
    let count: usize = shape.iter().product();
    let mut data = Vec::with_capacity(count);
    let mut index = vec![0; shape.len()];
    for _ in 0..count {
        data.push(f(&index));
        for axis in (0..shape.len()).rev() {
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    Tensor::from_vec(data, shape).unwrap()
}

/// Sets the weights of `tests/reference/cells.py`.
fn set_reference_weights<C: RecurrentCell<f64>>(cell: &mut C) {
    let p = cell.params_mut();
    let rows = p.gates * HIDDEN;
    let m = |a: usize, b: usize, c: i64| ((a as i64) % b as i64 - c) as f64;
    p.weight_ih
        .set(pattern(&[rows, INPUT], |i| {
            0.1 * m(7 * i[0] + 3 * i[1], 11, 5)
        }))
        .unwrap();
    p.weight_hh
        .set(pattern(&[rows, HIDDEN], |i| {
            0.1 * m(5 * i[0] + 2 * i[1], 7, 3)
        }))
        .unwrap();
    p.bias_ih
        .as_mut()
        .unwrap()
        .set(pattern(&[rows], |i| 0.05 * m(i[0], 5, 2)))
        .unwrap();
    p.bias_hh
        .as_mut()
        .unwrap()
        .set(pattern(&[rows], |i| 0.03 * m(i[0], 3, 1)))
        .unwrap();
}

fn reference_x() -> Tensor<f64> {
    pattern(&[BATCH, STEPS, INPUT], |i| {
        0.2 * ((5 * i[0] + 3 * i[1] + i[2]) % 7) as f64 - 0.6
    })
}

fn reference_state(tape: &Tape<f64>, with_cell: bool) -> CellState<f64> {
    let h0 = pattern(&[BATCH, HIDDEN], |i| 0.1 * (i[0] as f64 - i[1] as f64));
    let c0 = pattern(&[BATCH, HIDDEN], |i| {
        0.05 * (i[1] + 1) as f64 * (i[0] + 1) as f64
    });
    CellState {
        h: tape.constant(h0),
        c: with_cell.then(|| tape.constant(c0)),
    }
}

fn new_cell<C: RecurrentCell<f64>>() -> C {
    let mut cell = C::new(INPUT, HIDDEN, true, &mut StdRng::seed_from_u64(0)).unwrap();
    set_reference_weights(&mut cell);
    cell
}

/// Runs `step` over the reference input and returns h as `[batch, steps, hidden]` row-major,
/// plus the last c.
fn run_steps<C: RecurrentCell<f64>>(cell: &C) -> (Vec<f64>, Option<Vec<f64>>) {
    let tape = Tape::new();
    let x = reference_x();
    let mut state = reference_state(&tape, cell.has_cell_state());
    let mut hs = Vec::new();
    for t in 0..STEPS {
        let x_t = tape.constant(x.select(1, t).unwrap());
        state = cell.step(&tape, &x_t, &state).unwrap();
        hs.push(state.h.value().clone());
    }
    let refs: Vec<&Tensor<f64>> = hs.iter().collect();
    let stacked = Tensor::stack(&refs, 1).unwrap();
    (stacked.to_vec(), state.c.map(|c| c.value().to_vec()))
}

/// Runs the fused sequence over the reference input; same return as [`run_steps`].
fn run_fused<C: RecurrentCell<f64>>(cell: &C) -> (Vec<f64>, Option<Vec<f64>>) {
    let tape = Tape::new();
    let x = tape.constant(
        reference_x()
            .permute(&[1, 0, 2])
            .unwrap()
            .reshape(&[-1, INPUT as isize])
            .unwrap(),
    );
    let state = reference_state(&tape, cell.has_cell_state());
    let out = cell.forward_sequence(&tape, &x, STEPS, &state).unwrap();
    let h = out
        .value()
        .select(0, 0)
        .unwrap()
        .permute(&[1, 0, 2])
        .unwrap()
        .to_vec();
    let c = cell.has_cell_state().then(|| {
        out.value()
            .select(0, 1)
            .unwrap()
            .select(0, STEPS - 1)
            .unwrap()
            .to_vec()
    });
    (h, c)
}

fn assert_close(got: &[f64], expected: &[f64], label: &str) {
    assert_eq!(got.len(), expected.len(), "{label}");
    for (k, (g, e)) in got.iter().zip(expected).enumerate() {
        assert!(
            (g - e).abs() < VALUE_TOL,
            "{label}[{k}]: got {g}, expected {e}"
        );
    }
}

// Printed by tests/reference/cells.py.
const RNN_H: [f64; 18] = [
    0.23549574953849797,
    -0.3095069212126384,
    0.14888503362331798,
    -0.1923819841700234,
    0.17329599774182278,
    -0.05650663694861564,
    -0.2685177126738693,
    -0.3048106980670462,
    -0.09807255426928033,
    -0.45421643268225914,
    0.34521403413552104,
    0.03997868031116358,
    0.21245537814856685,
    -0.4039877879424864,
    0.14599838614059138,
    -0.30836536504624634,
    0.326662574912184,
    -0.09431590914340489,
];
const GRU_H: [f64; 18] = [
    -0.10109063890820533,
    -0.11237478253307712,
    0.06162581224474853,
    -0.118160366456127,
    -0.022459518913087673,
    0.05476198682552727,
    0.07470287176347681,
    -0.09490612598004912,
    -0.04807721500649361,
    -0.027662516786301966,
    0.061901021769133584,
    -0.12078892877974329,
    -0.09772495841717868,
    -0.002480687114330745,
    0.04916987818756821,
    -0.11446344738855398,
    0.05889214027968422,
    -0.013131706250748748,
];
const LSTM_H: [f64; 18] = [
    -0.055177964799717476,
    -0.0031652250212929243,
    0.16660697352302611,
    -0.048194294163902605,
    0.021541564644083668,
    0.07295649416283997,
    0.0688599912495344,
    -0.021299143305532422,
    0.004534206347211168,
    -0.011988947371341797,
    0.09672900047001388,
    0.03468125658978621,
    -0.04334960315774417,
    0.034194839659612744,
    0.08641681596130667,
    -0.045951147391535066,
    0.05672909843077601,
    0.01772592555317687,
];
const LSTM_C_LAST: [f64; 6] = [
    0.10973161806667835,
    -0.048844846073926945,
    0.010177562390986411,
    -0.09648204776969807,
    0.11476185258790897,
    0.03983139147360341,
];

#[test]
fn rnn_cell_matches_numpy() {
    let cell: RnnCell<f64> = new_cell();
    assert_close(&run_steps(&cell).0, &RNN_H, "step h");
    assert_close(&run_fused(&cell).0, &RNN_H, "fused h");
}

#[test]
fn gru_cell_matches_numpy() {
    let cell: GruCell<f64> = new_cell();
    assert_close(&run_steps(&cell).0, &GRU_H, "step h");
    assert_close(&run_fused(&cell).0, &GRU_H, "fused h");
}

#[test]
fn lstm_cell_matches_numpy() {
    let cell: LstmCell<f64> = new_cell();
    let (h, c) = run_steps(&cell);
    assert_close(&h, &LSTM_H, "step h");
    assert_close(&c.unwrap(), &LSTM_C_LAST, "step c");
    let (h, c) = run_fused(&cell);
    assert_close(&h, &LSTM_H, "fused h");
    assert_close(&c.unwrap(), &LSTM_C_LAST, "fused c");
}

#[test]
fn lstm_forget_bias_starts_at_one() {
    let cell: LstmCell<f32> = LstmCell::new(2, 3, true, &mut StdRng::seed_from_u64(1)).unwrap();
    let b = cell.params().bias_ih.as_ref().unwrap().value().to_vec();
    assert_eq!(
        b,
        vec![0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert!(cell
        .params()
        .bias_hh
        .as_ref()
        .unwrap()
        .value()
        .iter()
        .all(|v| v == 0.0));
}

/// A cell as a module, so the parameter checker can reach its weights.
struct CellModule<C>(C);

impl<C: RecurrentCell<f64>> Module<f64> for CellModule<C> {
    fn forward(&self, _tape: &Tape<f64>, input: &Var<f64>) -> nn::Result<Var<f64>> {
        Ok(input.clone())
    }

    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a nn::Param<f64>)>) {
        let p = self.0.params();
        out.push((format!("{prefix}weight_ih"), &p.weight_ih));
        out.push((format!("{prefix}weight_hh"), &p.weight_hh));
        out.push((format!("{prefix}bias_ih"), p.bias_ih.as_ref().unwrap()));
        out.push((format!("{prefix}bias_hh"), p.bias_hh.as_ref().unwrap()));
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut nn::Param<f64>)>,
    ) {
        let p = self.0.params_mut();
        out.push((format!("{prefix}weight_ih"), &mut p.weight_ih));
        out.push((format!("{prefix}weight_hh"), &mut p.weight_hh));
        out.push((format!("{prefix}bias_ih"), p.bias_ih.as_mut().unwrap()));
        out.push((format!("{prefix}bias_hh"), p.bias_hh.as_mut().unwrap()));
    }
}

/// Sums weighted h (and the last c) over three composed steps from `state`.
fn step_loss<C: RecurrentCell<f64>>(
    cell: &C,
    tape: &Tape<f64>,
    x: &Var<f64>,
    mut state: CellState<f64>,
) -> nn::Result<Var<f64>> {
    let mut total = tape.constant(Tensor::scalar(0.0));
    for t in 0..STEPS {
        state = cell.step(tape, &x.select(1, t)?, &state)?;
        total = total.add(&weighted_sum(&state.h)?)?;
    }
    if let Some(c) = &state.c {
        total = total.add(&weighted_sum(c)?)?;
    }
    Ok(total)
}

/// Checks the gradients of three composed steps: the inputs and initial state with autodiff's
/// checker, the weights with the parameter checker.
fn check_step_gradients<C: RecurrentCell<f64>>() {
    let cell: C = new_cell();
    let has_cell = cell.has_cell_state();
    let start = reference_state(&Tape::new(), true);
    let inputs = [
        reference_x(),
        start.h.value().clone(),
        start.c.unwrap().value().clone(),
    ];
    assert_gradients_close(
        |tape, v| {
            let state = CellState {
                h: v[1].clone(),
                c: has_cell.then(|| v[2].clone()),
            };
            step_loss(&cell, tape, &v[0], state).map_err(to_autodiff)
        },
        &inputs,
        GRAD_TOL,
    );

    let mut module = CellModule(cell);
    check_param_gradients(&mut module, |tape, m| {
        let x = tape.constant(reference_x());
        step_loss(&m.0, tape, &x, reference_state(tape, has_cell))
    });
}

fn to_autodiff(e: nn::NnError) -> autodiff::AutodiffError {
    autodiff::AutodiffError::InvalidArgument {
        op: "test",
        message: e.to_string(),
    }
}

#[test]
fn rnn_step_gradients() {
    check_step_gradients::<RnnCell<f64>>();
}

#[test]
fn gru_step_gradients() {
    check_step_gradients::<GruCell<f64>>();
}

#[test]
fn lstm_step_gradients() {
    check_step_gradients::<LstmCell<f64>>();
}

/// Builds a two-layer recurrent network with pattern weights for the layer tests.
fn two_layer<C: RecurrentCell<f64>>(output: RecurrentOutput) -> Recurrent<f64, C> {
    let config = RecurrentConfig {
        input_size: INPUT,
        hidden_size: HIDDEN,
        num_layers: 2,
        output,
        ..Default::default()
    };
    let mut layer = Recurrent::<f64, C>::new(&config, &mut StdRng::seed_from_u64(5)).unwrap();
    // Small distinct weights so the gradients are far from saturation.
    for (k, (_, p)) in layer.named_params_mut().into_iter().enumerate() {
        let shape = p.shape().to_vec();
        p.set(pattern(&shape, |i| {
            0.07 * (((3 * k + 5 * i[0] + 7 * i.get(1).copied().unwrap_or(0)) % 9) as f64 - 4.0)
        }))
        .unwrap();
    }
    layer
}

/// Checks the gradients of the fused layer through three steps and two layers, for the input, the
/// initial states and every weight.
fn check_layer_gradients<C: RecurrentCell<f64>>() {
    let mut layer = two_layer::<C>(RecurrentOutput::Sequence);
    let has_cell = layer.cells()[0].has_cell_state();
    let start = reference_state(&Tape::new(), true);
    let inputs = [
        reference_x(),
        start.h.value().clone(),
        start.c.unwrap().value().clone(),
    ];
    assert_gradients_close(
        |tape, v| {
            let state = CellState {
                h: v[1].clone(),
                c: has_cell.then(|| v[2].clone()),
            };
            let states = [state.clone(), state];
            let (out, finals) = layer
                .forward_with_state(tape, &v[0], Some(&states))
                .map_err(to_autodiff)?;
            let mut total = weighted_sum(&out)?;
            if let Some(c) = &finals[1].c {
                total = total.add(&weighted_sum(c)?)?;
            }
            Ok(total)
        },
        &inputs,
        GRAD_TOL,
    );

    check_param_gradients(&mut layer, |tape, m| {
        let out = m.forward(tape, &tape.constant(reference_x()))?;
        Ok(weighted_sum(&out)?)
    });
}

#[test]
fn rnn_layer_gradients() {
    check_layer_gradients::<RnnCell<f64>>();
}

#[test]
fn gru_layer_gradients() {
    check_layer_gradients::<GruCell<f64>>();
}

#[test]
fn lstm_layer_gradients() {
    check_layer_gradients::<LstmCell<f64>>();
}

#[test]
fn last_output_is_last_step_of_sequence() {
    let seq = two_layer::<LstmCell<f64>>(RecurrentOutput::Sequence);
    let last = two_layer::<LstmCell<f64>>(RecurrentOutput::Last);
    let tape = Tape::new();
    let x = tape.constant(reference_x());
    let all = seq.forward(&tape, &x).unwrap();
    let end = last.forward(&tape, &x).unwrap();
    assert_eq!(all.shape(), &[BATCH, STEPS, HIDDEN]);
    assert_eq!(end.shape(), &[BATCH, HIDDEN]);
    assert_eq!(
        end.value().to_vec(),
        all.value().select(1, STEPS - 1).unwrap().to_vec()
    );
}

#[test]
fn layer_parameter_names_follow_pytorch() {
    let layer = two_layer::<GruCell<f64>>(RecurrentOutput::Sequence);
    let names: Vec<String> = layer.named_params().into_iter().map(|(n, _)| n).collect();
    let expected = [
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0",
        "bias_hh_l0",
        "weight_ih_l1",
        "weight_hh_l1",
        "bias_ih_l1",
        "bias_hh_l1",
    ];
    assert_eq!(names, expected);
    // GRU: 3 gates. Layer 0: 9x2 + 9x3 + 9 + 9; layer 1: 9x3 + 9x3 + 9 + 9.
    assert_eq!(layer.num_params(), 18 + 27 + 18 + 27 + 27 + 18);
}

#[test]
fn layer_rejects_wrong_input_shape() {
    let layer = two_layer::<RnnCell<f64>>(RecurrentOutput::Sequence);
    let tape = Tape::new();
    let err = layer
        .forward(&tape, &tape.constant(Tensor::zeros(&[2, 3, 5])))
        .unwrap_err();
    assert!(
        err.to_string().contains("[batch >= 1, steps >= 1, 2]"),
        "{err}"
    );
    let err = layer
        .forward(&tape, &tape.constant(Tensor::zeros(&[2, 2])))
        .unwrap_err();
    assert!(err.to_string().contains("[batch, steps, 2]"), "{err}");
}

/// Runs the fused layer and the composed steps on a batch large enough for the fused kernels
/// to split rows across threads, and compares outputs and weight gradients.
fn check_fused_matches_steps<C: RecurrentCell<f64>>() {
    let (batch, steps, input, hidden) = (64, 4, 5, 64);
    let config = RecurrentConfig {
        input_size: input,
        hidden_size: hidden,
        ..Default::default()
    };
    let layer = Recurrent::<f64, C>::new(&config, &mut StdRng::seed_from_u64(8)).unwrap();
    let x = pattern(&[batch, steps, input], |i| {
        ((i[0] * 13 + i[1] * 7 + i[2] * 3) % 17) as f64 / 17.0 - 0.5
    });

    let fused_tape = Tape::new();
    let fused = layer
        .forward(&fused_tape, &fused_tape.constant(x.clone()))
        .unwrap();
    let fused_grads = fused_tape.backward(&weighted_sum(&fused).unwrap()).unwrap();

    let step_tape = Tape::new();
    let cell = &layer.cells()[0];
    let mut state = cell.zero_state(&step_tape, batch);
    let mut hs = Vec::new();
    for t in 0..steps {
        state = cell
            .step(
                &step_tape,
                &step_tape.constant(x.select(1, t).unwrap()),
                &state,
            )
            .unwrap();
        hs.push(state.h.clone());
    }
    let refs: Vec<&Var<f64>> = hs.iter().collect();
    let composed = Var::stack(&refs, 1).unwrap();
    let step_grads = step_tape
        .backward(&weighted_sum(&composed).unwrap())
        .unwrap();

    assert_close(
        &fused.value().to_vec(),
        &composed.value().to_vec(),
        "outputs",
    );
    for (name, param) in layer.named_params() {
        let a = fused_grads.get_key(param.key()).unwrap().to_vec();
        let b = step_grads.get_key(param.key()).unwrap().to_vec();
        for (k, (u, v)) in a.iter().zip(&b).enumerate() {
            assert!(
                (u - v).abs() < 1e-10,
                "{name}[{k}]: fused {u}, composed {v}"
            );
        }
    }
}

#[test]
fn lstm_fused_matches_steps_on_large_batch() {
    check_fused_matches_steps::<LstmCell<f64>>();
}

#[test]
fn gru_fused_matches_steps_on_large_batch() {
    check_fused_matches_steps::<GruCell<f64>>();
}

#[test]
fn rnn_fused_matches_steps_on_large_batch() {
    check_fused_matches_steps::<RnnCell<f64>>();
}

/// Checks input and initial-state gradients of one fused layer by finite differences on a
/// batch whose rows the fused kernels split across threads (16 rows and 3 x 16 x 80 x 80 or
/// more multiply-adds in the recurrent products; the split needs at least two rayon threads).
fn check_gradients_with_split_rows<C: RecurrentCell<f64>>() {
    let (batch, steps, input, hidden) = (16, 3, 3, 80);
    let config = RecurrentConfig {
        input_size: input,
        hidden_size: hidden,
        ..Default::default()
    };
    let layer = Recurrent::<f64, C>::new(&config, &mut StdRng::seed_from_u64(11)).unwrap();
    let has_cell = layer.cells()[0].has_cell_state();
    let x = pattern(&[batch, steps, input], |i| {
        ((i[0] * 5 + i[1] * 3 + i[2] * 7) % 11) as f64 / 11.0 - 0.5
    });
    let h0 = pattern(&[batch, hidden], |i| {
        ((i[0] + 3 * i[1]) % 7) as f64 / 14.0 - 0.25
    });
    let c0 = pattern(&[batch, hidden], |i| {
        ((2 * i[0] + i[1]) % 5) as f64 / 10.0 - 0.2
    });
    assert_gradients_close(
        |tape, v| {
            let state = CellState {
                h: v[1].clone(),
                c: has_cell.then(|| v[2].clone()),
            };
            let (out, _) = layer
                .forward_with_state(tape, &v[0], Some(&[state]))
                .map_err(to_autodiff)?;
            weighted_sum(&out)
        },
        &[x, h0, c0],
        GRAD_TOL,
    );
}

#[test]
fn lstm_gradients_with_split_rows() {
    check_gradients_with_split_rows::<LstmCell<f64>>();
}

#[test]
fn gru_gradients_with_split_rows() {
    check_gradients_with_split_rows::<GruCell<f64>>();
}

#[test]
fn rnn_gradients_with_split_rows() {
    check_gradients_with_split_rows::<RnnCell<f64>>();
}
