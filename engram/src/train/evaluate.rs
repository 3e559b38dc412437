//! Evaluation: mean cross-entropy, accuracy and perplexity of a model on the evaluation split.

use autodiff::Tape;
use tensor::Tensor;

use super::batches::{eval_batches, step_seed};
use super::data::TaskData;
use super::error::{Result, TrainError};
use super::loss::loss_and_correct;
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
    model.set_training(false);
    // A fixed seed, so that every evaluation of the same weights gives the same figures.
    model.reseed(step_seed(seed, usize::MAX, 0));
    let mut loss_sum = 0.0;
    let mut correct = 0;
    let mut targets = 0;

    for batch in eval_batches(data, batch_size, bptt)? {
        let batch = batch?;
        tape.clear();
        let logits = tape.no_grad(|| -> Result<Tensor<f32>> {
            let input = tape.constant(batch.inputs.clone());
            let logits = model.forward(&tape, &input)?;
            Ok(logits.value().clone())
        })?;
        let logits = flatten_logits(&logits)?;
        let (batch_loss, batch_correct) = loss_and_correct(&logits, &batch.targets)?;
        loss_sum += batch_loss;
        correct += batch_correct;
        targets += batch.targets.len();
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

/// Turns `[batch, time, classes]` logits into `[batch * time, classes]`; leaves 2-D logits as
/// they are.
///
/// # Errors
/// [`TrainError::InvalidInput`] for logits of another rank.
pub fn flatten_logits(logits: &Tensor<f32>) -> Result<Tensor<f32>> {
    match logits.shape() {
        [_, _] => Ok(logits.clone()),
        [batch, time, classes] => Ok(logits.reshape(&[(batch * time) as isize, *classes as isize])?),
        shape => Err(TrainError::InvalidInput {
            op: "evaluate",
            message: format!(
                "a model must return [batch, classes] or [batch, time, classes] logits, got {shape:?}"
            ),
        }),
    }
}
