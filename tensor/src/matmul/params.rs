//! Block sizes of the GEMM loop nest and the size thresholds that decide when to use threads,
//! when to pack A and when to skip packing altogether.
//!
//! The five loops of [`gemm`](super::gemm) cut the product into blocks that fit the caches:
//!
//! - `kc` (loop 4) cuts the shared dimension. One packed sliver of B, `kc x nr`, should stay in
//!   the L1 data cache while the microkernel walks down a column of A slivers.
//! - `mc` (loop 3) cuts the rows of A. One packed block of A, `mc x kc`, should stay in the L2
//!   cache while loop 2 sweeps over every sliver of the packed B panel.
//! - `nc` (loop 5) cuts the columns of B. One packed panel of B, `kc x nc`, should stay in the
//!   last-level cache and is shared by all threads.
//!
//! Each microkernel carries its own [`BlockSizes`], because the right sizes depend on the
//! register tile and the element width.

/// Cache block sizes for one microkernel, in elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockSizes {
    /// Rows of A per packed block (loop 3); sized for the L2 cache. A multiple of `mr`.
    pub mc: usize,
    /// Depth of one packed block (loop 4); sized so a `kc x nr` sliver of B fits in L1.
    pub kc: usize,
    /// Columns of B per packed panel (loop 5); sized for the last-level cache. A multiple of
    /// `nr`.
    pub nc: usize,
}

/// Products with fewer multiply-adds than this (`m * k * n`) run on the calling thread only,
/// while the pool's workers spin (see [`crate::threads`]).
///
/// A spinning worker takes a split half almost at once, so splitting pays for much smaller
/// products than with sleeping workers. Measured with `step_time` of the `engram` examples on the
/// idle 2-core machine of BENCHMARKS.md: with spinning workers the ENN step took 49-50 ms with
/// this value, 52-54 ms with 16M and 58-61 ms with no split at all.
pub const PARALLEL_MIN_MULADDS: usize = 96 * 96 * 96;

/// Products with fewer multiply-adds than this run on the calling thread only when the
/// workers sleep, as they do outside [`crate::threads::with_spinning_workers`].
///
/// Waking a sleeping worker costs tens to hundreds of microseconds on a virtual machine, and a
/// caller outside the pool (a program's main thread) waits for two wake-ups and is woken
/// itself. Measured on the idle 2-core machine of BENCHMARKS.md: with `gemm-compare
/// --pause-us 300`, whose products start on a pool worker after the other one fell asleep, two
/// threads lost to one up to 128 x 384 x 384 (18.9M multiply-adds) and won from 256^3 on. The
/// ENN step of the `step_time` example, run from the main thread, took 80 ms when its
/// 128 x 384 x 384 products were split and 58 ms when nothing was, so the boundary sits above
/// both.
/// The boundary therefore sits at 2^26 (about 406^3).
pub const PARALLEL_MIN_MULADDS_COLD: usize = 1 << 26;

/// Blocks of A that serve fewer columns of C than this are read in place instead of packed.
///
/// Packing moves each element of A once, and the packed block is then reused for every column
/// of the task. With few columns the copy is not repaid.
// NOTE: estimate from a cost model (about one cycle per packed element against `2 * nr` flops
// per cycle of kernel time). BENCHMARKS.md records what reading A in place did at 1024^3.
pub const PACK_A_MIN_COLS: usize = 512;

/// Products with at most this many multiply-adds (`m * k * n`) run as plain loops without
/// packing (see `small.rs`), as do all products with one row or one column.
// Measured with gemm-compare (BENCHMARKS.md): the loops lose to the packed AVX-512 path from
// 12^3 on, because they are compiled without AVX.
pub const SMALL_MAX_MULADDS: usize = 8 * 8 * 8;
