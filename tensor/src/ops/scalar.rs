//! Elementwise arithmetic between a tensor and one number: `add_scalar sub_scalar mul_scalar
//! div_scalar rsub_scalar`. They never fail, accept any layout and return a contiguous tensor of
//! the input's shape.

use super::kernel::UnaryKernel;
use super::unary::unary_op;
use crate::{Element, Tensor};

/// x + s.
pub(crate) struct AddScalar<T>(pub T);
/// x - s.
pub(crate) struct SubScalar<T>(pub T);
/// x * s.
pub(crate) struct MulScalar<T>(pub T);
/// x / s.
pub(crate) struct DivScalar<T>(pub T);
/// s - x.
pub(crate) struct RsubScalar<T>(pub T);

impl<T: Element> UnaryKernel<T> for AddScalar<T> {
    #[inline]
    fn apply(&self, x: T) -> T {
        x + self.0
    }
}

impl<T: Element> UnaryKernel<T> for SubScalar<T> {
    #[inline]
    fn apply(&self, x: T) -> T {
        x - self.0
    }
}

impl<T: Element> UnaryKernel<T> for MulScalar<T> {
    #[inline]
    fn apply(&self, x: T) -> T {
        x * self.0
    }
}

impl<T: Element> UnaryKernel<T> for DivScalar<T> {
    #[inline]
    fn apply(&self, x: T) -> T {
        x / self.0
    }
}

impl<T: Element> UnaryKernel<T> for RsubScalar<T> {
    #[inline]
    fn apply(&self, x: T) -> T {
        self.0 - x
    }
}

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
