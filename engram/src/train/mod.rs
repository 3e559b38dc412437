//! The training loop behind the `enn` tool: data by name, training, evaluation, checkpoints and
//! result files.
//!
//! The pieces, in the order a run uses them:
//!
//! - `names.rs`: the models (`enn`, `rnn`, `gru`, `lstm`) and data sets the tool knows.
//! - `data.rs`: loads a data set by name into training and evaluation splits ([`TaskData`]).
//! - `results.rs`: per-epoch records ([`EpochRecord`]) and the summary figures of the
//!   comparison table.
//! - `report.rs`: `results.json`, `results.csv` and the Markdown table.
//! - `plot.rs`: the learning-curve picture (PNG).
//! Every file is written to a temporary name and renamed ([`crate::write_atomic`]), so a crash
//! never leaves a half-written checkpoint or report.
//!
//! The library does not log to the terminal by itself beyond the `log` facade; the binary sets up
//! the logger and the progress bars.

mod data;
mod error;
mod names;
mod plot;
mod report;
mod results;

pub use data::{
    load as load_data, DataOptions, SequenceData, TaskData, SYNTHETIC_EVAL_EXAMPLES,
    SYNTHETIC_TRAIN_EXAMPLES,
};
pub use error::{Result, TrainError};
pub use names::{DatasetName, ModelName, TaskKind};
pub use plot::{learning_curves, write_learning_curves};
pub use report::{csv, markdown_table, write_reports, ReportFiles, CSV_HEADER};
pub use results::{EpochRecord, ModelRun, RunReport, RunSettings, RunStatus};
