//! Per-epoch records of a training run and the summary figures of the comparison table.
//!
//! A [`RunReport`] is what `results.json` holds: the settings, and for every model every epoch's
//! training loss, evaluation loss, evaluation metric (accuracy for classification, perplexity for
//! language modelling) and timings. `report.rs` turns it into CSV and a Markdown table.

use serde::{Deserialize, Serialize};

use super::names::{DatasetName, ModelName, TaskKind, TokenInputKind};

/// The figures of one epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// Epoch number, counted from 1.
    pub epoch: usize,
    /// Mean training loss over the epoch's steps (cross-entropy, nats).
    pub train_loss: f64,
    /// Mean evaluation loss (cross-entropy, nats per example or per token).
    pub eval_loss: f64,
    /// Evaluation accuracy in [0, 1] (classification only).
    pub eval_accuracy: Option<f64>,
    /// Evaluation perplexity, exp(eval_loss) (language modelling only).
    pub eval_perplexity: Option<f64>,
    /// Training examples (sequences) seen in the epoch.
    pub train_examples: usize,
    /// Seconds spent on training steps, without evaluation.
    pub train_seconds: f64,
    /// Seconds for the whole epoch: training, evaluation and checkpoint.
    pub wall_seconds: f64,
}

impl EpochRecord {
    /// The evaluation metric of the task: accuracy or perplexity.
    pub fn metric(&self, task: TaskKind) -> Option<f64> {
        match task {
            TaskKind::Classification => self.eval_accuracy,
            TaskKind::LanguageModel => self.eval_perplexity,
        }
    }
}

/// How a model's run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "message")]
pub enum RunStatus {
    /// Every requested epoch ran.
    Completed,
    /// Ctrl-C stopped the run after a saved step.
    Interrupted,
    /// An error stopped the run, and the message names it.
    Failed(String),
}

/// Every epoch of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRun {
    /// Model name.
    pub model: ModelName,
    /// Number of trainable scalar parameters.
    pub trainable_parameters: usize,
    /// One record per finished epoch.
    pub epochs: Vec<EpochRecord>,
    /// How the run ended.
    pub status: RunStatus,
}

impl ModelRun {
    /// Mean training seconds per epoch, evaluation excluded; `None` before the first epoch.
    pub fn seconds_per_epoch(&self) -> Option<f64> {
        let count = self.epochs.len();
        let total: f64 = self.epochs.iter().map(|e| e.train_seconds).sum();
        (count > 0).then(|| total / count as f64)
    }

    /// Training examples per second over all epochs.
    pub fn examples_per_second(&self) -> Option<f64> {
        let examples: usize = self.epochs.iter().map(|e| e.train_examples).sum();
        let seconds: f64 = self.epochs.iter().map(|e| e.train_seconds).sum();
        (seconds > 0.0).then(|| examples as f64 / seconds)
    }

    /// Training loss of the last epoch.
    pub fn final_train_loss(&self) -> Option<f64> {
        self.epochs.last().map(|e| e.train_loss)
    }

    /// The epoch with the best evaluation metric: highest accuracy or lowest perplexity. The
    /// earliest epoch wins ties.
    pub fn best_epoch(&self, task: TaskKind) -> Option<&EpochRecord> {
        let mut best: Option<(&EpochRecord, f64)> = None;
        for record in &self.epochs {
            let Some(value) = record.metric(task) else {
                continue;
            };
            let better = match best {
                None => true,
                Some((_, current)) => match task {
                    TaskKind::Classification => value > current,
                    TaskKind::LanguageModel => value < current,
                },
            };
            if better {
                best = Some((record, value));
            }
        }
        best.map(|(record, _)| record)
    }
}

/// The settings shared by every model of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// Data set.
    pub dataset: DatasetName,
    /// Classification or language modelling.
    pub task: TaskKind,
    /// Training examples per epoch.
    pub train_examples: usize,
    /// Evaluation examples.
    pub eval_examples: usize,
    /// Requested epochs.
    pub epochs: usize,
    /// Examples per mini-batch.
    pub batch_size: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Global gradient-norm clip; 0 means off.
    pub clip_norm: f64,
    /// Hidden units.
    pub hidden: usize,
    /// ENN memory slots.
    pub memory: usize,
    /// Random seed.
    pub seed: u64,
    /// Token input of the language models. Reports written before this field existed used an
    /// embedding.
    #[serde(default)]
    pub token_input: TokenInputKind,
}

/// The content of `results.json`: the settings and every model's epochs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// Shared settings.
    pub settings: RunSettings,
    /// One entry per model, in training order.
    pub runs: Vec<ModelRun>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(epoch: usize, accuracy: f64, perplexity: f64) -> EpochRecord {
        EpochRecord {
            epoch,
            train_loss: 1.0 / epoch as f64,
            eval_loss: 0.5,
            eval_accuracy: Some(accuracy),
            eval_perplexity: Some(perplexity),
            train_examples: 100,
            train_seconds: 2.0 * epoch as f64,
            wall_seconds: 3.0,
        }
    }

    fn run() -> ModelRun {
        ModelRun {
            model: ModelName::Gru,
            trainable_parameters: 10,
            epochs: vec![
                record(1, 0.5, 30.0),
                record(2, 0.8, 20.0),
                record(3, 0.8, 25.0),
            ],
            status: RunStatus::Completed,
        }
    }

    #[test]
    fn summary_figures() {
        let run = run();
        // Train seconds 2 + 4 + 6 = 12 over 3 epochs; 300 examples in 12 s.
        assert_eq!(run.seconds_per_epoch(), Some(4.0));
        assert_eq!(run.examples_per_second(), Some(25.0));
        assert_eq!(run.final_train_loss(), Some(1.0 / 3.0));
    }

    #[test]
    fn best_epoch_per_task() {
        let run = run();
        // Accuracy ties at 0.8 between epochs 2 and 3: the earlier wins.
        assert_eq!(run.best_epoch(TaskKind::Classification).unwrap().epoch, 2);
        assert_eq!(run.best_epoch(TaskKind::LanguageModel).unwrap().epoch, 2);
    }

    #[test]
    fn empty_run_has_no_summary() {
        let mut run = run();
        run.epochs.clear();
        assert_eq!(run.seconds_per_epoch(), None);
        assert_eq!(run.examples_per_second(), None);
        assert!(run.best_epoch(TaskKind::Classification).is_none());
    }
}
