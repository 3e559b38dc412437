//! The reduction kernels: each reduction reduces a contiguous row, or each column of a
//! row-major block, to one value.
//!
//! A reduction runs on a contiguous input seen as `outer x len x inner` (see `reduce_plan.rs`).
//! With `inner == 1` every output reduces one contiguous row of `len` values: the row kernels
//! use SIMD (`reduce_simd.rs`). Otherwise every output reduces one column of a `len x inner`
//! block: the column kernels walk the block row by row and update a whole row of running
//! results at a time, which reads memory in order and lets the compiler vectorize the update.
//!
//! The drivers guarantee that `max`, `min`, `argmax` and `argmin` never get zero elements.

use crate::ops::exp_simd;
use crate::ops::reduce_plan;
use crate::ops::reduce_simd as simd;
use crate::Element;

/// A reduction from many values to one, over rows or over columns.
pub(crate) trait Reducer<T: Element>: Sync {
    /// The type of one result: `T`, or `usize` for the index reductions.
    type Output: Copy + Send + Sync + Default;

    /// Number of input elements from which the reduction runs on several threads.
    const PARALLEL_THRESHOLD: usize = reduce_plan::PARALLEL_THRESHOLD;

    /// Reduces one contiguous row.
    fn row(&self, row: &[T]) -> Self::Output;

    /// Reduces the `out.len()` columns of a `len`-row block whose element `(i, k)` is
    /// `block[i * stride + k]`, writing column `k`'s result to `out[k]`. `len` is at least 1.
    fn columns(&self, block: &[T], len: usize, stride: usize, out: &mut [Self::Output]);

    /// Returns the OpenCL kernel computing the same reduction, or `None` to run on the host.
    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::reduce::ReduceOp> {
        None
    }
}

/// Returns row `i` of a strided block, cut to `width` elements.
#[inline]
fn block_row<T>(block: &[T], i: usize, stride: usize, width: usize) -> &[T] {
    &block[i * stride..i * stride + width]
}

/// Adds every row of the block into `out` (which starts at zero).
fn sum_columns<T: Element>(block: &[T], len: usize, stride: usize, out: &mut [T]) {
    out.fill(T::ZERO);
    let width = out.len();
    for i in 0..len {
        for (o, &x) in out.iter_mut().zip(block_row(block, i, stride, width)) {
            *o += x;
        }
    }
}

/// Sum of the values (0 for none).
pub(crate) struct Sum;

impl<T: Element> Reducer<T> for Sum {
    type Output = T;

    fn row(&self, row: &[T]) -> T {
        simd::sum(row)
    }

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::reduce::ReduceOp> {
        Some(crate::opencl::reduce::ReduceOp::Sum)
    }

    fn columns(&self, block: &[T], len: usize, stride: usize, out: &mut [T]) {
        sum_columns(block, len, stride, out);
    }
}

/// Arithmetic mean (NaN for no values, as 0 / 0).
pub(crate) struct Mean;

impl<T: Element> Reducer<T> for Mean {
    type Output = T;

    fn row(&self, row: &[T]) -> T {
        simd::sum(row) / T::from_usize(row.len())
    }

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::reduce::ReduceOp> {
        Some(crate::opencl::reduce::ReduceOp::Mean)
    }

    fn columns(&self, block: &[T], len: usize, stride: usize, out: &mut [T]) {
        sum_columns(block, len, stride, out);
        let count = T::from_usize(len);
        for o in out.iter_mut() {
            *o /= count;
        }
    }
}

/// Maximum (`is_max`) or minimum; NaN propagates.
pub(crate) struct Extreme {
    /// True for the maximum, false for the minimum.
    pub(crate) is_max: bool,
}

impl<T: Element> Reducer<T> for Extreme {
    type Output = T;

    fn row(&self, row: &[T]) -> T {
        simd::extreme(row, self.is_max)
    }

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::reduce::ReduceOp> {
        use crate::opencl::reduce::ReduceOp;
        Some(if self.is_max {
            ReduceOp::Max
        } else {
            ReduceOp::Min
        })
    }

    fn columns(&self, block: &[T], len: usize, stride: usize, out: &mut [T]) {
        out.copy_from_slice(block_row(block, 0, stride, out.len()));
        for i in 1..len {
            let values = block_row(block, i, stride, out.len());
            for (o, &x) in out.iter_mut().zip(values) {
                *o = if self.is_max {
                    o.max_of(x)
                } else {
                    o.min_of(x)
                };
            }
        }
    }
}

/// Population variance: the mean of squared deviations from the mean, computed in two passes.
pub(crate) struct Variance;

impl<T: Element> Reducer<T> for Variance {
    type Output = T;

    fn row(&self, row: &[T]) -> T {
        let count = T::from_usize(row.len());
        let mu = simd::sum(row) / count;
        simd::sum_squared_deviations(row, mu) / count
    }

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::reduce::ReduceOp> {
        Some(crate::opencl::reduce::ReduceOp::Var)
    }

    fn columns(&self, block: &[T], len: usize, stride: usize, out: &mut [T]) {
        let mut mu = vec![T::ZERO; out.len()];
        Mean.columns(block, len, stride, &mut mu);
        out.fill(T::ZERO);
        for i in 0..len {
            let values = block_row(block, i, stride, out.len());
            for ((o, &x), &m) in out.iter_mut().zip(values).zip(&mu) {
                let d = x - m;
                *o += d * d;
            }
        }
        let count = T::from_usize(len);
        for o in out.iter_mut() {
            *o /= count;
        }
    }
}

/// `ln(sum(exp(x)))`, shifted by the maximum `m` so that no `exp` overflows:
/// `m + ln(sum(exp(x - m)))`. When `m` is not finite (-inf for no values or all -inf, +inf, or
/// NaN) the shift would give NaN, and `m` itself is the result.
pub(crate) struct LogSumExp;

impl<T: Element> Reducer<T> for LogSumExp {
    type Output = T;
    const PARALLEL_THRESHOLD: usize = reduce_plan::PARALLEL_THRESHOLD_EXP;

    fn row(&self, row: &[T]) -> T {
        let m = simd::extreme(row, true);
        if !m.is_finite() {
            return m;
        }
        m + exp_simd::sum_exp_shifted(row, m).ln()
    }

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::reduce::ReduceOp> {
        Some(crate::opencl::reduce::ReduceOp::LogSumExp)
    }

    fn columns(&self, block: &[T], len: usize, stride: usize, out: &mut [T]) {
        let mut m = vec![T::ZERO; out.len()];
        Extreme { is_max: true }.columns(block, len, stride, &mut m);
        out.fill(T::ZERO);
        for i in 0..len {
            let values = block_row(block, i, stride, out.len());
            for ((o, &x), &mk) in out.iter_mut().zip(values).zip(&m) {
                *o += (x - mk).exp();
            }
        }
        for (o, &mk) in out.iter_mut().zip(&m) {
            *o = if mk.is_finite() { mk + o.ln() } else { mk };
        }
    }
}

/// Index of the first maximum (`is_max`) or minimum; the first NaN beats every number.
pub(crate) struct ArgExtreme {
    /// True for `argmax`, false for `argmin`.
    pub(crate) is_max: bool,
}

impl ArgExtreme {
    /// True when `candidate` replaces the current `best` (which is not NaN).
    #[inline]
    fn beats<T: Element>(&self, candidate: T, best: T) -> bool {
        candidate.is_nan()
            || (self.is_max && candidate > best)
            || (!self.is_max && candidate < best)
    }
}

impl<T: Element> Reducer<T> for ArgExtreme {
    type Output = usize;

    fn row(&self, row: &[T]) -> usize {
        let mut best_index = 0;
        let mut best = row[0];
        for (i, &x) in row.iter().enumerate().skip(1) {
            if best.is_nan() {
                break;
            }
            if self.beats(x, best) {
                best = x;
                best_index = i;
            }
        }
        best_index
    }

    fn columns(&self, block: &[T], len: usize, stride: usize, out: &mut [usize]) {
        let mut best = block_row(block, 0, stride, out.len()).to_vec();
        out.fill(0);
        for i in 1..len {
            let values = block_row(block, i, stride, out.len());
            for ((o, b), &x) in out.iter_mut().zip(best.iter_mut()).zip(values) {
                if !b.is_nan() && self.beats(x, *b) {
                    *b = x;
                    *o = i;
                }
            }
        }
    }
}
