//! Early stopping: end training when the validation loss has not improved for `patience`
//! epochs, and remember which epoch was best so its weights can be restored.

use std::collections::BTreeMap;

use crate::{NnError, Result};

/// The action the training loop takes after an epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopDecision {
    /// The loss improved: this epoch is the new best (save its weights).
    Improved,
    /// No improvement, but patience is not used up yet.
    Continue,
    /// No improvement for `patience` epochs: stop training.
    Stop,
}

/// Tracks the best validation loss and counts epochs without improvement.
#[derive(Clone, Debug, PartialEq)]
pub struct EarlyStopping {
    patience: usize,
    min_delta: f64,
    best: f64,
    best_epoch: usize,
    bad_epochs: usize,
    epoch: usize,
}

impl EarlyStopping {
    /// Creates the helper. A loss counts as an improvement when it is below `best - min_delta`.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] for `patience == 0` or a negative or non-finite `min_delta`.
    pub fn new(patience: usize, min_delta: f64) -> Result<Self> {
        if patience == 0 || !min_delta.is_finite() || min_delta < 0.0 {
            return Err(NnError::invalid(
                "EarlyStopping::new",
                format!("needs patience >= 1 and a finite min_delta >= 0, got {patience} and {min_delta}"),
            ));
        }
        Ok(EarlyStopping {
            patience,
            min_delta,
            best: f64::INFINITY,
            best_epoch: 0,
            bad_epochs: 0,
            epoch: 0,
        })
    }

    /// Records the validation loss of one epoch and returns what to do next.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] for a NaN loss: training has diverged, and stopping
    /// silently would hide it.
    pub fn update(&mut self, loss: f64) -> Result<StopDecision> {
        if loss.is_nan() {
            return Err(NnError::invalid(
                "EarlyStopping::update",
                format!(
                    "validation loss of epoch {} is NaN; training has diverged",
                    self.epoch + 1
                ),
            ));
        }
        self.epoch += 1;
        if loss < self.best - self.min_delta {
            self.best = loss;
            self.best_epoch = self.epoch;
            self.bad_epochs = 0;
            return Ok(StopDecision::Improved);
        }
        self.bad_epochs += 1;
        if self.bad_epochs >= self.patience {
            Ok(StopDecision::Stop)
        } else {
            Ok(StopDecision::Continue)
        }
    }

    /// Returns the best loss so far (infinity before the first update).
    pub fn best(&self) -> f64 {
        self.best
    }

    /// Returns the 1-based epoch of the best loss (0 before the first update).
    pub fn best_epoch(&self) -> usize {
        self.best_epoch
    }

    /// Exports the state as named scalars.
    pub fn state_scalars(&self) -> BTreeMap<String, f64> {
        BTreeMap::from([
            ("best".to_string(), self.best),
            ("best_epoch".to_string(), self.best_epoch as f64),
            ("bad_epochs".to_string(), self.bad_epochs as f64),
            ("epoch".to_string(), self.epoch as f64),
        ])
    }

    /// Restores the state exported by [`EarlyStopping::state_scalars`].
    ///
    /// # Errors
    /// [`NnError::CheckpointMismatch`] naming each missing scalar; the state is unchanged then.
    pub fn load_state_scalars(&mut self, scalars: &BTreeMap<String, f64>) -> Result<()> {
        let names = ["best", "best_epoch", "bad_epochs", "epoch"];
        let missing: Vec<String> = names
            .iter()
            .filter(|n| !scalars.contains_key(**n))
            .map(|n| format!("missing scalar `{n}`"))
            .collect();
        if !missing.is_empty() {
            return Err(NnError::CheckpointMismatch {
                op: "EarlyStopping::load_state_scalars",
                mismatches: missing,
            });
        }
        self.best = scalars["best"];
        self.best_epoch = scalars["best_epoch"] as usize;
        self.bad_epochs = scalars["bad_epochs"] as usize;
        self.epoch = scalars["epoch"] as usize;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_after_patience_without_improvement() {
        let mut e = EarlyStopping::new(2, 0.0).unwrap();
        assert_eq!(e.update(1.0).unwrap(), StopDecision::Improved);
        assert_eq!(e.update(0.5).unwrap(), StopDecision::Improved);
        assert_eq!(e.update(0.6).unwrap(), StopDecision::Continue);
        assert_eq!(e.update(0.5).unwrap(), StopDecision::Stop);
        assert_eq!(e.best_epoch(), 2);
        assert_eq!(e.best(), 0.5);
    }

    #[test]
    fn min_delta_ignores_tiny_gains() {
        let mut e = EarlyStopping::new(1, 0.1).unwrap();
        e.update(1.0).unwrap();
        assert_eq!(e.update(0.95).unwrap(), StopDecision::Stop);
    }

    #[test]
    fn nan_loss_is_an_error() {
        let mut e = EarlyStopping::new(3, 0.0).unwrap();
        assert!(e.update(f64::NAN).is_err());
    }

    #[test]
    fn state_round_trip() {
        let mut a = EarlyStopping::new(3, 0.0).unwrap();
        a.update(2.0).unwrap();
        a.update(3.0).unwrap();
        let mut b = EarlyStopping::new(3, 0.0).unwrap();
        b.load_state_scalars(&a.state_scalars()).unwrap();
        assert_eq!(a, b);
    }
}
