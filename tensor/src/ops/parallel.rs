//! When elementwise kernels split their output over rayon threads.
//!
//! Every elementwise driver writes a fresh row-major output buffer. Below
//! [`PARALLEL_MIN_ELEMENTS`] it fills the buffer on the calling thread; above it, the buffer is
//! cut into chunks of [`PARALLEL_CHUNK`] elements that threads fill independently. Each element
//! is computed by the same scalar or SIMD code either way, so results do not depend on the
//! number of threads.

use std::mem::MaybeUninit;

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

/// Allocates a vector of `len` elements and has `fill(first, chunk)` write them, chunk by chunk
/// as [`fill_chunks`] cuts them, without zeroing the memory first (zeroing costs a third of the
/// time of a cheap operation such as `add`).
///
/// # Safety
/// `fill` must initialise every element of every chunk it is given. A panic inside `fill` is
/// safe: the vector is then dropped with length 0.
pub(crate) unsafe fn fill_new<T: Send>(
    len: usize,
    fill: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync + Send,
) -> Vec<T> {
    let mut out = Vec::with_capacity(len);
    fill_chunks(&mut out.spare_capacity_mut()[..len], fill);
    // SAFETY: the chunks cover positions 0..len, and the caller guarantees that `fill` wrote
    // every element of each chunk.
    unsafe { out.set_len(len) };
    out
}
