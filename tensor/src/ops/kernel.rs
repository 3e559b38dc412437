//! The two kernel traits the elementwise drivers call: [`UnaryKernel`] and [`BinaryKernel`].
//!
//! A kernel defines its scalar function once (`apply`). The drivers in `unary.rs` and
//! `binary.rs` call the slice methods on every stretch of memory that is contiguous and the
//! scalar function everywhere else. The slice methods default to plain loops over `apply`;
//! kernels with a SIMD version (see `simd.rs`) override them for `f32` and `f64`.

use crate::Element;

/// A function of one element, with an optional fast path over contiguous slices.
pub(crate) trait UnaryKernel<T: Element>: Sync + Send {
    /// The function on one element.
    fn apply(&self, x: T) -> T;

    /// Writes `apply(src[i])` to `dst[i]`; both slices have the same length.
    fn apply_slice(&self, src: &[T], dst: &mut [T]) {
        for (d, &s) in dst.iter_mut().zip(src) {
            *d = self.apply(s);
        }
    }
}

/// A function of two elements, with optional fast paths for the three contiguous cases a
/// broadcasting walk meets: both inputs contiguous, or one of them repeated (stride 0).
pub(crate) trait BinaryKernel<T: Element>: Sync + Send {
    /// The function on one pair of elements.
    fn apply(&self, a: T, b: T) -> T;

    /// Writes `apply(a[i], b[i])` to `dst[i]`; all slices have the same length.
    fn apply_slices(&self, a: &[T], b: &[T], dst: &mut [T]) {
        for ((d, &x), &y) in dst.iter_mut().zip(a).zip(b) {
            *d = self.apply(x, y);
        }
    }

    /// Writes `apply(a[i], b)` to `dst[i]`.
    fn apply_slice_scalar(&self, a: &[T], b: T, dst: &mut [T]) {
        for (d, &x) in dst.iter_mut().zip(a) {
            *d = self.apply(x, b);
        }
    }

    /// Writes `apply(a, b[i])` to `dst[i]`.
    fn apply_scalar_slice(&self, a: T, b: &[T], dst: &mut [T]) {
        for (d, &y) in dst.iter_mut().zip(b) {
            *d = self.apply(a, y);
        }
    }

    /// Replaces `dst[i]` with `apply(dst[i], b[i])`.
    fn apply_inplace(&self, dst: &mut [T], b: &[T]) {
        for (d, &y) in dst.iter_mut().zip(b) {
            *d = self.apply(*d, y);
        }
    }
}

/// A [`UnaryKernel`] made from a closure, for [`Tensor::map`](crate::Tensor::map).
pub(crate) struct FnUnary<F>(pub F);

impl<T: Element, F: Fn(T) -> T + Sync + Send> UnaryKernel<T> for FnUnary<F> {
    #[inline]
    fn apply(&self, x: T) -> T {
        (self.0)(x)
    }
}

/// A [`BinaryKernel`] made from a closure, for [`Tensor::zip_map`](crate::Tensor::zip_map).
pub(crate) struct FnBinary<F>(pub F);

impl<T: Element, F: Fn(T, T) -> T + Sync + Send> BinaryKernel<T> for FnBinary<F> {
    #[inline]
    fn apply(&self, a: T, b: T) -> T {
        (self.0)(a, b)
    }
}
