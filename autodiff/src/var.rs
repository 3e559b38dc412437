//! [`Var`]: a tensor value plus its place on a [`Tape`].
//!
//! Operations on variables live under `ops/`, one file per family. Each computes its value
//! eagerly with the `tensor` crate and records a node whose rule maps the output gradient to
//! the input gradients.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use tensor::{Element, Tensor};

use crate::Tape;

/// The source of variable ids, unique across all tapes of the process.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// Returns a fresh variable id.
pub(crate) fn next_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// The position of a tracked variable's node on its tape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NodeHandle {
    /// The index of the node in the tape's list.
    pub(crate) index: usize,
    /// The tape generation (number of clears) when the node was recorded.
    pub(crate) generation: u64,
}

/// A value in a differentiable computation: a tensor, the tape that records what is computed
/// from it, and (when tracked) its node on that tape.
///
/// Cloning is cheap (the tensor storage is shared). Every operation returns `Result<Var<T>>`.
/// An operation whose inputs are all untracked (constants, detached values, or anything inside
/// [`Tape::no_grad`]) returns an untracked variable and records nothing.
pub struct Var<T: Element = f32> {
    value: Tensor<T>,
    id: u64,
    handle: Option<NodeHandle>,
    tape: Tape<T>,
}

impl<T: Element> Clone for Var<T> {
    fn clone(&self) -> Self {
        Var {
            value: self.value.clone(),
            id: self.id,
            handle: self.handle,
            tape: self.tape.clone(),
        }
    }
}

impl<T: Element> Var<T> {
    /// Builds a variable from its parts; used by the tape.
    pub(crate) fn from_parts(
        tape: &Tape<T>,
        value: Tensor<T>,
        id: u64,
        handle: Option<NodeHandle>,
    ) -> Self {
        Var {
            value,
            id,
            handle,
            tape: tape.clone(),
        }
    }

    /// Builds a variable that takes no gradient.
    pub(crate) fn untracked(tape: &Tape<T>, value: Tensor<T>) -> Self {
        Self::from_parts(tape, value, next_id(), None)
    }

    /// Returns the value computed in the forward pass.
    pub fn value(&self) -> &Tensor<T> {
        &self.value
    }

    /// Returns the shape of the value.
    pub fn shape(&self) -> &[usize] {
        self.value.shape()
    }

    /// Returns the number of axes of the value.
    pub fn rank(&self) -> usize {
        self.value.rank()
    }

    /// Returns the variable's id, which is unique in the process and keys its gradient.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Returns true when the variable has a node on its tape, so gradients flow to and through it.
    pub fn requires_grad(&self) -> bool {
        self.handle.is_some()
    }

    /// Returns an untracked variable with the same value: gradients stop here.
    pub fn detach(&self) -> Var<T> {
        Var::untracked(&self.tape, self.value.clone())
    }

    /// Returns the tape this variable records onto.
    pub fn tape(&self) -> &Tape<T> {
        &self.tape
    }

    /// Returns the node position, when tracked.
    pub(crate) fn handle(&self) -> Option<NodeHandle> {
        self.handle
    }
}

impl<T: Element> fmt::Debug for Var<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Var");
        s.field("id", &self.id);
        match self.handle {
            Some(handle) => s.field("node", &handle.index),
            None => s.field("node", &"untracked"),
        };
        s.field("value", &self.value).finish()
    }
}
