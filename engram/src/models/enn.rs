//! The ENN models: the reference classifier and a language model. "The paper" below is
//! Szelogowski, "Hebbian Memory-Augmented Recurrent Networks: Engram Neurons in Deep Learning",
//! arXiv 2507.21474.

use autodiff::{Tape, Var};
use nn::module::join_name;
use nn::{Dropout, Embedding, EmbeddingConfig, Linear, LinearConfig, Module, Param};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use std::cell::RefCell;
use tensor::Tensor;

use super::{CarriedState, ModelKind, SequenceModel};
use crate::cell::{unroll, EnnState};
use crate::monitor::MemorySnapshot;
use crate::network::{EnnLayer, EnnOutput};
use crate::{EngramConfig, EngramError, Result};

/// Mixed into a reseeding seed to give the classifier's dropout its own stream (an arbitrary
/// odd constant).
const DROPOUT_SEED_MIX: u64 = 0x9e37_79b9_7f4a_7c15;

/// Dropout probability between the ENN and the classifier head in the reference classifier.
pub const CLASSIFIER_DROPOUT: f64 = 0.3;

/// The reference classifier: ENN last output (or attention pooling), `Dropout(0.3)`,
/// `Linear(h -> classes)`. Maps `[B, T, d]` to logits `[B, classes]`.
#[derive(Debug)]
pub struct EnnClassifier {
    enn: EnnLayer<f32>,
    dropout: Dropout,
    head: Linear<f32>,
}

impl EnnClassifier {
    /// Builds the classifier; `pooling` selects attention pooling over time instead of the last
    /// output.
    ///
    /// # Errors
    /// [`EngramError::InvalidConfig`] for an invalid configuration or zero classes.
    pub fn new(
        config: &EngramConfig,
        classes: usize,
        pooling: bool,
        rng: &mut dyn RngCore,
    ) -> Result<Self> {
        if classes == 0 {
            return Err(EngramError::config("classes", 0, "it must be at least 1"));
        }
        let mode = if pooling {
            EnnOutput::AttentionPool
        } else {
            EnnOutput::Last
        };
        let enn = EnnLayer::new(config, mode, rng)?;
        let dropout = Dropout::new(CLASSIFIER_DROPOUT, rng.next_u64())?;
        let head_config = LinearConfig {
            in_features: config.hidden_size,
            out_features: classes,
            ..LinearConfig::default()
        };
        let head = Linear::new(&head_config, rng)?;
        Ok(EnnClassifier { enn, dropout, head })
    }

    /// Returns the ENN layer.
    pub fn enn(&self) -> &EnnLayer<f32> {
        &self.enn
    }
}

impl Module<f32> for EnnClassifier {
    fn forward(&self, tape: &Tape<f32>, input: &Var<f32>) -> nn::Result<Var<f32>> {
        let features = self.enn.forward(tape, input)?;
        let dropped = self.dropout.forward(tape, &features)?;
        self.head.forward(tape, &dropped)
    }

    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<f32>)>) {
        self.enn.collect_params(&join_name(prefix, "enn"), out);
        self.head.collect_params(&join_name(prefix, "head"), out);
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<f32>)>,
    ) {
        self.enn.collect_params_mut(&join_name(prefix, "enn"), out);
        self.head
            .collect_params_mut(&join_name(prefix, "head"), out);
    }

    fn set_training(&mut self, training: bool) {
        Module::<f32>::set_training(&mut self.dropout, training);
    }
}

impl SequenceModel for EnnClassifier {
    fn kind(&self) -> ModelKind {
        ModelKind::Enn
    }

    fn reseed(&self, seed: u64) {
        self.enn.reseed(seed);
        // A second, different stream for the dropout masks.
        self.dropout.reseed(seed ^ DROPOUT_SEED_MIX);
    }

    fn memory_snapshot(&self, input: &Tensor<f32>) -> Result<Option<MemorySnapshot>> {
        Ok(Some(self.enn.memory_snapshot(input)?))
    }
}

/// The conversion of token ids into the cell's input.
#[derive(Debug)]
pub enum TokenInput {
    /// A learned embedding table: each id becomes a vector.
    Embedding(Embedding<f32>),
    /// The raw id as one float feature, as the paper's WikiText-103 experiment fed its ENN
    /// (kept so its numbers can be reproduced).
    RawIndex,
}

impl TokenInput {
    /// Maps ids `[B, T]` (whole numbers stored as floats) to the cell input `[B, T, d]`.
    pub(crate) fn forward(&self, tape: &Tape<f32>, ids: &Var<f32>) -> nn::Result<Var<f32>> {
        match self {
            TokenInput::Embedding(embedding) => embedding.forward(tape, ids),
            TokenInput::RawIndex => Ok(ids.unsqueeze(-1)?),
        }
    }

    /// Returns the cell input size: the embedding width, or 1 for raw ids.
    pub(crate) fn width(&self) -> usize {
        match self {
            TokenInput::Embedding(embedding) => embedding.weight().shape()[1],
            TokenInput::RawIndex => 1,
        }
    }

    /// Builds an embedding input of `vocabulary x width`, or the raw-index input when `width`
    /// is `None`.
    pub(crate) fn new(
        vocabulary: usize,
        width: Option<usize>,
        rng: &mut dyn RngCore,
    ) -> Result<Self> {
        match width {
            Some(embedding_dim) => {
                let config = EmbeddingConfig {
                    num_embeddings: vocabulary,
                    embedding_dim,
                    ..EmbeddingConfig::default()
                };
                Ok(TokenInput::Embedding(Embedding::new(&config, rng)?))
            }
            None => Ok(TokenInput::RawIndex),
        }
    }

    pub(crate) fn collect_params<'a>(
        &'a self,
        prefix: &str,
        out: &mut Vec<(String, &'a Param<f32>)>,
    ) {
        if let TokenInput::Embedding(embedding) = self {
            embedding.collect_params(&join_name(prefix, "embedding"), out);
        }
    }

    pub(crate) fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<f32>)>,
    ) {
        if let TokenInput::Embedding(embedding) = self {
            embedding.collect_params_mut(&join_name(prefix, "embedding"), out);
        }
    }
}

/// Mixed into a reseeding seed to give the trace noise of a carried run its own stream (an
/// arbitrary odd constant).
const CARRIED_NOISE_SEED_MIX: u64 = 0x2545_f491_4f6c_dd1d;

/// An ENN language model: token input, ENN over every step, `Linear(h -> vocabulary)`. Maps
/// ids `[B, T]` to logits `[B, T, vocabulary]`.
#[derive(Debug)]
pub struct EnnLanguageModel {
    input: TokenInput,
    enn: EnnLayer<f32>,
    head: Linear<f32>,
    /// Draws the trace noise of runs that continue a carried state (the layer's own
    /// generator draws it for runs from a fresh state).
    carried_noise: RefCell<StdRng>,
}

impl EnnLanguageModel {
    /// Builds the model. `embedding_dim` `Some(e)` uses an embedding of width `e` (and
    /// overrides `config.input_size`); `None` feeds the raw id as one feature.
    ///
    /// # Errors
    /// [`EngramError::InvalidConfig`] for an invalid configuration or an empty vocabulary.
    pub fn new(
        config: &EngramConfig,
        vocabulary: usize,
        embedding_dim: Option<usize>,
        rng: &mut dyn RngCore,
    ) -> Result<Self> {
        if vocabulary == 0 {
            return Err(EngramError::config(
                "vocabulary",
                0,
                "it must be at least 1",
            ));
        }
        let input = TokenInput::new(vocabulary, embedding_dim, rng)?;
        let config = EngramConfig {
            input_size: input.width(),
            ..config.clone()
        };
        let enn = EnnLayer::new(&config, EnnOutput::Sequence, rng)?;
        let head_config = LinearConfig {
            in_features: config.hidden_size,
            out_features: vocabulary,
            ..LinearConfig::default()
        };
        let head = Linear::new(&head_config, rng)?;
        let carried_noise = RefCell::new(StdRng::seed_from_u64(rng.next_u64()));
        Ok(EnnLanguageModel {
            input,
            enn,
            head,
            carried_noise,
        })
    }
}

impl Module<f32> for EnnLanguageModel {
    fn forward(&self, tape: &Tape<f32>, ids: &Var<f32>) -> nn::Result<Var<f32>> {
        let features = self.input.forward(tape, ids)?;
        let outputs = self.enn.forward(tape, &features)?;
        self.head.forward(tape, &outputs)
    }

    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<f32>)>) {
        self.input.collect_params(prefix, out);
        self.enn.collect_params(&join_name(prefix, "enn"), out);
        self.head.collect_params(&join_name(prefix, "head"), out);
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<f32>)>,
    ) {
        self.input.collect_params_mut(prefix, out);
        self.enn.collect_params_mut(&join_name(prefix, "enn"), out);
        self.head
            .collect_params_mut(&join_name(prefix, "head"), out);
    }
}

impl SequenceModel for EnnLanguageModel {
    fn kind(&self) -> ModelKind {
        ModelKind::Enn
    }

    fn reseed(&self, seed: u64) {
        self.enn.reseed(seed);
        *self.carried_noise.borrow_mut() = StdRng::seed_from_u64(seed ^ CARRIED_NOISE_SEED_MIX);
    }

    fn forward_carried(
        &self,
        tape: &Tape<f32>,
        ids: &Var<f32>,
        state: &mut Option<CarriedState>,
    ) -> Result<Var<f32>> {
        let features = self.input.forward(tape, ids)?;
        let batch = features.shape()[0];
        let carried = state
            .as_ref()
            .filter(|carried| carried.batch() == Some(batch));
        let (outputs, final_state) = match carried {
            Some(carried) => {
                let initial = EnnState {
                    hidden: tape.constant(carried.parts()[0].clone()),
                    trace: tape.constant(carried.parts()[1].clone()),
                };
                let weights = self.enn.weights(tape)?;
                let mut noise = self.carried_noise.borrow_mut();
                let run = unroll(
                    self.enn.config(),
                    &weights,
                    &features,
                    initial,
                    Some(&mut *noise),
                )?;
                let steps: Vec<&Var<f32>> = run.outputs.iter().collect();
                (Var::stack(&steps, 1)?, run.state)
            }
            None => {
                let run = self.enn.run(tape, &features)?;
                (run.output, run.state)
            }
        };

        *state = Some(CarriedState::new(vec![
            final_state.hidden.value().clone(),
            final_state.trace.value().clone(),
        ]));
        Ok(self.head.forward(tape, &outputs)?)
    }

    fn memory_snapshot(&self, ids: &Tensor<f32>) -> Result<Option<MemorySnapshot>> {
        let tape = Tape::new();
        let features = tape.no_grad(|| self.input.forward(&tape, &tape.constant(ids.clone())))?;
        Ok(Some(self.enn.memory_snapshot(features.value())?))
    }
}
