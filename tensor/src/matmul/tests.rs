//! Tests of every microkernel this CPU can run, through the full loop nest: the identity test,
//! a naive triple loop over edge sizes, and C with unusual strides (column-major, gaps).

use super::gemm::{gemm_raw, Dims};
use super::kernel::{available, Kernel};
use super::raw::{MatMutPtr, MatPtr};
use crate::Element;

/// Returns `len` deterministic values in [-1, 1).
fn values<T: Element>(len: usize, seed: u64) -> Vec<T> {
    let mut state = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            T::from_f64((state % 2001) as f64 / 1000.0 - 1.0)
        })
        .collect()
}

/// A column-major or row-major strided matrix over a vector, with `gap` unused elements after
/// each row (row-major) or column (column-major).
struct Strided<T> {
    data: Vec<T>,
    rs: isize,
    cs: isize,
}

impl<T: Element> Strided<T> {
    fn new(rows: usize, cols: usize, column_major: bool, gap: usize, seed: u64) -> Self {
        let (rs, cs) = if column_major {
            (1, (rows + gap) as isize)
        } else {
            ((cols + gap) as isize, 1)
        };
        let len = if column_major {
            (rows + gap) * cols
        } else {
            rows * (cols + gap)
        };
        Strided {
            data: values(len.max(1), seed),
            rs,
            cs,
        }
    }

    fn get(&self, i: usize, j: usize) -> T {
        self.data[(i as isize * self.rs + j as isize * self.cs) as usize]
    }

    fn ptr(&self) -> MatPtr<T> {
        MatPtr {
            ptr: self.data.as_ptr(),
            rs: self.rs,
            cs: self.cs,
        }
    }

    fn ptr_mut(&mut self) -> MatMutPtr<T> {
        MatMutPtr {
            ptr: self.data.as_mut_ptr(),
            rs: self.rs,
            cs: self.cs,
        }
    }
}

/// Runs `C = alpha A B + beta C` with one kernel and checks every element of C against a naive
/// f64 loop; also checks that the gaps between the rows or columns of C are untouched.
#[allow(clippy::too_many_arguments)]
fn check<T: Element>(
    kernel: &Kernel<T>,
    dims: Dims,
    layouts: [bool; 3],
    alpha: f64,
    beta: f64,
    threads: usize,
) {
    let Dims { m, k, n } = dims;
    let a = Strided::<T>::new(m, k, layouts[0], 1, 1);
    let b = Strided::<T>::new(k, n, layouts[1], 2, 2);
    let mut c = Strided::<T>::new(m, n, layouts[2], 3, 3);
    let before = c.data.clone();
    let (alpha_t, beta_t) = (T::from_f64(alpha), T::from_f64(beta));
    // SAFETY: the three matrices are separate buffers addressed inside their lengths.
    unsafe {
        gemm_raw(
            kernel,
            dims,
            alpha_t,
            a.ptr(),
            b.ptr(),
            beta_t,
            c.ptr_mut(),
            threads,
        )
    };

    let mut touched = vec![false; c.data.len()];
    for i in 0..m {
        for j in 0..n {
            let position = (i as isize * c.rs + j as isize * c.cs) as usize;
            touched[position] = true;
            let (mut sum, mut bound) = (0.0, 0.0);
            for p in 0..k {
                let product = a.get(i, p).to_f64() * b.get(p, j).to_f64();
                sum += product;
                bound += product.abs();
            }
            let old = before[position].to_f64();
            let want = alpha * sum + beta * old;
            let tolerance = 4.0
                * (k as f64 + 2.0)
                * T::EPSILON.to_f64()
                * (alpha.abs() * bound + (beta * old).abs());
            let got = c.data[position].to_f64();
            assert!(
                (got - want).abs() <= tolerance,
                "{}: {m}x{k}x{n} layouts {layouts:?} alpha {alpha} beta {beta}: C[{i},{j}] = {got}, expected {want}",
                kernel.name
            );
        }
    }
    for (position, &was_touched) in touched.iter().enumerate() {
        if !was_touched {
            assert!(
                c.data[position] == before[position],
                "{}: gap element {position} was written",
                kernel.name
            );
        }
    }
}

fn identity_test<T: Element>() {
    for kernel in available::<T>() {
        for size in [
            1,
            kernel.mr,
            kernel.nr,
            kernel.mr + kernel.nr + 1,
            2 * kernel.nr + 3,
        ] {
            let a: Vec<T> = values(size * size, 4);
            let mut eye = vec![T::ZERO; size * size];
            for i in 0..size {
                eye[i * size + i] = T::ONE;
            }
            let row_major = |data: &[T]| MatPtr {
                ptr: data.as_ptr(),
                rs: size as isize,
                cs: 1,
            };
            let dims = Dims {
                m: size,
                k: size,
                n: size,
            };
            for (lhs, rhs) in [(&a, &eye), (&eye, &a)] {
                let mut c = vec![T::from_f64(7.0); size * size];
                let c_ptr = MatMutPtr {
                    ptr: c.as_mut_ptr(),
                    rs: size as isize,
                    cs: 1,
                };
                // SAFETY: separate row-major buffers of `size * size` elements.
                unsafe {
                    gemm_raw(
                        &kernel,
                        dims,
                        T::ONE,
                        row_major(lhs),
                        row_major(rhs),
                        T::ZERO,
                        c_ptr,
                        1,
                    )
                };
                assert!(
                    c == a,
                    "{}: identity product of size {size} differs from A",
                    kernel.name
                );
            }
        }
    }
}

#[test]
fn identity_every_kernel_f32() {
    identity_test::<f32>();
}

#[test]
fn identity_every_kernel_f64() {
    identity_test::<f64>();
}

fn edge_sizes_test<T: Element>() {
    for kernel in available::<T>() {
        let (mr, nr) = (kernel.mr, kernel.nr);
        for m in [1, mr - 1, mr, mr + 1, 2 * mr + 3] {
            for n in [1, nr - 1, nr, nr + 1, 2 * nr + 5] {
                for k in [0, 1, 3, 17] {
                    for layouts in [
                        [false; 3],
                        [true, true, false],
                        [false, false, true],
                        [true; 3],
                    ] {
                        check(&kernel, Dims { m, k, n }, layouts, 1.0, 0.0, 1);
                    }
                }
            }
        }
    }
}

#[test]
fn edge_sizes_every_kernel_f32() {
    edge_sizes_test::<f32>();
}

#[test]
fn edge_sizes_every_kernel_f64() {
    edge_sizes_test::<f64>();
}

fn blocks_and_threads_test<T: Element>() {
    for kernel in available::<T>() {
        let blocks = kernel.blocks;
        // Cross the kc and mc block edges; two and three threads split rows and columns.
        let dims = Dims {
            m: blocks.mc + kernel.mr + 1,
            k: blocks.kc + 3,
            n: 3 * kernel.nr + 1,
        };
        for threads in [1, 2, 3] {
            for (alpha, beta) in [(1.0, 0.0), (-0.5, 1.0), (2.0, 0.25)] {
                check(&kernel, dims, [false, false, false], alpha, beta, threads);
                check(&kernel, dims, [true, true, true], alpha, beta, threads);
            }
        }
        // Enough columns that blocks of A are packed instead of read in place.
        let wide = Dims {
            m: 2 * kernel.mr + 1,
            k: 37,
            n: super::params::PACK_A_MIN_COLS + 5,
        };
        for threads in [1, 2] {
            check(&kernel, wide, [false, false, false], 1.5, 0.5, threads);
            check(&kernel, wide, [true, false, true], 1.5, 0.0, threads);
        }
    }
}

#[test]
fn blocks_and_threads_every_kernel_f32() {
    blocks_and_threads_test::<f32>();
}

#[test]
fn blocks_and_threads_every_kernel_f64() {
    blocks_and_threads_test::<f64>();
}

#[test]
fn wide_nc_panels() {
    // More columns than one nc panel of the scalar kernel.
    let kernel = super::kernel::scalar_kernel::<f64>();
    let dims = Dims {
        m: 9,
        k: 5,
        n: kernel.blocks.nc + 7,
    };
    check(&kernel, dims, [false, true, false], 1.0, 0.5, 2);
}
