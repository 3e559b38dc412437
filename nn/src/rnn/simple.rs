//! The Elman RNN cell with a tanh nonlinearity (PyTorch's `RNNCell`, Keras's `SimpleRNNCell`).
//!
//! For input x_t and state h_{t-1}, with W = `weight_ih` and U = `weight_hh`:
//!
//! ```text
//! h_t = tanh(W x_t + b_ih + U h_{t-1} + b_hh)
//! ```

use autodiff::{Tape, Var};
use rand::RngCore;
use tensor::ops::slices::tanh_inplace;
use tensor::Element;

use super::step::{GradInput, GradOutput, StepInput, StepKernel, StepOutput};
use super::{CellParams, CellState, RecurrentCell};
use crate::Result;

/// A tanh RNN cell (see the module doc for the equation).
#[derive(Clone, Debug)]
pub struct RnnCell<T: Element = f32> {
    params: CellParams<T>,
}

impl<T: Element> RecurrentCell<T> for RnnCell<T> {
    fn new(
        input_size: usize,
        hidden_size: usize,
        bias: bool,
        rng: &mut dyn RngCore,
    ) -> Result<Self> {
        let params = CellParams::new("RnnCell::new", 1, input_size, hidden_size, bias, rng)?;
        Ok(RnnCell { params })
    }

    fn params(&self) -> &CellParams<T> {
        &self.params
    }

    fn params_mut(&mut self) -> &mut CellParams<T> {
        &mut self.params
    }

    fn has_cell_state(&self) -> bool {
        false
    }

    fn step(&self, tape: &Tape<T>, x: &Var<T>, state: &CellState<T>) -> Result<CellState<T>> {
        let p = &self.params;
        p.check_step("RnnCell::step", x, &state.h)?;
        let pre = p
            .project_input(tape, x)?
            .add(&p.project_hidden(tape, &state.h)?)?;
        Ok(CellState {
            h: pre.tanh()?,
            c: None,
        })
    }

    fn forward_sequence(
        &self,
        tape: &Tape<T>,
        x: &Var<T>,
        steps: usize,
        state: &CellState<T>,
    ) -> Result<Var<T>> {
        self.params
            .run_fused::<TanhKernel>(tape, "rnn_sequence", x, steps, state)
    }
}

/// The fused tanh RNN step; needs no saved values because tanh' = 1 - h_t^2.
pub(crate) struct TanhKernel;

impl<T: Element> StepKernel<T> for TanhKernel {
    const GATES: usize = 1;
    const HAS_CELL: bool = false;
    const SAVED: usize = 0;
    const DX_IS_DHH: bool = true;
    const DIRECT_PATH: bool = false;

    fn forward(hidden: usize, input: StepInput<'_, T>, output: StepOutput<'_, T>) {
        let StepInput {
            x,
            bias_ih,
            hh,
            bias_hh,
            ..
        } = input;
        let rows = output
            .h
            .chunks_exact_mut(hidden)
            .zip(x.chunks_exact(hidden))
            .zip(hh.chunks_exact(hidden));
        for ((h, x), hh) in rows {
            for j in 0..hidden {
                h[j] = (x[j] + bias_ih[j]) + (hh[j] + bias_hh[j]);
            }
        }
        tanh_inplace(output.h);
    }

    fn backward(_hidden: usize, input: GradInput<'_, T>, output: GradOutput<'_, T>) {
        // d tanh(a) / da = 1 - tanh(a)^2 = 1 - h_t^2.
        for ((d, &g), &h) in output.dhh.iter_mut().zip(input.dh).zip(input.h) {
            *d = g * (T::ONE - h * h);
        }
    }
}
