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
use tensor::ops::slices::{sigmoid_inplace, tanh_inplace};
use tensor::Element;

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
        self.params
            .run_fused::<LstmKernel>(tape, "lstm_sequence", x, steps, state)
    }
}

/// The fused LSTM step. Per row, `saved` keeps the gate values i, f, g, o and tanh(c_t), so
/// the backward pass computes no transcendental function.
pub(crate) struct LstmKernel;

impl<T: Element> StepKernel<T> for LstmKernel {
    const GATES: usize = 4;
    const HAS_CELL: bool = true;
    const SAVED: usize = 5;
    const DX_IS_DHH: bool = true;
    const DIRECT_PATH: bool = false;

    fn forward(hidden: usize, input: StepInput<'_, T>, output: StepOutput<'_, T>) {
        let StepInput {
            x,
            bias_ih,
            hh,
            bias_hh,
            c_prev,
            ..
        } = input;
        let StepOutput { saved, h, c } = output;
        let width = 4 * hidden;
        let rows = x
            .chunks_exact(width)
            .zip(hh.chunks_exact(width))
            .zip(saved.chunks_exact_mut(5 * hidden))
            .zip(h.chunks_exact_mut(hidden))
            .zip(c.chunks_exact_mut(hidden))
            .zip(c_prev.chunks_exact(hidden));
        for (((((x, hh), acts), h), c), c_prev) in rows {
            // The gates are computed in place in `acts`: first the pre-activations
            // x + b_ih + hh + b_hh, then the nonlinearities over whole gate blocks (SIMD).
            let (gates, tanh_c) = acts.split_at_mut(width);
            for (k, pre) in gates.iter_mut().enumerate() {
                *pre = (x[k] + bias_ih[k]) + (hh[k] + bias_hh[k]);
            }
            let (input_forget, rest) = gates.split_at_mut(2 * hidden);
            let (g, o) = rest.split_at_mut(hidden);
            sigmoid_inplace(input_forget);
            tanh_inplace(g);
            sigmoid_inplace(o);
            let (i, f) = input_forget.split_at(hidden);
            for j in 0..hidden {
                c[j] = f[j] * c_prev[j] + i[j] * g[j];
            }
            tanh_c.copy_from_slice(c);
            tanh_inplace(tanh_c);
            for j in 0..hidden {
                h[j] = o[j] * tanh_c[j];
            }
        }
    }

    fn backward(hidden: usize, input: GradInput<'_, T>, output: GradOutput<'_, T>) {
        let GradInput {
            dh, saved, c_prev, ..
        } = input;
        let GradOutput { dc, dhh, .. } = output;
        let width = 4 * hidden;
        let rows = saved
            .chunks_exact(5 * hidden)
            .zip(dh.chunks_exact(hidden))
            .zip(c_prev.chunks_exact(hidden))
            .zip(dc.chunks_exact_mut(hidden))
            .zip(dhh.chunks_exact_mut(width));
        for ((((acts, dh), c_prev), dc), d) in rows {
            // Slices of exactly `hidden` values let the compiler drop the bounds checks and
            // vectorise the loop.
            let block = |k: usize| &acts[k * hidden..(k + 1) * hidden];
            let (i, f, g, o, tanh_c) = (block(0), block(1), block(2), block(3), block(4));
            let (d_i, rest) = d.split_at_mut(hidden);
            let (d_f, rest) = rest.split_at_mut(hidden);
            let (d_g, d_o) = rest.split_at_mut(hidden);
            let (d_i, d_f, d_g, d_o) = (
                &mut d_i[..hidden],
                &mut d_f[..hidden],
                &mut d_g[..hidden],
                &mut d_o[..hidden],
            );
            let (dh, c_prev, dc) = (&dh[..hidden], &c_prev[..hidden], &mut dc[..hidden]);
            for j in 0..hidden {
                // dL/dc_t collects the direct path and h_t = o tanh(c_t): d tanh c = 1 - tanh^2 c.
                let dc_total = dc[j] + dh[j] * o[j] * (T::ONE - tanh_c[j] * tanh_c[j]);
                // sigmoid' = s (1 - s), tanh' = 1 - t^2 on each gate's pre-activation.
                d_i[j] = dc_total * g[j] * i[j] * (T::ONE - i[j]);
                d_f[j] = dc_total * c_prev[j] * f[j] * (T::ONE - f[j]);
                d_g[j] = dc_total * i[j] * (T::ONE - g[j] * g[j]);
                d_o[j] = dh[j] * tanh_c[j] * o[j] * (T::ONE - o[j]);
                dc[j] = dc_total * f[j];
            }
        }
    }
}
