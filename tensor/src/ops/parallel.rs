//! When elementwise kernels split their output over rayon threads.
//!
//! Every elementwise driver writes a fresh row-major output buffer. Below
//! [`PARALLEL_MIN_ELEMENTS`] it fills the buffer on the calling thread; above it, the buffer is
//! cut into chunks of [`PARALLEL_CHUNK`] elements that threads fill independently. Each element
//! is computed by the same scalar or SIMD code either way, so results do not depend on the
//! number of threads.

use rayon::prelude::*;

/// Output size (in elements) from which elementwise kernels run on several threads.
pub const PARALLEL_MIN_ELEMENTS: usize = 1 << 16;

/// Elements per parallel task.
pub const PARALLEL_CHUNK: usize = 1 << 14;

/// Calls `fill(first, chunk)` over `out` cut into chunks, where `first` is the position of
/// `chunk[0]` in `out`. Runs on the calling thread when `out` is shorter than
/// [`PARALLEL_MIN_ELEMENTS`], otherwise over rayon's pool.
pub(crate) fn fill_chunks<T: Send>(out: &mut [T], fill: impl Fn(usize, &mut [T]) + Sync + Send) {
    if out.len() < PARALLEL_MIN_ELEMENTS {
        fill(0, out);
        return;
    }
    out.par_chunks_mut(PARALLEL_CHUNK)
        .enumerate()
        .for_each(|(i, chunk)| fill(i * PARALLEL_CHUNK, chunk));
}
