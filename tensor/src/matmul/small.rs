//! Products too small to repay packing: vector x matrix, matrix x vector and tiny matrices.
//!
//! Packing copies B once per product. When A has a single row, the product reads each element
//! of B exactly once anyway, so the copy doubles the memory traffic. For tiny matrices the
//! fixed cost of the blocked loop nest (buffers, tasks) exceeds the arithmetic. These products
//! run as plain loops over the strided operands instead.

use super::gemm::Dims;
use super::params::SMALL_MAX_MULADDS;
use super::raw::{MatMutPtr, MatPtr};
use crate::Element;

/// Returns true when [`gemm_small`] beats the blocked loop nest for these sizes.
pub(crate) fn is_small(dims: Dims) -> bool {
    dims.m == 1 || dims.n == 1 || dims.m * dims.k * dims.n <= SMALL_MAX_MULADDS
}

/// Computes `C = alpha * A B + beta * C` with plain loops.
///
/// Each row of C is built as a sum of rows of B scaled by one element of A (`i, p, j` order),
/// so rows of B and C are walked contiguously when their column stride is 1. A single column
/// of C is built from dot products instead.
///
/// # Safety
/// As [`super::gemm::gemm_raw`]: A, B and C address valid matrices and C overlaps neither.
pub(crate) unsafe fn gemm_small<T: Element>(
    dims: Dims,
    alpha: T,
    a: MatPtr<T>,
    b: MatPtr<T>,
    beta: T,
    c: MatMutPtr<T>,
) {
    let Dims { m, k, n } = dims;
    // SAFETY: every index below is inside the `m x k`, `k x n` and `m x n` matrices.
    unsafe {
        if n == 1 {
            for i in 0..m {
                let mut sum = T::ZERO;
                for p in 0..k {
                    sum += *a.at(i, p) * *b.at(p, 0);
                }
                scale_store(c.at(i, 0), alpha * sum, beta);
            }
            return;
        }
        for i in 0..m {
            // C[i, :] = beta * C[i, :], without reading C when beta is zero.
            for j in 0..n {
                let out = c.at(i, j);
                *out = if beta == T::ZERO {
                    T::ZERO
                } else {
                    beta * *out
                };
            }
            for p in 0..k {
                let scale = alpha * *a.at(i, p);
                if b.cs == 1 && c.cs == 1 {
                    let b_row = std::slice::from_raw_parts(b.at(p, 0), n);
                    let c_row = std::slice::from_raw_parts_mut(c.at(i, 0), n);
                    for (out, &value) in c_row.iter_mut().zip(b_row) {
                        *out += scale * value;
                    }
                } else {
                    for j in 0..n {
                        *c.at(i, j) += scale * *b.at(p, j);
                    }
                }
            }
        }
    }
}

/// Writes `value + beta * old` to `out`, without reading `out` when `beta` is zero.
///
/// # Safety
/// `out` must be valid for reads and writes.
unsafe fn scale_store<T: Element>(out: *mut T, value: T, beta: T) {
    // SAFETY: the caller's contract.
    unsafe {
        *out = if beta == T::ZERO {
            value
        } else {
            value + beta * *out
        }
    };
}
