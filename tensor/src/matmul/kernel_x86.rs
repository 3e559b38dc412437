//! x86-64 microkernels written with `std::arch` intrinsics: AVX-512 and AVX2 with FMA, for `f32`
//! and `f64`.
//!
//! Each kernel keeps an `MR x NR` tile of C in vector registers, `NV = NR / lanes` vectors per
//! row. One step `p` of the shared dimension loads one packed row of B (`NV` vectors),
//! broadcasts each of the `MR` packed values of A in turn and adds `a[i] * b` to row `i` of the
//! tile. For AVX-512 `f32` (`MR = 12`, `NR = 32`, two 16-lane vectors per row):
//!
//! ```text
//!                 b: | b0 .. b15 | b16 .. b31 |      two zmm loads per step
//!                    +-----------+------------+
//!  a0 (broadcast) -> |  c[0][0]  |  c[0][1]   |
//!  a1 (broadcast) -> |  c[1][0]  |  c[1][1]   |      24 zmm accumulators,
//!        ...         |    ...    |    ...     |      24 FMAs per step
//!  a11(broadcast) -> | c[11][0]  | c[11][1]   |
//!                    +-----------+------------+
//! ```
//!
//! The tile uses 24 of the 32 zmm registers for accumulators, 2 for B and leaves room for the
//! broadcasts, so nothing spills. AVX2 has 16 ymm registers, so its tile is `6 x 2` vectors.
//!
//! Tiles of a C with unit column stride are updated with vector loads and stores, masked for
//! the partial last vector of an edge tile; C with other column strides goes through a scratch
//! tile and [`update_tile`].
//!
//! These functions are compiled with `#[target_feature]`, so one binary carries them without a
//! `target-cpu` flag; [`super::kernel_simd`] calls them only after run-time feature detection.

use std::arch::x86_64::*;

use super::kernel::{update_tile, CTile};
use super::raw::MatPtr;

/// Defines one microkernel from the intrinsics of one instruction set and element type.
macro_rules! x86_kernel {
    (
        $(#[$doc:meta])*
        $name:ident, $t:ty, $feature:literal, lanes: $lanes:expr, mr: $mr:expr, nv: $nv:expr,
        zero: $zero:ident, load: $load:ident, store: $store:ident, set1: $set1:ident,
        fma: $fma:ident, mul: $mul:ident,
        load_masked: |$lm_ptr:ident, $lm_valid:ident| $load_masked:expr,
        store_masked: |$sm_ptr:ident, $sm_valid:ident, $sm_value:ident| $store_masked:expr
    ) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// The CPU must support the target features of this function, and the arguments must
        /// satisfy the [`KernelFn`](super::kernel::KernelFn) contract.
        #[target_feature(enable = $feature)]
        pub(crate) unsafe fn $name(kc: usize, alpha: $t, a: MatPtr<$t>, b: *const $t, beta: $t, c: &CTile<$t>) {
            const MR: usize = $mr;
            const NV: usize = $nv;
            const LANES: usize = $lanes;
            const NR: usize = NV * LANES;
            // SAFETY: the caller guarantees the CPU features, `mr x kc` readable values of A,
            // `NR * kc` of B, and a valid tile of C; every access below stays inside them.
            unsafe {
                let mut acc = [[$zero(); NV]; MR];
                let mut b_step = b;
                // One step: load a row of B, then one broadcast and NV FMAs per row of A.
                macro_rules! step {
                    (|$i:ident| $a_value:expr) => {
                        let mut b_row = [$zero(); NV];
                        for (v, value) in b_row.iter_mut().enumerate() {
                            *value = $load(b_step.add(v * LANES));
                        }
                        for ($i, acc_row) in acc.iter_mut().enumerate() {
                            let a_value = $set1($a_value);
                            for (v, value) in acc_row.iter_mut().enumerate() {
                                *value = $fma(a_value, b_row[v], *value);
                            }
                        }
                        b_step = b_step.add(NR);
                    };
                }
                if a.rs == 1 {
                    // Columns of A are contiguous (packed A has column stride MR): one pointer,
                    // advanced by the column stride. Unrolled by four to cut loop overhead.
                    let mut a_step = a.ptr;
                    for _ in 0..kc / 4 {
                        for _ in 0..4 {
                            step!(|i| *a_step.add(i));
                            a_step = a_step.offset(a.cs);
                        }
                    }
                    for _ in 0..kc % 4 {
                        step!(|i| *a_step.add(i));
                        a_step = a_step.offset(a.cs);
                    }
                } else {
                    // Rows of A read in place: one pointer per row, advanced by the column stride.
                    let rows: [*const $t; MR] = std::array::from_fn(|i| a.at(i, 0));
                    let mut offset = 0isize;
                    for _ in 0..kc {
                        step!(|i| *rows[i].offset(offset));
                        offset += a.cs;
                    }
                }

                let alpha_v = $set1(alpha);
                let beta_v = $set1(beta);
                if c.cs == 1 && c.cols == NR {
                    // Whole rows of a C with unit column stride: vector update of each valid
                    // row, straight from the registers.
                    for (i, acc_row) in acc.iter().enumerate().take(c.rows) {
                        let row = c.ptr.offset(i as isize * c.rs);
                        for (v, value) in acc_row.iter().enumerate() {
                            let out = row.add(v * LANES);
                            let scaled = $mul(alpha_v, *value);
                            let result = if beta == 0.0 {
                                scaled
                            } else {
                                $fma(beta_v, $load(out), scaled)
                            };
                            $store(out, result);
                        }
                    }
                    return;
                }

                // Edge tile or strided C: spill the tile to a scratch buffer first. Keeping
                // this code apart from the loop above lets the compiler unroll that loop and
                // keep `acc` in registers.
                let mut scratch = [[0.0 as $t; NR]; MR];
                for (scratch_row, acc_row) in scratch.iter_mut().zip(&acc) {
                    for (v, value) in acc_row.iter().enumerate() {
                        $store(scratch_row.as_mut_ptr().add(v * LANES), *value);
                    }
                }
                if c.cs != 1 {
                    update_tile(scratch.as_ptr().cast::<$t>(), NR, alpha, beta, c);
                    return;
                }
                masked_update(scratch.as_ptr().cast::<$t>(), alpha, beta, c);
            }

            /// Updates a tile with partial columns of a C with unit column stride from the
            /// scratch tile: masked loads and stores for the last vector, so no element past
            /// the tile is touched. A separate function, because inlined into the kernel it
            /// made the compiler keep the accumulators in memory.
            ///
            /// # Safety
            /// As the kernel; `scratch` contains `MR x NR` values.
            #[target_feature(enable = $feature)]
            #[inline(never)]
            unsafe fn masked_update(scratch: *const $t, alpha: $t, beta: $t, c: &CTile<$t>) {
                // SAFETY: the valid part of the tile is inside C and the scratch tile contains
                // every row read.
                unsafe {
                    let alpha_v = $set1(alpha);
                    let beta_v = $set1(beta);
                    for i in 0..c.rows {
                        let row = c.ptr.offset(i as isize * c.rs);
                        for v in 0..c.cols.div_ceil(LANES) {
                            let valid = (c.cols - v * LANES).min(LANES);
                            let out = row.add(v * LANES);
                            let scaled = $mul(alpha_v, $load(scratch.add(i * NR + v * LANES)));
                            let old = if beta == 0.0 {
                                $zero()
                            } else {
                                let ($lm_ptr, $lm_valid) = (out.cast_const(), valid);
                                $load_masked
                            };
                            let result = $fma(beta_v, old, scaled);
                            let ($sm_ptr, $sm_valid, $sm_value) = (out, valid, result);
                            $store_masked;
                        }
                    }
                }
            }
        }
    };
}

x86_kernel!(
    /// AVX-512 `f32` kernel, 12 x 32 tile.
    avx512_f32_12x32, f32, "avx512f", lanes: 16, mr: 12, nv: 2,
    zero: _mm512_setzero_ps, load: _mm512_loadu_ps, store: _mm512_storeu_ps,
    set1: _mm512_set1_ps, fma: _mm512_fmadd_ps, mul: _mm512_mul_ps,
    load_masked: |ptr, valid| _mm512_maskz_loadu_ps(((1u32 << valid) - 1) as __mmask16, ptr),
    store_masked: |ptr, valid, value| _mm512_mask_storeu_ps(ptr, ((1u32 << valid) - 1) as __mmask16, value)
);

x86_kernel!(
    /// AVX-512 `f64` kernel, 12 x 16 tile.
    avx512_f64_12x16, f64, "avx512f", lanes: 8, mr: 12, nv: 2,
    zero: _mm512_setzero_pd, load: _mm512_loadu_pd, store: _mm512_storeu_pd,
    set1: _mm512_set1_pd, fma: _mm512_fmadd_pd, mul: _mm512_mul_pd,
    load_masked: |ptr, valid| _mm512_maskz_loadu_pd(((1u32 << valid) - 1) as __mmask8, ptr),
    store_masked: |ptr, valid, value| _mm512_mask_storeu_pd(ptr, ((1u32 << valid) - 1) as __mmask8, value)
);

x86_kernel!(
    /// AVX2 + FMA `f32` kernel, 6 x 16 tile.
    avx2_f32_6x16, f32, "avx2,fma", lanes: 8, mr: 6, nv: 2,
    zero: _mm256_setzero_ps, load: _mm256_loadu_ps, store: _mm256_storeu_ps,
    set1: _mm256_set1_ps, fma: _mm256_fmadd_ps, mul: _mm256_mul_ps,
    load_masked: |ptr, valid| _mm256_maskload_ps(ptr, mask32(valid)),
    store_masked: |ptr, valid, value| _mm256_maskstore_ps(ptr, mask32(valid), value)
);

x86_kernel!(
    /// AVX2 + FMA `f64` kernel, 6 x 8 tile.
    avx2_f64_6x8, f64, "avx2,fma", lanes: 4, mr: 6, nv: 2,
    zero: _mm256_setzero_pd, load: _mm256_loadu_pd, store: _mm256_storeu_pd,
    set1: _mm256_set1_pd, fma: _mm256_fmadd_pd, mul: _mm256_mul_pd,
    load_masked: |ptr, valid| _mm256_maskload_pd(ptr, mask64(valid)),
    store_masked: |ptr, valid, value| _mm256_maskstore_pd(ptr, mask64(valid), value)
);

/// Returns an AVX2 lane mask with the sign bit set in the first `valid` 32-bit lanes, for the
/// masked loads and stores of a partial vector.
///
/// # Safety
/// The CPU must support AVX2 (the AVX2 kernels call it after run-time detection).
#[inline(always)]
unsafe fn mask32(valid: usize) -> __m256i {
    // SAFETY: the caller guarantees AVX2.
    unsafe {
        _mm256_cmpgt_epi32(
            _mm256_set1_epi32(valid as i32),
            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
        )
    }
}

/// Returns an AVX2 lane mask with the sign bit set in the first `valid` 64-bit lanes.
///
/// # Safety
/// The CPU must support AVX2.
#[inline(always)]
unsafe fn mask64(valid: usize) -> __m256i {
    // SAFETY: the caller guarantees AVX2.
    unsafe {
        _mm256_cmpgt_epi64(
            _mm256_set1_epi64x(valid as i64),
            _mm256_setr_epi64x(0, 1, 2, 3),
        )
    }
}
