//! SIMD row kernels for the reductions, with the scalar reference path they are tested against.
//!
//! A row is split into fixed chunks of [`CHUNK`] elements. A chunk is read as vectors of
//! `LANES` lanes (8 for `f32x8`, 4 for `f64x4`) into four accumulators: accumulator `j` adds
//! vectors `j, j + 4, j + 8, ...`, so that four additions are in flight at once. The vectors
//! after the last full group of four go to accumulator 0. The accumulators are then added in a
//! fixed order, their lanes from first to last, and the elements that fill no whole vector
//! last. The chunk partial sums are added in chunk order. Chunks are also the unit of parallel
//! work for long rows. Because their boundaries do not depend on the thread count, neither does
//! the result.
//!
//! The vector sum adds in a different order than the scalar loop, so the two agree to rounding,
//! not bit for bit. `max` and `min` agree exactly. Both propagate NaN: the vector path keeps a
//! mask of the lanes that saw NaN, because the vector `max` instruction does not propagate it.

use std::any::TypeId;

use rayon::prelude::*;
use wide::{f32x8, f64x4};

use crate::Element;

/// Number of elements summed into one partial sum; also the unit of parallel work.
pub(crate) const CHUNK: usize = 1 << 14;

/// Row length from which the chunks of one row are summed on several threads: the threshold
/// of the reductions, whose measurement is described there.
const PARALLEL_ROW: usize = crate::ops::reduce_plan::PARALLEL_THRESHOLD;

/// Number of vector accumulators per kernel.
const ACCUMULATORS: usize = 4;

/// Views a row as `f32` when `T` is `f32`.
fn as_f32<T: Element>(row: &[T]) -> Option<&[f32]> {
    (TypeId::of::<T>() == TypeId::of::<f32>()).then(|| {
        // SAFETY: `T` is `f32` (checked above), so the pointer, length and alignment are those
        // of a valid `[f32]` that lives as long as `row`.
        unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<f32>(), row.len()) }
    })
}

/// Views a row as `f64` when `T` is `f64`.
fn as_f64<T: Element>(row: &[T]) -> Option<&[f64]> {
    (TypeId::of::<T>() == TypeId::of::<f64>()).then(|| {
        // SAFETY: `T` is `f64` (checked above), so the slice reinterpretation is the identity.
        unsafe { std::slice::from_raw_parts(row.as_ptr().cast::<f64>(), row.len()) }
    })
}

/// Generates the vector kernels for one element type and its `wide` vector.
macro_rules! vector_kernels {
    ($module:ident, $t:ty, $v:ident, $lanes:expr) => {
        pub(crate) mod $module {
            use super::$v;
            use super::ACCUMULATORS;

            const LANES: usize = $lanes;
            const STEP: usize = LANES * ACCUMULATORS;

            fn load(chunk: &[$t]) -> $v {
                let mut lanes = [0.0; LANES];
                lanes.copy_from_slice(chunk);
                <$v>::new(lanes)
            }

            /// Adds the lanes of `acc` in lane order.
            fn add_lanes(acc: $v) -> $t {
                acc.to_array().iter().fold(0.0, |s, &x| s + x)
            }

            /// Sums `f(x)` over a row with `ACCUMULATORS` vector accumulators.
            #[inline(always)]
            fn map_sum(row: &[$t], f: impl Fn($v) -> $v, f_scalar: impl Fn($t) -> $t) -> $t {
                let mut acc = [<$v>::splat(0.0); ACCUMULATORS];
                let mut blocks = row.chunks_exact(STEP);
                for block in &mut blocks {
                    for (a, vector) in acc.iter_mut().zip(block.chunks_exact(LANES)) {
                        *a += f(load(vector));
                    }
                }
                let rest = blocks.remainder();
                let mut vectors = rest.chunks_exact(LANES);
                for vector in &mut vectors {
                    acc[0] += f(load(vector));
                }
                let combined = (acc[0] + acc[1]) + (acc[2] + acc[3]);
                let mut total = add_lanes(combined);
                for &x in vectors.remainder() {
                    total += f_scalar(x);
                }
                total
            }

            /// Sum of a row.
            pub(crate) fn sum(row: &[$t]) -> $t {
                map_sum(row, |x| x, |x| x)
            }

            /// Sum of `(x - center)^2` over a row.
            pub(crate) fn sum_squared_deviations(row: &[$t], center: $t) -> $t {
                let c = <$v>::splat(center);
                map_sum(row, |x| (x - c) * (x - c), |x| (x - center) * (x - center))
            }

            /// Maximum (`is_max`) or minimum of a non-empty row; NaN propagates.
            pub(crate) fn extreme(row: &[$t], is_max: bool) -> $t {
                let start = if is_max {
                    <$t>::NEG_INFINITY
                } else {
                    <$t>::INFINITY
                };
                let mut best = <$v>::splat(start);
                let mut nan = <$v>::splat(0.0);
                let mut vectors = row.chunks_exact(LANES);
                for vector in &mut vectors {
                    let x = load(vector);
                    nan |= x.is_nan();
                    best = if is_max {
                        best.fast_max(x)
                    } else {
                        best.fast_min(x)
                    };
                }
                if nan.any() {
                    return <$t>::NAN;
                }
                let lanes = best.to_array().into_iter();
                let rest = vectors.remainder().iter().copied();
                let pick = |a: $t, b: $t| match (a.is_nan() || b.is_nan(), is_max) {
                    (true, _) => <$t>::NAN,
                    (false, true) => a.max(b),
                    (false, false) => a.min(b),
                };
                lanes.chain(rest).fold(start, pick)
            }
        }
    };
}

vector_kernels!(simd_f32, f32, f32x8, 8);
vector_kernels!(simd_f64, f64, f64x4, 4);

/// Scalar reference kernels: plain loops in element order.
pub(crate) mod scalar {
    use crate::Element;

    /// Sum of a row, added left to right.
    pub(crate) fn sum<T: Element>(row: &[T]) -> T {
        let mut total = T::ZERO;
        for &x in row {
            total += x;
        }
        total
    }

    /// Sum of `(x - center)^2` over a row, left to right.
    pub(crate) fn sum_squared_deviations<T: Element>(row: &[T], center: T) -> T {
        let mut total = T::ZERO;
        for &x in row {
            let d = x - center;
            total += d * d;
        }
        total
    }

    /// Maximum (`is_max`) or minimum of a row; NaN propagates.
    pub(crate) fn extreme<T: Element>(row: &[T], is_max: bool) -> T {
        if is_max {
            row.iter().fold(T::NEG_INFINITY, |m, &x| m.max_of(x))
        } else {
            row.iter().fold(T::INFINITY, |m, &x| m.min_of(x))
        }
    }
}

/// Sums one chunk with the vector kernel for `T`.
fn sum_chunk<T: Element>(chunk: &[T]) -> T {
    if let Some(x) = as_f32(chunk) {
        T::from_f64(f64::from(simd_f32::sum(x)))
    } else if let Some(x) = as_f64(chunk) {
        T::from_f64(simd_f64::sum(x))
    } else {
        scalar::sum(chunk)
    }
}

/// Sums `(x - center)^2` over one chunk with the vector kernel for `T`.
fn squared_deviations_chunk<T: Element>(chunk: &[T], center: T) -> T {
    if let Some(x) = as_f32(chunk) {
        let c = center.to_f64() as f32;
        T::from_f64(f64::from(simd_f32::sum_squared_deviations(x, c)))
    } else if let Some(x) = as_f64(chunk) {
        T::from_f64(simd_f64::sum_squared_deviations(x, center.to_f64()))
    } else {
        scalar::sum_squared_deviations(chunk, center)
    }
}

/// Applies `chunk_sum` to each fixed chunk of `row` (on several threads for long rows) and adds
/// the partial sums in chunk order.
fn chunked_sum<T: Element>(row: &[T], chunk_sum: impl Fn(&[T]) -> T + Sync) -> T {
    let partials: Vec<T> = if row.len() >= PARALLEL_ROW {
        row.par_chunks(CHUNK).map(&chunk_sum).collect()
    } else {
        row.chunks(CHUNK).map(&chunk_sum).collect()
    };
    scalar::sum(&partials)
}

/// Sum of a row (0 when empty).
pub(crate) fn sum<T: Element>(row: &[T]) -> T {
    chunked_sum(row, sum_chunk)
}

/// Sum of `(x - center)^2` over a row.
pub(crate) fn sum_squared_deviations<T: Element>(row: &[T], center: T) -> T {
    chunked_sum(row, |chunk| squared_deviations_chunk(chunk, center))
}

/// Maximum (`is_max`) or minimum of a row; NaN propagates, and an empty row gives the identity
/// (-inf for the maximum, +inf for the minimum).
pub(crate) fn extreme<T: Element>(row: &[T], is_max: bool) -> T {
    if let Some(x) = as_f32(row) {
        T::from_f64(f64::from(simd_f32::extreme(x, is_max)))
    } else if let Some(x) = as_f64(row) {
        T::from_f64(simd_f64::extreme(x, is_max))
    } else {
        scalar::extreme(row, is_max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lengths around the lane widths (4 and 8), the accumulator block (32) and a chunk.
    const LENGTHS: [usize; 16] = [
        0,
        1,
        3,
        4,
        5,
        7,
        8,
        9,
        31,
        32,
        33,
        63,
        1001,
        CHUNK - 1,
        CHUNK + 1,
        2 * CHUNK + 7,
    ];

    /// Deterministic values in [-1, 1) with no pattern aligned to the lanes.
    fn values(len: usize) -> Vec<f64> {
        (0..len)
            .map(|i| ((i * 7919 + 13) % 1000) as f64 / 500.0 - 1.0)
            .collect()
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * (1.0 + b.abs())
    }

    #[test]
    fn sum_simd_matches_scalar() {
        for len in LENGTHS {
            let x64 = values(len);
            let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
            let reference = scalar::sum(&x64);
            assert!(close(sum(&x64), reference, 1e-12), "f64 len {len}");
            let tol = 1e-6 * (len as f64).sqrt().max(1.0);
            assert!(close(f64::from(sum(&x32)), reference, tol), "f32 len {len}");
        }
    }

    #[test]
    fn squared_deviations_simd_matches_scalar() {
        for len in LENGTHS {
            let x64 = values(len);
            let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
            let reference = scalar::sum_squared_deviations(&x64, 0.25);
            let got64 = sum_squared_deviations(&x64, 0.25);
            assert!(close(got64, reference, 1e-12), "f64 len {len}");
            let got32 = f64::from(sum_squared_deviations(&x32, 0.25f32));
            let tol = 1e-6 * (len as f64).sqrt().max(1.0);
            assert!(close(got32, reference, tol), "f32 len {len}");
        }
    }

    #[test]
    fn extreme_simd_matches_scalar_exactly() {
        for len in LENGTHS {
            let x64 = values(len);
            let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
            for is_max in [true, false] {
                assert_eq!(extreme(&x64, is_max), scalar::extreme(&x64, is_max));
                assert_eq!(extreme(&x32, is_max), scalar::extreme(&x32, is_max));
            }
        }
    }

    #[test]
    fn extreme_propagates_nan_at_every_position() {
        for len in [1, 7, 8, 9, 33] {
            for position in 0..len {
                let mut x: Vec<f32> = values(len).iter().map(|&v| v as f32).collect();
                x[position] = f32::NAN;
                assert!(extreme(&x, true).is_nan(), "max len {len} at {position}");
                assert!(extreme(&x, false).is_nan(), "min len {len} at {position}");
            }
        }
    }

    #[test]
    fn sum_is_exact_on_integers() {
        // 1 + 2 + ... + n = n (n + 1) / 2 is exact in f64 for these sizes.
        for len in LENGTHS {
            let x: Vec<f64> = (1..=len).map(|i| i as f64).collect();
            assert_eq!(sum(&x), (len * (len + 1) / 2) as f64, "len {len}");
        }
    }
}
