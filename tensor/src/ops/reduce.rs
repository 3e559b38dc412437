//! Reductions over one or several axes: `sum`, `mean`, `max`, `min`, `var`, `logsumexp`, and
//! the index reductions `argmax`, `argmin`.
//!
//! # How a reduction runs
//!
//! Every reduction is planned the same way. The axes are split into the kept axes and the
//! reduced axes, and the tensor is viewed with the kept axes first and the reduced axes last.
//! Made contiguous, that view is a `rows x len` matrix: one row per output element, holding the
//! `len` values that reduce into it. A row kernel (a function from `&[T]` to one value, in
//! `reduce_kernels.rs`) then runs on each row. When the reduced axes already are the trailing
//! axes of a contiguous tensor, the view is the tensor itself and nothing is copied.
//!
//! Each output element is computed by one call of its row kernel, whatever the number of
//! threads, so results do not depend on how rows are shared between threads.
//!
//! # Empty reductions
//!
//! Reducing zero elements follows NumPy: `sum` gives 0, `mean` and `var` give NaN (0 / 0),
//! `logsumexp` gives -inf (log 0), and `max`, `min`, `argmax` and `argmin` return an error
//! because they have no identity.
//!
//! # NaN
//!
//! `max`, `min` and `logsumexp` return NaN for a row that contains NaN. `argmax` and `argmin`
//! return the index of the first NaN in such a row, as NumPy does.

use rayon::prelude::*;

use crate::ops::index::Indices;
use crate::ops::reduce_kernels as kernels;
use crate::shape::{normalize_axes, normalize_axis};
use crate::{Element, Result, Tensor, TensorError};

/// Number of input elements above which rows are reduced on several threads.
///
/// NOTE: an estimate, to be replaced by a measured value: below it, the cost of handing rows to
/// rayon outweighs the work.
pub const PARALLEL_THRESHOLD: usize = 1 << 15;

/// A reduction laid out as a `rows x len` matrix, one row per output element.
struct Plan<T: Element> {
    /// A contiguous tensor whose elements, in order, are the rows.
    source: Tensor<T>,
    /// Number of output elements.
    rows: usize,
    /// Number of input elements per output element.
    len: usize,
    /// Shape of the output.
    out_shape: Vec<usize>,
}

impl<T: Element> Plan<T> {
    /// Plans the reduction of `tensor` over `axes` (empty: all axes).
    fn new(tensor: &Tensor<T>, op: &'static str, axes: &[isize], keepdim: bool) -> Result<Self> {
        let rank = tensor.rank();
        let reduced = normalize_axes(op, axes, rank)?;
        let is_reduced = |axis: usize| reduced.contains(&axis);

        let kept: Vec<usize> = (0..rank).filter(|&a| !is_reduced(a)).collect();
        let order: Vec<usize> = kept.iter().chain(reduced.iter()).copied().collect();
        let rows: usize = kept.iter().map(|&a| tensor.shape()[a]).product();
        let len: usize = reduced.iter().map(|&a| tensor.shape()[a]).product();

        let out_shape: Vec<usize> = (0..rank)
            .filter_map(|a| match (is_reduced(a), keepdim) {
                (false, _) => Some(tensor.shape()[a]),
                (true, true) => Some(1),
                (true, false) => None,
            })
            .collect();

        let source = tensor.permute(&order)?.contiguous();
        Ok(Plan {
            source,
            rows,
            len,
            out_shape,
        })
    }

    /// The input as one slice of `rows * len` values.
    fn data(&self) -> &[T] {
        self.source
            .as_slice()
            .expect("`contiguous()` returns a contiguous tensor")
    }

    /// Runs `row_kernel` on every row and collects one output per row.
    fn map_rows<R: Send>(&self, row_kernel: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
        if self.len == 0 {
            return (0..self.rows).map(|_| row_kernel(&[])).collect();
        }
        let data = self.data();
        if data.len() >= PARALLEL_THRESHOLD && self.rows > 1 {
            data.par_chunks_exact(self.len).map(&row_kernel).collect()
        } else {
            data.chunks_exact(self.len).map(&row_kernel).collect()
        }
    }
}

/// Returns an error when a reduction without identity meets zero elements.
fn check_not_empty(op: &'static str, plan_len: usize, shape: &[usize]) -> Result<()> {
    if plan_len == 0 {
        return Err(TensorError::invalid(
            op,
            format!(
                "cannot reduce zero elements (shape {shape:?}) because {op} has no identity; \
                 reduce over axes of non-zero size"
            ),
        ));
    }
    Ok(())
}

impl<T: Element> Tensor<T> {
    /// Applies a row kernel to every reduction row and builds the output tensor.
    fn reduce_with(
        &self,
        op: &'static str,
        axes: &[isize],
        keepdim: bool,
        needs_elements: bool,
        row_kernel: impl Fn(&[T]) -> T + Sync,
    ) -> Result<Tensor<T>> {
        let plan = Plan::new(self, op, axes, keepdim)?;
        if needs_elements {
            check_not_empty(op, plan.len, self.shape())?;
        }
        let data = plan.map_rows(row_kernel);
        Ok(Tensor::from_parts_unchecked(data, &plan.out_shape))
    }

    /// Sums over `axes` (an empty slice means every axis).
    ///
    /// The output drops the reduced axes, or keeps them with size 1 when `keepdim` is true.
    /// A sum of zero elements is 0.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] or [`TensorError::RepeatedAxis`] for bad axes.
    pub fn sum(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.reduce_with("sum", axes, keepdim, false, kernels::sum)
    }

    /// Averages over `axes` (an empty slice means every axis); the mean of zero elements is NaN.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] or [`TensorError::RepeatedAxis`] for bad axes.
    pub fn mean(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.reduce_with("mean", axes, keepdim, false, kernels::mean)
    }

    /// Takes the maximum over `axes` (an empty slice means every axis); NaN propagates.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] or [`TensorError::RepeatedAxis`] for bad axes, and
    /// [`TensorError::InvalidArgument`] when the reduced axes hold zero elements.
    pub fn max(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.reduce_with("max", axes, keepdim, true, kernels::max)
    }

    /// Takes the minimum over `axes` (an empty slice means every axis); NaN propagates.
    ///
    /// # Errors
    /// As [`Tensor::max`].
    pub fn min(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.reduce_with("min", axes, keepdim, true, kernels::min)
    }

    /// Computes the population variance over `axes`: the mean of `(x - mean)^2`, dividing by
    /// the count N as NumPy's `var` does by default (not N - 1). Zero elements give NaN.
    ///
    /// Two passes over each row (mean first, then squared deviations) keep the result accurate
    /// when the mean is large compared with the spread.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] or [`TensorError::RepeatedAxis`] for bad axes.
    pub fn var(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.reduce_with("var", axes, keepdim, false, kernels::var)
    }

    /// Computes `ln(sum(exp(x)))` over `axes` without overflow.
    ///
    /// With `m` the maximum of a row, `ln(sum(exp(x))) = m + ln(sum(exp(x - m)))`, and every
    /// `exp(x - m)` is at most 1. A row whose maximum is -inf or +inf returns that maximum, and
    /// zero elements give -inf.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] or [`TensorError::RepeatedAxis`] for bad axes.
    pub fn logsumexp(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.reduce_with("logsumexp", axes, keepdim, false, kernels::logsumexp)
    }

    /// Sums every element into one value (0 for an empty tensor).
    pub fn sum_all(&self) -> T {
        let plan = Plan::new(self, "sum_all", &[], false)
            .expect("reducing over every axis always has valid axes");
        if plan.len == 0 {
            return T::ZERO;
        }
        kernels::sum(plan.data())
    }

    /// Averages every element into one value (NaN for an empty tensor).
    pub fn mean_all(&self) -> T {
        self.sum_all() / T::from_usize(self.num_elements())
    }

    /// Returns the index of the maximum along `axis`; the first index wins ties, and the first
    /// NaN counts as the maximum.
    ///
    /// The output has the shape of `self` without `axis` (or with size 1 there when `keepdim`).
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] for a bad axis and [`TensorError::InvalidArgument`] when
    /// `axis` has size 0.
    pub fn argmax(&self, axis: isize, keepdim: bool) -> Result<Indices> {
        self.arg_reduce("argmax", axis, keepdim, kernels::argmax)
    }

    /// Returns the index of the minimum along `axis`; the first index wins ties, and the first
    /// NaN counts as the minimum.
    ///
    /// # Errors
    /// As [`Tensor::argmax`].
    pub fn argmin(&self, axis: isize, keepdim: bool) -> Result<Indices> {
        self.arg_reduce("argmin", axis, keepdim, kernels::argmin)
    }

    /// Runs an index-returning row kernel along one axis.
    fn arg_reduce(
        &self,
        op: &'static str,
        axis: isize,
        keepdim: bool,
        row_kernel: impl Fn(&[T]) -> usize + Sync,
    ) -> Result<Indices> {
        let axis = normalize_axis(op, axis, self.rank())?;
        let plan = Plan::new(self, op, &[axis as isize], keepdim)?;
        check_not_empty(op, plan.len, self.shape())?;
        let data = plan.map_rows(row_kernel);
        Indices::new(data, &plan.out_shape)
    }
}
