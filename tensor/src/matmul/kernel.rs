//! Microkernels: the innermost loop of the GEMM, which multiplies one packed sliver of A
//! (`mr x kc`) by one packed sliver of B (`kc x nr`) into an `mr x nr` tile of C held in
//! registers.
//!
//! Every kernel has the same contract, [`KernelFn`]: compute `AB` over `kc` steps, then update
//! the valid `rows x cols` corner of the tile as `C = alpha * AB + beta * C`. When `beta` is zero
//! C is not read, so C may hold NaN or garbage (the BLAS convention).
//!
//! The kernel for a product is chosen at run time ([`select`]): AVX-512 or AVX2 with FMA on
//! x86-64 when the CPU has them, otherwise a portable kernel written with `wide`. A plain scalar
//! kernel serves element types other than `f32` and `f64`.

use std::any::TypeId;

use super::params::BlockSizes;
use crate::Element;

/// The part of C that one microkernel call updates.
#[derive(Debug)]
pub(crate) struct CTile<T> {
    /// Position of the tile's element `(0, 0)` in C.
    pub ptr: *mut T,
    /// Row stride of C, in elements.
    pub rs: isize,
    /// Column stride of C, in elements.
    pub cs: isize,
    /// Valid rows of the tile (`<= mr`); rows past it are padding and are not written.
    pub rows: usize,
    /// Valid columns of the tile (`<= nr`).
    pub cols: usize,
}

/// A microkernel: `C[..rows, ..cols] = alpha * A B + beta * C` for packed slivers `a`
/// (`kc` columns of `mr` values) and `b` (`kc` rows of `nr` values).
///
/// # Safety
/// `a` must be readable for `mr * kc` elements, `b` for `nr * kc`, and every element of the
/// valid part of the tile must be writable (and readable unless `beta` is zero).
pub(crate) type KernelFn<T> =
    unsafe fn(kc: usize, alpha: T, a: *const T, b: *const T, beta: T, c: &CTile<T>);

/// A microkernel with its register tile and cache block sizes.
#[derive(Debug)]
pub struct Kernel<T> {
    /// Short name for benchmarks and test messages, such as `"avx512-f32-12x32"`.
    pub name: &'static str,
    /// Rows of the register tile.
    pub mr: usize,
    /// Columns of the register tile.
    pub nr: usize,
    /// Cache block sizes tuned for this tile.
    pub blocks: BlockSizes,
    pub(crate) func: KernelFn<T>,
}

impl<T> Clone for Kernel<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Kernel<T> {}

/// Returns the fastest kernel this CPU supports for `T`.
pub fn select<T: Element>() -> Kernel<T> {
    available::<T>()
        .into_iter()
        .next()
        .expect("the scalar kernel is always available")
}

/// Returns every kernel this CPU can run for `T`, fastest first. Tests run each one.
pub fn available<T: Element>() -> Vec<Kernel<T>> {
    let mut out = Vec::new();
    if TypeId::of::<T>() == TypeId::of::<f32>() {
        out.extend(
            super::kernel_simd::available_f32()
                .into_iter()
                .map(cast_kernel::<f32, T>),
        );
    } else if TypeId::of::<T>() == TypeId::of::<f64>() {
        out.extend(
            super::kernel_simd::available_f64()
                .into_iter()
                .map(cast_kernel::<f64, T>),
        );
    }
    out.push(scalar_kernel::<T>());
    out
}

/// Reinterprets a kernel for `S` as one for `T` after the caller has checked `S == T`.
fn cast_kernel<S: 'static, T: 'static>(kernel: Kernel<S>) -> Kernel<T> {
    assert_eq!(
        TypeId::of::<S>(),
        TypeId::of::<T>(),
        "kernel cast between different types"
    );
    // SAFETY: `S` and `T` are the same type (checked above), so `Kernel<S>` and `Kernel<T>` are
    // the same type too.
    unsafe { std::mem::transmute_copy::<Kernel<S>, Kernel<T>>(&kernel) }
}

/// Rows of the scalar kernel's tile.
const SCALAR_MR: usize = 4;
/// Columns of the scalar kernel's tile.
const SCALAR_NR: usize = 4;

/// The portable scalar kernel, for any element type.
pub fn scalar_kernel<T: Element>() -> Kernel<T> {
    Kernel {
        name: "scalar-4x4",
        mr: SCALAR_MR,
        nr: SCALAR_NR,
        blocks: BlockSizes {
            mc: 128,
            kc: 256,
            nc: 1024,
        },
        func: scalar_kernel_fn::<T>,
    }
}

/// The scalar microkernel: a 4 x 4 tile of accumulators updated with one multiply-add per
/// element and step.
///
/// # Safety
/// As [`KernelFn`], with `mr = nr = 4`.
unsafe fn scalar_kernel_fn<T: Element>(
    kc: usize,
    alpha: T,
    a: *const T,
    b: *const T,
    beta: T,
    c: &CTile<T>,
) {
    let mut acc = [[T::ZERO; SCALAR_NR]; SCALAR_MR];
    for p in 0..kc {
        // SAFETY: step `p` of each sliver is inside the packed buffers.
        let (a_col, b_row) = unsafe { (a.add(p * SCALAR_MR), b.add(p * SCALAR_NR)) };
        for (i, acc_row) in acc.iter_mut().enumerate() {
            // SAFETY: `i < mr` inside the packed column.
            let a_value = unsafe { *a_col.add(i) };
            for (j, value) in acc_row.iter_mut().enumerate() {
                // SAFETY: `j < nr` inside the packed row.
                *value += a_value * unsafe { *b_row.add(j) };
            }
        }
    }
    // SAFETY: `acc` is a contiguous `mr x nr` tile; the caller's contract covers C.
    unsafe { update_tile(&acc[0][0], SCALAR_NR, alpha, beta, c) };
}

/// Writes `alpha * acc + beta * C` into the valid part of the tile, one element at a time.
/// Kernels use it for edge tiles and for C with a column stride other than 1.
///
/// # Safety
/// `acc` must point to `c.rows` rows of `acc_row_len` readable values, and the valid part of
/// the tile must be writable (and readable unless `beta` is zero).
#[inline]
pub(crate) unsafe fn update_tile<T: Element>(
    acc: *const T,
    acc_row_len: usize,
    alpha: T,
    beta: T,
    c: &CTile<T>,
) {
    for i in 0..c.rows {
        for j in 0..c.cols {
            // SAFETY: `(i, j)` is inside the valid part of the tile and of `acc`.
            unsafe {
                let out = c.ptr.offset(i as isize * c.rs + j as isize * c.cs);
                let product = alpha * *acc.add(i * acc_row_len + j);
                *out = if beta == T::ZERO {
                    product
                } else {
                    product + beta * *out
                };
            }
        }
    }
}
