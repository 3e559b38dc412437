//! Packing a transposed B with AVX: 8 x 8 blocks transposed in registers.
//!
//! When B is a transposed view (`B = W^T` for a row-major W, as in the backward pass
//! `dX = dY W^T`), a sliver's row `p` gathers one value from each of `nr` rows of W, each a
//! different cache line. Reading eight rows of W eight values at a time and transposing the
//! 8 x 8 block in registers turns those gathers into eight contiguous loads and eight
//! contiguous stores:
//!
//! ```text
//!  rows i..i+8 of W, columns p..p+8            packed rows p..p+8, columns i..i+8
//!  w[i  ][p] w[i  ][p+1] .. w[i  ][p+7]         w[i][p  ] w[i+1][p  ] .. w[i+7][p  ]
//!  w[i+1][p] w[i+1][p+1] .. w[i+1][p+7]   ->    w[i][p+1] w[i+1][p+1] .. w[i+7][p+1]
//!    ..                                           ..
//! ```

use std::arch::x86_64::*;

use super::raw::MatPtr;

/// Returns true when [`pack_rows_transposed_f32`] can run on this CPU.
pub(crate) fn has_avx() -> bool {
    is_x86_feature_detected!("avx")
}

/// Packs `W` rows of `src` (`W x kc`, each row contiguous: `src.cs == 1`) column by column:
/// `out[p * W + i] = src(i, p)`. `W` must be a multiple of 8.
///
/// # Safety
/// The CPU must support AVX, every `src.at(i, p)` for `i < W`, `p < kc` must be readable and
/// `out` writable for `W * kc` elements.
#[target_feature(enable = "avx")]
pub(crate) unsafe fn pack_rows_transposed_f32<const W: usize>(
    kc: usize,
    src: MatPtr<f32>,
    out: *mut f32,
) {
    let full = kc - kc % 8;
    // SAFETY: every load reads 8 values of a row `i < W` at columns `p..p + 8 <= kc`, and every
    // store writes 8 values at `(p + q) * W + i0 .. + 8`, inside `W * kc`.
    unsafe {
        for i0 in (0..W).step_by(8) {
            let rows: [*const f32; 8] = std::array::from_fn(|r| src.at(i0 + r, 0));
            for p in (0..full).step_by(8) {
                let block: [__m256; 8] = std::array::from_fn(|r| _mm256_loadu_ps(rows[r].add(p)));
                let columns = transpose8(block);
                for (q, column) in columns.iter().enumerate() {
                    _mm256_storeu_ps(out.add((p + q) * W + i0), *column);
                }
            }
            for p in full..kc {
                for (r, row) in rows.iter().enumerate() {
                    *out.add(p * W + i0 + r) = *row.add(p);
                }
            }
        }
    }
}

/// Transposes an 8 x 8 block of `f32` held as eight row vectors.
#[target_feature(enable = "avx")]
fn transpose8(rows: [__m256; 8]) -> [__m256; 8] {
    // Step 1: interleave pairs of rows (2 x 2 blocks of single values).
    let t0 = _mm256_unpacklo_ps(rows[0], rows[1]);
    let t1 = _mm256_unpackhi_ps(rows[0], rows[1]);
    let t2 = _mm256_unpacklo_ps(rows[2], rows[3]);
    let t3 = _mm256_unpackhi_ps(rows[2], rows[3]);
    let t4 = _mm256_unpacklo_ps(rows[4], rows[5]);
    let t5 = _mm256_unpackhi_ps(rows[4], rows[5]);
    let t6 = _mm256_unpacklo_ps(rows[6], rows[7]);
    let t7 = _mm256_unpackhi_ps(rows[6], rows[7]);
    // Step 2: combine pairs of pairs (2 x 2 blocks of value pairs).
    let s0 = _mm256_shuffle_ps::<0b01_00_01_00>(t0, t2);
    let s1 = _mm256_shuffle_ps::<0b11_10_11_10>(t0, t2);
    let s2 = _mm256_shuffle_ps::<0b01_00_01_00>(t1, t3);
    let s3 = _mm256_shuffle_ps::<0b11_10_11_10>(t1, t3);
    let s4 = _mm256_shuffle_ps::<0b01_00_01_00>(t4, t6);
    let s5 = _mm256_shuffle_ps::<0b11_10_11_10>(t4, t6);
    let s6 = _mm256_shuffle_ps::<0b01_00_01_00>(t5, t7);
    let s7 = _mm256_shuffle_ps::<0b11_10_11_10>(t5, t7);
    // Step 3: swap the 128-bit halves between the top and bottom four rows.
    [
        _mm256_permute2f128_ps::<0x20>(s0, s4),
        _mm256_permute2f128_ps::<0x20>(s1, s5),
        _mm256_permute2f128_ps::<0x20>(s2, s6),
        _mm256_permute2f128_ps::<0x20>(s3, s7),
        _mm256_permute2f128_ps::<0x31>(s0, s4),
        _mm256_permute2f128_ps::<0x31>(s1, s5),
        _mm256_permute2f128_ps::<0x31>(s2, s6),
        _mm256_permute2f128_ps::<0x31>(s3, s7),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposed_pack_matches_definition() {
        if !has_avx() {
            return;
        }
        // A 32 x 21 block read from a 32 x 23 row-major matrix: 21 is not a multiple of 8 and
        // the row stride is not 21, so both tails and the stride are exercised.
        let (rows, cols, kc) = (32usize, 23usize, 21usize);
        let data: Vec<f32> = (0..rows * cols).map(|v| v as f32).collect();
        let src = MatPtr {
            ptr: data.as_ptr(),
            rs: cols as isize,
            cs: 1,
        };
        let mut out = vec![f32::NAN; 32 * kc];
        // SAFETY: AVX is present, the block is inside `data` and `out` has 32 * kc elements.
        unsafe { pack_rows_transposed_f32::<32>(kc, src, out.as_mut_ptr()) };
        for p in 0..kc {
            for i in 0..32 {
                assert_eq!(out[p * 32 + i], data[i * cols + p], "row {i}, column {p}");
            }
        }
    }
}
