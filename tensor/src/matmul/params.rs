//! Block sizes of the GEMM loop nest and the size thresholds that decide when to use threads.
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

/// Products with fewer multiply-adds than this (`m * k * n`) run on the calling thread only.
///
/// Below it, the cost of waking a second thread and splitting the work is larger than the time
/// that thread saves.
// NOTE: first estimate (a rayon fork-join costs several microseconds); the benchmark figures in
// BENCHMARKS.md give the measured cross-over.
pub const PARALLEL_MIN_MULADDS: usize = 96 * 96 * 96;
