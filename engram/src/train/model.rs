//! What the training loop needs from a model: [`TrainModel`].
//!
//! A model maps an input batch to logits on an autodiff tape and exposes its parameters by name,
//! each with the key under which it is bound on the tape (`Tape::leaf_keyed`), so that the loop can
//! find its gradient, hand it to the optimizer and save it in a checkpoint.

use std::collections::BTreeMap;

use autodiff::{Tape, Var};
use tensor::{Device, Tensor};

use crate::models::{self, CarriedState, ModelConfig, ModelKind, SequenceModel, Task};
use crate::monitor::MemorySnapshot;
use crate::EngramConfig;
use nn::ModuleExt;

use super::error::{Result, TrainError};
use super::names::{ModelName, TaskKind, TokenInputKind};

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
    /// Language modelling: input `[batch, time]` token ids as `f32`, logits
    /// `[batch, time, vocabulary]`.
    ///
    /// # Errors
    /// Shape errors for an input of the wrong size, and errors of the operations.
    fn forward(&self, tape: &Tape<f32>, input: &Var<f32>) -> Result<Var<f32>>;

    /// Computes logits for `input` starting from `state`, and replaces `state` by the final
    /// state detached from the tape (see [`CarriedState`]). The loop calls it for language
    /// modelling, where consecutive batches continue the same rows of the token stream. The
    /// default ignores `state`.
    ///
    /// # Errors
    /// As [`TrainModel::forward`].
    fn forward_carried(
        &self,
        tape: &Tape<f32>,
        input: &Var<f32>,
        _state: &mut Option<CarriedState>,
    ) -> Result<Var<f32>> {
        self.forward(tape, input)
    }

    /// Switches dropout and other training-only behaviour on or off.
    fn set_training(&mut self, _training: bool) {}

    /// Restarts the model's own random generators (dropout, noise, initial states) from `seed`.
    /// The loop calls it before every step with a seed derived from `(seed, epoch, step)`, so
    /// that a resumed run draws what the uninterrupted run drew.
    fn reseed(&self, _seed: u64) {}

    /// Every trainable parameter, in a stable order.
    fn parameters_mut(&mut self) -> Vec<ParamSlot<'_>>;

    /// Returns the device of the parameters (the CPU for a model without parameters).
    fn device(&mut self) -> Device {
        self.parameters_mut()
            .first()
            .map_or(Device::Cpu, |slot| slot.value.device())
    }

    /// Moves every parameter to `device`, with one upload for each parameter not already there.
    ///
    /// # Errors
    /// [`TrainError::Tensor`] when a transfer fails.
    fn to_device(&mut self, device: &Device) -> Result<()> {
        for slot in self.parameters_mut() {
            if slot.value.device() != *device {
                *slot.value = slot.value.to_device(device)?;
            }
        }
        Ok(())
    }

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
    fn memory_snapshot(&self, _input: &Tensor<f32>) -> Result<Option<MemorySnapshot>> {
        Ok(None)
    }
}

/// A model of this crate's factory ([`crate::models::build_model`]) seen by the training loop.
pub struct FactoryModel {
    inner: Box<dyn SequenceModel>,
}

impl TrainModel for FactoryModel {
    fn forward(&self, tape: &Tape<f32>, input: &Var<f32>) -> Result<Var<f32>> {
        Ok(self.inner.forward(tape, input)?)
    }

    fn forward_carried(
        &self,
        tape: &Tape<f32>,
        input: &Var<f32>,
        state: &mut Option<CarriedState>,
    ) -> Result<Var<f32>> {
        Ok(self.inner.forward_carried(tape, input, state)?)
    }

    fn set_training(&mut self, training: bool) {
        self.inner.set_training(training);
    }

    fn reseed(&self, seed: u64) {
        self.inner.reseed(seed);
    }

    fn parameters_mut(&mut self) -> Vec<ParamSlot<'_>> {
        self.inner
            .named_params_mut()
            .into_iter()
            .map(|(name, param)| ParamSlot {
                name,
                key: param.key(),
                value: param.value_mut(),
            })
            .collect()
    }

    fn memory_snapshot(&self, input: &Tensor<f32>) -> Result<Option<MemorySnapshot>> {
        Ok(self.inner.memory_snapshot(input)?)
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
    /// Token input of a language model. Classifiers ignore it.
    pub token_input: TokenInputKind,
}

/// Builds the model that `spec` describes with freshly initialised weights.
///
/// The ENN gets `hidden` units and `memory` slots with the other settings at their defaults.
/// The baseline classifiers stack two recurrent layers of `hidden` and `hidden / 2` units (128
/// and 64 with the defaults, as in the ENN paper's comparison); the language models use one
/// layer of `hidden` units over a token embedding of the same width, or over the raw token index
/// with [`TokenInputKind::Index`].
///
/// # Errors
/// [`TrainError::Engram`] for an invalid size.
pub fn build_model(spec: &ModelSpec) -> Result<Box<dyn TrainModel>> {
    let task = match spec.task {
        TaskKind::Classification => Task::Classification {
            classes: spec.num_classes,
        },
        TaskKind::LanguageModel => Task::LanguageModel {
            vocabulary: spec.num_classes,
            embedding_dim: match spec.token_input {
                TokenInputKind::Embedding => Some(spec.hidden),
                TokenInputKind::Index => None,
            },
        },
    };
    let input_size = match (spec.task, spec.token_input) {
        (TaskKind::Classification, _) => spec.input_features,
        (TaskKind::LanguageModel, TokenInputKind::Embedding) => spec.hidden,
        (TaskKind::LanguageModel, TokenInputKind::Index) => 1,
    };
    let config = ModelConfig {
        task,
        enn: EngramConfig::new(input_size, spec.hidden, spec.memory)?,
        attention_pooling: false,
        baseline_hidden: (spec.hidden, (spec.hidden / 2).max(1)),
        seed: spec.seed,
    };
    let kind = match spec.model {
        ModelName::Enn => ModelKind::Enn,
        ModelName::Rnn => ModelKind::Rnn,
        ModelName::Gru => ModelKind::Gru,
        ModelName::Lstm => ModelKind::Lstm,
    };
    let inner = models::build_model(kind, &config)?;
    Ok(Box::new(FactoryModel { inner }))
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
