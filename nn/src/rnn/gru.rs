//! The GRU cell (Cho et al., 2014) in the reset-after form that PyTorch and Keras 2+ use by
//! default (Keras `reset_after=True`).
//!
//! For input x_t and state h_{t-1}, W = `weight_ih`, U = `weight_hh`, each split into three
//! row blocks in the order r, z, n:
//!
//! ```text
//! r_t = sigmoid(W_r x_t + b_ir + U_r h_{t-1} + b_hr)            reset gate
//! z_t = sigmoid(W_z x_t + b_iz + U_z h_{t-1} + b_hz)            update gate
//! n_t = tanh   (W_n x_t + b_in + r_t * (U_n h_{t-1} + b_hn))    candidate
//! h_t = (1 - z_t) * n_t + z_t * h_{t-1}
//! ```
//!
//! "Reset after" means r_t multiplies `U_n h_{t-1} + b_hn` after the matmul, so the recurrent
//! matmul of all three gates is one product; the original paper's form applies r_t to h_{t-1}
//! before multiplying by U_n. The two biases b_in and b_hn stay separate because r_t scales
//! only the second.

use autodiff::{Tape, Var};
use rand::RngCore;
use tensor::Element;

use super::sequence::{run_sequence, SequenceInputs};
use super::step::{GradInput, GradOutput, StepInput, StepKernel, StepOutput};
use super::{gate, CellParams, CellState, RecurrentCell};
use crate::Result;

/// A GRU cell (see the module doc for the equations).
#[derive(Clone, Debug)]
pub struct GruCell<T: Element = f32> {
    params: CellParams<T>,
}

impl<T: Element> RecurrentCell<T> for GruCell<T> {
    fn new(
        input_size: usize,
        hidden_size: usize,
        bias: bool,
        rng: &mut dyn RngCore,
    ) -> Result<Self> {
        let params = CellParams::new("GruCell::new", 3, input_size, hidden_size, bias, rng)?;
        Ok(GruCell { params })
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
        p.check_step("GruCell::step", x, &state.h)?;
        let from_x = p.project_input(tape, x)?;
        let from_h = p.project_hidden(tape, &state.h)?;

        let hidden = p.hidden_size;
        let r = gate(&from_x, 0, hidden)?
            .add(&gate(&from_h, 0, hidden)?)?
            .sigmoid()?;
        let z = gate(&from_x, 1, hidden)?
            .add(&gate(&from_h, 1, hidden)?)?
            .sigmoid()?;
        let n = gate(&from_x, 2, hidden)?
            .add(&r.mul(&gate(&from_h, 2, hidden)?)?)?
            .tanh()?;

        // (1 - z) n + z h = n + z (h - n)
        let h = n.add(&z.mul(&state.h.sub(&n)?)?)?;
        Ok(CellState { h, c: None })
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
        run_sequence::<T, GruKernel>(tape, "gru_sequence", inputs)
    }
}

/// The fused GRU step. Per row, `saved` keeps r, z, n and `U_n h_{t-1} + b_hn`.
pub(crate) struct GruKernel;

impl<T: Element> StepKernel<T> for GruKernel {
    const GATES: usize = 3;
    const HAS_CELL: bool = false;
    const SAVED: usize = 4;

    fn forward(hidden: usize, input: StepInput<'_, T>, output: StepOutput<'_, T>) {
        let StepInput { x, hh, h_prev, .. } = input;
        let StepOutput { saved, h, .. } = output;
        let width = 3 * hidden;
        for row in 0..h.len() / hidden {
            let (xr, hr) = (
                &x[row * width..(row + 1) * width],
                &hh[row * width..(row + 1) * width],
            );
            let keep = &mut saved[row * 4 * hidden..(row + 1) * 4 * hidden];
            for j in 0..hidden {
                let r = (xr[j] + hr[j]).sigmoid();
                let z = (xr[hidden + j] + hr[hidden + j]).sigmoid();
                let hn = hr[2 * hidden + j];
                let n = (xr[2 * hidden + j] + r * hn).tanh();
                let at = row * hidden + j;
                h[at] = n + z * (h_prev[at] - n);
                keep[j] = r;
                keep[hidden + j] = z;
                keep[2 * hidden + j] = n;
                keep[3 * hidden + j] = hn;
            }
        }
    }

    fn backward(hidden: usize, input: GradInput<'_, T>, output: GradOutput<'_, T>) {
        let GradInput {
            dh, saved, h_prev, ..
        } = input;
        let GradOutput {
            dx, dhh, dh_prev, ..
        } = output;
        let width = 3 * hidden;
        for row in 0..dh.len() / hidden {
            let keep = &saved[row * 4 * hidden..(row + 1) * 4 * hidden];
            let dxr = &mut dx[row * width..(row + 1) * width];
            let dhr = &mut dhh[row * width..(row + 1) * width];
            for j in 0..hidden {
                let at = row * hidden + j;
                let (r, z, n, hn) = (
                    keep[j],
                    keep[hidden + j],
                    keep[2 * hidden + j],
                    keep[3 * hidden + j],
                );
                // h = (1 - z) n + z h_prev: dn = dh (1 - z), dz = dh (h_prev - n), dh_prev += dh z.
                let dn_pre = dh[at] * (T::ONE - z) * (T::ONE - n * n);
                let dz_pre = dh[at] * (h_prev[at] - n) * z * (T::ONE - z);
                // n = tanh(x_n + r hn): d hn = dn_pre r, dr = dn_pre hn.
                let dr_pre = dn_pre * hn * r * (T::ONE - r);
                dh_prev[at] = dh[at] * z;
                dxr[j] = dr_pre;
                dxr[hidden + j] = dz_pre;
                dxr[2 * hidden + j] = dn_pre;
                dhr[j] = dr_pre;
                dhr[hidden + j] = dz_pre;
                dhr[2 * hidden + j] = dn_pre * r;
            }
        }
    }
}
