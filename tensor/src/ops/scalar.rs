//! Elementwise arithmetic between a tensor and one number: `add_scalar sub_scalar mul_scalar
//! div_scalar rsub_scalar`. They never fail, accept any layout and return a contiguous tensor of
//! the input's shape.

use super::kernel::{simd_unary_slices, UnaryKernel};
use super::simd::{splat_param, Vector, VectorUnary};
use super::unary::unary_op;
use crate::{Element, Tensor};

/// Declares a kernel struct holding the scalar `s`, with its scalar and vector forms.
macro_rules! scalar_kernel {
    ($(#[$doc:meta])* $name:ident, |$x:ident, $s:ident| $body:expr) => {
        $(#[$doc])*
        pub(crate) struct $name<T>(pub T);

        impl<T: Element> UnaryKernel<T> for $name<T> {
            #[inline]
            fn apply(&self, $x: T) -> T {
                let $s = self.0;
                $body
            }

            simd_unary_slices!();

            #[cfg(feature = "opencl")]
            fn device_op(&self) -> Option<crate::opencl::elementwise::UnaryOp<T>> {
                Some(crate::opencl::elementwise::UnaryOp::$name(self.0))
            }
        }

        impl<T: Element> VectorUnary for $name<T> {
            #[inline(always)]
            fn vector<V: Vector>(&self, $x: V) -> V {
                let $s: V = splat_param(self.0);
                $body
            }
        }
    };
}

scalar_kernel!(
    /// x + s.
    AddScalar, |x, s| x + s
);
scalar_kernel!(
    /// x - s.
    SubScalar, |x, s| x - s
);
scalar_kernel!(
    /// x * s.
    MulScalar, |x, s| x * s
);
scalar_kernel!(
    /// x / s.
    DivScalar, |x, s| x / s
);
scalar_kernel!(
    /// s - x.
    RsubScalar, |x, s| s - x
);

impl<T: Element> Tensor<T> {
    /// Returns `x + s` for every element.
    pub fn add_scalar(&self, s: T) -> Tensor<T> {
        unary_op(self, &AddScalar(s))
    }

    /// Returns `x - s` for every element.
    pub fn sub_scalar(&self, s: T) -> Tensor<T> {
        unary_op(self, &SubScalar(s))
    }

    /// Returns `x * s` for every element.
    pub fn mul_scalar(&self, s: T) -> Tensor<T> {
        unary_op(self, &MulScalar(s))
    }

    /// Returns `x / s` for every element (IEEE 754 rules, so `s = 0` gives inf or NaN). The
    /// division is done per element, not as a multiplication by `1 / s`, so results are
    /// correctly rounded.
    pub fn div_scalar(&self, s: T) -> Tensor<T> {
        unary_op(self, &DivScalar(s))
    }

    /// Returns `s - x` for every element (the scalar on the left).
    pub fn rsub_scalar(&self, s: T) -> Tensor<T> {
        unary_op(self, &RsubScalar(s))
    }
}
