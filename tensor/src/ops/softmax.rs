//! `softmax` and `log_softmax` along one axis, computed without overflow.
//!
//! For a lane `x` (the values along the axis, the others fixed) with maximum `m`:
//!
//! ```text
//! softmax(x)_i     = exp(x_i - m) / sum_j exp(x_j - m)
//! log_softmax(x)_i = (x_i - m) - ln(sum_j exp(x_j - m))
//! ```
//!
//! Subtracting `m` changes nothing mathematically, but keeps every `exp` at most 1, so
//! `softmax([1000, 1000, 0])` is `[0.5, 0.5, ~0]` instead of NaN.
//!
//! A lane of all -inf has no finite maximum. Such a lane gives `softmax` 0 everywhere and
//! `log_softmax` -inf everywhere (no probability mass at all), never NaN. A lane that contains
//! NaN gives NaN everywhere; a lane that contains +inf gives NaN as well, as in PyTorch.
//!
//! When the axis is the last one the lanes are contiguous rows; otherwise each lane is walked
//! with a stride over a contiguous copy of the input.

use rayon::prelude::*;

use crate::ops::index::split_at_axis;
use crate::ops::reduce::PARALLEL_THRESHOLD;
use crate::shape::normalize_axis;
use crate::{Element, Result, Tensor};

/// Which of the two outputs a lane kernel writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Softmax,
    LogSoftmax,
}

/// Rewrites one lane in place (`lane[i * step]` for `i < len`) as its softmax or log-softmax.
fn lane_kernel<T: Element>(lane: &mut [T], len: usize, step: usize, form: Form) {
    let at = |i: usize| i * step;

    let mut m = T::NEG_INFINITY;
    for i in 0..len {
        m = m.max_of(lane[at(i)]);
    }
    if m == T::NEG_INFINITY {
        let fill = match form {
            Form::Softmax => T::ZERO,
            Form::LogSoftmax => T::NEG_INFINITY,
        };
        for i in 0..len {
            lane[at(i)] = fill;
        }
        return;
    }

    let mut total = T::ZERO;
    for i in 0..len {
        let shifted = lane[at(i)] - m;
        let e = shifted.exp();
        total += e;
        lane[at(i)] = match form {
            Form::Softmax => e,
            Form::LogSoftmax => shifted,
        };
    }
    match form {
        Form::Softmax => {
            let scale = T::ONE / total;
            for i in 0..len {
                lane[at(i)] *= scale;
            }
        }
        Form::LogSoftmax => {
            let log_total = total.ln();
            for i in 0..len {
                lane[at(i)] -= log_total;
            }
        }
    }
}

impl<T: Element> Tensor<T> {
    /// Normalises along `axis` into probabilities: `exp(x_i) / sum_j exp(x_j)` per lane.
    ///
    /// The output has the shape of `self`. See the module doc for stability and -inf lanes.
    ///
    /// # Errors
    /// [`crate::TensorError::InvalidAxis`] for a bad axis.
    pub fn softmax(&self, axis: isize) -> Result<Tensor<T>> {
        self.softmax_form("softmax", axis, Form::Softmax)
    }

    /// Computes `x_i - ln(sum_j exp(x_j))` along `axis`, the logarithm of
    /// [`Tensor::softmax`] without its rounding to 0 for very negative values.
    ///
    /// # Errors
    /// [`crate::TensorError::InvalidAxis`] for a bad axis.
    pub fn log_softmax(&self, axis: isize) -> Result<Tensor<T>> {
        self.softmax_form("log_softmax", axis, Form::LogSoftmax)
    }

    /// Shared driver: copies `self` into a contiguous buffer and rewrites every lane.
    fn softmax_form(&self, op: &'static str, axis: isize, form: Form) -> Result<Tensor<T>> {
        let axis = normalize_axis(op, axis, self.rank())?;
        let (outer, len, inner) = split_at_axis(self.shape(), axis);
        let mut data = self.contiguous().to_vec();
        if data.is_empty() {
            return Ok(Tensor::from_parts_unchecked(data, self.shape()));
        }

        let block = len * inner;
        let parallel = data.len() >= PARALLEL_THRESHOLD && outer > 1;
        let run_block = |block_data: &mut [T]| {
            if inner == 1 {
                lane_kernel(block_data, len, 1, form);
            } else {
                for k in 0..inner {
                    lane_kernel(&mut block_data[k..], len, inner, form);
                }
            }
        };
        if parallel {
            data.par_chunks_exact_mut(block).for_each(run_block);
        } else {
            data.chunks_exact_mut(block).for_each(run_block);
        }
        Ok(Tensor::from_parts_unchecked(data, self.shape()))
    }
}
