//! What the training loop needs from a model: [`TrainModel`].
//!
//! A model maps an input batch to logits on an autodiff tape and exposes its parameters by name,
//! each with the key under which it is bound on the tape (`Tape::leaf_keyed`), so that the loop can
//! find its gradient, hand it to the optimizer and save it in a checkpoint.

use std::collections::BTreeMap;

use autodiff::{Tape, Var};
use rand::rngs::StdRng;
use tensor::Tensor;

use crate::monitor::MemorySnapshot;

use super::error::{Result, TrainError};
use super::names::{ModelName, TaskKind};

/// One trainable parameter, borrowed mutably for an optimizer step or a checkpoint load.
#[derive(Debug)]
pub struct ParamSlot<'a> {
    /// Stable hierarchical name, such as `encoder.weight`.
    pub name: String,
    /// Key of the parameter's leaf on the tape; its gradient is `Gradients::get_key(key)`.
    pub key: u64,
    /// The value, updated in place.
    pub value: &'a mut Tensor<f32>,
}

/// A model the training loop can train, evaluate and checkpoint.
pub trait TrainModel {
    /// Computes logits for `input`.
    ///
    /// Classification: input `[batch, time, features]`, logits `[batch, classes]`.
    /// Language modelling: input `[batch, time, 1]` token ids as `f32`, logits
    /// `[batch, time, vocabulary]`. `train` turns dropout and noise on; `rng` draws them and the
    /// initial state.
    ///
    /// # Errors
    /// Shape errors for an input of the wrong size, and errors of the operations.
    fn forward(
        &self,
        tape: &Tape<f32>,
        input: &Var<f32>,
        train: bool,
        rng: &mut StdRng,
    ) -> Result<Var<f32>>;

    /// Every trainable parameter, in a stable order.
    fn parameters_mut(&mut self) -> Vec<ParamSlot<'_>>;

    /// Copies of the trainable parameters by name (cheap: tensors share storage).
    fn parameters(&mut self) -> BTreeMap<String, Tensor<f32>> {
        self.parameters_mut()
            .into_iter()
            .map(|slot| (slot.name, slot.value.clone()))
            .collect()
    }

    /// Number of trainable scalar parameters.
    fn num_parameters(&mut self) -> usize {
        self.parameters_mut()
            .iter()
            .map(|slot| slot.value.num_elements())
            .sum()
    }

    /// Runs `input` without recording gradients and returns the final memory trace and the
    /// recall attention, for models that have a memory (ENN); `None` for the others.
    ///
    /// # Errors
    /// Errors of the forward pass.
    fn memory_snapshot(
        &self,
        _tape: &Tape<f32>,
        _input: &Var<f32>,
        _rng: &mut StdRng,
    ) -> Result<Option<MemorySnapshot>> {
        Ok(None)
    }
}

/// Everything needed to build a model again, as stored in a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelSpec {
    /// Which model.
    pub model: ModelName,
    /// Classification or language modelling.
    pub task: TaskKind,
    /// Values per input time step (1 for language modelling).
    pub input_features: usize,
    /// Output classes, or the vocabulary size for language modelling.
    pub num_classes: usize,
    /// Hidden units.
    pub hidden: usize,
    /// ENN memory slots.
    pub memory: usize,
    /// Seed of the initial weights.
    pub seed: u64,
}

/// Builds the model that `spec` describes with freshly initialised weights.
///
/// # Errors
/// [`TrainError::Unavailable`] while the model factory of this crate does not provide the model.
pub fn build_model(spec: &ModelSpec) -> Result<Box<dyn TrainModel>> {
    // TODO: build through the crate's model factory once it exists; until then every model
    // reports that it is missing instead of training something else.
    Err(TrainError::Unavailable {
        what: format!("the {} model", spec.model),
        reason: "this build of the engram crate has no model factory yet".to_owned(),
    })
}

/// Replaces the model's parameters by `tensors` (names without prefix).
///
/// # Errors
/// [`TrainError::Nn`] holding [`nn::NnError::CheckpointMismatch`], which lists every missing,
/// unexpected or wrongly shaped parameter; nothing is replaced then.
pub fn load_parameters(
    model: &mut dyn TrainModel,
    tensors: &BTreeMap<String, Tensor<f32>>,
) -> Result<()> {
    let mut mismatches = Vec::new();
    let mut slots = model.parameters_mut();
    for slot in &slots {
        match tensors.get(&slot.name) {
            None => mismatches.push(format!("missing parameter `{}`", slot.name)),
            Some(t) if t.shape() != slot.value.shape() => mismatches.push(format!(
                "parameter `{}` has shape {:?} in the checkpoint but {:?} in the model",
                slot.name,
                t.shape(),
                slot.value.shape()
            )),
            Some(_) => {}
        }
    }
    let known: Vec<&str> = slots.iter().map(|s| s.name.as_str()).collect();
    for name in tensors.keys().filter(|n| !known.contains(&n.as_str())) {
        mismatches.push(format!("unexpected parameter `{name}`"));
    }
    if !mismatches.is_empty() {
        return Err(TrainError::Nn(nn::NnError::CheckpointMismatch {
            op: "load_parameters",
            mismatches,
        }));
    }
    for slot in &mut slots {
        *slot.value = tensors[&slot.name].clone();
    }
    Ok(())
}
