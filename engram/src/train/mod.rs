//! The training loop behind the `enn` tool: data by name, training, evaluation, checkpoints and
//! result files.
//!
//! The pieces, in the order a run uses them:
//!
//! - `names.rs`: the models (`enn`, `rnn`, `gru`, `lstm`) and data sets the tool knows.
//! - `results.rs`: per-epoch records ([`EpochRecord`]) and the summary figures of the
//!   comparison table.
//! - `report.rs`: `results.json`, `results.csv` and the Markdown table.
//! - `atomic.rs`: every file is written to a temporary name and renamed, so a crash never leaves
//!   a half-written checkpoint or report.
//!
//! The library does not log to the terminal by itself beyond the `log` facade; the binary sets up
//! the logger and the progress bars.

mod atomic;
mod error;
mod names;
mod report;
mod results;

pub use atomic::write_atomic;
pub use error::{Result, TrainError};
pub use names::{DatasetName, ModelName, TaskKind};
pub use report::{csv, markdown_table, write_reports, ReportFiles, CSV_HEADER};
pub use results::{EpochRecord, ModelRun, RunReport, RunSettings, RunStatus};
