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
//! NaN or +inf gives NaN everywhere.
//!
//! When the axis is the last one, each lane is a contiguous row: the maximum and, for `f32`,
//! the `exp` use SIMD kernels (`reduce_simd.rs`, `exp_simd.rs`), and rows run on several
//! threads for large inputs. Otherwise the
//! input is a stack of `len x inner` blocks whose columns are the lanes. The block kernel walks
//! each block row by row, so it reads memory in order.

use rayon::prelude::*;

use crate::ops::exp_simd;
use crate::ops::index::{row_major, split_at_axis};
use crate::ops::reduce::PARALLEL_THRESHOLD_EXP;
use crate::ops::reduce_kernels::{Extreme, Reducer};
use crate::ops::reduce_simd;
use crate::shape::normalize_axis;
use crate::{Element, Result, Tensor};

/// The output a kernel writes: probabilities or their logarithms.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Softmax,
    LogSoftmax,
}

impl Form {
    /// Returns the value of every entry of a lane of all -inf.
    fn empty_lane_value<T: Element>(self) -> T {
        match self {
            Form::Softmax => T::ZERO,
            Form::LogSoftmax => T::NEG_INFINITY,
        }
    }

    /// Writes `x - m` (log-softmax) or `exp(x - m)` (softmax) and returns `exp(x - m)`.
    #[inline]
    fn shift<T: Element>(self, x: &mut T, m: T) -> T {
        let shifted = *x - m;
        let e = shifted.exp();
        *x = match self {
            Form::Softmax => e,
            Form::LogSoftmax => shifted,
        };
        e
    }

    /// Turns the lane total `sum exp(x - m)` into the factor or the term of the last pass.
    fn finisher<T: Element>(self, total: T) -> T {
        match self {
            Form::Softmax => T::ONE / total,
            Form::LogSoftmax => total.ln(),
        }
    }

    /// Applies the last pass to one value: scale (softmax) or subtract (log-softmax).
    #[inline]
    fn finish<T: Element>(self, x: &mut T, finisher: T) {
        match self {
            Form::Softmax => *x *= finisher,
            Form::LogSoftmax => *x -= finisher,
        }
    }
}

/// Rewrites one contiguous row in place as its softmax or log-softmax.
fn row_kernel<T: Element>(row: &mut [T], form: Form) {
    let m = reduce_simd::extreme(row, true);
    if m == T::NEG_INFINITY {
        row.fill(form.empty_lane_value());
        return;
    }
    if !m.is_finite() {
        // NaN or +inf in the lane: the shift by `m` is undefined.
        row.fill(T::from_f64(f64::NAN));
        return;
    }
    match form {
        Form::Softmax => {
            let scale = T::ONE / exp_simd::exp_shifted_inplace(row, m);
            for x in row.iter_mut() {
                *x *= scale;
            }
        }
        Form::LogSoftmax => {
            let log_total = exp_simd::sum_exp_shifted(row, m).ln();
            for x in row.iter_mut() {
                *x = *x - m - log_total;
            }
        }
    }
}

/// Rewrites each column of a row-major `len x inner` block in place as its softmax or
/// log-softmax. `len` is at least 1.
fn block_kernel<T: Element>(block: &mut [T], len: usize, inner: usize, form: Form) {
    let mut m = vec![T::ZERO; inner];
    Extreme { is_max: true }.columns(block, len, inner, &mut m);

    let mut totals = vec![T::ZERO; inner];
    for row in block.chunks_exact_mut(inner) {
        for ((x, &mk), total) in row.iter_mut().zip(&m).zip(totals.iter_mut()) {
            *total += form.shift(x, mk);
        }
    }

    let finishers: Vec<T> = totals.into_iter().map(|t| form.finisher(t)).collect();
    for row in block.chunks_exact_mut(inner) {
        for ((x, &mk), &finisher) in row.iter_mut().zip(&m).zip(&finishers) {
            if mk == T::NEG_INFINITY {
                *x = form.empty_lane_value();
            } else {
                form.finish(x, finisher);
            }
        }
    }
}

impl<T: Element> Tensor<T> {
    /// Normalises along `axis` into probabilities: `exp(x_i) / sum_j exp(x_j)` per lane.
    ///
    /// The output has the shape of `self`. See the module doc for stability and -inf lanes.
    ///
    /// ```
    /// use tensor::{tensor, Tensor};
    ///
    /// let logits: Tensor<f32> = tensor!([1000.0, 1000.0, 0.0]);
    /// assert_eq!(logits.softmax(0)?.to_vec(), vec![0.5, 0.5, 0.0]);
    /// # Ok::<(), tensor::TensorError>(())
    /// ```
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

    /// Copies `self` into a contiguous buffer and rewrites every lane along `axis`.
    fn softmax_form(&self, op: &'static str, axis: isize, form: Form) -> Result<Tensor<T>> {
        let axis = normalize_axis(op, axis, self.rank())?;
        #[cfg(feature = "opencl")]
        if !self.is_on_host() {
            let log_form = form == Form::LogSoftmax;
            return crate::opencl::dispatch::softmax(self, axis, log_form, |host| {
                host.softmax_form(op, axis as isize, form)
            });
        }
        let (outer, len, inner) = split_at_axis(self.shape(), axis);
        let mut data = row_major(self).into_owned();
        if data.is_empty() {
            return Ok(Tensor::from_parts_unchecked(data, self.shape()));
        }

        // Blocks, and rows within them, are independent, so threads share them out whole.
        // NOTE: a single block (`outer == 1`, `inner > 1`) always runs on one thread.
        let block = len * inner;
        let parallel = data.len() >= PARALLEL_THRESHOLD_EXP;
        let run_block = |block_data: &mut [T]| {
            if inner == 1 {
                row_kernel(block_data, form);
            } else {
                block_kernel(block_data, len, inner, form);
            }
        };
        if parallel && outer > 1 {
            data.par_chunks_exact_mut(block).for_each(run_block);
        } else {
            data.chunks_exact_mut(block).for_each(run_block);
        }
        Ok(Tensor::from_parts_unchecked(data, self.shape()))
    }
}
