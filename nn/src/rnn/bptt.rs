//! Backpropagation through time for the fused sequence node of `sequence.rs`.
//!
//! The backward pass
//!
//! 1. walks the steps in reverse, each thread over its own batch rows as in the forward pass,
//!    calling the cell's [`StepKernel::backward`] and one product `dhh_t W_hh`
//!    (`[rows, gates * hidden] x [gates * hidden, hidden]`, with `W_hh` packed once) for
//!    dh_{t-1};
//! 2. computes dW_hh for all steps at once, as `dhh^T [h_0; ...; h_{T-1}]`
//!    (`[gates * hidden, steps * batch] x [steps * batch, hidden]`), and the bias gradients as
//!    column sums.

use rayon::prelude::*;
use tensor::matmul::{gemm, gemm_prepacked, PackedRhs};
use tensor::{Element, Tensor};

use super::pool;
use super::rows::{split_blocks, split_blocks_mut, task_ranges};
use super::step::{GradInput, GradOutput, StepKernel};

/// The forward values that the backward pass reads.
pub(crate) struct BackwardState<T: Element> {
    /// The node's output, `[states, steps, batch, hidden]`: h_1..h_T, then c_1..c_T.
    pub output: Tensor<T>,
    /// Initial hidden state, `[batch, hidden]`.
    pub h0: Vec<T>,
    /// Initial cell state, `[batch, hidden]`, or empty.
    pub c0: Vec<T>,
    /// The kernel's saved values, `[steps * batch, saved * hidden]`.
    pub saved: Vec<T>,
    /// Recurrent weight `[gates * hidden, hidden]`.
    pub weight: Tensor<T>,
    /// Number of time steps.
    pub steps: usize,
    /// Batch rows.
    pub batch: usize,
    /// Hidden size.
    pub hidden: usize,
}

impl<T: Element> Drop for BackwardState<T> {
    /// Returns the saved values' buffer to the pool for the next sequence.
    fn drop(&mut self) {
        pool::give(std::mem::take(&mut self.saved));
    }
}

/// One thread's share of the backward pass: its rows of every step.
struct BackwardTask<'a, T> {
    /// Gradient of the output h_t and c_t, per step.
    g_h: Vec<&'a [T]>,
    g_c: Vec<&'a [T]>,
    saved: Vec<&'a [T]>,
    /// h_t and c_t of the forward pass, per step.
    h: Vec<&'a [T]>,
    c: Vec<&'a [T]>,
    h0: &'a [T],
    c0: &'a [T],
    dx: Vec<&'a mut [T]>,
    dhh: Vec<&'a mut [T]>,
    /// Running gradient of h_{t-1}, which ends as the gradient of h0.
    dh_next: &'a mut [T],
    /// Running gradient of c_{t-1}, which ends as the gradient of c0.
    dc: &'a mut [T],
}

/// Computes the gradients of the node's inputs: x_proj, weight_hh, bias_ih, bias_hh, h0 and,
/// for cells with a memory cell, c0.
pub(crate) fn backward<T: Element, K: StepKernel<T>>(
    s: &BackwardState<T>,
    grad: &Tensor<T>,
) -> autodiff::Result<Vec<Option<Tensor<T>>>> {
    let (steps, batch, hidden) = (s.steps, s.batch, s.hidden);
    let width = K::GATES * hidden;
    let block = batch * hidden;
    let grad = grad.contiguous();
    let g = grad
        .as_slice()
        .expect("contiguous() returns a contiguous tensor");
    let (g_h, g_c) = g.split_at(steps * block);
    let out = s
        .output
        .as_slice()
        .expect("the output is built contiguous by from_vec");
    let (out_h, out_c) = out.split_at(steps * block);
    let packed = PackedRhs::new(&s.weight)?;

    let rows = steps * batch;
    let mut dhh = vec![T::ZERO; rows * width];
    let mut dx = vec![T::ZERO; if K::DX_IS_DHH { 0 } else { rows * width }];
    let mut dh0 = vec![T::ZERO; block];
    let mut dc0 = vec![T::ZERO; if K::HAS_CELL { block } else { 0 }];
    let ranges = task_ranges(batch, rows * hidden * width, rayon::current_num_threads());
    {
        let mut dh0_parts = split_blocks_mut(&mut dh0, 1, batch, &ranges);
        let mut dc0_parts = split_blocks_mut(&mut dc0, 1, batch, &ranges);
        let tasks: Vec<BackwardTask<'_, T>> = split_blocks(g_h, steps, batch, &ranges)
            .into_iter()
            .zip(split_blocks(g_c, steps, batch, &ranges))
            .zip(split_blocks(&s.saved, steps, batch, &ranges))
            .zip(split_blocks(out_h, steps, batch, &ranges))
            .zip(split_blocks(out_c, steps, batch, &ranges))
            .zip(split_blocks(&s.h0, 1, batch, &ranges))
            .zip(split_blocks(&s.c0, 1, batch, &ranges))
            .zip(split_blocks_mut(&mut dx, steps, batch, &ranges))
            .zip(split_blocks_mut(&mut dhh, steps, batch, &ranges))
            .zip(dh0_parts.iter_mut().zip(dc0_parts.iter_mut()))
            .map(
                |(((((((((g_h, g_c), saved), h), c), h0), c0), dx), dhh), (dh, dc))| BackwardTask {
                    g_h,
                    g_c,
                    saved,
                    h,
                    c,
                    h0: h0[0],
                    c0: c0[0],
                    dx,
                    dhh,
                    dh_next: &mut *dh[0],
                    dc: &mut *dc[0],
                },
            )
            .collect();
        let run = |task| backward_task::<T, K>(hidden, &packed, task);
        if tasks.len() > 1 {
            tasks.into_par_iter().try_for_each(run)?;
        } else {
            tasks.into_iter().try_for_each(run)?;
        }
    }

    let d_bias_hh = Tensor::from_vec(column_sums(&dhh, width), &[width])?;
    let d_bias_ih = if K::DX_IS_DHH {
        d_bias_hh.clone()
    } else {
        Tensor::from_vec(column_sums(&dx, width), &[width])?
    };
    let dhh = Tensor::from_vec(dhh, &[rows, width])?;
    let d_weight = weight_gradient(s, &dhh)?;
    // For cells where x and hh enter only through their sum, the two gradients are one tensor.
    let dx = if K::DX_IS_DHH {
        dhh
    } else {
        Tensor::from_vec(dx, &[rows, width])?
    };
    let dh0 = Tensor::from_vec(dh0, &[batch, hidden])?;

    let mut grads = vec![
        Some(dx),
        Some(d_weight),
        Some(d_bias_ih),
        Some(d_bias_hh),
        Some(dh0),
    ];
    if K::HAS_CELL {
        grads.push(Some(Tensor::from_vec(dc0, &[batch, hidden])?));
    }
    Ok(grads)
}

/// Walks one task's rows through the steps in reverse.
fn backward_task<T: Element, K: StepKernel<T>>(
    hidden: usize,
    packed: &PackedRhs<T>,
    task: BackwardTask<'_, T>,
) -> tensor::Result<()> {
    let BackwardTask {
        g_h,
        g_c,
        saved,
        h,
        c,
        h0,
        c0,
        mut dx,
        mut dhh,
        dh_next,
        dc,
    } = task;
    let mut dh = vec![T::ZERO; h0.len()];
    // dh_{t-1} = dhh_t W_hh, plus the direct path that the kernel writes first.
    let beta = if K::DIRECT_PATH { T::ONE } else { T::ZERO };
    for t in (0..g_h.len()).rev() {
        // Total gradient reaching h_t and c_t: from the output and from step t + 1.
        for ((d, &a), &b) in dh.iter_mut().zip(g_h[t]).zip(&*dh_next) {
            *d = a + b;
        }
        if K::HAS_CELL {
            dc.iter_mut().zip(g_c[t]).for_each(|(d, &a)| *d += a);
        }
        let input = GradInput {
            dh: &dh,
            saved: saved[t],
            h_prev: if t == 0 { h0 } else { h[t - 1] },
            c_prev: if t == 0 { c0 } else { c[t - 1] },
            h: h[t],
        };
        let output = GradOutput {
            dc: &mut *dc,
            dx: &mut *dx[t],
            dhh: &mut *dhh[t],
            dh_prev: if K::DIRECT_PATH {
                &mut *dh_next
            } else {
                &mut []
            },
        };
        K::backward(hidden, input, output);
        gemm_prepacked(T::ONE, &*dhh[t], packed, beta, dh_next)?;
    }
    Ok(())
}

/// Returns the sum of the rows of a `[rows, width]` buffer. A row loop reads memory in order,
/// where a reduction over axis 0 would walk columns.
fn column_sums<T: Element>(values: &[T], width: usize) -> Vec<T> {
    let mut sums = vec![T::ZERO; width];
    for row in values.chunks_exact(width) {
        sums.iter_mut().zip(row).for_each(|(d, &v)| *d += v);
    }
    sums
}

/// Returns dW_hh = sum over steps of dhh_t^T h_{t-1}, `[gates * hidden, hidden]`: one product
/// over steps 1.. (whose h_{t-1} are rows of the output) plus one for step 0 and h0.
fn weight_gradient<T: Element>(s: &BackwardState<T>, dhh: &Tensor<T>) -> tensor::Result<Tensor<T>> {
    let (steps, batch, hidden) = (s.steps, s.batch, s.hidden);
    let width = dhh.shape()[1];
    let mut d_weight = Tensor::zeros(&[width, hidden]);
    if steps == 0 {
        return Ok(d_weight);
    }
    if steps > 1 {
        let later = dhh.narrow(0, batch, (steps - 1) * batch)?.t()?;
        let all_states = s
            .output
            .reshape_to(&[s.output.num_elements() / hidden, hidden])?;
        let earlier = all_states.narrow(0, 0, (steps - 1) * batch)?;
        gemm(T::ONE, &later, &earlier, T::ZERO, &mut d_weight)?;
    }
    let first = dhh.narrow(0, 0, batch)?.t()?;
    let h0 = Tensor::from_slice(&s.h0, &[batch, hidden])?;
    gemm(T::ONE, &first, &h0, T::ONE, &mut d_weight)?;
    Ok(d_weight)
}
