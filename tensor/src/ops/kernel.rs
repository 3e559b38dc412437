//! The two kernel traits the elementwise drivers call: [`UnaryKernel`] and [`BinaryKernel`].
//!
//! A kernel defines its scalar function once (`apply`). The drivers in `unary.rs` and
//! `binary.rs` call the slice methods on every stretch of memory that is contiguous and the
//! scalar function everywhere else. The slice methods default to plain loops over `apply`.
//! Kernels with a vector form (see `simd/`) override them with [`simd_unary_slices`] or
//! [`simd_binary_slices`], which run SIMD for `f32` and `f64` and the plain loop otherwise.

use std::mem::MaybeUninit;

use super::parallel::Cost;
use crate::Element;

/// A function of one element, with an optional fast path over contiguous slices.
pub(crate) trait UnaryKernel<T: Element>: Sync + Send {
    /// The function on one element.
    fn apply(&self, x: T) -> T;

    /// Writes `apply(src[i])` to `dst[i]`, initialising all of `dst`; both slices have the same
    /// length.
    fn apply_slice(&self, src: &[T], dst: &mut [MaybeUninit<T>]) {
        scalar_map_slice(self, src, dst);
    }

    /// Replaces `data[i]` with `apply(data[i])`.
    fn apply_slice_inplace(&self, data: &mut [T]) {
        scalar_map_slice_inplace(self, data);
    }

    /// Work per element, which sets the threading threshold.
    fn cost(&self) -> Cost {
        Cost::Cheap
    }

    /// The OpenCL kernel computing the same function, or `None` to run on the host.
    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::elementwise::UnaryOp<T>> {
        None
    }

    /// True when the slice method computes slightly different values from `apply` (a
    /// polynomial approximation). Strided inputs are then copied into a small buffer and passed
    /// through the slice method too, so that the result never depends on the layout.
    fn gathers_strided(&self) -> bool {
        false
    }
}

/// A function of two elements, with optional fast paths for the three contiguous cases a
/// broadcasting walk meets: both inputs contiguous, or one of them repeated (stride 0).
pub(crate) trait BinaryKernel<T: Element>: Sync + Send {
    /// The function on one pair of elements.
    fn apply(&self, a: T, b: T) -> T;

    /// Writes `apply(a[i], b[i])` to `dst[i]`, initialising all of `dst`; all slices have the
    /// same length.
    fn apply_slices(&self, a: &[T], b: &[T], dst: &mut [MaybeUninit<T>]) {
        for ((d, &x), &y) in dst.iter_mut().zip(a).zip(b) {
            d.write(self.apply(x, y));
        }
    }

    /// Writes `apply(a[i], b)` to `dst[i]`, initialising all of `dst`.
    fn apply_slice_scalar(&self, a: &[T], b: T, dst: &mut [MaybeUninit<T>]) {
        for (d, &x) in dst.iter_mut().zip(a) {
            d.write(self.apply(x, b));
        }
    }

    /// Writes `apply(a, b[i])` to `dst[i]`, initialising all of `dst`.
    fn apply_scalar_slice(&self, a: T, b: &[T], dst: &mut [MaybeUninit<T>]) {
        for (d, &y) in dst.iter_mut().zip(b) {
            d.write(self.apply(a, y));
        }
    }

    /// The OpenCL kernel computing the same function, or `None` to run on the host.
    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::elementwise::BinaryOp<T>> {
        None
    }

    /// Replaces `dst[i]` with `apply(dst[i], b[i])`.
    fn apply_inplace(&self, dst: &mut [T], b: &[T]) {
        for (d, &y) in dst.iter_mut().zip(b) {
            *d = self.apply(*d, y);
        }
    }

    /// Work per element, which sets the threading threshold.
    fn cost(&self) -> Cost {
        Cost::Cheap
    }
}

/// Runs the scalar reference loop of [`UnaryKernel::apply_slice`].
pub(crate) fn scalar_map_slice<T: Element, K: UnaryKernel<T> + ?Sized>(
    kernel: &K,
    src: &[T],
    dst: &mut [MaybeUninit<T>],
) {
    for (d, &s) in dst.iter_mut().zip(src) {
        d.write(kernel.apply(s));
    }
}

/// Runs the scalar reference loop of [`UnaryKernel::apply_slice_inplace`].
pub(crate) fn scalar_map_slice_inplace<T: Element, K: UnaryKernel<T> + ?Sized>(
    kernel: &K,
    data: &mut [T],
) {
    for d in data {
        *d = kernel.apply(*d);
    }
}

/// Expands, inside an `impl UnaryKernel<T>`, to slice methods that run the kernel's
/// [`VectorUnary`](super::simd::VectorUnary) form for `f32` and `f64`.
macro_rules! simd_unary_slices {
    () => {
        fn apply_slice(&self, src: &[T], dst: &mut [std::mem::MaybeUninit<T>]) {
            if !$crate::ops::simd::map_slice(self, src, dst) {
                $crate::ops::kernel::scalar_map_slice(self, src, dst);
            }
        }

        fn apply_slice_inplace(&self, data: &mut [T]) {
            if !$crate::ops::simd::map_slice_inplace(self, data) {
                $crate::ops::kernel::scalar_map_slice_inplace(self, data);
            }
        }
    };
}
pub(crate) use simd_unary_slices;

/// Expands, inside an `impl BinaryKernel<T>`, to slice methods that run the kernel's
/// [`VectorBinary`](super::simd::VectorBinary) form for `f32` and `f64`.
macro_rules! simd_binary_slices {
    () => {
        fn apply_slices(&self, a: &[T], b: &[T], dst: &mut [std::mem::MaybeUninit<T>]) {
            if !$crate::ops::simd::zip_slices(self, a, b, dst) {
                for ((d, &x), &y) in dst.iter_mut().zip(a).zip(b) {
                    d.write(self.apply(x, y));
                }
            }
        }

        fn apply_slice_scalar(&self, a: &[T], b: T, dst: &mut [std::mem::MaybeUninit<T>]) {
            if !$crate::ops::simd::zip_slice_scalar(self, a, b, dst) {
                for (d, &x) in dst.iter_mut().zip(a) {
                    d.write(self.apply(x, b));
                }
            }
        }

        fn apply_scalar_slice(&self, a: T, b: &[T], dst: &mut [std::mem::MaybeUninit<T>]) {
            if !$crate::ops::simd::scalar_zip_slice(self, a, b, dst) {
                for (d, &y) in dst.iter_mut().zip(b) {
                    d.write(self.apply(a, y));
                }
            }
        }

        fn apply_inplace(&self, dst: &mut [T], b: &[T]) {
            if !$crate::ops::simd::zip_slices_inplace(self, dst, b) {
                for (d, &y) in dst.iter_mut().zip(b) {
                    *d = self.apply(*d, y);
                }
            }
        }
    };
}
pub(crate) use simd_binary_slices;

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
