//! The `exp(x - m)` kernels of `softmax`, `log_softmax` and `logsumexp`, vectorised for `f32`.
//!
//! Every lane of these operations computes `sum_i exp(x_i - m)` with `m` the lane maximum, so
//! every argument of `exp` is at most 0. For `f32` the kernels evaluate eight of them at a time
//! with the `exp` of `wide::f32x8` (wide 0.7.33), a polynomial after range reduction by powers
//! of 2. `f64` keeps the `exp` of the standard library, because gradient checks run in `f64`
//! and need its accuracy.
//!
//! The vector `exp` returns 0 for arguments of magnitude 87.3 or more. Below -87.3 the exact
//! value is under 1.2e-38 (the smallest normal `f32`), where the standard `exp` would return a
//! subnormal number. The relative error on [-87, 0] is tested below against `f64`. Callers
//! handle lanes whose maximum is not finite before calling these kernels, so no argument is
//! NaN.

use std::any::TypeId;

use wide::f32x8;

use crate::Element;

/// Number of `f32` lanes of one vector.
const LANES: usize = 8;

/// Views a row as `f32` when `T` is `f32`.
fn as_f32_mut<T: Element>(row: &mut [T]) -> Option<&mut [f32]> {
    (TypeId::of::<T>() == TypeId::of::<f32>()).then(|| {
        // SAFETY: `T` is `f32` (checked above), so the pointer, length and alignment are those
        // of a valid `[f32]`, borrowed mutably for as long as `row` is.
        unsafe { std::slice::from_raw_parts_mut(row.as_mut_ptr().cast::<f32>(), row.len()) }
    })
}

/// Views a row as `f32` when `T` is `f32`.
fn as_f32<T: Element>(row: &[T]) -> Option<&[f32]> {
    (TypeId::of::<T>() == TypeId::of::<f32>()).then(|| {
        // SAFETY: as in `as_f32_mut`, for a shared borrow.
        unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<f32>(), row.len()) }
    })
}

/// Loads one vector from a slice of exactly [`LANES`] values.
fn load(values: &[f32]) -> f32x8 {
    let mut lanes = [0.0; LANES];
    lanes.copy_from_slice(values);
    f32x8::new(lanes)
}

/// Adds the lanes of a vector from first to last.
fn add_lanes(acc: f32x8) -> f32 {
    acc.to_array().iter().fold(0.0, |s, &x| s + x)
}

/// Computes [`sum_exp_shifted`] for `f32` with vectors.
fn sum_exp_shifted_f32(row: &[f32], m: f32) -> f32 {
    let shift = f32x8::splat(m);
    let mut acc = f32x8::splat(0.0);
    let mut vectors = row.chunks_exact(LANES);
    for vector in &mut vectors {
        acc += (load(vector) - shift).exp();
    }
    let mut total = add_lanes(acc);
    for &x in vectors.remainder() {
        total += (x - m).exp();
    }
    total
}

/// Computes [`exp_shifted_inplace`] for `f32` with vectors.
fn exp_shifted_inplace_f32(row: &mut [f32], m: f32) -> f32 {
    let shift = f32x8::splat(m);
    let mut acc = f32x8::splat(0.0);
    let mut vectors = row.chunks_exact_mut(LANES);
    for vector in &mut vectors {
        let e = (load(vector) - shift).exp();
        acc += e;
        vector.copy_from_slice(&e.to_array());
    }
    let mut total = add_lanes(acc);
    for x in vectors.into_remainder() {
        *x = (*x - m).exp();
        total += *x;
    }
    total
}

/// Scalar reference kernels, and the path for `f64`.
pub(crate) mod scalar {
    use crate::Element;

    /// Returns `sum_i exp(x_i - m)`, added left to right.
    pub(crate) fn sum_exp_shifted<T: Element>(row: &[T], m: T) -> T {
        let mut total = T::ZERO;
        for &x in row {
            total += (x - m).exp();
        }
        total
    }

    /// Replaces each `x_i` by `exp(x_i - m)` and returns their sum, added left to right.
    pub(crate) fn exp_shifted_inplace<T: Element>(row: &mut [T], m: T) -> T {
        let mut total = T::ZERO;
        for x in row.iter_mut() {
            *x = (*x - m).exp();
            total += *x;
        }
        total
    }
}

/// Returns `sum_i exp(x_i - m)` for a finite `m`.
pub(crate) fn sum_exp_shifted<T: Element>(row: &[T], m: T) -> T {
    match as_f32(row) {
        Some(x) => T::from_f64(f64::from(sum_exp_shifted_f32(x, m.to_f64() as f32))),
        None => scalar::sum_exp_shifted(row, m),
    }
}

/// Replaces each `x_i` by `exp(x_i - m)` and returns their sum, for a finite `m`.
pub(crate) fn exp_shifted_inplace<T: Element>(row: &mut [T], m: T) -> T {
    let shift = m.to_f64() as f32;
    match as_f32_mut(row) {
        Some(x) => T::from_f64(f64::from(exp_shifted_inplace_f32(x, shift))),
        None => scalar::exp_shifted_inplace(row, m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative error allowed for the vector `exp` of `f32`: 4 units in the last place.
    const EXP_TOL: f64 = 4.0 * f32::EPSILON as f64;

    /// Lengths around the 8 lanes, and a long odd one.
    const LENGTHS: [usize; 9] = [0, 1, 7, 8, 9, 15, 16, 17, 1001];

    fn values(len: usize) -> Vec<f32> {
        (0..len)
            .map(|i| ((i * 7919 + 13) % 1000) as f32 / 50.0 - 10.0)
            .collect()
    }

    #[test]
    fn vector_exp_accurate_on_negative_range() {
        // Arguments from -87 to 0 in steps of about 1e-3, so every binade is visited.
        let args: Vec<f32> = (0..87_000).map(|i| -(i as f32) * 1e-3).collect();
        let mut out = args.clone();
        exp_shifted_inplace(&mut out, 0.0f32);
        for (&x, &e) in args.iter().zip(&out) {
            let exact = f64::from(x).exp();
            let error = (f64::from(e) - exact).abs() / exact;
            assert!(
                error <= EXP_TOL,
                "exp({x}) = {e}, exact {exact}, error {error:e}"
            );
        }
    }

    #[test]
    fn sum_exp_vector_matches_scalar() {
        for len in LENGTHS {
            let row = values(len);
            let m = row
                .iter()
                .copied()
                .fold(f32::NEG_INFINITY, f32::max)
                .max(0.0);
            let reference = f64::from(scalar::sum_exp_shifted(&row, m));
            let got = f64::from(sum_exp_shifted(&row, m));
            assert!(
                (got - reference).abs() <= 1e-5 * (1.0 + reference),
                "len {len}"
            );
        }
    }

    #[test]
    fn exp_inplace_vector_matches_scalar() {
        for len in LENGTHS {
            let mut vector = values(len);
            let mut reference = vector.clone();
            let m = 10.0f32;
            let total = exp_shifted_inplace(&mut vector, m);
            let reference_total = scalar::exp_shifted_inplace(&mut reference, m);
            assert!((total - reference_total).abs() <= 1e-5 * (1.0 + reference_total));
            for (v, r) in vector.iter().zip(&reference) {
                assert!((f64::from(*v) - f64::from(*r)).abs() <= EXP_TOL * f64::from(*r));
            }
        }
    }

    #[test]
    fn f64_uses_scalar_exp() {
        let row: Vec<f64> = values(17).iter().map(|&v| f64::from(v)).collect();
        assert_eq!(
            sum_exp_shifted(&row, 10.0),
            scalar::sum_exp_shifted(&row, 10.0)
        );
    }
}
