//! Memory monitoring: what the Hebbian trace and the recall attention look like as training goes.
//!
//! At the end of each epoch the training loop runs a fixed monitoring batch through the model
//! and hands the final trace and the attention weights to [`MemoryMonitor::record`] as a
//! [`MemorySnapshot`]. The monitor computes [`TraceStats`] and [`AttentionStats`], keeps them per
//! epoch, and rewrites these files in its output folder:
//!
//! | file | contents |
//! |---|---|
//! | `memory_stats.json` | every epoch's statistics (see [`MonitorReport`]) |
//! | `trace_first.png`, `trace_current.png` | the trace, slots x hidden units, first and latest epoch |
//! | `trace_difference.png` | latest minus first trace, from the second recorded epoch on |
//! | `statistics.png` | the statistics over epochs |
//! | `attention.png` | attention over time steps x slots for the first example of the batch |
//!
//! Every file is written to a temporary name and renamed, so a reader never sees half a file.

mod plots;
mod stats;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tensor::Tensor;

use crate::atomic::write_atomic;
use crate::models::SequenceModel;
use crate::{EngramError, Result};

pub use stats::{AttentionStats, TraceStats, SPARSITY_THRESHOLD};

/// The memory state of a model after a batch.
#[derive(Debug, Clone)]
pub struct MemorySnapshot {
    /// The final Hebbian trace: `[m, h]` when shared by the batch, `[B, m, h]` per sample.
    pub trace: Tensor<f32>,
    /// Recall attention of every step: `[B, T, m]`.
    pub attention: Tensor<f32>,
}

impl MemorySnapshot {
    /// Returns the trace as one `[m, h]` matrix (the first sample's for a per-sample trace), row-major.
    ///
    /// # Errors
    /// [`EngramError::Shape`] when the trace is not of rank 2 or 3 or has no elements.
    pub fn trace_matrix(&self) -> Result<(Vec<f32>, usize, usize)> {
        let shape = self.trace.shape();
        let matrix = match shape.len() {
            2 => self.trace.clone(),
            3 if shape[0] > 0 => self.trace.select(0, 0)?,
            _ => {
                return Err(EngramError::shape(
                    "MemorySnapshot",
                    "[m, h] or [B, m, h]",
                    shape,
                ))
            }
        };
        let (rows, cols) = (matrix.shape()[0], matrix.shape()[1]);
        if rows * cols == 0 {
            return Err(EngramError::shape(
                "MemorySnapshot",
                "a non-empty trace",
                shape,
            ));
        }
        Ok((matrix.to_vec(), rows, cols))
    }

    /// The attention of the first example, `[T, m]`, row-major.
    ///
    /// # Errors
    /// [`EngramError::Shape`] when the attention is not `[B, T, m]` with every size positive.
    pub fn first_attention(&self) -> Result<(Vec<f32>, usize, usize)> {
        let shape = self.attention.shape();
        if shape.len() != 3 || shape.contains(&0) {
            return Err(EngramError::shape(
                "MemorySnapshot",
                "attention [B, T, m]",
                shape,
            ));
        }
        let first = self.attention.select(0, 0)?;
        Ok((first.to_vec(), shape[1], shape[2]))
    }
}

/// The statistics of one epoch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// The epoch number as the training loop counts it.
    pub epoch: usize,
    /// Statistics of every entry of the final trace.
    pub trace: TraceStats,
    /// Statistics of every attention row of the monitoring batch.
    pub attention: AttentionStats,
}

/// The contents of `memory_stats.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitorReport {
    /// `|H|` below this counts as inactive in the sparsity.
    pub sparsity_threshold: f32,
    /// The `k` of the top-k attention mass.
    pub top_k: usize,
    /// One record per recorded epoch, in order.
    pub epochs: Vec<EpochRecord>,
}

/// Records memory statistics per epoch and writes them as JSON and PNG pictures.
#[derive(Debug, Clone)]
pub struct MemoryMonitor {
    out_dir: PathBuf,
    top_k: usize,
    first_trace: Option<(Vec<f32>, usize, usize)>,
    history: Vec<EpochRecord>,
}

impl MemoryMonitor {
    /// Creates a monitor that writes into `out_dir` (created when missing) and measures the
    /// attention mass on the `top_k` largest weights.
    ///
    /// # Errors
    /// [`EngramError::InvalidConfig`] for `top_k == 0`; [`EngramError::Io`] when the folder
    /// cannot be created.
    pub fn new(out_dir: impl Into<PathBuf>, top_k: usize) -> Result<Self> {
        if top_k == 0 {
            return Err(EngramError::config("top_k", 0, "it must be at least 1"));
        }
        let out_dir = out_dir.into();
        std::fs::create_dir_all(&out_dir).map_err(|source| EngramError::Io {
            op: "MemoryMonitor::new",
            path: out_dir.clone(),
            source,
        })?;
        Ok(MemoryMonitor {
            out_dir,
            top_k,
            first_trace: None,
            history: Vec::new(),
        })
    }

    /// The folder the files go to.
    pub fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    /// The records so far, in the order they were made.
    pub fn history(&self) -> &[EpochRecord] {
        &self.history
    }

    /// Computes the statistics of `snapshot`, appends them, and rewrites the JSON and pictures.
    /// The first snapshot recorded becomes the "first epoch" trace of the difference picture.
    ///
    /// # Errors
    /// [`EngramError::Shape`] for a malformed snapshot, a trace whose shape differs from the
    /// first one, or `top_k` larger than the number of slots; I/O and PNG errors from writing.
    pub fn record(&mut self, epoch: usize, snapshot: &MemorySnapshot) -> Result<EpochRecord> {
        let trace_values = snapshot.trace.to_vec();
        let trace = TraceStats::from_values(&trace_values)?;
        let slots = snapshot.attention.shape().last().copied().unwrap_or(0);
        let attention_values = snapshot.attention.to_vec();
        let attention = AttentionStats::from_rows(&attention_values, slots, self.top_k)?;
        let current = snapshot.trace_matrix()?;
        if let Some(first) = &self.first_trace {
            if (first.1, first.2) != (current.1, current.2) {
                let expected = format!(
                    "a trace of {} x {} like the first epoch's",
                    first.1, first.2
                );
                return Err(EngramError::shape(
                    "MemoryMonitor::record",
                    expected,
                    &[current.1, current.2],
                ));
            }
        }
        let record = EpochRecord {
            epoch,
            trace,
            attention,
        };
        self.history.push(record);
        let first = self
            .first_trace
            .get_or_insert_with(|| current.clone())
            .clone();

        self.write_json()?;
        let with_difference = self.history.len() > 1;
        plots::write_trace_pictures(&self.out_dir, &first, &current, with_difference)?;
        plots::write_statistics_picture(&self.out_dir, &self.history)?;
        plots::write_attention_picture(&self.out_dir, snapshot)?;
        Ok(record)
    }

    /// Runs `monitoring_batch` (for example the first 32 training examples, the same every
    /// epoch) through `model` without gradients and records the snapshot. Returns `None`, and
    /// records nothing, for a model without an engram memory.
    ///
    /// # Errors
    /// As [`MemoryMonitor::record`], plus shape errors from the model.
    pub fn record_model(
        &mut self,
        epoch: usize,
        model: &dyn SequenceModel,
        monitoring_batch: &Tensor<f32>,
    ) -> Result<Option<EpochRecord>> {
        match model.memory_snapshot(monitoring_batch)? {
            Some(snapshot) => Ok(Some(self.record(epoch, &snapshot)?)),
            None => Ok(None),
        }
    }

    /// The report that [`MemoryMonitor::write_json`] writes.
    pub fn report(&self) -> MonitorReport {
        MonitorReport {
            sparsity_threshold: SPARSITY_THRESHOLD,
            top_k: self.top_k,
            epochs: self.history.clone(),
        }
    }

    /// Writes `memory_stats.json` (temporary file, then rename).
    ///
    /// # Errors
    /// [`EngramError::Json`] or [`EngramError::Io`].
    pub fn write_json(&self) -> Result<()> {
        let op = "MemoryMonitor::write_json";
        let bytes = serde_json::to_vec_pretty(&self.report())
            .map_err(|source| EngramError::Json { op, source })?;
        write_atomic(op, &self.out_dir.join("memory_stats.json"), &bytes)
    }
}
