//! Elementwise comparisons that return masks, and selection by a mask.
//!
//! `eq ne lt le gt ge` broadcast their inputs like the arithmetic operations and return a tensor
//! of the same element type holding 1 where the comparison is true and 0 where it is false, so a
//! mask can multiply another tensor directly. Comparisons follow IEEE 754: every comparison with
//! NaN is false except `ne`, which is true.
//!
//! [`Tensor::where_cond`] picks, element by element, from `on_true` where the mask is non-zero
//! and from `on_false` elsewhere, broadcasting all three tensors.

use super::binary::binary_op;
use super::kernel::BinaryKernel;
use super::parallel::{fill_new, Cost};
use super::walk::ZipPlan;
use crate::shape::{broadcast_shapes, num_elements};
use crate::{Element, Result, Tensor};

/// Converts a truth value into the mask value 1 or 0.
#[inline]
fn mask<T: Element>(condition: bool) -> T {
    if condition {
        T::ONE
    } else {
        T::ZERO
    }
}

/// Declares a unit struct implementing [`BinaryKernel`] that compares with the given operator.
macro_rules! compare_kernel {
    ($(#[$doc:meta])* $name:ident, $op:tt) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl<T: Element> BinaryKernel<T> for $name {
            #[inline]
            fn apply(&self, a: T, b: T) -> T {
                mask(a $op b)
            }

            #[cfg(feature = "opencl")]
            fn device_op(&self) -> Option<crate::opencl::elementwise::BinaryOp<T>> {
                Some(crate::opencl::elementwise::BinaryOp::$name)
            }
        }
    };
}

compare_kernel!(
    /// 1 where a == b.
    Equal, ==
);
compare_kernel!(
    /// 1 where a != b.
    NotEqual, !=
);
compare_kernel!(
    /// 1 where a < b.
    Less, <
);
compare_kernel!(
    /// 1 where a <= b.
    LessEqual, <=
);
compare_kernel!(
    /// 1 where a > b.
    Greater, >
);
compare_kernel!(
    /// 1 where a >= b.
    GreaterEqual, >=
);

impl<T: Element> Tensor<T> {
    /// Returns a mask with 1 where `self == other` and 0 elsewhere, broadcasting both.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn eq(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("eq", self, other, &Equal)
    }

    /// Returns a mask with 1 where `self != other` (or either is NaN) and 0 elsewhere,
    /// broadcasting both.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn ne(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("ne", self, other, &NotEqual)
    }

    /// Returns a mask with 1 where `self < other` and 0 elsewhere, broadcasting both.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn lt(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("lt", self, other, &Less)
    }

    /// Returns a mask with 1 where `self <= other` and 0 elsewhere, broadcasting both.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn le(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("le", self, other, &LessEqual)
    }

    /// Returns a mask with 1 where `self > other` and 0 elsewhere, broadcasting both.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn gt(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("gt", self, other, &Greater)
    }

    /// Returns a mask with 1 where `self >= other` and 0 elsewhere, broadcasting both.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the shapes do not
    /// broadcast.
    pub fn ge(&self, other: &Tensor<T>) -> Result<Tensor<T>> {
        binary_op("ge", self, other, &GreaterEqual)
    }

    /// Selects elementwise: `on_true` where `mask` is non-zero, `on_false` where it is zero.
    /// A NaN mask element counts as true (it is not zero). The three tensors broadcast to one
    /// shape, which the result has.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`](crate::TensorError::ShapeMismatch) when the three shapes do
    /// not broadcast together.
    pub fn where_cond(
        mask: &Tensor<T>,
        on_true: &Tensor<T>,
        on_false: &Tensor<T>,
    ) -> Result<Tensor<T>> {
        #[cfg(feature = "opencl")]
        if let Some(out) =
            crate::opencl::dispatch::where_cond([mask, on_true, on_false], Tensor::where_cond)?
        {
            return Ok(out);
        }

        let values_shape = broadcast_shapes("where_cond", on_true.shape(), on_false.shape())?;
        let shape = broadcast_shapes("where_cond", mask.shape(), &values_shape)?;
        let layouts = [
            mask.layout().broadcast_to(&shape)?,
            on_true.layout().broadcast_to(&shape)?,
            on_false.layout().broadcast_to(&shape)?,
        ];

        let plan = ZipPlan::new([&layouts[0], &layouts[1], &layouts[2]]);
        let steps = plan.run_steps();
        let data = [mask.storage(), on_true.storage(), on_false.storage()];

        // SAFETY: the segments of `for_segments` cover `first..first + chunk.len()` exactly,
        // and the loop writes every element of each segment.
        let out = unsafe {
            fill_new(num_elements(&shape), Cost::Cheap, |first, chunk| {
                plan.for_segments(first, first + chunk.len(), |at, starts, len| {
                    let dst = &mut chunk[at - first..at - first + len];
                    let mut position = starts.map(|s| s as isize);
                    for d in dst {
                        let [m, t, f] = position;
                        d.write(if data[0][m as usize] != T::ZERO {
                            data[1][t as usize]
                        } else {
                            data[2][f as usize]
                        });
                        for (p, step) in position.iter_mut().zip(steps) {
                            *p += step;
                        }
                    }
                })
            })
        };
        Ok(Tensor::from_parts_unchecked(out, &shape))
    }
}
