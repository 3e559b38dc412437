//! The fused sequence kernel: one tape node runs a recurrent cell over every time step, with
//! backpropagation through time written by hand (see `bptt.rs`).
//!
//! Recording every step's matmul, gate slices and nonlinearities costs about twenty nodes per
//! step, and slicing the precomputed input projection per step makes each slice's backward
//! allocate a gradient as large as the whole projection. Here the layer records the input
//! projection `x W_ih^T` for all steps as one matmul, then this node, which adds both biases
//! inside the cell's [`StepKernel`].
//!
//! How the forward pass is organised, and why:
//!
//! - `W_hh^T` is packed once per sequence ([`PackedRhs`]), so the per-step product
//!   `h_{t-1} W_hh^T` (`[batch, hidden] x [hidden, gates * hidden]`) does not repack it;
//! - the batch rows are split across threads once per sequence (`rows.rs`): each thread runs
//!   every step for its rows, with no synchronisation between steps;
//! - each thread keeps one scratch buffer for the per-step product, so steps allocate nothing.
//!
//! Layouts are time-major so each step is a contiguous block of rows:
//!
//! ```text
//! x_proj   [steps * batch, gates * hidden]   row t * batch + b = x_{b,t} W_ih^T
//! output   [states, steps, batch, hidden]    states = 1 (h) or 2 (h, then c for the LSTM)
//! ```

use std::sync::Arc;

use autodiff::{Tape, Var};
use rayon::prelude::*;
use tensor::matmul::{gemm_prepacked, PackedRhs};
use tensor::{Element, Tensor};

use super::bptt::{backward, BackwardState};
use super::pool;
use super::rows::{split_blocks, split_blocks_mut, task_ranges};
use super::step::{StepInput, StepKernel, StepOutput};
use crate::{NnError, Result};

/// The inputs of a fused sequence node, all on one tape.
pub(crate) struct SequenceInputs<'a, T: Element> {
    /// Input projection without bias, `[steps * batch, gates * hidden]`, time-major.
    pub x_proj: &'a Var<T>,
    /// Recurrent weight `[gates * hidden, hidden]`.
    pub weight_hh: &'a Var<T>,
    /// Input bias `[gates * hidden]` (zeros when the layer has no bias).
    pub bias_ih: &'a Var<T>,
    /// Recurrent bias `[gates * hidden]` (zeros when the layer has no bias).
    pub bias_hh: &'a Var<T>,
    /// Initial hidden state `[batch, hidden]`.
    pub h0: &'a Var<T>,
    /// Initial cell state `[batch, hidden]`, for cells with `HAS_CELL`.
    pub c0: Option<&'a Var<T>>,
    /// Number of time steps.
    pub steps: usize,
}

/// One thread's share of the forward pass: its rows of every step.
struct ForwardTask<'a, T> {
    x: Vec<&'a [T]>,
    h0: &'a [T],
    c0: &'a [T],
    h: Vec<&'a mut [T]>,
    c: Vec<&'a mut [T]>,
    saved: Vec<&'a mut [T]>,
}

/// Runs `K` over all steps as one tape node and returns `[states, steps, batch, hidden]`.
pub(crate) fn run_sequence<T: Element, K: StepKernel<T>>(
    tape: &Tape<T>,
    name: &'static str,
    inputs: SequenceInputs<'_, T>,
) -> Result<Var<T>> {
    check_inputs::<T, K>(name, &inputs)?;
    let (batch, hidden) = (inputs.h0.shape()[0], inputs.h0.shape()[1]);
    let (steps, width) = (inputs.steps, K::GATES * hidden);
    let block = batch * hidden;
    let state_count = if K::HAS_CELL { 2 } else { 1 };

    let x_proj = inputs.x_proj.value().contiguous();
    let xs = x_proj
        .as_slice()
        .expect("contiguous() returns a contiguous tensor");
    let weight = inputs.weight_hh.value().contiguous();
    let packed = PackedRhs::new(&weight.t()?)?;
    let bias_ih = inputs.bias_ih.value().to_vec();
    let bias_hh = inputs.bias_hh.value().to_vec();
    let h0 = inputs.h0.value().to_vec();
    let c0 = inputs.c0.map_or_else(Vec::new, |c| c.value().to_vec());

    // Every value of `output` and `saved` is written by the steps below.
    let mut output = vec![T::ZERO; state_count * steps * block];
    let mut saved = pool::take(steps * batch * K::SAVED * hidden);
    let ranges = task_ranges(
        batch,
        steps * batch * hidden * width,
        rayon::current_num_threads(),
    );
    {
        let (h_out, c_out) = output.split_at_mut(steps * block);
        let tasks: Vec<ForwardTask<'_, T>> = split_blocks(xs, steps, batch, &ranges)
            .into_iter()
            .zip(split_blocks(&h0, 1, batch, &ranges))
            .zip(split_blocks(&c0, 1, batch, &ranges))
            .zip(split_blocks_mut(h_out, steps, batch, &ranges))
            .zip(split_blocks_mut(c_out, steps, batch, &ranges))
            .zip(split_blocks_mut(&mut saved, steps, batch, &ranges))
            .map(|(((((x, h0), c0), h), c), saved)| ForwardTask {
                x,
                h0: h0[0],
                c0: c0[0],
                h,
                c,
                saved,
            })
            .collect();
        let run = |task| forward_task::<T, K>(hidden, &packed, &bias_ih, &bias_hh, task);
        if tasks.len() > 1 {
            tasks.into_par_iter().try_for_each(run)?;
        } else {
            tasks.into_iter().try_for_each(run)?;
        }
    }

    let output = Tensor::from_vec(output, &[state_count, steps, batch, hidden])?;
    let state = Arc::new(BackwardState {
        output: output.clone(),
        h0,
        c0,
        saved,
        weight,
        steps,
        batch,
        hidden,
    });
    let mut var_inputs = vec![
        inputs.x_proj,
        inputs.weight_hh,
        inputs.bias_ih,
        inputs.bias_hh,
        inputs.h0,
    ];
    var_inputs.extend(inputs.c0);
    let var = tape.custom_op(name, &var_inputs, output, move |grad| {
        backward::<T, K>(&state, grad)
    })?;
    Ok(var)
}

/// Checks that the shapes of a sequence node's inputs fit together.
fn check_inputs<T: Element, K: StepKernel<T>>(
    name: &'static str,
    inputs: &SequenceInputs<'_, T>,
) -> Result<()> {
    if K::HAS_CELL != inputs.c0.is_some() {
        return Err(NnError::invalid(
            name,
            "an initial cell state is needed exactly when the cell has one",
        ));
    }
    let &[batch, hidden] = inputs.h0.shape() else {
        return Err(NnError::invalid(
            name,
            format!("h0 must be [batch, hidden], got {:?}", inputs.h0.shape()),
        ));
    };
    let width = K::GATES * hidden;
    let state_shapes_fit = inputs.c0.is_none_or(|c| c.shape() == [batch, hidden]);
    if inputs.x_proj.shape() != [inputs.steps * batch, width]
        || inputs.weight_hh.shape() != [width, hidden]
        || inputs.bias_ih.shape() != [width]
        || inputs.bias_hh.shape() != [width]
        || !state_shapes_fit
    {
        return Err(NnError::invalid(
            name,
            format!(
                "inconsistent shapes: x_proj {:?}, weight_hh {:?}, bias_ih {:?}, bias_hh {:?}, \
                 h0 {:?} for {} steps",
                inputs.x_proj.shape(),
                inputs.weight_hh.shape(),
                inputs.bias_ih.shape(),
                inputs.bias_hh.shape(),
                inputs.h0.shape(),
                inputs.steps
            ),
        ));
    }
    Ok(())
}

/// Runs every step of one task's rows: the recurrent product into a scratch buffer, then the
/// cell's elementwise step.
fn forward_task<T: Element, K: StepKernel<T>>(
    hidden: usize,
    packed: &PackedRhs<T>,
    bias_ih: &[T],
    bias_hh: &[T],
    task: ForwardTask<'_, T>,
) -> Result<()> {
    let ForwardTask {
        x,
        h0,
        c0,
        mut h,
        mut c,
        mut saved,
    } = task;
    let rows = h0.len() / hidden;
    let mut hh = vec![T::ZERO; rows * K::GATES * hidden];
    for t in 0..x.len() {
        let (h_done, h_rest) = h.split_at_mut(t);
        let (c_done, c_rest) = c.split_at_mut(t);
        let h_prev: &[T] = if t == 0 { h0 } else { h_done[t - 1] };
        let c_prev: &[T] = if t == 0 { c0 } else { c_done[t - 1] };
        gemm_prepacked(T::ONE, h_prev, packed, T::ZERO, &mut hh)?;
        let input = StepInput {
            x: x[t],
            bias_ih,
            hh: &hh,
            bias_hh,
            h_prev,
            c_prev,
        };
        let output = StepOutput {
            saved: &mut *saved[t],
            h: &mut *h_rest[0],
            c: &mut *c_rest[0],
        };
        K::forward(hidden, input, output);
    }
    Ok(())
}
