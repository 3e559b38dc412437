//! The fused sequence kernel: one tape node runs a recurrent cell over every time step, with
//! backpropagation through time written by hand.
//!
//! Recording every step's matmul, gate slices and nonlinearities costs about twenty nodes per
//! step, and slicing the precomputed input projection per step makes each slice's backward
//! allocate a gradient as large as the whole projection. Here the layer records the input
//! projection for all steps as one matmul, then this node, whose backward
//!
//! 1. walks the steps in reverse, calling the cell's [`StepKernel::backward`] and one
//!    `[batch, gates * hidden] x [gates * hidden, hidden]` matmul per step for dh_{t-1};
//! 2. computes dW_hh for all steps at once as one `[gates * hidden, steps * batch] x
//!    [steps * batch, hidden]` matmul, and db_hh as a column sum.
//!
//! Layouts are time-major so each step is a contiguous block of rows:
//!
//! ```text
//! x_proj   [steps * batch, gates * hidden]   row t * batch + b = W_ih x_{b,t} + b_ih
//! output   [states, steps, batch, hidden]    states = 1 (h) or 2 (h, then c for the LSTM)
//! ```

use std::sync::Arc;

use autodiff::{Tape, Var};
use tensor::{Element, Tensor};

use super::step::{
    backward_rows, forward_rows, GradInput, GradOutput, StepInput, StepKernel, StepOutput,
};
use crate::{NnError, Result};

/// The inputs of a fused sequence node, all on one tape.
pub(crate) struct SequenceInputs<'a, T: Element> {
    /// Input projection, `[steps * batch, gates * hidden]`, time-major.
    pub x_proj: &'a Var<T>,
    /// Recurrent weight `[gates * hidden, hidden]`.
    pub weight_hh: &'a Var<T>,
    /// Recurrent bias `[gates * hidden]` (zeros when the layer has no bias).
    pub bias_hh: &'a Var<T>,
    /// Initial hidden state `[batch, hidden]`.
    pub h0: &'a Var<T>,
    /// Initial cell state `[batch, hidden]`, for cells with `HAS_CELL`.
    pub c0: Option<&'a Var<T>>,
    /// Number of time steps.
    pub steps: usize,
}

/// Runs `K` over all steps as one tape node and returns `[states, steps, batch, hidden]`.
pub(crate) fn run_sequence<T: Element, K: StepKernel<T>>(
    tape: &Tape<T>,
    name: &'static str,
    inputs: SequenceInputs<'_, T>,
) -> Result<Var<T>> {
    let (batch, hidden) = (inputs.h0.shape()[0], inputs.h0.shape()[1]);
    let (steps, width) = (inputs.steps, K::GATES * hidden);
    let rows = steps * batch;
    if K::HAS_CELL != inputs.c0.is_some() {
        return Err(NnError::invalid(
            name,
            "an initial cell state is needed exactly when the cell has one",
        ));
    }
    if inputs.x_proj.shape() != [rows, width] || inputs.weight_hh.shape() != [width, hidden] {
        return Err(NnError::invalid(
            name,
            format!(
                "inconsistent shapes: x_proj {:?}, weight_hh {:?}, h0 {:?} for {steps} steps",
                inputs.x_proj.shape(),
                inputs.weight_hh.shape(),
                inputs.h0.shape()
            ),
        ));
    }

    // Forward: block t of `states` is h_{t-1}, so block 0 is h0; `cells` stores c the same way.
    let x_proj = inputs.x_proj.value().contiguous();
    let xs = x_proj
        .as_slice()
        .expect("contiguous() returns a contiguous tensor");
    let weight = inputs.weight_hh.value().contiguous();
    let weight_t = weight.t()?;
    let bias = inputs.bias_hh.value().contiguous().to_vec();
    let block = batch * hidden;
    let mut states = vec![T::ZERO; (steps + 1) * block];
    let mut cells = vec![T::ZERO; if K::HAS_CELL { (steps + 1) * block } else { 0 }];
    states[..block].copy_from_slice(&inputs.h0.value().contiguous().to_vec());
    if let Some(c0) = inputs.c0 {
        cells[..block].copy_from_slice(&c0.value().contiguous().to_vec());
    }
    let mut saved = vec![T::ZERO; steps * batch * K::SAVED * hidden];
    let saved_block = batch * K::SAVED * hidden;

    for t in 0..steps {
        let h_prev = Tensor::from_slice(&states[t * block..(t + 1) * block], &[batch, hidden])?;
        let mut hh = h_prev.matmul(&weight_t)?;
        let hh_rows = hh.as_mut_slice();
        for row in hh_rows.chunks_mut(width) {
            row.iter_mut().zip(&bias).for_each(|(v, b)| *v += *b);
        }
        let (done, rest) = states.split_at_mut((t + 1) * block);
        let cell_split = if K::HAS_CELL { (t + 1) * block } else { 0 };
        let (c_done, c_rest) = cells.split_at_mut(cell_split);
        let input = StepInput {
            x: &xs[t * batch * width..(t + 1) * batch * width],
            hh: hh_rows,
            h_prev: &done[t * block..],
            c_prev: if K::HAS_CELL {
                &c_done[t * block..]
            } else {
                &[]
            },
        };
        let output = StepOutput {
            saved: &mut saved[t * saved_block..(t + 1) * saved_block],
            h: &mut rest[..block],
            c: if K::HAS_CELL {
                &mut c_rest[..block]
            } else {
                &mut []
            },
        };
        forward_rows::<T, K>(hidden, batch, input, output);
    }

    let state_count = if K::HAS_CELL { 2 } else { 1 };
    let mut output = Vec::with_capacity(state_count * steps * block);
    output.extend_from_slice(&states[block..]);
    if K::HAS_CELL {
        output.extend_from_slice(&cells[block..]);
    }
    let output = Tensor::from_vec(output, &[state_count, steps, batch, hidden])?;

    let saved = Arc::new(BackwardState {
        states,
        cells,
        saved,
        weight,
        steps,
        batch,
        hidden,
    });
    let mut var_inputs = vec![inputs.x_proj, inputs.weight_hh, inputs.bias_hh, inputs.h0];
    var_inputs.extend(inputs.c0);
    let var = tape.custom_op(name, &var_inputs, output, move |grad| {
        backward::<T, K>(&saved, grad)
    })?;
    Ok(var)
}

/// The forward values that the backward pass reads.
struct BackwardState<T: Element> {
    states: Vec<T>,
    cells: Vec<T>,
    saved: Vec<T>,
    weight: Tensor<T>,
    steps: usize,
    batch: usize,
    hidden: usize,
}

/// Backpropagation through time for [`run_sequence`].
fn backward<T: Element, K: StepKernel<T>>(
    s: &BackwardState<T>,
    grad: &Tensor<T>,
) -> autodiff::Result<Vec<Option<Tensor<T>>>> {
    let (steps, batch, hidden) = (s.steps, s.batch, s.hidden);
    let width = K::GATES * hidden;
    let block = batch * hidden;
    let saved_block = batch * K::SAVED * hidden;
    let grad = grad.contiguous();
    let g = grad
        .as_slice()
        .expect("contiguous() returns a contiguous tensor");
    let (g_h, g_c) = g.split_at(steps * block);

    let mut dh_next = vec![T::ZERO; block];
    let mut dc = vec![T::ZERO; block];
    let mut dx = vec![T::ZERO; steps * batch * width];
    let mut dhh = vec![T::ZERO; steps * batch * width];
    let mut dh = vec![T::ZERO; block];
    let mut dh_direct = vec![T::ZERO; block];
    for t in (0..steps).rev() {
        // Total gradient reaching h_t and c_t: from the output and from step t + 1.
        for ((d, &a), &b) in dh
            .iter_mut()
            .zip(&g_h[t * block..(t + 1) * block])
            .zip(&dh_next)
        {
            *d = a + b;
        }
        if K::HAS_CELL {
            dc.iter_mut()
                .zip(&g_c[t * block..(t + 1) * block])
                .for_each(|(d, &a)| *d += a);
        }
        let cells = |i: usize| {
            if K::HAS_CELL {
                &s.cells[i * block..(i + 1) * block]
            } else {
                &[][..]
            }
        };
        dh_direct.iter_mut().for_each(|v| *v = T::ZERO);
        let rows = t * batch * width..(t + 1) * batch * width;
        let input = GradInput {
            dh: &dh,
            saved: &s.saved[t * saved_block..(t + 1) * saved_block],
            h_prev: &s.states[t * block..(t + 1) * block],
            c_prev: cells(t),
            h: &s.states[(t + 1) * block..(t + 2) * block],
            c: cells(t + 1),
        };
        let output = GradOutput {
            dc: if K::HAS_CELL { &mut dc } else { &mut [] },
            dx: &mut dx[rows.clone()],
            dhh: &mut dhh[rows.clone()],
            dh_prev: &mut dh_direct,
        };
        backward_rows::<T, K>(hidden, batch, input, output);

        // dh_{t-1} = dhh_t W_hh + the direct path.
        let dhh_t = Tensor::from_slice(&dhh[rows], &[batch, width])?;
        let through_weight = dhh_t.matmul(&s.weight)?;
        for ((d, &a), &b) in dh_next
            .iter_mut()
            .zip(
                through_weight
                    .as_slice()
                    .expect("matmul output is contiguous"),
            )
            .zip(&dh_direct)
        {
            *d = a + b;
        }
    }

    // db_hh sums dhh over all rows; a row loop reads memory in order, where a reduction over
    // axis 0 would walk columns.
    let mut d_bias = vec![T::ZERO; width];
    for row in dhh.chunks_exact(width) {
        d_bias.iter_mut().zip(row).for_each(|(d, &v)| *d += v);
    }
    let d_bias = Tensor::from_vec(d_bias, &[width])?;

    // dW_hh = sum over steps of dhh_t^T h_{t-1}: one matmul over all steps.
    let dhh = Tensor::from_vec(dhh, &[steps * batch, width])?;
    let h_prev_all = Tensor::from_slice(&s.states[..steps * block], &[steps * batch, hidden])?;
    let d_weight = dhh.t()?.matmul(&h_prev_all)?;
    let dx = Tensor::from_vec(dx, &[steps * batch, width])?;
    let dh0 = Tensor::from_vec(dh_next, &[batch, hidden])?;

    let mut grads = vec![Some(dx), Some(d_weight), Some(d_bias), Some(dh0)];
    if K::HAS_CELL {
        grads.push(Some(Tensor::from_vec(dc, &[batch, hidden])?));
    }
    Ok(grads)
}
