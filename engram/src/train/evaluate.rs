//! Evaluation: mean cross-entropy, accuracy and perplexity of a model on the evaluation split.

use autodiff::Tape;

use super::batches::{eval_batches, step_seed};
use super::data::TaskData;
use super::error::{Result, TrainError};
use super::model::TrainModel;

/// The figures of one evaluation pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    /// Mean cross-entropy per target (nats).
    pub loss: f64,
    /// Fraction of targets predicted correctly.
    pub accuracy: f64,
    /// exp(loss): the language-modelling figure.
    pub perplexity: f64,
    /// Number of targets (examples, or tokens for language modelling).
    pub targets: usize,
}

/// Evaluates `model` on the evaluation split of `data` in evaluation mode (dropout off), and
/// leaves it in evaluation mode.
///
/// # Errors
/// [`TrainError::Data`] for an empty evaluation split, and errors of the forward pass.
pub fn evaluate(
    model: &mut dyn TrainModel,
    data: &TaskData,
    batch_size: usize,
    bptt: usize,
    seed: u64,
) -> Result<Evaluation> {
    let tape = Tape::new();
    let device = model.device();
    model.set_training(false);
    // A fixed seed, so that every evaluation of the same weights gives the same figures.
    model.reseed(step_seed(seed, usize::MAX, 0));
    let mut loss_sum = 0.0;
    let mut correct = 0;
    let mut targets = 0;

    // Language-model batches continue the rows of the previous batch, so the state carries over.
    let mut carried = None;
    let carry = matches!(data, TaskData::LanguageModel { .. });
    for batch in eval_batches(data, batch_size, bptt)? {
        let batch = batch?;
        tape.clear();
        let (batch_loss, batch_accuracy) = tape.no_grad(|| -> Result<(f64, f64)> {
            let input = tape.constant(batch.inputs.to_device(&device)?);
            let logits = if carry {
                model.forward_carried(&tape, &input, &mut carried)?
            } else {
                model.forward(&tape, &input)?
            };
            let loss = nn::cross_entropy(&logits, &batch.targets, &Default::default())?;
            let accuracy = nn::accuracy(logits.value(), &batch.targets, None)?;
            Ok((f64::from(loss.value().to_scalar()?), accuracy))
        })?;
        let count = batch.targets.len();
        loss_sum += batch_loss * count as f64;
        // The fraction times the count is a whole number up to rounding.
        correct += (batch_accuracy * count as f64).round() as usize;
        targets += count;
    }

    if targets == 0 {
        return Err(TrainError::Data {
            dataset: "evaluation",
            message: "the evaluation split has no examples; check --limit-eval and --holdout"
                .to_owned(),
        });
    }
    let loss = loss_sum / targets as f64;
    Ok(Evaluation {
        loss,
        accuracy: correct as f64 / targets as f64,
        perplexity: loss.exp(),
        targets,
    })
}
