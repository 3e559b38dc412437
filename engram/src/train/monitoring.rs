//! ENN memory statistics per epoch: runs the fixed monitoring batch (the first 32 training
//! examples) through the model after every epoch and hands the trace and attention to the
//! crate's [`MemoryMonitor`], which writes JSON statistics and PNG pictures.

use std::path::Path;

use crate::monitor::MemoryMonitor;

use super::batches::{monitoring_batch, StepBatch};
use super::data::TaskData;
use super::error::Result;
use super::model::TrainModel;

/// Examples in the monitoring batch.
pub const MONITOR_EXAMPLES: usize = 32;

/// Slots counted in the "attention mass on the top-k slots" statistic.
pub const MONITOR_TOP_K: usize = 4;

/// The monitor and its fixed batch.
pub struct EpochMonitor {
    monitor: MemoryMonitor,
    batch: StepBatch,
}

impl EpochMonitor {
    /// Prepares monitoring into `dir`; `None` when `dir` is `None` or the task has no
    /// monitoring batch (language modelling).
    ///
    /// # Errors
    /// Errors of creating the folder or assembling the batch.
    pub fn new(dir: Option<&Path>, data: &TaskData) -> Result<Option<Self>> {
        let Some(dir) = dir else {
            return Ok(None);
        };
        let Some(batch) = monitoring_batch(data, MONITOR_EXAMPLES)? else {
            return Ok(None);
        };
        Ok(Some(EpochMonitor {
            monitor: MemoryMonitor::new(dir, MONITOR_TOP_K)?,
            batch,
        }))
    }

    /// Runs the batch through `model` and records the snapshot as epoch `epoch`. Models without
    /// memory record nothing.
    ///
    /// # Errors
    /// Errors of the forward pass and of writing the files.
    pub fn record(&mut self, model: &mut dyn TrainModel, epoch: usize) -> Result<()> {
        model.set_training(false);
        let snapshot = model.memory_snapshot(&self.batch.inputs)?;
        let Some(snapshot) = snapshot else {
            return Ok(());
        };
        let stats = self.monitor.record(epoch, &snapshot)?;
        self.monitor.write_json()?;
        log::info!(
            "epoch {epoch} memory: {}",
            serde_json::to_string(&stats).unwrap_or_default()
        );
        Ok(())
    }
}
