//! Reuse of the buffer of saved gate values between training steps.
//!
//! The fused sequence node keeps the gate values of every step for the backward pass: 9 MB
//! for an LSTM with batch 128, 28 steps and 128 hidden units. Freshly allocated buffers of
//! that size come from the operating system as untouched pages, and a profile of a training
//! step showed the page faults of writing them costing about as much as the gate arithmetic
//! itself. The node therefore takes its buffer from this pool and returns it when the tape
//! drops the node, so the next step writes into pages that are already mapped.

use std::any::Any;
use std::sync::Mutex;

use tensor::Element;

/// Maximum number of pooled buffers. It covers the layers of a few stacked models and bounds
/// the memory that a model leaves behind when it stops training.
const MAX_POOLED: usize = 8;

/// Returned buffers of any element type, each a `Vec<T>` behind `Any`.
static POOL: Mutex<Vec<Box<dyn Any + Send>>> = Mutex::new(Vec::new());

/// Returns a buffer of `len` elements whose values are unspecified (old contents or zeros):
/// the caller must write every element before reading it.
pub(crate) fn take<T: Element>(len: usize) -> Vec<T> {
    if len == 0 {
        return Vec::new();
    }
    let reused = POOL.lock().ok().and_then(|mut pool| {
        // The smallest pooled buffer of this type that is large enough.
        let best = pool
            .iter()
            .enumerate()
            .filter_map(|(k, b)| b.downcast_ref::<Vec<T>>().map(|v| (k, v.capacity())))
            .filter(|&(_, capacity)| capacity >= len)
            .min_by_key(|&(_, capacity)| capacity)?
            .0;
        pool.swap_remove(best).downcast::<Vec<T>>().ok()
    });
    match reused {
        Some(mut buffer) => {
            buffer.resize(len, T::ZERO);
            *buffer
        }
        None => vec![T::ZERO; len],
    }
}

/// Returns `buffer` to the pool, or frees it when the pool is full or it is empty.
pub(crate) fn give<T: Element>(buffer: Vec<T>) {
    if buffer.capacity() == 0 {
        return;
    }
    if let Ok(mut pool) = POOL.lock() {
        if pool.len() < MAX_POOLED {
            pool.push(Box::new(buffer));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_returns_buffers_of_requested_length() {
        // Other tests may use the pool at the same time, so only lengths are checked.
        give(vec![1.0f32; 100]);
        let buffer: Vec<f32> = take(60);
        assert_eq!(buffer.len(), 60);
        let larger: Vec<f32> = take(1000);
        assert_eq!(larger.len(), 1000);
        let other: Vec<f64> = take(10);
        assert_eq!(other.len(), 10);
        give(buffer);
        give(Vec::<f64>::new());
    }
}
