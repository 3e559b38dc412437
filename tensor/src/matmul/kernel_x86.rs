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
//! Full tiles of a C with unit column stride are updated with vector loads and stores; edge
//! tiles and other strides go through a scratch tile and [`update_tile`].
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
        fma: $fma:ident, mul: $mul:ident
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
                if a.rs == 1 && a.cs == MR as isize {
                    // Packed A: one contiguous column of MR values per step.
                    let mut a_step = a.ptr;
                    // Unrolled by four: fewer loop branches between the FMAs.
                    for _ in 0..kc / 4 {
                        for _ in 0..4 {
                            step!(|i| *a_step.add(i));
                            a_step = a_step.add(MR);
                        }
                    }
                    for _ in 0..kc % 4 {
                        step!(|i| *a_step.add(i));
                        a_step = a_step.add(MR);
                    }
                } else {
                    // A read in place: one pointer per row, advanced by the column stride.
                    let rows: [*const $t; MR] = std::array::from_fn(|i| a.at(i, 0));
                    let mut offset = 0isize;
                    for _ in 0..kc {
                        step!(|i| *rows[i].offset(offset));
                        offset += a.cs;
                    }
                }

                if c.cs == 1 && c.cols == NR {
                    // Whole rows: vector update of each valid row.
                    let alpha_v = $set1(alpha);
                    let beta_v = $set1(beta);
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
                } else {
                    // Edge tile or strided C: spill to a scratch tile, update element-wise.
                    let mut scratch = [[0.0 as $t; NR]; MR];
                    for (scratch_row, acc_row) in scratch.iter_mut().zip(&acc) {
                        for (v, value) in acc_row.iter().enumerate() {
                            $store(scratch_row.as_mut_ptr().add(v * LANES), *value);
                        }
                    }
                    update_tile(scratch.as_ptr().cast::<$t>(), NR, alpha, beta, c);
                }
            }
        }
    };
}

x86_kernel!(
    /// AVX-512 `f32` kernel, 12 x 32 tile.
    avx512_f32_12x32, f32, "avx512f", lanes: 16, mr: 12, nv: 2,
    zero: _mm512_setzero_ps, load: _mm512_loadu_ps, store: _mm512_storeu_ps,
    set1: _mm512_set1_ps, fma: _mm512_fmadd_ps, mul: _mm512_mul_ps
);

x86_kernel!(
    /// AVX-512 `f64` kernel, 12 x 16 tile.
    avx512_f64_12x16, f64, "avx512f", lanes: 8, mr: 12, nv: 2,
    zero: _mm512_setzero_pd, load: _mm512_loadu_pd, store: _mm512_storeu_pd,
    set1: _mm512_set1_pd, fma: _mm512_fmadd_pd, mul: _mm512_mul_pd
);

x86_kernel!(
    /// AVX2 + FMA `f32` kernel, 6 x 16 tile.
    avx2_f32_6x16, f32, "avx2,fma", lanes: 8, mr: 6, nv: 2,
    zero: _mm256_setzero_ps, load: _mm256_loadu_ps, store: _mm256_storeu_ps,
    set1: _mm256_set1_ps, fma: _mm256_fmadd_ps, mul: _mm256_mul_ps
);

x86_kernel!(
    /// AVX2 + FMA `f64` kernel, 6 x 8 tile.
    avx2_f64_6x8, f64, "avx2,fma", lanes: 4, mr: 6, nv: 2,
    zero: _mm256_setzero_pd, load: _mm256_loadu_pd, store: _mm256_storeu_pd,
    set1: _mm256_set1_pd, fma: _mm256_fmadd_pd, mul: _mm256_mul_pd
);
