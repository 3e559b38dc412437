//! The training loop: epochs of shuffled seeded batches, Adam with global-norm clipping, an
//! evaluation and a checkpoint after every epoch, resume, NaN detection and Ctrl-C.
//!
//! Language models carry their final state, detached, from one batch into the next batch of
//! the same epoch (truncated backpropagation through time, as PyTorch's word-level language
//! model example does). Every epoch and every evaluation starts from a fresh state.
//!
//! One step: clear the tape, run the model, take the mean cross-entropy, stop if it is NaN or
//! infinite, back-propagate, clip the gradients to `clip_norm` (stop if their norm is not
//! finite), and let Adam update the parameters. Nothing is saved when a step fails, so the last
//! checkpoint stays the last good state.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use autodiff::Tape;
use nn::{Adam, AdamConfig, NnError, Optimizer, ParamGrad};
use tensor::{Device, Tensor};

use crate::models::CarriedState;

use super::batches::{step_seed, steps_per_epoch, train_batches, StepBatch};
use super::checkpoint::{load_checkpoint, save_checkpoint, PartialEpoch, TrainingState};
use super::data::TaskData;
use super::error::{Result, TrainError};
use super::evaluate::evaluate;
use super::model::{load_parameters, ModelSpec, TrainModel};
use super::monitoring::EpochMonitor;
use super::names::{DatasetName, TaskKind};
use super::results::{EpochRecord, ModelRun, RunStatus};

/// How to train: the optimisation settings and where the checkpoint goes.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainSettings {
    /// Epochs to reach (a resumed run continues up to this number).
    pub epochs: usize,
    /// Examples (rows of tokens for language modelling) per mini-batch.
    pub batch_size: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Maximum global gradient norm; 0 turns clipping off.
    pub clip_norm: f64,
    /// Seed of the batch order, dropout, noise and initial states.
    pub seed: u64,
    /// Tokens per sequence for language modelling.
    pub bptt: usize,
    /// Checkpoint written after every epoch; `None` writes nothing.
    pub checkpoint: Option<PathBuf>,
    /// Continue from `checkpoint` instead of starting over.
    pub resume: bool,
    /// Folder for the ENN memory statistics and pictures; `None` skips monitoring.
    pub monitor_dir: Option<PathBuf>,
    /// Directory the data was read from, recorded in the checkpoint for `enn eval` and
    /// `enn trace`; `None` for generated data.
    pub data_dir: Option<PathBuf>,
    /// Split trained on, recorded in the checkpoint likewise.
    pub train_split: String,
    /// Device of the model, the batches and the optimizer state during training.
    pub device: Device,
}

/// Receives progress reports; the command-line tool draws progress bars from them.
pub trait TrainObserver {
    /// Reports the start of an epoch (counted from 1) of `steps` steps; `first_step` is above 1
    /// after a resume.
    fn epoch_started(&mut self, _epoch: usize, _epochs: usize, _first_step: usize, _steps: usize) {}
    /// Reports a finished step with its mean loss over `examples` targets.
    fn step_finished(&mut self, _step: usize, _loss: f64, _examples: usize) {}
    /// Reports a finished epoch.
    fn epoch_finished(&mut self, _record: &EpochRecord) {}
}

/// An observer that ignores every report.
#[derive(Debug, Clone, Copy, Default)]
pub struct SilentObserver;

impl TrainObserver for SilentObserver {}

/// The result of [`train_model`]: the epochs that ran, and the error that stopped the run early.
#[derive(Debug)]
pub struct TrainOutcome {
    /// Every finished epoch; `status` records how the run ended.
    pub run: ModelRun,
    /// The error behind [`RunStatus::Failed`].
    pub error: Option<TrainError>,
}

/// Trains `model` on `data`, evaluating and checkpointing after every epoch.
///
/// Checks `stop` after every step: when it is set, the run saves a checkpoint of the steps done
/// so far and returns with [`RunStatus::Interrupted`].
///
/// # Errors
/// Setup errors: an invalid setting, or a checkpoint that cannot be resumed. Errors during
/// training (a NaN loss, a failed write) end the run with [`RunStatus::Failed`] in the outcome.
pub fn train_model(
    model: &mut dyn TrainModel,
    spec: &ModelSpec,
    dataset: DatasetName,
    data: &TaskData,
    settings: &TrainSettings,
    observer: &mut dyn TrainObserver,
    stop: &AtomicBool,
) -> Result<TrainOutcome> {
    let mut optimizer = Adam::new(AdamConfig {
        lr: settings.lr,
        ..AdamConfig::default()
    })?;
    let mut state = TrainingState {
        data_dir: settings.data_dir.clone(),
        train_split: settings.train_split.clone(),
        spec: *spec,
        dataset,
        batch_size: settings.batch_size,
        lr: settings.lr,
        clip_norm: settings.clip_norm,
        bptt: settings.bptt,
        epochs_done: 0,
        partial: PartialEpoch::default(),
        history: Vec::new(),
    };
    if settings.resume {
        state = resume(model, &mut optimizer, &state, settings)?;
    }
    // After a resume, so that the loaded values move too; the optimizer moves its loaded
    // state to each parameter's device on the first step.
    model.to_device(&settings.device)?;

    let mut loop_state = Loop {
        model,
        optimizer,
        data,
        settings,
        observer,
        stop,
        monitor: EpochMonitor::new(settings.monitor_dir.as_deref(), data)?,
        state,
    };
    let (status, error) = match loop_state.run() {
        Ok(status) => (status, None),
        Err(error) => (RunStatus::Failed(error.to_string()), Some(error)),
    };
    let trainable_parameters = loop_state.model.num_parameters();
    Ok(TrainOutcome {
        run: ModelRun {
            model: spec.model,
            trainable_parameters,
            epochs: loop_state.state.history,
            status,
        },
        error,
    })
}

/// Loads the checkpoint into `model` and `optimizer` after checking that it belongs to the
/// requested run, and returns its state.
fn resume(
    model: &mut dyn TrainModel,
    optimizer: &mut Adam,
    requested: &TrainingState,
    settings: &TrainSettings,
) -> Result<TrainingState> {
    let Some(path) = &settings.checkpoint else {
        return Err(TrainError::InvalidOption {
            option: "--resume",
            value: "set".to_owned(),
            reason: "resuming needs a checkpoint file".to_owned(),
        });
    };
    if !path.is_file() {
        return Err(TrainError::Checkpoint {
            path: path.clone(),
            message: "file not found, so there is nothing to resume; run without --resume first"
                .to_owned(),
        });
    }
    let loaded = load_checkpoint(path)?;
    let found = &loaded.state;
    let mut differences = Vec::new();
    if found.spec != requested.spec {
        differences.push(format!(
            "model {:?}, requested {:?}",
            found.spec, requested.spec
        ));
    }
    if found.dataset != requested.dataset {
        differences.push(format!(
            "data set {}, requested {}",
            found.dataset, requested.dataset
        ));
    }
    if (found.batch_size, found.bptt) != (requested.batch_size, requested.bptt) {
        differences.push(format!(
            "batch size {} and bptt {}, requested {} and {}",
            found.batch_size, found.bptt, requested.batch_size, requested.bptt
        ));
    }
    if !differences.is_empty() {
        return Err(TrainError::Checkpoint {
            path: path.clone(),
            message: format!(
                "it was written by a different run ({}); use the same options or start over",
                differences.join("; ")
            ),
        });
    }
    if (found.lr, found.clip_norm) != (requested.lr, requested.clip_norm) {
        log::warn!(
            "resuming with learning rate {} and clip norm {} instead of the checkpoint's {} and {}",
            requested.lr,
            requested.clip_norm,
            found.lr,
            found.clip_norm
        );
    }

    load_parameters(model, &loaded.parameters)?;
    optimizer.load_state_dict(&loaded.optimizer)?;
    optimizer.set_learning_rate(requested.lr);
    log::info!(
        "resuming {} from {} after {} epochs and {} steps",
        found.spec.model,
        path.display(),
        found.epochs_done,
        found.partial.steps
    );
    Ok(TrainingState {
        lr: requested.lr,
        clip_norm: requested.clip_norm,
        data_dir: requested.data_dir.clone(),
        train_split: requested.train_split.clone(),
        ..loaded.state
    })
}

/// The loop's working state.
struct Loop<'a> {
    model: &'a mut dyn TrainModel,
    optimizer: Adam,
    data: &'a TaskData,
    settings: &'a TrainSettings,
    observer: &'a mut dyn TrainObserver,
    stop: &'a AtomicBool,
    monitor: Option<EpochMonitor>,
    state: TrainingState,
}

impl Loop<'_> {
    fn run(&mut self) -> Result<RunStatus> {
        let tape = Tape::new();
        let steps = steps_per_epoch(self.data, self.settings.batch_size, self.settings.bptt);
        while self.state.epochs_done < self.settings.epochs {
            let epoch_start = Instant::now();
            // Seconds of this epoch's steps that ran before a resume.
            let carried_seconds = self.state.partial.seconds;
            let epoch = self.state.epochs_done + 1;
            let first_step = self.state.partial.steps + 1;
            self.observer
                .epoch_started(epoch, self.settings.epochs, first_step, steps);

            self.model.set_training(true);
            let batches = train_batches(
                self.data,
                self.settings.batch_size,
                self.settings.bptt,
                self.settings.seed,
                epoch - 1,
            )?;
            // Language models carry their state from batch to batch within the epoch.
            // NOTE: a run resumed in the middle of an epoch starts its first batch from a fresh
            // state, so for language modelling it ends close to, not exactly at, the result of
            // an uninterrupted run.
            let mut carried = None;
            for (index, batch) in batches.enumerate().skip(self.state.partial.steps) {
                let step_start = Instant::now();
                let batch = batch?;
                let loss = self.step(&tape, &batch, &mut carried, epoch, index + 1)?;
                let partial = &mut self.state.partial;
                partial.steps += 1;
                partial.loss_sum += loss * batch.targets.len() as f64;
                partial.examples += batch.targets.len();
                partial.seconds += step_start.elapsed().as_secs_f64();
                self.observer
                    .step_finished(index + 1, loss, batch.targets.len());

                if self.stop.load(Ordering::SeqCst) {
                    log::warn!("interrupted at epoch {epoch}, step {}", index + 1);
                    self.save()?;
                    return Ok(RunStatus::Interrupted);
                }
            }

            let wall_seconds = carried_seconds + epoch_start.elapsed().as_secs_f64();
            let record = self.finish_epoch(epoch, wall_seconds)?;
            self.observer.epoch_finished(&record);
            self.save()?;
        }
        Ok(RunStatus::Completed)
    }

    /// Runs one training step and returns its loss.
    fn step(
        &mut self,
        tape: &Tape<f32>,
        batch: &StepBatch,
        carried: &mut Option<CarriedState>,
        epoch: usize,
        step: usize,
    ) -> Result<f64> {
        self.model
            .reseed(step_seed(self.settings.seed, epoch, step));
        tape.clear();
        let input = tape.constant(batch.inputs.to_device(&self.settings.device)?);
        let logits = match self.state.spec.task {
            TaskKind::LanguageModel => self.model.forward_carried(tape, &input, carried)?,
            TaskKind::Classification => self.model.forward(tape, &input)?,
        };
        // Language-model logits [batch, time, vocabulary] give one row per target token.
        let loss = nn::cross_entropy(&logits, &batch.targets, &Default::default())?;
        let loss_value = f64::from(loss.value().to_scalar()?);
        if !loss_value.is_finite() {
            return Err(TrainError::NonFiniteLoss {
                model: self.state.spec.model.to_string(),
                epoch,
                step,
                loss: loss_value,
            });
        }

        let gradients = tape.backward(&loss)?;
        let mut params: Vec<ParamGrad<'_, f32>> = self
            .model
            .parameters_mut()
            .into_iter()
            .map(|slot| {
                let grad = gradients
                    .get_key(slot.key)
                    .cloned()
                    // A parameter the forward pass did not use has a zero gradient.
                    .map_or_else(
                        || Tensor::zeros_on(slot.value.shape(), &slot.value.device()),
                        Ok,
                    )?;
                Ok(ParamGrad {
                    name: slot.name,
                    value: slot.value,
                    grad,
                })
            })
            .collect::<Result<_>>()?;
        let norm = if self.settings.clip_norm > 0.0 {
            nn::optim::clip_grad_norm(&mut params, self.settings.clip_norm)
        } else {
            Ok(nn::optim::global_grad_norm(&params))
        };
        let norm = match norm {
            Ok(norm) if norm.is_finite() => norm,
            Ok(norm) | Err(NnError::NonFiniteGradient { norm, .. }) => {
                return Err(TrainError::NonFiniteGradient {
                    model: self.state.spec.model.to_string(),
                    epoch,
                    step,
                    norm,
                })
            }
            Err(other) => return Err(other.into()),
        };
        log::trace!("epoch {epoch} step {step}: loss {loss_value:.5}, gradient norm {norm:.4}");
        self.optimizer.step(&mut params)?;
        Ok(loss_value)
    }

    /// Evaluates, records the monitor's statistics and returns the epoch's record.
    /// `wall_seconds` covers the training steps; the evaluation's time is added here.
    fn finish_epoch(&mut self, epoch: usize, wall_seconds: f64) -> Result<EpochRecord> {
        let eval_start = Instant::now();
        let settings = self.settings;
        let evaluation = evaluate(
            &mut *self.model,
            self.data,
            settings.batch_size,
            settings.bptt,
            settings.seed,
        )?;
        if let Some(monitor) = &mut self.monitor {
            monitor.record(&mut *self.model, epoch)?;
        }

        let partial = std::mem::take(&mut self.state.partial);
        let task = self.state.spec.task;
        let record = EpochRecord {
            epoch,
            train_loss: partial.loss_sum / partial.examples.max(1) as f64,
            eval_loss: evaluation.loss,
            eval_accuracy: (task == TaskKind::Classification).then_some(evaluation.accuracy),
            eval_perplexity: (task == TaskKind::LanguageModel).then_some(evaluation.perplexity),
            train_examples: partial.examples,
            train_seconds: partial.seconds,
            wall_seconds: wall_seconds + eval_start.elapsed().as_secs_f64(),
        };
        self.state.history.push(record.clone());
        self.state.epochs_done = epoch;
        Ok(record)
    }

    /// Writes the checkpoint, if the run has one.
    fn save(&mut self) -> Result<()> {
        let Some(path) = &self.settings.checkpoint else {
            return Ok(());
        };
        save_checkpoint(path, &self.state, self.model, &self.optimizer)?;
        log::debug!("checkpoint written to {}", path.display());
        Ok(())
    }
}
