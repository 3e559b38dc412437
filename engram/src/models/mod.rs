//! Complete models behind one trait, [`SequenceModel`], so the training tool treats the ENN and
//! the baselines alike:
//!
//! - classifiers map `[B, T, d]` sequences to logits `[B, classes]`:
//!   [`EnnClassifier`] (ENN last output, dropout 0.3, linear head, as the reference) and
//!   [`RecurrentClassifier`] (recurrent(128, all outputs), recurrent(64, last output), linear);
//! - language models map token ids `[B, T]` (whole numbers stored as floats) to logits
//!   `[B, T, vocabulary]`: [`EnnLanguageModel`] and [`RecurrentLanguageModel`].
//!
//! "The paper" in this module and its files is the ENN paper (Szelogowski, "Hebbian Memory-Augmented Recurrent Networks: Engram Neurons in Deep Learning",
//! arXiv 2507.21474).
//!
//! [`build_model`] builds any of them by name (`enn`, `rnn`, `gru`, `lstm`) from a
//! [`ModelConfig`].

mod baselines;
#[cfg(test)]
mod carry_tests;
mod enn;
mod factory;

use std::fmt;
use std::str::FromStr;

use nn::Module;
use tensor::Tensor;

use crate::monitor::MemorySnapshot;
use crate::{EngramError, Result};

pub use baselines::{RecurrentClassifier, RecurrentLanguageModel};
pub use enn::{EnnClassifier, EnnLanguageModel, TokenInput};
pub use factory::{build_model, ModelConfig, Task};

/// The architectures the factory builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    /// The Engram Neural Network.
    Enn,
    /// Simple (tanh) recurrent network.
    Rnn,
    /// Gated recurrent unit.
    Gru,
    /// Long short-term memory.
    Lstm,
}

impl ModelKind {
    /// Every kind, in the order the paper compares them.
    pub const ALL: [ModelKind; 4] = [
        ModelKind::Enn,
        ModelKind::Rnn,
        ModelKind::Gru,
        ModelKind::Lstm,
    ];

    /// Returns the lower-case name the factory accepts.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Enn => "enn",
            ModelKind::Rnn => "rnn",
            ModelKind::Gru => "gru",
            ModelKind::Lstm => "lstm",
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ModelKind {
    type Err = EngramError;

    /// Parses `enn`, `rnn`, `gru` or `lstm` (any case).
    fn from_str(name: &str) -> Result<Self> {
        ModelKind::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| EngramError::UnknownModel {
                name: name.to_string(),
            })
    }
}

/// The state a language model hands from one batch to the next batch of the same token stream
/// (truncated backpropagation through time): tensor values only, so no gradient flows back
/// into the earlier batch.
///
/// The parts depend on the model: `[h]` for the RNN and GRU, `[h, c]` for the LSTM, and
/// `[hidden, trace]` for the ENN, with `h`, `c` and `hidden` of shape `[B, h]`.
#[derive(Debug, Clone)]
pub struct CarriedState {
    parts: Vec<Tensor<f32>>,
}

impl CarriedState {
    /// Wraps the state tensors; the first one must be `[batch, ...]`.
    pub fn new(parts: Vec<Tensor<f32>>) -> Self {
        CarriedState { parts }
    }

    /// Returns the state tensors in the model's order.
    pub fn parts(&self) -> &[Tensor<f32>] {
        &self.parts
    }

    /// Returns the number of sequences the state belongs to (the first axis of the first part).
    pub fn batch(&self) -> Option<usize> {
        self.parts.first().and_then(|t| t.shape().first().copied())
    }
}

/// A model the training tool can train, evaluate and monitor: `Module::forward` returns the
/// logits, and the module's training mode switches dropout.
pub trait SequenceModel: Module<f32> {
    /// Returns the architecture.
    fn kind(&self) -> ModelKind;

    /// Runs `input` without gradients and returns the final Hebbian trace and the attention of
    /// every step; `None` for models without an engram memory.
    ///
    /// # Errors
    /// Shape errors for an input the model does not accept.
    fn memory_snapshot(&self, _input: &Tensor<f32>) -> Result<Option<MemorySnapshot>> {
        Ok(None)
    }

    /// Restarts the model's own random generators (dropout masks, initial states, trace noise)
    /// from `seed`. Models that draw nothing while training keep the default, which does nothing.
    fn reseed(&self, _seed: u64) {}

    /// Runs `input` from `state` and replaces `state` by the final state, detached from the
    /// tape. A `None` state, or one of another batch size, starts from the usual fresh state.
    ///
    /// Language models use it to carry the state across consecutive batches of one token
    /// stream; the default, for models without such a state, ignores `state` and runs
    /// `Module::forward`.
    ///
    /// # Errors
    /// Shape errors for an input the model does not accept.
    fn forward_carried(
        &self,
        tape: &autodiff::Tape<f32>,
        input: &autodiff::Var<f32>,
        _state: &mut Option<CarriedState>,
    ) -> Result<autodiff::Var<f32>> {
        Ok(self.forward(tape, input)?)
    }
}
