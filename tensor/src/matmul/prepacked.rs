//! Products with a right-hand matrix packed once and reused: [`PackedRhs`] and
//! [`gemm_prepacked`].
//!
//! A recurrent layer multiplies a different small A by the same weight matrix at every time
//! step. [`gemm`](super::gemm) packs B on every call, which for a `[64 x 128] x [128 x 512]`
//! product is a sizeable share of the work. Here B is packed once, in the layout that
//! `pack.rs` describes, one `kc x nr` sliver after another for each block of `kc` rows:
//!
//! ```text
//! rows 0 .. kc:      sliver 0 (kc x nr) | sliver 1 | ... | sliver n/nr
//! rows kc .. 2 kc:   sliver 0           | sliver 1 | ...
//! ```
//!
//! [`gemm_prepacked`] then runs loops 4, 2 and 1 of the GEMM loop nest on the calling thread.
//! Full slivers of A are read in place, and only a partial last sliver is copied into a
//! zero-padded buffer, because the microkernel reads all `mr` rows. Callers that want threads
//! split the rows of A and C themselves, which for a recurrent layer means once per sequence
//! instead of once per product.

use super::buffer::{with_buffer, Slot};
use super::kernel::{select, CTile, Kernel};
use super::mat_ptr;
use super::pack::{pack_a, pack_b_sliver};
use super::raw::MatPtr;
use crate::{Element, Result, Tensor, TensorError};

/// A `k x n` matrix B packed for the microkernel this CPU uses, ready for repeated products.
#[derive(Clone, Debug)]
pub struct PackedRhs<T: Element> {
    kernel: Kernel<T>,
    rows: usize,
    cols: usize,
    /// Columns rounded up to whole slivers of `nr`.
    padded_cols: usize,
    data: Vec<T>,
}

impl<T: Element> PackedRhs<T> {
    /// Packs the 2-D tensor `b` (`k x n`, any strides, for example a transposed weight).
    ///
    /// # Errors
    /// [`TensorError::RankMismatch`] when `b` is not 2-D.
    pub fn new(b: &Tensor<T>) -> Result<Self> {
        let &[rows, cols] = b.shape() else {
            return Err(TensorError::RankMismatch {
                op: "PackedRhs::new",
                expected: "2",
                shape: b.shape().to_vec(),
            });
        };
        let kernel = select::<T>();
        let (nr, kc_max) = (kernel.nr, kernel.blocks.kc);
        let padded_cols = cols.div_ceil(nr) * nr;
        let mut data = vec![T::ZERO; rows * padded_cols];
        let source = mat_ptr(b);
        for pc in (0..rows).step_by(kc_max) {
            let kc = kc_max.min(rows - pc);
            for (sliver, col0) in (0..cols).step_by(nr).enumerate() {
                let start = pc * padded_cols + sliver * nr * kc;
                // SAFETY: the sliver's `kc` rows and up to `nr` columns are inside B, and
                // `data[start..start + kc * nr]` is inside the buffer because block `pc`
                // holds `kc * padded_cols` elements.
                unsafe {
                    pack_b_sliver(
                        nr,
                        kc,
                        cols - col0,
                        source.shifted(pc, col0),
                        data.as_mut_ptr().add(start),
                    )
                };
            }
        }
        Ok(PackedRhs {
            kernel,
            rows,
            cols,
            padded_cols,
            data,
        })
    }

    /// Returns the rows of B (`k`).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Returns the columns of B (`n`).
    pub fn cols(&self) -> usize {
        self.cols
    }
}

/// Computes `C = alpha * A B + beta * C` on the calling thread, with B packed in advance.
///
/// `a` is a row-major `m x k` matrix (`m = a.len() / k`) and `c` a row-major `m x n` matrix,
/// where `k x n` is the shape of `b`. When `beta` is zero, the old values of `c` are not read.
///
/// # Errors
/// [`TensorError::InvalidArgument`] when `a.len()` is not a multiple of `k` or `c.len()` is
/// not `m * n`.
pub fn gemm_prepacked<T: Element>(
    alpha: T,
    a: &[T],
    b: &PackedRhs<T>,
    beta: T,
    c: &mut [T],
) -> Result<()> {
    let (k, n) = (b.rows, b.cols);
    let m = a.len().checked_div(k).unwrap_or(0);
    if (k == 0 && !a.is_empty()) || m * k != a.len() || c.len() != m * n {
        return Err(TensorError::InvalidArgument {
            op: "gemm_prepacked",
            message: format!(
                "A has {} elements and C {}, but B is {k} x {n}: A must be m x {k} and C \
                 m x {n} for one row count m",
                a.len(),
                c.len()
            ),
        });
    }
    if m == 0 || n == 0 {
        return Ok(());
    }
    if k == 0 {
        c.iter_mut().for_each(|v| *v = beta * *v);
        return Ok(());
    }

    let a_ptr = MatPtr {
        ptr: a.as_ptr(),
        rs: k as isize,
        cs: 1,
    };
    // SAFETY: A is a readable m x k row-major matrix, C a writable m x n row-major matrix
    // that is a distinct slice, and B's packed data matches its kernel.
    unsafe { run_prepacked(&b.kernel, (m, k, n), alpha, a_ptr, b, beta, c.as_mut_ptr()) };
    Ok(())
}

/// Loops 4, 2 and 1 over the packed blocks of B.
///
/// # Safety
/// `a` must address a readable `m x k` matrix and `c` a writable row-major `m x n` matrix that
/// does not overlap A; `b` must be `k x n`.
unsafe fn run_prepacked<T: Element>(
    kernel: &Kernel<T>,
    (m, k, n): (usize, usize, usize),
    alpha: T,
    a: MatPtr<T>,
    b: &PackedRhs<T>,
    beta: T,
    c: *mut T,
) {
    let (mr, nr, kc_max) = (kernel.mr, kernel.nr, kernel.blocks.kc);
    let full_rows = m - m % mr;
    with_buffer::<T, _>(Slot::A, mr * kc_max, |edge| {
        // Loop 4: blocks of kc along the shared dimension; later blocks add to the first.
        for pc in (0..k).step_by(kc_max) {
            let kc = kc_max.min(k - pc);
            let beta_block = if pc == 0 { beta } else { T::ONE };
            let panel = b.data.as_ptr().wrapping_add(pc * b.padded_cols);
            let a_block = a.shifted(0, pc);
            if full_rows < m {
                // SAFETY: the last `m - full_rows` rows are inside A and the buffer has room for
                // `mr * kc` elements.
                unsafe { pack_a(mr, m - full_rows, kc, a_block.shifted(full_rows, 0), edge) };
            }
            // Loop 2: slivers of nr columns of the panel.
            for jr in (0..n).step_by(nr) {
                let b_sliver = panel.wrapping_add(jr * kc);
                // Loop 1: slivers of mr rows of A.
                for ir in (0..m).step_by(mr) {
                    let a_sliver = if ir < full_rows {
                        a_block.shifted(ir, 0)
                    } else {
                        MatPtr {
                            ptr: edge.cast_const(),
                            rs: 1,
                            cs: mr as isize,
                        }
                    };
                    let tile = CTile {
                        ptr: c.wrapping_add(ir * n + jr),
                        rs: n as isize,
                        cs: 1,
                        rows: mr.min(m - ir),
                        cols: nr.min(n - jr),
                    };
                    // SAFETY: full slivers have all `mr` rows inside A, the edge sliver is
                    // zero-padded to `mr` rows, the B sliver is inside the packed panel and
                    // the tile's valid part is inside C.
                    unsafe { (kernel.func)(kc, alpha, a_sliver, b_sliver, beta_block, &tile) };
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// C = alpha A B + beta C with plain loops, the reference for the packed path.
    fn reference(alpha: f64, a: &[f64], b: &[f64], beta: f64, c: &mut [f64], k: usize) {
        let n = b.len().checked_div(k).unwrap_or(0);
        for (i, row) in c.chunks_mut(n.max(1)).enumerate() {
            for (j, out) in row.iter_mut().enumerate() {
                let dot: f64 = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
                *out = alpha * dot + beta * *out;
            }
        }
    }

    fn values(len: usize, seed: u64) -> Vec<f64> {
        (0..len)
            .map(|i| (((i as u64 * 2654435761 + seed * 97) % 1000) as f64 - 500.0) / 250.0)
            .collect()
    }

    #[test]
    fn prepacked_matches_loops_over_sizes() {
        // Sizes around the tile edges (mr, nr up to 12 and 32) and past one kc block (256).
        for &(m, k, n) in &[
            (1, 1, 1),
            (5, 3, 7),
            (12, 16, 32),
            (13, 17, 33),
            (64, 128, 512),
            (25, 300, 40),
            (7, 513, 9),
        ] {
            let (a, b) = (values(m * k, 1), values(k * n, 2));
            let mut expected = values(m * n, 3);
            let mut got = expected.clone();
            reference(0.5, &a, &b, 2.0, &mut expected, k);
            let packed = PackedRhs::new(&Tensor::from_vec(b, &[k, n]).unwrap()).unwrap();
            gemm_prepacked(0.5, &a, &packed, 2.0, &mut got).unwrap();
            for (e, g) in expected.iter().zip(&got) {
                assert!(
                    (e - g).abs() < 1e-9 * (1.0 + e.abs()),
                    "{m}x{k}x{n}: {e} vs {g}"
                );
            }
        }
    }

    #[test]
    fn prepacked_reads_transposed_rhs() {
        // B = W^T for W [n, k], the recurrent layers' use.
        let (m, k, n) = (14, 20, 35);
        let w = values(n * k, 4);
        let a = values(m * k, 5);
        let w_tensor = Tensor::from_vec(w.clone(), &[n, k]).unwrap();
        let packed = PackedRhs::new(&w_tensor.t().unwrap()).unwrap();
        let mut got = vec![f64::NAN; m * n];
        gemm_prepacked(1.0, &a, &packed, 0.0, &mut got).unwrap();
        let b = w_tensor.t().unwrap().contiguous().to_vec();
        let mut expected = vec![0.0; m * n];
        reference(1.0, &a, &b, 0.0, &mut expected, k);
        for (e, g) in expected.iter().zip(&got) {
            assert!((e - g).abs() < 1e-9 * (1.0 + e.abs()), "{e} vs {g}");
        }
    }

    #[test]
    fn prepacked_rejects_bad_lengths() {
        let packed = PackedRhs::new(&Tensor::<f32>::zeros(&[3, 4])).unwrap();
        let mut c = vec![0.0f32; 8];
        assert!(gemm_prepacked(1.0, &[0.0; 7], &packed, 0.0, &mut c).is_err());
        assert!(gemm_prepacked(1.0, &[0.0; 6], &packed, 0.0, &mut c[..7]).is_err());
        assert!(gemm_prepacked(1.0, &[0.0; 6], &packed, 0.0, &mut c).is_ok());
        assert!(PackedRhs::new(&Tensor::<f32>::zeros(&[3])).is_err());
    }
}
