//! Elementwise functions of two tensors with NumPy broadcasting: `add sub mul div maximum
//! minimum pow` and the general [`Tensor::zip_map`].
//!
//! The output shape follows NumPy's rule (see `shape.rs`): shapes align at the last axis, and
//! each pair of sizes must be equal or contain a 1. Both inputs are broadcast to that shape as
//! views (stride 0 on repeated axes), then `binary_op` walks them together in row-major order.
//! Contiguous runs go to the kernel's slice methods. A run where one input is repeated goes to
//! the slice-and-scalar methods, and any other run calls the scalar function per element.

use super::kernel::{simd_binary_slices, BinaryKernel, FnBinary};
use super::parallel::{fill_new, Cost};
use super::simd::{Vector, VectorBinary};
use super::walk::ZipPlan;
use crate::shape::{broadcast_shapes, num_elements};
use crate::{Element, Result, Tensor};

/// Broadcasts `lhs` and `rhs` together, applies `kernel` to every pair of elements and returns a
/// contiguous tensor of the broadcast shape.
///
/// # Errors
/// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) naming `op` and both
/// shapes when they do not broadcast.
pub(crate) fn binary_op<T: Element>(
    op: &'static str,
    lhs: &Tensor<T>,
    rhs: &Tensor<T>,
    kernel: &impl BinaryKernel<T>,
) -> Result<Tensor<T>> {
    #[cfg(feature = "opencl")]
    if let Some(out) = crate::opencl::dispatch::binary(op, lhs, rhs, kernel.device_op(), |a, b| {
        binary_op(op, a, b, kernel)
    })? {
        return Ok(out);
    }

    // Same shape and both contiguous: two slices, no layout walk.
    if lhs.shape() == rhs.shape() {
        if let (Some(a), Some(b)) = (lhs.as_slice(), rhs.as_slice()) {
            // SAFETY: `apply_slices` initialises all of `chunk`.
            let out = unsafe {
                fill_new(a.len(), kernel.cost(), |first, chunk| {
                    let range = first..first + chunk.len();
                    kernel.apply_slices(&a[range.clone()], &b[range], chunk)
                })
            };
            return Ok(Tensor::from_parts_unchecked(out, lhs.shape()));
        }
    }

    let shape = broadcast_shapes(op, lhs.shape(), rhs.shape())?;
    let lhs_layout = lhs.layout().broadcast_to(&shape)?;
    let rhs_layout = rhs.layout().broadcast_to(&shape)?;
    let plan = ZipPlan::new([&lhs_layout, &rhs_layout]);
    let steps = plan.run_steps();
    let (a, b) = (lhs.storage(), rhs.storage());

    // SAFETY: the segments of `for_segments` cover `first..first + chunk.len()` exactly, and
    // every branch below initialises all of its `dst`.
    let out = unsafe {
        fill_new(num_elements(&shape), kernel.cost(), |first, chunk| {
            plan.for_segments(first, first + chunk.len(), |at, [sa, sb], len| {
                let dst = &mut chunk[at - first..at - first + len];
                match steps {
                    [1, 1] => kernel.apply_slices(&a[sa..sa + len], &b[sb..sb + len], dst),
                    [1, 0] => kernel.apply_slice_scalar(&a[sa..sa + len], b[sb], dst),
                    [0, 1] => kernel.apply_scalar_slice(a[sa], &b[sb..sb + len], dst),
                    [step_a, step_b] => {
                        let (mut pa, mut pb) = (sa as isize, sb as isize);
                        for d in dst {
                            d.write(kernel.apply(a[pa as usize], b[pb as usize]));
                            pa += step_a;
                            pb += step_b;
                        }
                    }
                }
            })
        })
    };
    Ok(Tensor::from_parts_unchecked(out, &shape))
}

/// Declares a unit struct implementing [`BinaryKernel`] and [`VectorBinary`] from one body,
/// which must read the same for scalars and vectors (plain arithmetic, `max_of`, `min_of`).
macro_rules! binary_kernel {
    ($(#[$doc:meta])* $name:ident, |$a:ident, $b:ident| $body:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl<T: Element> BinaryKernel<T> for $name {
            #[inline]
            fn apply(&self, $a: T, $b: T) -> T {
                $body
            }

            simd_binary_slices!();

            #[cfg(feature = "opencl")]
            fn device_op(&self) -> Option<crate::opencl::elementwise::BinaryOp<T>> {
                Some(crate::opencl::elementwise::BinaryOp::$name)
            }
        }

        impl VectorBinary for $name {
            #[inline(always)]
            fn vector<V: Vector>(&self, $a: V, $b: V) -> V {
                $body
            }
        }
    };
}

binary_kernel!(
    /// a + b.
    Add, |a, b| a + b
);
binary_kernel!(
    /// a - b.
    Sub, |a, b| a - b
);
binary_kernel!(
    /// a * b.
    Mul, |a, b| a * b
);
binary_kernel!(
    /// a / b.
    Div, |a, b| a / b
);
binary_kernel!(
    /// max(a, b); NaN propagates.
    Maximum, |a, b| a.max_of(b)
);
binary_kernel!(
    /// min(a, b); NaN propagates.
    Minimum, |a, b| a.min_of(b)
);

/// a^b. No vector form: the scalar call is used everywhere.
pub(crate) struct Pow;

impl<T: Element> BinaryKernel<T> for Pow {
    #[inline]
    fn apply(&self, a: T, b: T) -> T {
        a.powf(b)
    }

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::elementwise::BinaryOp<T>> {
        Some(crate::opencl::elementwise::BinaryOp::Pow)
    }

    fn cost(&self) -> Cost {
        Cost::Costly
    }
}

impl<T: Element> Tensor<T> {
    /// Returns `self + other` elementwise, broadcasting both to a common shape.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn add(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("add", self, other, &Add)
    }

    /// Returns `self - other` elementwise, broadcasting both to a common shape.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn sub(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("sub", self, other, &Sub)
    }

    /// Returns `self * other` elementwise (the Hadamard product), broadcasting both to a
    /// common shape.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn mul(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("mul", self, other, &Mul)
    }

    /// Returns `self / other` elementwise, broadcasting both to a common shape. Division by
    /// zero follows IEEE 754 (inf or NaN), it is not an error.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn div(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("div", self, other, &Div)
    }

    /// Returns the larger of each pair of elements, broadcasting both to a common shape. A NaN
    /// in either input gives NaN, as `numpy.maximum` does.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn maximum(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("maximum", self, other, &Maximum)
    }

    /// Returns the smaller of each pair of elements, broadcasting both to a common shape. A NaN
    /// in either input gives NaN, as `numpy.minimum` does.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn minimum(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("minimum", self, other, &Minimum)
    }

    /// Returns `self ^ other` elementwise with the rules of `f64::powf`, broadcasting both to
    /// a common shape.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn pow(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("pow", self, other, &Pow)
    }

    /// Returns `f(a, b)` for every pair of elements of `self` and `other` broadcast to a common
    /// shape. `f` may run on several threads at once for large tensors.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn zip_map(
        &self,
        other: &Tensor<T>,
        f: impl Fn(T, T) -> T + Sync + Send,
    ) -> Result<Tensor<T>> {
        binary_op("zip_map", self, other, &FnBinary(f))
    }
}
