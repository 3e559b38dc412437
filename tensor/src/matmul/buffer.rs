//! Reusable, cache-line aligned scratch memory for the packed blocks of A and B.
//!
//! Packing writes every element of a packed block before the microkernel reads it, so the
//! buffers never need clearing. Each thread keeps its buffers between calls, because allocating
//! several megabytes per product costs page faults on every call.

use std::cell::RefCell;

/// One cache line; a `Vec` of these is 64-byte aligned, which every vector load accepts.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct CacheLine([u8; 64]);

thread_local! {
    static PACK_A: RefCell<Vec<CacheLine>> = const { RefCell::new(Vec::new()) };
    static PACK_B: RefCell<Vec<CacheLine>> = const { RefCell::new(Vec::new()) };
}

/// Which of the two per-thread buffers to use.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Slot {
    /// The packed block of A, private to one task.
    A,
    /// The packed panel of B, shared by the tasks of one call.
    B,
}

/// Calls `f` with a pointer to at least `len` elements of 64-byte aligned, uninitialised
/// memory of type `T` that lives until `f` returns.
///
/// The thread's cached buffer is used when it is free; a nested call on the same thread (for
/// example a product started inside a rayon task that runs while this thread waits) gets a
/// fresh allocation instead.
pub(crate) fn with_buffer<T, R>(slot: Slot, len: usize, f: impl FnOnce(*mut T) -> R) -> R {
    let bytes = len * std::mem::size_of::<T>();
    let lines = bytes.div_ceil(64).max(1);
    let key = match slot {
        Slot::A => &PACK_A,
        Slot::B => &PACK_B,
    };
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut cached) => {
            if cached.len() < lines {
                *cached = vec![CacheLine([0; 64]); lines];
            }
            f(cached.as_mut_ptr().cast::<T>())
        }
        Err(_) => {
            let mut fresh = vec![CacheLine([0; 64]); lines];
            f(fresh.as_mut_ptr().cast::<T>())
        }
    })
}
