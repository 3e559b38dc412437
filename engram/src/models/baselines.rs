//! The baselines of the ENN paper's comparison (Szelogowski, "Hebbian Memory-Augmented Recurrent Networks: Engram Neurons in Deep Learning",
//! arXiv 2507.21474), built on `nn`'s recurrent
//! layers.

use autodiff::{Tape, Var};
use nn::module::join_name;
use nn::rnn::{CellState, Recurrent, RecurrentCell, RecurrentConfig, RecurrentOutput};
use nn::{Linear, LinearConfig, Module, Param};
use rand::RngCore;

use super::enn::TokenInput;
use super::{CarriedState, ModelKind, SequenceModel};
use crate::{EngramError, Result};

/// Hidden size of the first recurrent layer of the baseline classifier.
pub const FIRST_HIDDEN: usize = 128;
/// Hidden size of the second recurrent layer of the baseline classifier.
pub const SECOND_HIDDEN: usize = 64;

/// The baseline classifier: recurrent(128, all outputs), recurrent(64, last output),
/// `Linear(64 -> classes)`, with cells of type `C`. Maps `[B, T, d]` to logits `[B, classes]`.
#[derive(Debug)]
pub struct RecurrentClassifier<C: RecurrentCell<f32>> {
    kind: ModelKind,
    first: Recurrent<f32, C>,
    second: Recurrent<f32, C>,
    head: Linear<f32>,
}

impl<C: RecurrentCell<f32>> RecurrentClassifier<C> {
    /// Builds the classifier with hidden sizes `first_hidden` and `second_hidden` (128 and 64
    /// in the paper's comparison). `kind` names the cell type for reports.
    ///
    /// # Errors
    /// [`EngramError::InvalidConfig`] for a zero size.
    pub fn new(
        kind: ModelKind,
        input_size: usize,
        (first_hidden, second_hidden): (usize, usize),
        classes: usize,
        rng: &mut dyn RngCore,
    ) -> Result<Self> {
        if classes == 0 {
            return Err(EngramError::config("classes", 0, "it must be at least 1"));
        }
        let first = Recurrent::new(
            &RecurrentConfig {
                input_size,
                hidden_size: first_hidden,
                output: RecurrentOutput::Sequence,
                ..RecurrentConfig::default()
            },
            rng,
        )?;
        let second = Recurrent::new(
            &RecurrentConfig {
                input_size: first_hidden,
                hidden_size: second_hidden,
                output: RecurrentOutput::Last,
                ..RecurrentConfig::default()
            },
            rng,
        )?;
        let head_config = LinearConfig {
            in_features: second_hidden,
            out_features: classes,
            ..LinearConfig::default()
        };
        let head = Linear::new(&head_config, rng)?;
        Ok(RecurrentClassifier {
            kind,
            first,
            second,
            head,
        })
    }
}

impl<C: RecurrentCell<f32>> Module<f32> for RecurrentClassifier<C> {
    fn forward(&self, tape: &Tape<f32>, input: &Var<f32>) -> nn::Result<Var<f32>> {
        let sequence = self.first.forward(tape, input)?;
        let last = self.second.forward(tape, &sequence)?;
        self.head.forward(tape, &last)
    }

    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<f32>)>) {
        self.first.collect_params(&join_name(prefix, "first"), out);
        self.second
            .collect_params(&join_name(prefix, "second"), out);
        self.head.collect_params(&join_name(prefix, "head"), out);
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<f32>)>,
    ) {
        self.first
            .collect_params_mut(&join_name(prefix, "first"), out);
        self.second
            .collect_params_mut(&join_name(prefix, "second"), out);
        self.head
            .collect_params_mut(&join_name(prefix, "head"), out);
    }
}

impl<C: RecurrentCell<f32>> SequenceModel for RecurrentClassifier<C> {
    fn kind(&self) -> ModelKind {
        self.kind
    }
}

/// A one-layer baseline language model: token input, recurrent layer over every step,
/// `Linear(hidden -> vocabulary)`. Maps ids `[B, T]` to logits `[B, T, vocabulary]`.
#[derive(Debug)]
pub struct RecurrentLanguageModel<C: RecurrentCell<f32>> {
    kind: ModelKind,
    input: TokenInput,
    recurrent: Recurrent<f32, C>,
    head: Linear<f32>,
}

impl<C: RecurrentCell<f32>> RecurrentLanguageModel<C> {
    /// Builds the model; `embedding_dim` `None` feeds the raw id as one feature.
    ///
    /// # Errors
    /// [`EngramError::InvalidConfig`] for a zero size.
    pub fn new(
        kind: ModelKind,
        vocabulary: usize,
        embedding_dim: Option<usize>,
        hidden_size: usize,
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
        let recurrent = Recurrent::new(
            &RecurrentConfig {
                input_size: input.width(),
                hidden_size,
                output: RecurrentOutput::Sequence,
                ..RecurrentConfig::default()
            },
            rng,
        )?;
        let head_config = LinearConfig {
            in_features: hidden_size,
            out_features: vocabulary,
            ..LinearConfig::default()
        };
        let head = Linear::new(&head_config, rng)?;
        Ok(RecurrentLanguageModel {
            kind,
            input,
            recurrent,
            head,
        })
    }
}

impl<C: RecurrentCell<f32>> Module<f32> for RecurrentLanguageModel<C> {
    fn forward(&self, tape: &Tape<f32>, ids: &Var<f32>) -> nn::Result<Var<f32>> {
        let features = self.input.forward(tape, ids)?;
        let outputs = self.recurrent.forward(tape, &features)?;
        self.head.forward(tape, &outputs)
    }

    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<f32>)>) {
        self.input.collect_params(prefix, out);
        self.recurrent
            .collect_params(&join_name(prefix, "recurrent"), out);
        self.head.collect_params(&join_name(prefix, "head"), out);
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<f32>)>,
    ) {
        self.input.collect_params_mut(prefix, out);
        self.recurrent
            .collect_params_mut(&join_name(prefix, "recurrent"), out);
        self.head
            .collect_params_mut(&join_name(prefix, "head"), out);
    }
}

impl<C: RecurrentCell<f32>> SequenceModel for RecurrentLanguageModel<C> {
    fn kind(&self) -> ModelKind {
        self.kind
    }

    fn forward_carried(
        &self,
        tape: &Tape<f32>,
        ids: &Var<f32>,
        state: &mut Option<CarriedState>,
    ) -> Result<Var<f32>> {
        let features = self.input.forward(tape, ids)?;
        let batch = features.shape()[0];
        let initial = state
            .as_ref()
            .filter(|carried| carried.batch() == Some(batch))
            .map(|carried| cell_states(tape, carried));
        let (outputs, finals) =
            self.recurrent
                .forward_with_state(tape, &features, initial.as_deref())?;

        let mut parts = Vec::with_capacity(2);
        for layer in &finals {
            parts.push(layer.h.value().clone());
            if let Some(c) = &layer.c {
                parts.push(c.value().clone());
            }
        }
        *state = Some(CarriedState::new(parts));
        Ok(self.head.forward(tape, &outputs)?)
    }
}

/// Turns the carried parts of a one-layer recurrent model (`[h]` or `[h, c]`) back into the
/// layer's initial state, as constants.
fn cell_states(tape: &Tape<f32>, carried: &CarriedState) -> Vec<CellState<f32>> {
    let parts = carried.parts();
    vec![CellState {
        h: tape.constant(parts[0].clone()),
        c: parts.get(1).map(|c| tape.constant(c.clone())),
    }]
}
