//! The GEMM loop nest: `C = alpha * A B + beta * C` for strided `m x k`, `k x n` and `m x n`
//! matrices, after the BLIS design (Van Zee and van de Geijn, "BLIS: A Framework for Rapidly
//! Instantiating BLAS Functionality", 2015).
//!
//! ```text
//! loop 5  jc: columns of B and C in panels of nc       (B panel lives in the last-level cache)
//!  loop 4  pc: the shared dimension in blocks of kc     pack B[pc.., jc..] -> kc x nc panel
//!   loop 3  ic: rows of A and C in blocks of mc         pack A[ic.., pc..] -> mc x kc block (L2)
//!    loop 2  jr: columns of the panel in slivers of nr  (kc x nr sliver of B stays in L1)
//!     loop 1  ir: rows of the block in slivers of mr    microkernel: mr x nr tile of C
//! ```
//!
//! Loops 3 and 2 write disjoint parts of C, so the work of one packed B panel is split into
//! tasks over row blocks and column ranges, run by rayon. Every task packs its own block of A;
//! the B panel is packed once per `(jc, pc)` and shared.

use rayon::prelude::*;

use super::buffer::{with_buffer, Slot};
use super::kernel::{CTile, Kernel};
use super::pack::{pack_a, pack_b_sliver};
use super::params::{PACK_A_MIN_COLS, PARALLEL_MIN_MULADDS, PARALLEL_MIN_MULADDS_COLD};
use super::raw::{MatMutPtr, MatPtr};
use super::small::{gemm_small, is_small};
use crate::Element;

/// Sizes of one product: A is `m x k`, B is `k x n`, C is `m x n`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dims {
    /// Rows of A and C.
    pub m: usize,
    /// Columns of A, rows of B.
    pub k: usize,
    /// Columns of B and C.
    pub n: usize,
}

/// Returns how many threads a product of these sizes should use, given `available` threads.
///
/// The size from which a split pays depends on whether the other workers spin or sleep.
pub(crate) fn threads_for(dims: Dims, available: usize) -> usize {
    let muladds = dims.m.saturating_mul(dims.k).saturating_mul(dims.n);
    let min_muladds = if crate::threads::workers_spinning() {
        PARALLEL_MIN_MULADDS
    } else {
        PARALLEL_MIN_MULADDS_COLD
    };
    if muladds < min_muladds {
        1
    } else {
        available.max(1)
    }
}

/// Computes `C = alpha * A B + beta * C` with `kernel` on up to `threads` threads.
///
/// # Safety
/// `a` must address a readable `m x k` matrix, `b` a readable `k x n` matrix and `c` a writable
/// `m x n` matrix whose elements are pairwise distinct (no zero or overlapping strides) and do
/// not overlap A or B.
// The argument list mirrors BLAS `?gemm`, which readers know.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn gemm_raw<T: Element>(
    kernel: &Kernel<T>,
    dims: Dims,
    alpha: T,
    a: MatPtr<T>,
    b: MatPtr<T>,
    beta: T,
    c: MatMutPtr<T>,
    threads: usize,
) {
    let Dims { m, k, n } = dims;
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 || alpha == T::ZERO {
        // SAFETY: the caller's contract on C.
        unsafe { scale(m, n, beta, c) };
        return;
    }
    if is_small(dims) {
        // SAFETY: forwarded contract.
        unsafe { gemm_small(dims, alpha, a, b, beta, c) };
        return;
    }
    // The kernels are fastest when a row of the C tile is contiguous. When C is column-major,
    // compute the transposed product C^T = B^T A^T instead, which has row-major C^T.
    if c.cs.unsigned_abs() > c.rs.unsigned_abs() {
        let dims_t = Dims { m: n, k, n: m };
        // SAFETY: the same matrices, addressed with swapped strides.
        unsafe {
            run_loops(
                kernel,
                dims_t,
                alpha,
                b.transposed(),
                a.transposed(),
                beta,
                c.transposed(),
                threads,
            )
        };
    } else {
        // SAFETY: forwarded contract.
        unsafe { run_loops(kernel, dims, alpha, a, b, beta, c, threads) };
    }
}

/// Sets `C = beta * C` (zeros when `beta` is zero, without reading C).
///
/// # Safety
/// As [`gemm_raw`] for C.
unsafe fn scale<T: Element>(m: usize, n: usize, beta: T, c: MatMutPtr<T>) {
    for i in 0..m {
        for j in 0..n {
            let out = c.at(i, j);
            // SAFETY: `(i, j)` is inside C.
            unsafe {
                *out = if beta == T::ZERO {
                    T::ZERO
                } else {
                    beta * *out
                }
            };
        }
    }
}

/// One unit of parallel work: a range of rows and a range of sliver columns of one packed
/// B panel.
#[derive(Clone, Copy, Debug)]
struct Task {
    row_start: usize,
    rows: usize,
    col_start: usize,
    cols: usize,
}

/// Loops 5 and 4: walk the panels of B, pack each one and hand it to [`run_tasks`].
///
/// # Safety
/// As [`gemm_raw`].
#[allow(clippy::too_many_arguments)]
unsafe fn run_loops<T: Element>(
    kernel: &Kernel<T>,
    dims: Dims,
    alpha: T,
    a: MatPtr<T>,
    b: MatPtr<T>,
    beta: T,
    c: MatMutPtr<T>,
    threads: usize,
) {
    let Dims { m, k, n } = dims;
    let (nr, kc_max) = (kernel.nr, kernel.blocks.kc);
    let nc_max = kernel.blocks.nc.min(n.div_ceil(nr) * nr);
    let panel_len = kc_max.min(k) * nc_max;

    with_buffer::<T, _>(Slot::B, panel_len, |panel| {
        let panel = SendPtr(panel);
        // Loop 5: panels of nc columns.
        for jc in (0..n).step_by(nc_max) {
            let nc = nc_max.min(n - jc);
            // Loop 4: blocks of kc along the shared dimension.
            for pc in (0..k).step_by(kc_max) {
                let kc = kc_max.min(k - pc);
                // Only the first block applies the caller's beta; later blocks add to it.
                let beta_block = if pc == 0 { beta } else { T::ONE };
                let b_block = b.shifted(pc, jc);
                // SAFETY: the panel buffer has room for `kc * nc` rounded up to whole slivers.
                unsafe { pack_panel(nr, kc, nc, b_block, panel, threads) };

                let tasks = split_tasks(kernel, m, nc, threads);
                let run = |task: &Task| {
                    let a_block = a.shifted(task.row_start, pc);
                    let c_block = c.shifted(task.row_start, jc + task.col_start);
                    // Skip the slivers of the panel before this task's first column.
                    let b_panel = panel.get().wrapping_add(task.col_start * kc);
                    // SAFETY: the task's rows and columns are inside A, C and the packed panel.
                    unsafe {
                        run_block(
                            kernel,
                            (task.rows, kc, task.cols),
                            alpha,
                            a_block,
                            b_panel,
                            beta_block,
                            c_block,
                        )
                    };
                };
                if threads > 1 && tasks.len() > 1 {
                    tasks.par_iter().for_each(run);
                } else {
                    tasks.iter().for_each(run);
                }
            }
        }
    });
}

/// A raw pointer that rayon tasks may share; each task touches a disjoint part.
#[derive(Clone, Copy)]
struct SendPtr<T>(*mut T);
// SAFETY: tasks write disjoint slivers of the panel, then only read it.
unsafe impl<T> Send for SendPtr<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for SendPtr<T> {}

impl<T> SendPtr<T> {
    /// Returns the pointer. A method call makes closures capture the whole wrapper, which is
    /// `Sync`, instead of the raw pointer field, which is not.
    fn get(self) -> *mut T {
        self.0
    }
}

/// Packs the `kc x nc` block of B into the shared panel, in parallel over slivers when
/// `threads > 1`.
///
/// # Safety
/// As [`pack_b_sliver`] for every sliver.
unsafe fn pack_panel<T: Element>(
    nr: usize,
    kc: usize,
    nc: usize,
    b: MatPtr<T>,
    panel: SendPtr<T>,
    threads: usize,
) {
    let slivers = nc.div_ceil(nr);
    let pack_one = |s: usize| {
        let col0 = s * nr;
        // SAFETY: sliver `s` is inside the panel and its columns inside B.
        unsafe {
            pack_b_sliver(
                nr,
                kc,
                nc - col0,
                b.shifted(0, col0),
                panel.get().add(s * nr * kc),
            )
        };
    };
    if threads > 1 && slivers > 1 {
        (0..slivers).into_par_iter().for_each(pack_one);
    } else {
        (0..slivers).for_each(pack_one);
    }
}

/// Loops 3, 2 and 1 for one task: pack blocks of A (or read A in place) and run the
/// microkernel over every tile.
///
/// `sizes` is `(rows, kc, cols)` of the task; `b_panel` points at its first packed sliver.
///
/// # Safety
/// The task's part of A, C and the packed panel must be valid as in [`gemm_raw`].
unsafe fn run_block<T: Element>(
    kernel: &Kernel<T>,
    sizes: (usize, usize, usize),
    alpha: T,
    a: MatPtr<T>,
    b_panel: *const T,
    beta: T,
    c: MatMutPtr<T>,
) {
    let (rows, kc, cols) = sizes;
    let (mr, nr) = (kernel.mr, kernel.nr);
    let mc_max = kernel.blocks.mc.min(rows.div_ceil(mr) * mr);
    let in_place = reads_a_in_place(a, cols);
    // In place, the buffer only holds the zero-padded last sliver of a block.
    let buffer_len = if in_place { mr * kc } else { mc_max * kc };

    with_buffer::<T, _>(Slot::A, buffer_len, |a_packed| {
        // Loop 3: blocks of mc rows.
        for ic in (0..rows).step_by(mc_max) {
            let mc = mc_max.min(rows - ic);
            let a_block = a.shifted(ic, 0);
            let full_rows = mc - mc % mr;
            // SAFETY: the buffer has room for `buffer_len` elements, and the packed rows are inside A.
            unsafe {
                if !in_place {
                    pack_a(mr, mc, kc, a_block, a_packed);
                } else if full_rows < mc {
                    pack_a(
                        mr,
                        mc - full_rows,
                        kc,
                        a_block.shifted(full_rows, 0),
                        a_packed,
                    );
                }
            }
            // Loop 2: slivers of nr columns of the packed panel.
            for jr in (0..cols).step_by(nr) {
                let b_sliver = b_panel.wrapping_add(jr * kc);
                // Loop 1: slivers of mr rows of the block.
                for ir in (0..mc).step_by(mr) {
                    let a_sliver = if !in_place {
                        packed_sliver(a_packed.wrapping_add(ir * kc), mr)
                    } else if ir < full_rows {
                        a_block.shifted(ir, 0)
                    } else {
                        packed_sliver(a_packed, mr)
                    };
                    let tile = CTile {
                        ptr: c.at(ic + ir, jr),
                        rs: c.rs,
                        cs: c.cs,
                        rows: mr.min(mc - ir),
                        cols: nr.min(cols - jr),
                    };
                    // SAFETY: the slivers are inside A or the packed buffers, all `mr` rows of
                    // an in-place sliver are inside A, and the tile's valid part is inside C.
                    unsafe { (kernel.func)(kc, alpha, a_sliver, b_sliver, beta, &tile) };
                }
            }
        }
    });
}

/// Returns the strided view of a packed A sliver: `mr` values per column.
fn packed_sliver<T>(ptr: *const T, mr: usize) -> MatPtr<T> {
    MatPtr {
        ptr,
        rs: 1,
        cs: mr as isize,
    }
}

/// Decides whether the microkernel reads A in place instead of packing it.
///
/// Packing a block of A costs about one cycle per element, and the block then serves `cols`
/// columns of C; below [`PACK_A_MIN_COLS`] columns the copy costs more than the contiguous
/// reads save. A must also be contiguous along one axis, so that each row of a sliver is
/// one short stream the hardware prefetcher can follow.
fn reads_a_in_place<T>(a: MatPtr<T>, cols: usize) -> bool {
    cols < PACK_A_MIN_COLS && (a.cs == 1 || a.rs == 1)
}

/// Splits the rows of C and the columns of one B panel into tasks for `threads` threads.
///
/// Rows are cut into blocks of at most `mc`. With several threads and too few row blocks to keep
/// them busy (the training shapes have 128 rows), the panel's columns are split too, choosing
/// the grid that wastes the fewest partial tiles.
fn split_tasks<T>(kernel: &Kernel<T>, m: usize, nc: usize, threads: usize) -> Vec<Task> {
    let (mr, nr) = (kernel.mr, kernel.nr);
    let row_units = m.div_ceil(mr);
    let col_units = nc.div_ceil(nr);
    let (row_parts, col_parts) = if threads <= 1 {
        (1, 1)
    } else {
        best_grid(threads, row_units, col_units)
    };
    // Enough blocks that none exceeds mc rows, rounded up to a multiple of the row parts so
    // that every thread gets the same number of blocks.
    let row_blocks = row_parts
        .max(m.div_ceil(kernel.blocks.mc))
        .next_multiple_of(row_parts);

    let mut tasks = Vec::with_capacity(row_blocks * col_parts);
    for (row_start, rows) in split_units(row_blocks, row_units, mr, m) {
        for (col_start, cols) in split_units(col_parts, col_units, nr, nc) {
            tasks.push(Task {
                row_start,
                rows,
                col_start,
                cols,
            });
        }
    }
    tasks
}

/// Chooses `(row_parts, col_parts)` with product `threads` that keeps every thread busiest.
fn best_grid(threads: usize, row_units: usize, col_units: usize) -> (usize, usize) {
    let efficiency = |parts: usize, units: usize| -> f64 {
        let per_part = units.div_ceil(parts);
        units as f64 / (per_part * parts) as f64
    };
    (1..=threads)
        .filter(|&r| threads.is_multiple_of(r))
        .map(|r| (r, threads / r))
        .max_by(|&(r1, c1), &(r2, c2)| {
            let e1 = efficiency(r1, row_units) * efficiency(c1, col_units);
            let e2 = efficiency(r2, row_units) * efficiency(c2, col_units);
            // Ties go to the row split, which shares the B panel best.
            e1.partial_cmp(&e2)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(r1.cmp(&r2))
        })
        .unwrap_or((threads, 1))
}

/// Splits `units` tiles of `unit` elements (covering `len` elements) into at most `parts`
/// ranges as equal as possible; returns `(start, len)` in elements.
fn split_units(parts: usize, units: usize, unit: usize, len: usize) -> Vec<(usize, usize)> {
    let parts = parts.clamp(1, units.max(1));
    let mut ranges = Vec::with_capacity(parts);
    let mut start_unit = 0;
    for part in 0..parts {
        let count = units / parts + usize::from(part < units % parts);
        let start = start_unit * unit;
        let end = ((start_unit + count) * unit).min(len);
        if end > start {
            ranges.push((start, end - start));
        }
        start_unit += count;
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_units_covers_everything() {
        assert_eq!(split_units(2, 11, 12, 128), vec![(0, 72), (72, 56)]);
        assert_eq!(split_units(3, 2, 4, 7), vec![(0, 4), (4, 3)]);
        assert_eq!(split_units(1, 0, 4, 0), Vec::<(usize, usize)>::new());
    }

    #[test]
    fn best_grid_prefers_even_split() {
        // 11 row tiles split badly in two; 4 column tiles split evenly.
        assert_eq!(best_grid(2, 11, 4), (1, 2));
        assert_eq!(best_grid(2, 12, 4), (2, 1));
        assert_eq!(best_grid(1, 5, 5), (1, 1));
    }
}
