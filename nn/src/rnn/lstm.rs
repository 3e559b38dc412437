//! The LSTM cell (Hochreiter and Schmidhuber, 1997, with the forget gate of Gers et al., 2000),
//! with PyTorch's gate order and Keras's forget-bias initialisation.
//!
//! For input x_t, state (h_{t-1}, c_{t-1}), W = `weight_ih`, U = `weight_hh`, each split into
//! four row blocks in the order i, f, g, o:
//!
//! ```text
//! i_t = sigmoid(W_i x_t + b_ii + U_i h_{t-1} + b_hi)     input gate
//! f_t = sigmoid(W_f x_t + b_if + U_f h_{t-1} + b_hf)     forget gate
//! g_t = tanh   (W_g x_t + b_ig + U_g h_{t-1} + b_hg)     cell candidate
//! o_t = sigmoid(W_o x_t + b_io + U_o h_{t-1} + b_ho)     output gate
//! c_t = f_t * c_{t-1} + i_t * g_t
//! h_t = o_t * tanh(c_t)
//! ```
//!
//! The forget block of `bias_ih` starts at 1 (Keras's `unit_forget_bias`), so the cell keeps
//! its memory early in training; every other bias starts at 0.

use autodiff::{Tape, Var};
use rand::RngCore;
use tensor::Element;

use super::sequence::{run_sequence, SequenceInputs};
use super::step::{GradInput, GradOutput, StepInput, StepKernel, StepOutput};
use super::{gate, require_cell, CellParams, CellState, RecurrentCell};
use crate::Result;

/// An LSTM cell (see the module doc for the equations).
#[derive(Clone, Debug)]
pub struct LstmCell<T: Element = f32> {
    params: CellParams<T>,
}

impl<T: Element> RecurrentCell<T> for LstmCell<T> {
    fn new(
        input_size: usize,
        hidden_size: usize,
        bias: bool,
        rng: &mut dyn RngCore,
    ) -> Result<Self> {
        let mut params = CellParams::new("LstmCell::new", 4, input_size, hidden_size, bias, rng)?;
        if let Some(b) = &mut params.bias_ih {
            let forget = &mut b.value_mut().as_mut_slice()[hidden_size..2 * hidden_size];
            forget.iter_mut().for_each(|v| *v = T::ONE);
        }
        Ok(LstmCell { params })
    }

    fn params(&self) -> &CellParams<T> {
        &self.params
    }

    fn params_mut(&mut self) -> &mut CellParams<T> {
        &mut self.params
    }

    fn has_cell_state(&self) -> bool {
        true
    }

    fn step(&self, tape: &Tape<T>, x: &Var<T>, state: &CellState<T>) -> Result<CellState<T>> {
        let p = &self.params;
        let c_prev = require_cell("LstmCell::step", state)?;
        p.check_step("LstmCell::step", x, &state.h)?;
        let pre = p
            .project_input(tape, x)?
            .add(&p.project_hidden(tape, &state.h)?)?;

        let hidden = p.hidden_size;
        let i = gate(&pre, 0, hidden)?.sigmoid()?;
        let f = gate(&pre, 1, hidden)?.sigmoid()?;
        let g = gate(&pre, 2, hidden)?.tanh()?;
        let o = gate(&pre, 3, hidden)?.sigmoid()?;

        let c = f.mul(c_prev)?.add(&i.mul(&g)?)?;
        let h = o.mul(&c.tanh()?)?;
        Ok(CellState { h, c: Some(c) })
    }

    fn forward_sequence(
        &self,
        tape: &Tape<T>,
        x: &Var<T>,
        steps: usize,
        state: &CellState<T>,
    ) -> Result<Var<T>> {
        let p = &self.params;
        let c0 = require_cell("LstmCell::forward_sequence", state)?;
        let x_proj = p.project_input(tape, x)?;
        let bias_hh = p.recurrent_bias(tape);
        let inputs = SequenceInputs {
            x_proj: &x_proj,
            weight_hh: &p.weight_hh.var(tape),
            bias_hh: &bias_hh,
            h0: &state.h,
            c0: Some(c0),
            steps,
        };
        run_sequence::<T, LstmKernel>(tape, "lstm_sequence", inputs)
    }
}

/// The fused LSTM step. Per row, `saved` keeps the gate values i, f, g and o.
pub(crate) struct LstmKernel;

impl<T: Element> StepKernel<T> for LstmKernel {
    const GATES: usize = 4;
    const HAS_CELL: bool = true;
    const SAVED: usize = 4;

    fn forward(hidden: usize, input: StepInput<'_, T>, output: StepOutput<'_, T>) {
        let StepInput { x, hh, c_prev, .. } = input;
        let StepOutput { saved, h, c } = output;
        let width = 4 * hidden;
        for row in 0..h.len() / hidden {
            let pre = |k: usize, j: usize| {
                x[row * width + k * hidden + j] + hh[row * width + k * hidden + j]
            };
            let acts = &mut saved[row * width..(row + 1) * width];
            for j in 0..hidden {
                let (i, f) = (pre(0, j).sigmoid(), pre(1, j).sigmoid());
                let (g, o) = (pre(2, j).tanh(), pre(3, j).sigmoid());
                let at = row * hidden + j;
                c[at] = f * c_prev[at] + i * g;
                h[at] = o * c[at].tanh();
                acts[j] = i;
                acts[hidden + j] = f;
                acts[2 * hidden + j] = g;
                acts[3 * hidden + j] = o;
            }
        }
    }

    fn backward(hidden: usize, input: GradInput<'_, T>, output: GradOutput<'_, T>) {
        let GradInput {
            dh,
            saved,
            c_prev,
            c,
            ..
        } = input;
        let GradOutput { dc, dx, dhh, .. } = output;
        let width = 4 * hidden;
        for row in 0..dh.len() / hidden {
            let acts = &saved[row * width..(row + 1) * width];
            let d = &mut dx[row * width..(row + 1) * width];
            for j in 0..hidden {
                let at = row * hidden + j;
                let (i, f, g, o) = (
                    acts[j],
                    acts[hidden + j],
                    acts[2 * hidden + j],
                    acts[3 * hidden + j],
                );
                let tanh_c = c[at].tanh();
                // dL/dc_t collects the direct path and h_t = o tanh(c_t): d tanh c = 1 - tanh^2 c.
                let dc_total = dc[at] + dh[at] * o * (T::ONE - tanh_c * tanh_c);
                // sigmoid' = s (1 - s), tanh' = 1 - t^2 on each gate's pre-activation.
                d[j] = dc_total * g * i * (T::ONE - i);
                d[hidden + j] = dc_total * c_prev[at] * f * (T::ONE - f);
                d[2 * hidden + j] = dc_total * i * (T::ONE - g * g);
                d[3 * hidden + j] = dh[at] * tanh_c * o * (T::ONE - o);
                dc[at] = dc_total * f;
            }
            dhh[row * width..(row + 1) * width].copy_from_slice(d);
        }
    }
}
