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
use tensor::ops::slices::{sigmoid_inplace, tanh_inplace};
use tensor::Element;

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
        self.params
            .run_fused::<GruKernel>(tape, "gru_sequence", x, steps, state)
    }
}

/// The fused GRU step. Per row, `saved` keeps r, z, n and `U_n h_{t-1} + b_hn`.
pub(crate) struct GruKernel;

impl<T: Element> StepKernel<T> for GruKernel {
    const GATES: usize = 3;
    const HAS_CELL: bool = false;
    const SAVED: usize = 4;
    const DX_IS_DHH: bool = false;
    const DIRECT_PATH: bool = true;

    fn forward(hidden: usize, input: StepInput<'_, T>, output: StepOutput<'_, T>) {
        let StepInput {
            x,
            bias_ih,
            hh,
            bias_hh,
            h_prev,
            ..
        } = input;
        let StepOutput { saved, h, .. } = output;
        let width = 3 * hidden;
        let (bias_ih_n, bias_hh_n) = (&bias_ih[2 * hidden..], &bias_hh[2 * hidden..]);
        let rows = x
            .chunks_exact(width)
            .zip(hh.chunks_exact(width))
            .zip(saved.chunks_exact_mut(4 * hidden))
            .zip(h.chunks_exact_mut(hidden))
            .zip(h_prev.chunks_exact(hidden));
        for ((((xr, hr), keep), h), h_prev) in rows {
            // The gates are computed in place in `keep` (r, z, n, hn), with the
            // nonlinearities over whole gate blocks (SIMD).
            let (reset_update, rest) = keep.split_at_mut(2 * hidden);
            let (n, hn) = rest.split_at_mut(hidden);
            for (k, pre) in reset_update.iter_mut().enumerate() {
                *pre = (xr[k] + bias_ih[k]) + (hr[k] + bias_hh[k]);
            }
            sigmoid_inplace(reset_update);
            let (r, z) = reset_update.split_at(hidden);
            let (xn, hr_n) = (&xr[2 * hidden..], &hr[2 * hidden..]);
            for j in 0..hidden {
                hn[j] = hr_n[j] + bias_hh_n[j];
                n[j] = xn[j] + bias_ih_n[j] + r[j] * hn[j];
            }
            tanh_inplace(n);
            for j in 0..hidden {
                h[j] = n[j] + z[j] * (h_prev[j] - n[j]);
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
        let rows = saved
            .chunks_exact(4 * hidden)
            .zip(dh.chunks_exact(hidden))
            .zip(h_prev.chunks_exact(hidden))
            .zip(dx.chunks_exact_mut(width))
            .zip(dhh.chunks_exact_mut(width))
            .zip(dh_prev.chunks_exact_mut(hidden));
        for (((((keep, dh), h_prev), dxr), dhr), dh_prev) in rows {
            // Slices of exactly `hidden` values let the compiler drop the bounds checks and
            // vectorise the loop.
            let block = |k: usize| &keep[k * hidden..(k + 1) * hidden];
            let (r, z, n, hn) = (block(0), block(1), block(2), block(3));
            let (dx_r, rest) = dxr.split_at_mut(hidden);
            let (dx_z, dx_n) = rest.split_at_mut(hidden);
            let (dh_r, rest) = dhr.split_at_mut(hidden);
            let (dh_z, dh_n) = rest.split_at_mut(hidden);
            let (dx_r, dx_z, dx_n) = (
                &mut dx_r[..hidden],
                &mut dx_z[..hidden],
                &mut dx_n[..hidden],
            );
            let (dh_r, dh_z, dh_n) = (
                &mut dh_r[..hidden],
                &mut dh_z[..hidden],
                &mut dh_n[..hidden],
            );
            let (dh, h_prev, dh_prev) = (&dh[..hidden], &h_prev[..hidden], &mut dh_prev[..hidden]);
            for j in 0..hidden {
                // h = (1 - z) n + z h_prev: dn = dh (1 - z), dz = dh (h_prev - n), dh_prev += dh z.
                let dn_pre = dh[j] * (T::ONE - z[j]) * (T::ONE - n[j] * n[j]);
                let dz_pre = dh[j] * (h_prev[j] - n[j]) * z[j] * (T::ONE - z[j]);
                // n = tanh(x_n + r hn): d hn = dn_pre r, dr = dn_pre hn.
                let dr_pre = dn_pre * hn[j] * r[j] * (T::ONE - r[j]);
                dh_prev[j] = dh[j] * z[j];
                dx_r[j] = dr_pre;
                dx_z[j] = dz_pre;
                dx_n[j] = dn_pre;
                dh_r[j] = dr_pre;
                dh_z[j] = dz_pre;
                dh_n[j] = dn_pre * r[j];
            }
        }
    }
}
