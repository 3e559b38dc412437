//! Baseline matrix products to compare our GEMM with: a naive triple loop, a cache-blocked
//! scalar loop, and the `matrixmultiply` crate.
//!
//! All compute `C = A B` (C overwritten) for matrices given as slices with row and column
//! strides, so transposed operands are read in place.

use tensor::Element;

/// A read-only strided matrix over a slice: element `(i, j)` is `data[i * rs + j * cs]`.
#[derive(Clone, Copy, Debug)]
pub struct MatRef<'a, T> {
    /// The elements.
    pub data: &'a [T],
    /// Row stride, in elements.
    pub rs: usize,
    /// Column stride, in elements.
    pub cs: usize,
}

impl<T: Copy> MatRef<'_, T> {
    #[inline]
    fn get(&self, i: usize, j: usize) -> T {
        self.data[i * self.rs + j * self.cs]
    }
}

/// `C = A B` with the textbook `i, j, p` loop order; C is row-major `m x n`.
pub fn naive<T: Element>(m: usize, k: usize, n: usize, a: MatRef<T>, b: MatRef<T>, c: &mut [T]) {
    for i in 0..m {
        for j in 0..n {
            let mut sum = T::ZERO;
            for p in 0..k {
                sum += a.get(i, p) * b.get(p, j);
            }
            c[i * n + j] = sum;
        }
    }
}

/// Block edge of [`blocked`]: three 64 x 64 `f32` blocks (48 KiB) are about one L1 data cache.
pub const BLOCK: usize = 64;

/// `C = A B` in cache blocks of [`BLOCK`] with the `i, p, j` order inside a block, so the inner
/// loop runs along rows of B and C. Scalar code that the compiler may vectorise; no packing and
/// no register tiling. C is row-major `m x n`.
pub fn blocked<T: Element>(m: usize, k: usize, n: usize, a: MatRef<T>, b: MatRef<T>, c: &mut [T]) {
    c[..m * n].iter_mut().for_each(|v| *v = T::ZERO);
    for i0 in (0..m).step_by(BLOCK) {
        for p0 in (0..k).step_by(BLOCK) {
            for j0 in (0..n).step_by(BLOCK) {
                let j1 = (j0 + BLOCK).min(n);
                for i in i0..(i0 + BLOCK).min(m) {
                    let c_row = &mut c[i * n + j0..i * n + j1];
                    for p in p0..(p0 + BLOCK).min(k) {
                        let a_value = a.get(i, p);
                        for (j, out) in (j0..j1).zip(c_row.iter_mut()) {
                            *out += a_value * b.get(p, j);
                        }
                    }
                }
            }
        }
    }
}

/// Element types the `matrixmultiply` crate supports.
pub trait MatrixMultiply: Element {
    /// `C = A B` with `matrixmultiply`'s `sgemm` or `dgemm`; C is row-major `m x n`.
    fn matrixmultiply(
        m: usize,
        k: usize,
        n: usize,
        a: MatRef<Self>,
        b: MatRef<Self>,
        c: &mut [Self],
    );
}

macro_rules! impl_matrixmultiply {
    ($t:ty, $gemm:path) => {
        impl MatrixMultiply for $t {
            fn matrixmultiply(
                m: usize,
                k: usize,
                n: usize,
                a: MatRef<$t>,
                b: MatRef<$t>,
                c: &mut [$t],
            ) {
                assert!(
                    m == 0 || k == 0 || (m - 1) * a.rs + (k - 1) * a.cs < a.data.len(),
                    "A out of bounds"
                );
                assert!(
                    k == 0 || n == 0 || (k - 1) * b.rs + (n - 1) * b.cs < b.data.len(),
                    "B out of bounds"
                );
                assert!(c.len() >= m * n, "C out of bounds");
                // SAFETY: the asserts above keep every addressed element inside the slices, and
                // C is a separate mutable slice.
                unsafe {
                    $gemm(
                        m,
                        k,
                        n,
                        1.0,
                        a.data.as_ptr(),
                        a.rs as isize,
                        a.cs as isize,
                        b.data.as_ptr(),
                        b.rs as isize,
                        b.cs as isize,
                        0.0,
                        c.as_mut_ptr(),
                        n as isize,
                        1,
                    )
                }
            }
        }
    };
}

impl_matrixmultiply!(f32, matrixmultiply::sgemm);
impl_matrixmultiply!(f64, matrixmultiply::dgemm);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_agree_on_a_transposed_product() {
        // A = [[1, 2], [3, 4], [5, 6]] (3 x 2) stored transposed; B = [[1, 0, 2], [0, 1, 3]].
        // C = A B = [[1, 2, 8], [3, 4, 18], [5, 6, 28]].
        let a_storage = [1.0f64, 3.0, 5.0, 2.0, 4.0, 6.0];
        let a = MatRef {
            data: &a_storage,
            rs: 1,
            cs: 3,
        };
        let b_storage = [1.0f64, 0.0, 2.0, 0.0, 1.0, 3.0];
        let b = MatRef {
            data: &b_storage,
            rs: 3,
            cs: 1,
        };
        let want = [1.0, 2.0, 8.0, 3.0, 4.0, 18.0, 5.0, 6.0, 28.0];
        let mut c = [0.0f64; 9];
        naive(3, 2, 3, a, b, &mut c);
        assert_eq!(c, want);
        blocked(3, 2, 3, a, b, &mut c);
        assert_eq!(c, want);
        f64::matrixmultiply(3, 2, 3, a, b, &mut c);
        assert_eq!(c, want);
    }
}
