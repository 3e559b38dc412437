//! The training loop behind the `enn` tool: data by name, training, evaluation, checkpoints and
//! result files.
//!
//! The pieces, in the order a run uses them:
//!
//! - `names.rs`: the models (`enn`, `rnn`, `gru`, `lstm`) and data sets the tool supports.
//! - `data.rs`: loads a data set by name into training and evaluation splits ([`TaskData`]);
//!   `batches.rs` cuts them into mini-batches and derives each step's random generator.
//! - `model.rs`: [`TrainModel`], what the loop needs from a model, and [`ModelSpec`].
//! - `trainer.rs`: [`train_model`], the loop itself (Adam, clipping, NaN checks, Ctrl-C);
//!   `evaluate.rs` computes cross-entropy, accuracy and perplexity (the loss is
//!   `nn::cross_entropy`).
//! - `checkpoint.rs`: model, optimizer, progress and history in one safetensors file, enough
//!   to resume and reach the same result as an uninterrupted run.
//! - `monitoring.rs`: the ENN memory statistics after every epoch.
//! - `results.rs`: per-epoch records ([`EpochRecord`]) and the summary figures of the
//!   comparison table; `report.rs` writes `results.json`, `results.csv` and the Markdown
//!   table; `plot.rs` draws the learning curves.
//!
//! Every file is written to a temporary name and renamed ([`crate::write_atomic`] and
//! `nn::save_safetensors`), so a crash never leaves a half-written checkpoint or report.
//! The library reports through the `log` facade only; the binary sets up the logger and draws
//! the progress bars.

mod batches;
mod checkpoint;
mod data;
mod error;
mod evaluate;
mod model;
mod monitoring;
mod names;
mod plot;
mod report;
mod results;
mod trainer;

pub use batches::{step_seed, steps_per_epoch, StepBatch};
pub use checkpoint::{
    load_checkpoint, save_checkpoint, LoadedCheckpoint, PartialEpoch, TrainingState, DATASETS,
    TASKS,
};
pub use data::{
    load as load_data, DataOptions, SequenceData, TaskData, SYNTHETIC_EVAL_EXAMPLES,
    SYNTHETIC_TRAIN_EXAMPLES,
};
pub use error::{Result, TrainError};
pub use evaluate::{evaluate, Evaluation};
pub use model::{build_model, load_parameters, FactoryModel, ModelSpec, ParamSlot, TrainModel};
pub use monitoring::{EpochMonitor, MONITOR_EXAMPLES, MONITOR_TOP_K};
pub use names::{DatasetName, ModelName, TaskKind, TokenInputKind};
pub use plot::{learning_curves, write_learning_curves};
pub use report::{csv, markdown_table, write_reports, ReportFiles, CSV_HEADER};
pub use results::{EpochRecord, ModelRun, RunReport, RunSettings, RunStatus};
pub use trainer::{train_model, SilentObserver, TrainObserver, TrainOutcome, TrainSettings};

#[cfg(test)]
mod trainer_tests;
