//! The Elman RNN cell with a tanh nonlinearity (PyTorch's `RNNCell`, Keras's `SimpleRNNCell`).
//!
//! For input x_t and state h_{t-1}, with W = `weight_ih` and U = `weight_hh`:
//!
//! ```text
//! h_t = tanh(W x_t + b_ih + U h_{t-1} + b_hh)
//! ```

use autodiff::{Tape, Var};
use rand::RngCore;
use tensor::Element;

use super::sequence::{run_sequence, SequenceInputs};
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
        let p = &self.params;
        let x_proj = p.project_input(tape, x)?;
        let bias_hh = p.recurrent_bias(tape);
        let inputs = SequenceInputs {
            x_proj: &x_proj,
            weight_hh: &p.weight_hh.var(tape),
            bias_hh: &bias_hh,
            h0: &state.h,
            c0: None,
            steps,
        };
        run_sequence::<T, TanhKernel>(tape, "rnn_sequence", inputs)
    }
}

/// The fused tanh RNN step; needs no saved values because tanh' = 1 - h_t^2.
pub(crate) struct TanhKernel;

impl<T: Element> StepKernel<T> for TanhKernel {
    const GATES: usize = 1;
    const HAS_CELL: bool = false;
    const SAVED: usize = 0;

    fn forward(_hidden: usize, input: StepInput<'_, T>, output: StepOutput<'_, T>) {
        for ((out, &a), &b) in output.h.iter_mut().zip(input.x).zip(input.hh) {
            *out = (a + b).tanh();
        }
    }

    fn backward(_hidden: usize, input: GradInput<'_, T>, output: GradOutput<'_, T>) {
        // d tanh(a) / da = 1 - tanh(a)^2 = 1 - h_t^2.
        let GradOutput { dx, dhh, .. } = output;
        for (((d, d2), &g), &h) in dx.iter_mut().zip(dhh.iter_mut()).zip(input.dh).zip(input.h) {
            *d = g * (T::ONE - h * h);
            *d2 = *d;
        }
    }
}
