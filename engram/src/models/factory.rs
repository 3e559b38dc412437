//! [`build_model`]: any model by name from one [`ModelConfig`]. "The paper" below is
//! Szelogowski, "Hebbian Memory-Augmented Recurrent Networks: Engram Neurons in Deep Learning",
//! arXiv 2507.21474.

use nn::rnn::{GruCell, LstmCell, RnnCell};
use rand::rngs::StdRng;
use rand::SeedableRng;

use super::baselines::{FIRST_HIDDEN, SECOND_HIDDEN};
use super::{
    EnnClassifier, EnnLanguageModel, ModelKind, RecurrentClassifier, RecurrentLanguageModel,
    SequenceModel,
};
use crate::{EngramConfig, Result};

/// The task a model is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Sequences `[B, T, input_size]` to one of `classes` labels.
    Classification {
        /// Number of classes.
        classes: usize,
    },
    /// Token ids `[B, T]` to next-token logits `[B, T, vocabulary]`.
    LanguageModel {
        /// Vocabulary size.
        vocabulary: usize,
        /// Embedding width; `None` feeds the raw id as one float feature (the paper's setup).
        embedding_dim: Option<usize>,
    },
}

/// Hyper-parameters of every model kind.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelConfig {
    /// The task and its sizes.
    pub task: Task,
    /// The ENN settings; `input_size` and `hidden_size` also size the baselines' input and
    /// language-model hidden layer.
    pub enn: EngramConfig,
    /// Attention pooling over time in the ENN classifier instead of the last output.
    pub attention_pooling: bool,
    /// Hidden sizes of the two baseline classifier layers (default 128 and 64).
    pub baseline_hidden: (usize, usize),
    /// Seed of the weights, dropout masks, initial states and noise.
    pub seed: u64,
}

impl ModelConfig {
    /// The paper's MNIST classifier configuration: rows of 28 pixels as 28 steps, 10 classes,
    /// ENN defaults.
    pub fn mnist() -> Self {
        ModelConfig {
            task: Task::Classification { classes: 10 },
            enn: EngramConfig::default(),
            attention_pooling: false,
            baseline_hidden: (FIRST_HIDDEN, SECOND_HIDDEN),
            seed: 0,
        }
    }
}

/// Builds the model `kind` for `config`.
///
/// # Errors
/// [`crate::EngramError::InvalidConfig`] for an invalid configuration.
pub fn build_model(kind: ModelKind, config: &ModelConfig) -> Result<Box<dyn SequenceModel>> {
    let mut rng = StdRng::seed_from_u64(config.seed);
    let input_size = config.enn.input_size;
    let model: Box<dyn SequenceModel> = match config.task {
        Task::Classification { classes } => {
            let hidden = config.baseline_hidden;
            match kind {
                ModelKind::Enn => Box::new(EnnClassifier::new(
                    &config.enn,
                    classes,
                    config.attention_pooling,
                    &mut rng,
                )?),
                ModelKind::Rnn => Box::new(RecurrentClassifier::<RnnCell<f32>>::new(
                    kind, input_size, hidden, classes, &mut rng,
                )?),
                ModelKind::Gru => Box::new(RecurrentClassifier::<GruCell<f32>>::new(
                    kind, input_size, hidden, classes, &mut rng,
                )?),
                ModelKind::Lstm => Box::new(RecurrentClassifier::<LstmCell<f32>>::new(
                    kind, input_size, hidden, classes, &mut rng,
                )?),
            }
        }
        Task::LanguageModel {
            vocabulary,
            embedding_dim,
        } => {
            let hidden = config.enn.hidden_size;
            match kind {
                ModelKind::Enn => Box::new(EnnLanguageModel::new(
                    &config.enn,
                    vocabulary,
                    embedding_dim,
                    &mut rng,
                )?),
                ModelKind::Rnn => Box::new(RecurrentLanguageModel::<RnnCell<f32>>::new(
                    kind,
                    vocabulary,
                    embedding_dim,
                    hidden,
                    &mut rng,
                )?),
                ModelKind::Gru => Box::new(RecurrentLanguageModel::<GruCell<f32>>::new(
                    kind,
                    vocabulary,
                    embedding_dim,
                    hidden,
                    &mut rng,
                )?),
                ModelKind::Lstm => Box::new(RecurrentLanguageModel::<LstmCell<f32>>::new(
                    kind,
                    vocabulary,
                    embedding_dim,
                    hidden,
                    &mut rng,
                )?),
            }
        }
    };
    Ok(model)
}
