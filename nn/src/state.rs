//! [`StateDict`]: the named tensors and scalars that make up the state of a model, an optimizer,
//! a schedule or an early-stopping helper.
//!
//! Every stateful part of training exports its state as a `StateDict` and restores itself from
//! one, so a checkpoint is the union of a few state dicts under prefixes (`model.`, `optim.`,
//! ...). Tensors go into the safetensors data; scalars go into the header's `__metadata__` as
//! text that parses back to the same `f64` bit for bit.

use std::collections::BTreeMap;

use tensor::{Element, Tensor};

use crate::{NnError, Result};

/// Named tensors and named scalars, both sorted by name.
#[derive(Clone, Debug, Default)]
pub struct StateDict<T: Element = f32> {
    /// Tensors by name, such as `encoder.weight` or `m.encoder.weight`.
    pub tensors: BTreeMap<String, Tensor<T>>,
    /// Scalars by name, such as `lr` or `step.encoder.weight`.
    pub scalars: BTreeMap<String, f64>,
}

impl<T: Element> StateDict<T> {
    /// Creates an empty state dict.
    pub fn new() -> Self {
        StateDict {
            tensors: BTreeMap::new(),
            scalars: BTreeMap::new(),
        }
    }

    /// Returns true when there are neither tensors nor scalars.
    pub fn is_empty(&self) -> bool {
        self.tensors.is_empty() && self.scalars.is_empty()
    }

    /// Adds every entry of `other` with `prefix` in front of its name.
    pub fn insert_prefixed(&mut self, prefix: &str, other: StateDict<T>) {
        for (name, tensor) in other.tensors {
            self.tensors.insert(format!("{prefix}{name}"), tensor);
        }
        for (name, value) in other.scalars {
            self.scalars.insert(format!("{prefix}{name}"), value);
        }
    }

    /// Returns the entries whose name starts with `prefix`, with the prefix removed.
    pub fn sub_dict(&self, prefix: &str) -> StateDict<T> {
        let tensors = self
            .tensors
            .iter()
            .filter_map(|(name, t)| Some((name.strip_prefix(prefix)?.to_string(), t.clone())))
            .collect();
        let scalars = self
            .scalars
            .iter()
            .filter_map(|(name, v)| Some((name.strip_prefix(prefix)?.to_string(), *v)))
            .collect();
        StateDict { tensors, scalars }
    }

    /// Returns the scalar `name`, or an error naming it when it is missing.
    ///
    /// # Errors
    /// [`NnError::CheckpointMismatch`] when there is no such scalar.
    pub fn scalar(&self, op: &'static str, name: &str) -> Result<f64> {
        self.scalars
            .get(name)
            .copied()
            .ok_or_else(|| NnError::CheckpointMismatch {
                op,
                mismatches: vec![format!("missing scalar `{name}`")],
            })
    }
}
