//! Host side of `kernels/reduce.cl`: sum, mean, max, min, population variance and logsumexp
//! over any set of axes.
//!
//! The input's axes are split into the kept ones and the reduced ones, each passed to the
//! kernel as a view of the same storage, so no input is copied.

use super::launch::{enqueue, kernel_builder, output_tensor, program, REDUCE};
use super::layout::{coalesce, encode};
use super::ClStorage;
use crate::shape::num_elements;
use crate::{Element, Result, Tensor};

/// A reduction with a kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReduceOp {
    /// The sum (0 for no elements).
    Sum,
    /// The mean (NaN for no elements).
    Mean,
    /// The maximum, NaN propagating.
    Max,
    /// The minimum, NaN propagating.
    Min,
    /// The population variance, in two passes (NaN for no elements).
    Var,
    /// `ln(sum(exp(x)))`, shifted by the maximum (-inf for no elements).
    LogSumExp,
}

impl ReduceOp {
    /// Returns the kernel's name in `reduce.cl`.
    fn kernel_name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "reduce_sum",
            ReduceOp::Mean => "reduce_mean",
            ReduceOp::Max => "reduce_max",
            ReduceOp::Min => "reduce_min",
            ReduceOp::Var => "reduce_var",
            ReduceOp::LogSumExp => "reduce_logsumexp",
        }
    }
}

/// Reduces `x` (whose storage is `src`) over the sorted, distinct axes `reduced`. The caller
/// has rejected an empty `max` or `min`.
pub(crate) fn reduce<T: Element>(
    x: &Tensor<T>,
    src: &ClStorage<T>,
    op: ReduceOp,
    reduced: &[usize],
    keepdim: bool,
) -> Result<Option<Tensor<T>>> {
    let shape = x.shape();
    let strides = x.strides();
    let is_reduced = |axis: usize| reduced.binary_search(&axis).is_ok();

    let mut out_shape = Vec::with_capacity(shape.len());
    let (mut kept_shape, mut kept_strides) = (Vec::new(), Vec::new());
    let (mut red_shape, mut red_strides) = (Vec::new(), Vec::new());
    for axis in 0..shape.len() {
        if is_reduced(axis) {
            red_shape.push(shape[axis]);
            red_strides.push(strides[axis]);
            if keepdim {
                out_shape.push(1);
            }
        } else {
            kept_shape.push(shape[axis]);
            kept_strides.push(strides[axis]);
            out_shape.push(shape[axis]);
        }
    }

    let (kept_shape_c, [kept_strides_c]) = coalesce(&kept_shape, [&kept_strides]);
    let (red_shape_c, [red_strides_c]) = coalesce(&red_shape, [&red_strides]);
    let (Some(kept), Some(reduced_layout)) = (
        encode(&kept_shape_c, &kept_strides_c, x.offset()),
        encode(&red_shape_c, &red_strides_c, 0),
    ) else {
        return Ok(None);
    };

    let device = src.device();
    let n = num_elements(&kept_shape);
    let count = num_elements(&red_shape);
    let out = ClStorage::uninit(device, n)?;
    // An empty input with outputs: every output reduces nothing. The kernels of every op but
    // max and min handle that without reading `src`.
    if n > 0 {
        let program = program::<T>(device, &REDUCE)?;
        let mut builder = kernel_builder(device, &program, op.kernel_name(), n);
        builder
            .arg(out.buffer())
            .arg(src.buffer())
            .arg(kept)
            .arg(reduced_layout)
            .arg(count as i64)
            .arg(n as i64);
        // SAFETY: kept and reduced positions add up to positions of `x`'s layout, which lie
        // inside `src`; no position is read when `count` is 0; work-item o writes out[o] < n.
        unsafe { enqueue(op.kernel_name(), &builder)? };
    }
    Ok(Some(output_tensor(out, &out_shape)))
}
