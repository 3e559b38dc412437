//! The element trait shared by every tensor: [`Element`], implemented for `f32` and `f64`.
//!
//! Training runs in `f32`; gradient checks run in `f64`, where finite differences are accurate
//! enough to compare with analytic gradients. Both go through the same generic code.

use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// The element type of a tensor, named for error messages and checkpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DType {
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
}

impl DType {
    /// Returns the lowercase name used in messages and file headers (`"f32"`, `"f64"`).
    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "f32",
            DType::F64 => "f64",
        }
    }

    /// Returns the size of one element in bytes.
    pub fn size_in_bytes(self) -> usize {
        match self {
            DType::F32 => 4,
            DType::F64 => 8,
        }
    }
}

impl Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Requirements for a tensor element to live on a device.
///
/// With the `opencl` feature this requires [`ocl::OclPrm`] (a plain value the driver can copy)
/// and names the OpenCL C type. Without the feature the trait is empty. It is implemented for
/// `f32` and `f64`.
#[cfg(feature = "opencl")]
pub trait DeviceElement: ocl::OclPrm {
    /// Returns the OpenCL C name of the type (`"float"` or `"double"`).
    fn cl_type_name() -> &'static str;
}

/// Requirements for a tensor element to live on a device.
///
/// With the `opencl` feature this requires `ocl::OclPrm` (a plain value the driver can copy)
/// and names the OpenCL C type. Without the feature the trait is empty. It is implemented for
/// `f32` and `f64`.
#[cfg(not(feature = "opencl"))]
pub trait DeviceElement {}

#[cfg(feature = "opencl")]
impl DeviceElement for f32 {
    fn cl_type_name() -> &'static str {
        "float"
    }
}

#[cfg(feature = "opencl")]
impl DeviceElement for f64 {
    fn cl_type_name() -> &'static str {
        "double"
    }
}

#[cfg(not(feature = "opencl"))]
impl DeviceElement for f32 {}

#[cfg(not(feature = "opencl"))]
impl DeviceElement for f64 {}

/// A floating-point element type: the arithmetic, the math functions and the constants that
/// tensor kernels need.
///
/// The trait is implemented for `f32` and `f64` only. Its methods mirror the inherent methods of
/// those types so that generic kernels read like scalar code.
pub trait Element:
    DeviceElement
    + Copy
    + Send
    + Sync
    + Debug
    + Display
    + Default
    + PartialEq
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + 'static
{
    /// The runtime tag of this type.
    const DTYPE: DType;
    /// Additive identity.
    const ZERO: Self;
    /// Multiplicative identity.
    const ONE: Self;
    /// Positive infinity, the identity of `min`.
    const INFINITY: Self;
    /// Negative infinity, the identity of `max`.
    const NEG_INFINITY: Self;
    /// Machine epsilon: the gap between 1 and the next representable value.
    const EPSILON: Self;

    /// Converts from `f64`, rounding to the nearest representable value.
    fn from_f64(value: f64) -> Self;
    /// Converts to `f64` without loss.
    fn to_f64(self) -> f64;
    /// Converts from `usize` (used for counts in means and `arange`).
    fn from_usize(value: usize) -> Self {
        Self::from_f64(value as f64)
    }

    /// e^x.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// x^y for a floating-point exponent.
    fn powf(self, exponent: Self) -> Self;
    /// The larger of two values; NaN propagates.
    fn max_of(self, other: Self) -> Self;
    /// The smaller of two values; NaN propagates.
    fn min_of(self, other: Self) -> Self;
    /// True for NaN.
    fn is_nan(self) -> bool;
    /// True for neither NaN nor an infinity.
    fn is_finite(self) -> bool;

    /// The logistic function 1 / (1 + e^-x), written so that it never overflows.
    fn sigmoid(self) -> Self {
        // For x < 0, e^-x overflows; the equivalent e^x / (1 + e^x) does not.
        if self >= Self::ZERO {
            Self::ONE / (Self::ONE + (-self).exp())
        } else {
            let e = self.exp();
            e / (Self::ONE + e)
        }
    }
}

macro_rules! impl_element {
    ($t:ty, $dtype:expr) => {
        impl Element for $t {
            const DTYPE: DType = $dtype;
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const INFINITY: Self = <$t>::INFINITY;
            const NEG_INFINITY: Self = <$t>::NEG_INFINITY;
            const EPSILON: Self = <$t>::EPSILON;

            #[inline]
            fn from_f64(value: f64) -> Self {
                value as $t
            }
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline]
            fn exp(self) -> Self {
                <$t>::exp(self)
            }
            #[inline]
            fn ln(self) -> Self {
                <$t>::ln(self)
            }
            #[inline]
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
            #[inline]
            fn tanh(self) -> Self {
                <$t>::tanh(self)
            }
            #[inline]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline]
            fn powf(self, exponent: Self) -> Self {
                <$t>::powf(self, exponent)
            }
            #[inline]
            fn max_of(self, other: Self) -> Self {
                if self.is_nan() || self >= other {
                    self
                } else {
                    other
                }
            }
            #[inline]
            fn min_of(self, other: Self) -> Self {
                if self.is_nan() || self <= other {
                    self
                } else {
                    other
                }
            }
            #[inline]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            #[inline]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
        }
    };
}

impl_element!(f32, DType::F32);
impl_element!(f64, DType::F64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_stable_at_extremes() {
        assert_eq!(Element::sigmoid(1000.0f32), 1.0);
        assert_eq!(Element::sigmoid(-1000.0f32), 0.0);
        assert!((Element::sigmoid(0.0f64) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn max_of_propagates_nan() {
        assert!(f32::NAN.max_of(1.0).is_nan());
        assert!(1.0f32.max_of(f32::NAN).is_nan());
        assert_eq!(2.0f64.max_of(3.0), 3.0);
    }
}
