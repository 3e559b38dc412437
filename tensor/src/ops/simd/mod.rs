//! SIMD kernels for `f32` (`wide::f32x8`) and `f64` (`wide::f64x4`), with their scalar twins.
//!
//! [`Vector`] is the small set of lane operations the elementwise kernels need. A kernel states
//! its vector form once, generically, through [`VectorUnary`] or [`VectorBinary`]. The slice
//! drivers here ([`map_slice`], [`zip_slices`], ...) run it over whole vectors and push the last
//! partial vector through the same code by padding it. Every element of a tensor therefore goes
//! through identical arithmetic wherever it sits. The drivers return `false` for element types other
//! than `f32` and `f64`, and the caller then runs its scalar loop.
//!
//! # Accuracy
//!
//! Arithmetic, `abs`, `sqrt`, `max` and `min` are exact IEEE 754 lane operations, so they give
//! the same bits as the scalar twins. `exp`, `tanh` and `sigmoid` are polynomial approximations:
//!
//! - `exp x = 2^n e^r` with `n = round(x / ln 2)` and `r = x - n ln 2` (ln 2 split in a high part
//!   with trailing zero bits and a low part, so `n ln2_hi` is exact). `e^r` for
//!   `|r| <= ln 2 / 2` is its Taylor series to degree 7 (`f32`) or 13 (`f64`), whose truncation
//!   error is below 1e-8 and 1e-17 relative. `2^n` is applied as two factors so that results
//!   down to the smallest subnormal and up to overflow are reached without an intermediate
//!   overflow.
//! - `sigmoid x = 1 / (1 + e^-x)` for `x >= 0` and `e^x / (1 + e^x)` for `x < 0`, as the scalar
//!   form does, so the exponential never overflows and tiny results keep their precision.
//! - `tanh x = sign(x) (1 - 2 / (e^(2|x|) + 1))` for `|x|` at or above a limit (0.55 for `f32`,
//!   0.4 for `f64`), and below it the odd Taylor series `x + x^3 P(x^2)` (coefficients from the
//!   Bernoulli numbers), which avoids the cancellation of the first form near 0.
//!
//! Measured maximum errors against the standard library (`f32::exp`, `f64::tanh`, ...) over
//! two million evenly spaced points of the whole useful range and of [-2, 2], checked by the
//! tests at the end of this file: `exp` 1 ulp, `sigmoid` 2 ulp, `tanh` 2 ulp (`f32`) and 3 ulp
//! (`f64`). NaN inputs give NaN, and infinities give the limits.
//!
//! # Width
//!
//! `wide` picks its instructions when the crate is compiled: without `-C target-feature=+avx`
//! an `f32x8` is two SSE2 registers, which is still as wide as a plain loop auto-vectorised for
//! the x86-64 baseline.

use std::any::TypeId;
use std::mem::MaybeUninit;
use std::ops::{Add, Div, Mul, Sub};

use wide::{f32x8, f64x4};

use crate::Element;

mod lanes;
#[cfg(test)]
mod tests;

/// Lane operations used by the elementwise kernels; implemented for `f32x8` and `f64x4`.
pub(crate) trait Vector:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// The element type of one lane.
    type Scalar: Element;
    /// Number of lanes.
    const LANES: usize;

    /// Sets every lane to `value`.
    fn splat(value: Self::Scalar) -> Self;
    /// Sets every lane to `value` rounded to the lane type (for constants written in `f64`).
    fn splat_f64(value: f64) -> Self {
        Self::splat(Self::Scalar::from_f64(value))
    }
    /// Loads the first `LANES` elements of `src`.
    fn load(src: &[Self::Scalar]) -> Self;
    /// Stores the lanes into the first `LANES` elements of `dst`.
    fn store(self, dst: &mut [Self::Scalar]);
    /// Writes the lanes into the first `LANES` elements of `dst`, initialising them.
    fn store_uninit(self, dst: &mut [MaybeUninit<Self::Scalar>]);

    /// Flips the sign bit of every lane (`-x`, so `-0.0` for `0.0`).
    fn neg(self) -> Self;
    /// Clears the sign bit of every lane.
    fn abs(self) -> Self;
    /// Correctly rounded square root.
    fn sqrt(self) -> Self;
    /// Lanewise [`Element::max_of`]: `self` where it is NaN or `>= other`, else `other`.
    fn max_of(self, other: Self) -> Self;
    /// Lanewise [`Element::min_of`]: `self` where it is NaN or `<= other`, else `other`.
    fn min_of(self, other: Self) -> Self;
    /// Lanewise `max_of(x, 0)`: 0 where `x < 0`, `x` elsewhere (NaN and -0.0 included).
    fn relu(self) -> Self;
    /// Copies the sign bit of `sign` onto `self`.
    fn with_sign_of(self, sign: Self) -> Self;
    /// Picks `small` in lanes where `|self| < limit` and `large` elsewhere.
    fn select_abs_below(self, limit: Self::Scalar, small: Self, large: Self) -> Self;
    /// Picks `negative` in lanes where `self < 0` and `other` elsewhere.
    fn select_negative(self, negative: Self, other: Self) -> Self;
    /// Puts `self` back in lanes where `self` is NaN, `value` elsewhere.
    fn keep_nan(self, value: Self) -> Self;
    /// e^x (see the module doc for the method).
    fn exp(self) -> Self;

    /// Limit below which [`Vector::tanh`] uses its Taylor series.
    const TANH_SERIES_LIMIT: f64;
    /// Coefficients of `x^3, x^5, ...` in the Taylor series of `tanh` used below the limit.
    const TANH_SERIES: &'static [f64];

    /// 1 / (1 + e^-x), as e^x / (1 + e^x) for negative x so that e^-x never overflows.
    fn sigmoid(self) -> Self {
        let one = Self::splat(Self::Scalar::ONE);
        let e = self.abs().neg().exp();
        // One division: pick the numerator first.
        let numerator = self.select_negative(e, one);
        self.keep_nan(numerator / (one + e))
    }

    /// tanh x (see the module doc for the method).
    fn tanh(self) -> Self {
        let one = Self::splat(Self::Scalar::ONE);
        let two = one + one;

        // Large |x|: 1 - 2 / (e^(2|x|) + 1), with the sign of x put back.
        let magnitude = self.abs();
        let large = (one - two / ((magnitude + magnitude).exp() + one)).with_sign_of(self);

        // Small |x|: x + x^3 P(x^2).
        let square = self * self;
        let series = horner(square, Self::TANH_SERIES);
        let small = self + self * square * series;

        let limit = Self::Scalar::from_f64(Self::TANH_SERIES_LIMIT);
        self.keep_nan(self.select_abs_below(limit, small, large))
    }
}

/// Evaluates `c[0] + c[1] x + c[2] x^2 + ...` by Horner's rule, with a separate multiply and add
/// so that results do not depend on whether the build has fused multiply-add.
#[inline(always)]
pub(super) fn horner<V: Vector>(x: V, coefficients: &[f64]) -> V {
    let mut acc = V::splat_f64(coefficients[coefficients.len() - 1]);
    for &c in coefficients[..coefficients.len() - 1].iter().rev() {
        acc = acc * x + V::splat_f64(c);
    }
    acc
}

/// The vector form of a unary kernel.
pub(crate) trait VectorUnary {
    /// Applies the kernel to every lane.
    fn vector<V: Vector>(&self, x: V) -> V;
}

/// The vector form of a binary kernel.
pub(crate) trait VectorBinary {
    /// Applies the kernel to every pair of lanes.
    fn vector<V: Vector>(&self, a: V, b: V) -> V;
}

/// Reinterprets `&[T]` as `&[U]` when `T` and `U` are the same type.
fn same_type<T: 'static, U: 'static>(slice: &[T]) -> Option<&[U]> {
    if TypeId::of::<T>() != TypeId::of::<U>() {
        return None;
    }
    // SAFETY: `T` and `U` are the same type, so the pointer, length and lifetime stay valid.
    Some(unsafe { std::slice::from_raw_parts(slice.as_ptr().cast::<U>(), slice.len()) })
}

/// Reinterprets `&mut [T]` as `&mut [U]` when `T` and `U` are the same type.
fn same_type_mut<T: 'static, U: 'static>(slice: &mut [T]) -> Option<&mut [U]> {
    if TypeId::of::<T>() != TypeId::of::<U>() {
        return None;
    }
    // SAFETY: `T` and `U` are the same type, and the exclusive borrow moves to the result.
    Some(unsafe { std::slice::from_raw_parts_mut(slice.as_mut_ptr().cast::<U>(), slice.len()) })
}

/// Converts a scalar of type `T` to `U` when they are the same type (always exact then).
fn same_scalar<T: Element, U: Element>(value: T) -> U {
    U::from_f64(value.to_f64())
}

/// Copies up to `LANES` elements into a zero-padded lane buffer, for the last partial vector.
#[inline(always)]
fn padded<V: Vector>(tail: &[V::Scalar]) -> V {
    let mut buffer = [V::Scalar::ZERO; 8];
    buffer[..tail.len()].copy_from_slice(tail);
    V::load(&buffer)
}

/// Stores the first `dst.len()` lanes of `value`, for the last partial vector.
#[inline(always)]
fn store_tail<V: Vector>(value: V, dst: &mut [V::Scalar]) {
    let mut buffer = [V::Scalar::ZERO; 8];
    value.store(&mut buffer);
    dst.copy_from_slice(&buffer[..dst.len()]);
}

/// Writes the first `dst.len()` lanes of `value`, for the last partial vector.
#[inline(always)]
fn store_tail_uninit<V: Vector>(value: V, dst: &mut [MaybeUninit<V::Scalar>]) {
    let mut buffer = [V::Scalar::ZERO; 8];
    value.store(&mut buffer);
    for (d, &v) in dst.iter_mut().zip(&buffer) {
        d.write(v);
    }
}

// The loops below walk whole vectors with `chunks_exact` (no bounds checks in the loop) and
// then push the remaining elements through the same kernel, zero-padded, so the tail gets the
// same arithmetic as the rest.

fn map_lanes<V: Vector, K: VectorUnary>(
    kernel: &K,
    src: &[V::Scalar],
    dst: &mut [MaybeUninit<V::Scalar>],
) {
    debug_assert_eq!(src.len(), dst.len());
    let mut dst_chunks = dst.chunks_exact_mut(V::LANES);
    let mut src_chunks = src.chunks_exact(V::LANES);
    for (d, x) in (&mut dst_chunks).zip(&mut src_chunks) {
        kernel.vector(V::load(x)).store_uninit(d);
    }
    let tail = dst_chunks.into_remainder();
    if !tail.is_empty() {
        store_tail_uninit(kernel.vector(padded::<V>(src_chunks.remainder())), tail);
    }
}

fn map_lanes_inplace<V: Vector, K: VectorUnary>(kernel: &K, data: &mut [V::Scalar]) {
    let mut chunks = data.chunks_exact_mut(V::LANES);
    for d in &mut chunks {
        kernel.vector(V::load(d)).store(d);
    }
    let tail = chunks.into_remainder();
    if !tail.is_empty() {
        store_tail(kernel.vector(padded::<V>(tail)), tail);
    }
}

fn zip_lanes<V: Vector, K: VectorBinary>(
    kernel: &K,
    a: &[V::Scalar],
    b: &[V::Scalar],
    dst: &mut [MaybeUninit<V::Scalar>],
) {
    debug_assert!(a.len() == dst.len() && b.len() == dst.len());
    let mut dst_chunks = dst.chunks_exact_mut(V::LANES);
    let mut a_chunks = a.chunks_exact(V::LANES);
    let mut b_chunks = b.chunks_exact(V::LANES);
    for ((d, x), y) in (&mut dst_chunks).zip(&mut a_chunks).zip(&mut b_chunks) {
        kernel.vector(V::load(x), V::load(y)).store_uninit(d);
    }
    let tail = dst_chunks.into_remainder();
    if !tail.is_empty() {
        let x = padded::<V>(a_chunks.remainder());
        let y = padded::<V>(b_chunks.remainder());
        store_tail_uninit(kernel.vector(x, y), tail);
    }
}

fn zip_lanes_inplace<V: Vector, K: VectorBinary>(
    kernel: &K,
    dst: &mut [V::Scalar],
    b: &[V::Scalar],
) {
    debug_assert_eq!(b.len(), dst.len());
    let mut dst_chunks = dst.chunks_exact_mut(V::LANES);
    let mut b_chunks = b.chunks_exact(V::LANES);
    for (d, y) in (&mut dst_chunks).zip(&mut b_chunks) {
        kernel.vector(V::load(d), V::load(y)).store(d);
    }
    let tail = dst_chunks.into_remainder();
    if !tail.is_empty() {
        let x = padded::<V>(tail);
        let y = padded::<V>(b_chunks.remainder());
        store_tail(kernel.vector(x, y), tail);
    }
}

fn zip_lanes_scalar<V: Vector, K: VectorBinary>(
    kernel: &K,
    a: &[V::Scalar],
    b: V::Scalar,
    dst: &mut [MaybeUninit<V::Scalar>],
) {
    let y = V::splat(b);
    let mut dst_chunks = dst.chunks_exact_mut(V::LANES);
    let mut a_chunks = a.chunks_exact(V::LANES);
    for (d, x) in (&mut dst_chunks).zip(&mut a_chunks) {
        kernel.vector(V::load(x), y).store_uninit(d);
    }
    let tail = dst_chunks.into_remainder();
    if !tail.is_empty() {
        store_tail_uninit(kernel.vector(padded::<V>(a_chunks.remainder()), y), tail);
    }
}

fn scalar_zip_lanes<V: Vector, K: VectorBinary>(
    kernel: &K,
    a: V::Scalar,
    b: &[V::Scalar],
    dst: &mut [MaybeUninit<V::Scalar>],
) {
    let x = V::splat(a);
    let mut dst_chunks = dst.chunks_exact_mut(V::LANES);
    let mut b_chunks = b.chunks_exact(V::LANES);
    for (d, y) in (&mut dst_chunks).zip(&mut b_chunks) {
        kernel.vector(x, V::load(y)).store_uninit(d);
    }
    let tail = dst_chunks.into_remainder();
    if !tail.is_empty() {
        store_tail_uninit(kernel.vector(x, padded::<V>(b_chunks.remainder())), tail);
    }
}

/// Writes `kernel(src[i])` to `dst[i]` with SIMD. Returns `false`, writing nothing, when `T` is
/// neither `f32` nor `f64`.
pub(crate) fn map_slice<T: Element, K: VectorUnary>(
    kernel: &K,
    src: &[T],
    dst: &mut [MaybeUninit<T>],
) -> bool {
    if let (Some(s), Some(d)) = (
        same_type::<T, f32>(src),
        same_type_mut::<MaybeUninit<T>, MaybeUninit<f32>>(dst),
    ) {
        map_lanes::<f32x8, K>(kernel, s, d);
        return true;
    }
    if let (Some(s), Some(d)) = (
        same_type::<T, f64>(src),
        same_type_mut::<MaybeUninit<T>, MaybeUninit<f64>>(dst),
    ) {
        map_lanes::<f64x4, K>(kernel, s, d);
        return true;
    }
    false
}

/// Replaces `data[i]` with `kernel(data[i])` with SIMD; `false` for other element types.
pub(crate) fn map_slice_inplace<T: Element, K: VectorUnary>(kernel: &K, data: &mut [T]) -> bool {
    if let Some(d) = same_type_mut::<T, f32>(data) {
        map_lanes_inplace::<f32x8, K>(kernel, d);
        return true;
    }
    if let Some(d) = same_type_mut::<T, f64>(data) {
        map_lanes_inplace::<f64x4, K>(kernel, d);
        return true;
    }
    false
}

/// Writes `kernel(a[i], b[i])` to `dst[i]` with SIMD; `false` for other element types.
pub(crate) fn zip_slices<T: Element, K: VectorBinary>(
    kernel: &K,
    a: &[T],
    b: &[T],
    dst: &mut [MaybeUninit<T>],
) -> bool {
    if let (Some(x), Some(y), Some(d)) = (same_type(a), same_type(b), same_type_mut(dst)) {
        zip_lanes::<f32x8, K>(kernel, x, y, d);
        return true;
    }
    if let (Some(x), Some(y), Some(d)) = (same_type(a), same_type(b), same_type_mut(dst)) {
        zip_lanes::<f64x4, K>(kernel, x, y, d);
        return true;
    }
    false
}

/// Replaces `dst[i]` with `kernel(dst[i], b[i])` with SIMD; `false` for other element types.
pub(crate) fn zip_slices_inplace<T: Element, K: VectorBinary>(
    kernel: &K,
    dst: &mut [T],
    b: &[T],
) -> bool {
    if let (Some(d), Some(y)) = (same_type_mut(dst), same_type(b)) {
        zip_lanes_inplace::<f32x8, K>(kernel, d, y);
        return true;
    }
    if let (Some(d), Some(y)) = (same_type_mut(dst), same_type(b)) {
        zip_lanes_inplace::<f64x4, K>(kernel, d, y);
        return true;
    }
    false
}

/// Writes `kernel(a[i], b)` to `dst[i]` with SIMD; `false` for other element types.
pub(crate) fn zip_slice_scalar<T: Element, K: VectorBinary>(
    kernel: &K,
    a: &[T],
    b: T,
    dst: &mut [MaybeUninit<T>],
) -> bool {
    if let (Some(x), Some(d)) = (
        same_type::<T, f32>(a),
        same_type_mut::<MaybeUninit<T>, MaybeUninit<f32>>(dst),
    ) {
        zip_lanes_scalar::<f32x8, K>(kernel, x, same_scalar(b), d);
        return true;
    }
    if let (Some(x), Some(d)) = (
        same_type::<T, f64>(a),
        same_type_mut::<MaybeUninit<T>, MaybeUninit<f64>>(dst),
    ) {
        zip_lanes_scalar::<f64x4, K>(kernel, x, same_scalar(b), d);
        return true;
    }
    false
}

/// Writes `kernel(a, b[i])` to `dst[i]` with SIMD; `false` for other element types.
pub(crate) fn scalar_zip_slice<T: Element, K: VectorBinary>(
    kernel: &K,
    a: T,
    b: &[T],
    dst: &mut [MaybeUninit<T>],
) -> bool {
    if let (Some(y), Some(d)) = (
        same_type::<T, f32>(b),
        same_type_mut::<MaybeUninit<T>, MaybeUninit<f32>>(dst),
    ) {
        scalar_zip_lanes::<f32x8, K>(kernel, same_scalar(a), y, d);
        return true;
    }
    if let (Some(y), Some(d)) = (
        same_type::<T, f64>(b),
        same_type_mut::<MaybeUninit<T>, MaybeUninit<f64>>(dst),
    ) {
        scalar_zip_lanes::<f64x4, K>(kernel, same_scalar(a), y, d);
        return true;
    }
    false
}

/// Converts a kernel parameter of type `T` into a vector of `V`'s lane type. The conversion is
/// exact because `T` is the lane type whenever a driver above calls a kernel.
#[inline(always)]
pub(crate) fn splat_param<V: Vector, T: Element>(value: T) -> V {
    V::splat(same_scalar(value))
}
