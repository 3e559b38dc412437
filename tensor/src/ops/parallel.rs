//! When elementwise kernels split their output over rayon threads.
//!
//! Every elementwise driver writes a fresh row-major output buffer. Below a size threshold it
//! fills the buffer on the calling thread. Above it, the buffer is cut into chunks of
//! [`PARALLEL_CHUNK`] elements that threads fill independently. The threshold depends on the
//! [`Cost`] of one element: [`PARALLEL_MIN_ELEMENTS`] for arithmetic, which is limited by memory
//! bandwidth, and [`PARALLEL_MIN_ELEMENTS_COSTLY`] for transcendental functions, which are
//! limited by computation. Each element is computed by the same scalar or SIMD code either way,
//! so results do not depend on the number of threads.

use std::mem::MaybeUninit;

use rayon::prelude::*;

/// How much work one output element takes, which decides when threads pay for themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    /// A few arithmetic instructions per element (`add`, `relu`, comparisons): memory-bound.
    Cheap,
    /// A transcendental function per element (`exp`, `tanh`, `ln`, `powf`): compute-bound.
    Costly,
}

/// Output size (in elements) from which cheap elementwise kernels run on several threads.
///
/// Chosen with `examples/parallel_threshold.rs`, which times f32 `add` in a one-thread pool and
/// in the default pool with both thresholds set to 0. On a 2-core x86-64 machine with a load
/// average of about 14, two threads were slower than one up to 2^20 elements (2^20: 447 us on
/// one thread against 488 us on two). At 2^21 they were faster in one run out of two (4.6 ms
/// against 1.6 ms).
///
/// NOTE: measured on a busy machine, so the value is conservative; an idle machine with more
/// cores probably gains from threads at smaller sizes.
pub const PARALLEL_MIN_ELEMENTS: usize = 1 << 21;

/// Output size (in elements) from which costly elementwise kernels run on several threads.
///
/// Chosen with the same example and machine as [`PARALLEL_MIN_ELEMENTS`], timing f32 `exp`. Two
/// threads were slower than one up to 2^19 elements (2^19: 2.2 ms on one thread against 3.3 ms
/// on two) and about twice as fast from 2^20 (8.4 ms against 3.0 ms).
pub const PARALLEL_MIN_ELEMENTS_COSTLY: usize = 1 << 20;

/// Output size (in elements) from which cheap kernels split over threads while the workers
/// wait actively (see [`crate::threads`]). Costly kernels split from a quarter of it.
///
/// Measured with the `step_time` example of `engram` on the 2-core machine of BENCHMARKS.md,
/// other builds paused: the ENN step took 47-49 ms with no split below the thresholds above,
/// 48-49 ms with 2^13 here and 45-47 ms with 2^15. Its per-step tensors have 16k-49k elements.
pub const PARALLEL_MIN_ELEMENTS_SPINNING: usize = 1 << 15;

impl Cost {
    /// Returns the output size from which kernels of this cost run on several threads.
    pub fn parallel_threshold(self) -> usize {
        match self {
            Cost::Cheap => PARALLEL_MIN_ELEMENTS,
            Cost::Costly => PARALLEL_MIN_ELEMENTS_COSTLY,
        }
    }

    /// Returns the threshold that applies now: smaller while the workers wait actively.
    fn current_threshold(self) -> usize {
        if crate::threads::workers_spinning() {
            match self {
                Cost::Cheap => PARALLEL_MIN_ELEMENTS_SPINNING,
                Cost::Costly => PARALLEL_MIN_ELEMENTS_SPINNING / 4,
            }
        } else {
            self.parallel_threshold()
        }
    }
}

/// Elements per parallel task.
pub const PARALLEL_CHUNK: usize = 1 << 14;

/// Calls `fill(first, chunk)` over `out` cut into chunks, where `first` is the position of
/// `chunk[0]` in `out`. Runs on the calling thread when `out` is shorter than the threshold of
/// `cost`, otherwise over rayon's pool in chunks of at most [`PARALLEL_CHUNK`] elements.
pub(crate) fn fill_chunks<T: Send>(
    out: &mut [T],
    cost: Cost,
    fill: impl Fn(usize, &mut [T]) + Sync + Send,
) {
    if out.len() < cost.current_threshold() {
        fill(0, out);
        return;
    }
    // At least one chunk per thread, so that outputs just above the threshold split evenly.
    let per_thread = out
        .len()
        .div_ceil(rayon::current_num_threads())
        .next_multiple_of(64);
    let chunk = per_thread.min(PARALLEL_CHUNK);
    out.par_chunks_mut(chunk)
        .enumerate()
        .for_each(|(i, part)| fill(i * chunk, part));
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
    cost: Cost,
    fill: impl Fn(usize, &mut [MaybeUninit<T>]) + Sync + Send,
) -> Vec<T> {
    let mut out = Vec::with_capacity(len);
    fill_chunks(&mut out.spare_capacity_mut()[..len], cost, fill);
    // SAFETY: the chunks cover positions 0..len, and the caller guarantees that `fill` wrote
    // every element of each chunk.
    unsafe { out.set_len(len) };
    out
}
