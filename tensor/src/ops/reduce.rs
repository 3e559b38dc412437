//! Reductions over one or several axes: `sum`, `mean`, `max`, `min`, `var`, `logsumexp`, and
//! the index reductions `argmax`, `argmin`.
//!
//! # How a reduction runs
//!
//! `reduce_plan.rs` views the input as `outer x len x inner` over contiguous memory, copying
//! only when the layout requires it, and `reduce_kernels.rs` reduces each row (SIMD) or each
//! column of that array. Results do not depend on the number of threads.
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

use crate::ops::index::Indices;
use crate::ops::reduce_kernels::{ArgExtreme, Extreme, LogSumExp, Mean, Reducer, Sum, Variance};
use crate::ops::reduce_plan::Plan;
use crate::shape::normalize_axis;
use crate::{Element, Result, Tensor, TensorError};

pub use crate::ops::reduce_plan::{PARALLEL_THRESHOLD, PARALLEL_THRESHOLD_EXP};

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
    /// Runs `reducer` over `axes` and builds the output tensor.
    fn reduce_with(
        &self,
        op: &'static str,
        axes: &[isize],
        keepdim: bool,
        needs_elements: bool,
        reducer: &impl Reducer<T, Output = T>,
    ) -> Result<Tensor<T>> {
        #[cfg(feature = "opencl")]
        if !self.is_on_host() {
            let reduced = crate::shape::normalize_axes(op, axes, self.rank())?;
            if needs_elements {
                let count = reduced.iter().map(|&a| self.shape()[a]).product();
                check_not_empty(op, count, self.shape())?;
            }
            return crate::opencl::dispatch::reduce(
                op,
                self,
                reducer.device_op(),
                &reduced,
                keepdim,
                |host| host.reduce_with(op, axes, keepdim, needs_elements, reducer),
            );
        }

        let plan = Plan::new(self, op, axes, keepdim)?;
        if needs_elements {
            check_not_empty(op, plan.len(), self.shape())?;
        }
        let data = plan.run(reducer);
        Ok(Tensor::from_parts_unchecked(data, &plan.out_shape))
    }

    /// Sums over `axes` (an empty slice means every axis).
    ///
    /// The output drops the reduced axes, or keeps them with size 1 when `keepdim` is true.
    /// A sum of zero elements is 0.
    ///
    /// ```
    /// use tensor::{tensor, Tensor};
    ///
    /// let m: Tensor<f32> = tensor!([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    /// assert_eq!(m.sum(&[1], false)?.to_vec(), vec![6.0, 15.0]);
    /// assert_eq!(m.sum(&[0], true)?.shape(), &[1, 3]);
    /// assert_eq!(m.sum(&[], false)?.to_scalar()?, 21.0);
    /// # Ok::<(), tensor::TensorError>(())
    /// ```
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] or [`TensorError::RepeatedAxis`] for bad axes.
    pub fn sum(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.reduce_with("sum", axes, keepdim, false, &Sum)
    }

    /// Averages over `axes` (an empty slice means every axis); the mean of zero elements is NaN.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] or [`TensorError::RepeatedAxis`] for bad axes.
    pub fn mean(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.reduce_with("mean", axes, keepdim, false, &Mean)
    }

    /// Takes the maximum over `axes` (an empty slice means every axis); NaN propagates.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] or [`TensorError::RepeatedAxis`] for bad axes, and
    /// [`TensorError::InvalidArgument`] when the reduced axes hold zero elements.
    pub fn max(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.reduce_with("max", axes, keepdim, true, &Extreme { is_max: true })
    }

    /// Takes the minimum over `axes` (an empty slice means every axis); NaN propagates.
    ///
    /// # Errors
    /// As [`Tensor::max`].
    pub fn min(&self, axes: &[isize], keepdim: bool) -> Result<Tensor<T>> {
        self.reduce_with("min", axes, keepdim, true, &Extreme { is_max: false })
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
        self.reduce_with("var", axes, keepdim, false, &Variance)
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
        self.reduce_with("logsumexp", axes, keepdim, false, &LogSumExp)
    }

    /// Sums every element into one value (0 for an empty tensor).
    ///
    /// # Panics
    /// For a tensor on an OpenCL device, when the device fails (see [`Tensor::storage`]).
    pub fn sum_all(&self) -> T {
        #[cfg(feature = "opencl")]
        if !self.is_on_host() {
            let total = self
                .sum(&[], false)
                .and_then(|t| t.to_host())
                .and_then(|t| t.to_scalar());
            return match total {
                Ok(value) => value,
                Err(e) => panic!("sum_all on an OpenCL device failed: {e}"),
            };
        }
        let plan = Plan::new(self, "sum_all", &[], false)
            .expect("reducing over every axis always has valid axes");
        plan.run(&Sum)[0]
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
        self.arg_reduce("argmax", axis, keepdim, &ArgExtreme { is_max: true })
    }

    /// Returns the index of the minimum along `axis`; the first index wins ties, and the first
    /// NaN counts as the minimum.
    ///
    /// # Errors
    /// As [`Tensor::argmax`].
    pub fn argmin(&self, axis: isize, keepdim: bool) -> Result<Indices> {
        self.arg_reduce("argmin", axis, keepdim, &ArgExtreme { is_max: false })
    }

    /// Runs an index reduction along one axis.
    fn arg_reduce(
        &self,
        op: &'static str,
        axis: isize,
        keepdim: bool,
        reducer: &impl Reducer<T, Output = usize>,
    ) -> Result<Indices> {
        let axis = normalize_axis(op, axis, self.rank())?;
        let plan = Plan::new(self, op, &[axis as isize], keepdim)?;
        check_not_empty(op, plan.len(), self.shape())?;
        let data = plan.run(reducer);
        Indices::new(data, &plan.out_shape)
    }
}
