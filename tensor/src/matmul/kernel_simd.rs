//! Run-time kernel selection and the portable SIMD microkernels written with `wide`.
//!
//! `wide` picks its instructions when the crate is compiled, so without a `target-cpu` flag it
//! uses SSE2 on x86-64 and NEON on aarch64. Its kernels are the fallback; on x86-64 the
//! AVX-512 and AVX2 kernels of [`super::kernel_x86`] run instead when the CPU has them.

use wide::{f32x8, f64x4};

use super::kernel::{update_tile, CTile, Kernel};
use super::params::BlockSizes;
use super::raw::MatPtr;

/// Returns the SIMD kernels for `f32` this CPU can run, fastest first.
pub(crate) fn available_f32() -> Vec<Kernel<f32>> {
    let mut out = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        use super::kernel_x86;
        if is_x86_feature_detected!("avx512f") {
            out.push(Kernel {
                name: "avx512-f32-12x32",
                mr: 12,
                nr: 32,
                // A block of A is 132 x 512 x 4 B = 264 KiB, for a 1-2 MiB L2; a B panel is
                // 512 x 1536 x 4 B = 3 MiB, for the L3. The 64 KiB B sliver overflows a 48 KiB
                // L1, yet kc = 512 measured 5-10 % faster than 256 at n = 1024-2048, because
                // C is loaded and stored half as often. mc = 132 = 11 x 12 keeps the 128 rows
                // of the training products in one block.
                blocks: BlockSizes {
                    mc: 132,
                    kc: 512,
                    nc: 1536,
                },
                // Listed only after detecting the target features this kernel needs.
                func: kernel_x86::avx512_f32_12x32,
            });
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            out.push(Kernel {
                name: "avx2-f32-6x16",
                mr: 6,
                nr: 16,
                blocks: BlockSizes {
                    mc: 120,
                    kc: 256,
                    nc: 3072,
                },
                // Listed only after detecting the target features this kernel needs.
                func: kernel_x86::avx2_f32_6x16,
            });
        }
    }
    out.push(Kernel {
        name: "wide-f32-4x8",
        mr: WIDE_MR,
        nr: 8,
        blocks: BlockSizes {
            mc: 128,
            kc: 256,
            nc: 2048,
        },
        func: wide_f32_4x8,
    });
    out
}

/// Returns the SIMD kernels for `f64` this CPU can run, fastest first.
pub(crate) fn available_f64() -> Vec<Kernel<f64>> {
    let mut out = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        use super::kernel_x86;
        if is_x86_feature_detected!("avx512f") {
            out.push(Kernel {
                name: "avx512-f64-12x16",
                mr: 12,
                nr: 16,
                blocks: BlockSizes {
                    mc: 240,
                    kc: 256,
                    nc: 2048,
                },
                // Listed only after detecting the target features this kernel needs.
                func: kernel_x86::avx512_f64_12x16,
            });
        }
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            out.push(Kernel {
                name: "avx2-f64-6x8",
                mr: 6,
                nr: 8,
                blocks: BlockSizes {
                    mc: 120,
                    kc: 256,
                    nc: 2048,
                },
                // Listed only after detecting the target features this kernel needs.
                func: kernel_x86::avx2_f64_6x8,
            });
        }
    }
    out.push(Kernel {
        name: "wide-f64-4x4",
        mr: WIDE_MR,
        nr: 4,
        blocks: BlockSizes {
            mc: 128,
            kc: 256,
            nc: 2048,
        },
        func: wide_f64_4x4,
    });
    out
}

/// Rows of the `wide` kernels' tiles: 4 rows of one vector fit the 16 registers of SSE2.
const WIDE_MR: usize = 4;

/// Defines a `wide` microkernel with a tile of `WIDE_MR` rows of one vector.
macro_rules! wide_kernel {
    ($(#[$doc:meta])* $name:ident, $t:ty, $vec:ty, $lanes:expr) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// The arguments must satisfy the [`KernelFn`](super::kernel::KernelFn) contract.
        unsafe fn $name(kc: usize, alpha: $t, a: MatPtr<$t>, b: *const $t, beta: $t, c: &CTile<$t>) {
            const NR: usize = $lanes;
            let mut acc = [<$vec>::ZERO; WIDE_MR];
            for p in 0..kc {
                // SAFETY: step `p` of the packed B sliver is inside the buffer of the contract.
                let b_row = unsafe { std::slice::from_raw_parts(b.add(p * NR), NR) };
                let b_vec = <$vec>::from(<[$t; NR]>::try_from(b_row).expect("packed row has NR values"));
                for (i, acc_row) in acc.iter_mut().enumerate() {
                    // SAFETY: `(i, p)` is inside the A sliver of the contract.
                    let a_value = unsafe { *a.at(i, p) };
                    *acc_row = <$vec>::splat(a_value).mul_add(b_vec, *acc_row);
                }
            }
            let scratch: [[$t; NR]; WIDE_MR] = acc.map(|row| row.to_array());
            // SAFETY: `scratch` is a contiguous `WIDE_MR x NR` tile; C is covered by the contract.
            unsafe { update_tile(scratch.as_ptr().cast::<$t>(), NR, alpha, beta, c) };
        }
    };
}

wide_kernel!(
    /// Portable `f32` kernel: 4 x 8 tile, one `f32x8` per row.
    wide_f32_4x8, f32, f32x8, 8
);
wide_kernel!(
    /// Portable `f64` kernel: 4 x 4 tile, one `f64x4` per row.
    wide_f64_4x4, f64, f64x4, 4
);
