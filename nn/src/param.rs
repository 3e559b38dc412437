//! [`Param`]: a trainable tensor with a process-wide unique key.
//!
//! The key ties the parameter to its leaf on a [`Tape`]. [`Param::var`] binds the value with
//! [`Tape::leaf_keyed`], so a weight used at every time step of a recurrent network is one leaf.
//! Its gradient, summed over all uses, is `Gradients::get_key(param.key())`.

use std::sync::atomic::{AtomicU64, Ordering};

use autodiff::{Tape, Var};
use tensor::{Element, Tensor};

use crate::{NnError, Result};

/// The source of parameter keys. Keys start high so they never look like small test numbers.
static NEXT_KEY: AtomicU64 = AtomicU64::new(1 << 32);

/// A trainable tensor and its unique key.
///
/// Cloning a parameter copies the value handle but draws a new key, so a cloned model trains
/// independently of its source even on the same tape.
#[derive(Debug)]
pub struct Param<T: Element = f32> {
    key: u64,
    value: Tensor<T>,
}

impl<T: Element> Clone for Param<T> {
    fn clone(&self) -> Self {
        Param::new(self.value.clone())
    }
}

impl<T: Element> Param<T> {
    /// Wraps a tensor as a parameter with a fresh key.
    pub fn new(value: Tensor<T>) -> Self {
        Param {
            key: NEXT_KEY.fetch_add(1, Ordering::Relaxed),
            value,
        }
    }

    /// Returns the key that binds this parameter on a tape.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// Returns the current value.
    pub fn value(&self) -> &Tensor<T> {
        &self.value
    }

    /// Returns the value for in-place updates (optimizers use this).
    pub fn value_mut(&mut self) -> &mut Tensor<T> {
        &mut self.value
    }

    /// Returns the shape of the value.
    pub fn shape(&self) -> &[usize] {
        self.value.shape()
    }

    /// Replaces the value with one of the same shape.
    ///
    /// # Errors
    /// [`NnError::ShapeMismatch`] when the shapes differ; the value is unchanged then.
    pub fn set(&mut self, value: Tensor<T>) -> Result<()> {
        if value.shape() != self.value.shape() {
            return Err(NnError::ShapeMismatch {
                op: "Param::set",
                expected: format!("{:?}", self.value.shape()),
                got: value.shape().to_vec(),
            });
        }
        self.value = value;
        Ok(())
    }

    /// Returns the tracked variable of this parameter on `tape`, the same one on every call
    /// until the tape is cleared.
    pub fn var(&self, tape: &Tape<T>) -> Var<T> {
        tape.leaf_keyed(self.key, &self.value)
    }
}
