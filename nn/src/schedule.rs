//! Learning-rate schedules, stepped once per epoch, with PyTorch's semantics.
//!
//! | schedule | learning rate after `epoch` steps |
//! |---|---|
//! | [`StepLr`] | base * gamma^floor(epoch / step_size) |
//! | [`CosineLr`] | min + (base - min) (1 + cos(pi min(epoch, total) / total)) / 2 |
//! | [`ReduceOnPlateau`] | multiplied by `factor` after `patience` epochs without improvement |
//!
//! A training loop calls [`LrSchedule::step`] at the end of each epoch and passes the result to
//! [`Optimizer::set_learning_rate`](crate::optim::Optimizer::set_learning_rate).

use std::collections::BTreeMap;

use crate::{NnError, Result};

/// A learning rate that changes from epoch to epoch.
pub trait LrSchedule {
    /// Returns the learning rate for the current epoch.
    fn lr(&self) -> f64;

    /// Ends one epoch and returns the learning rate for the next one. `metric` is the
    /// validation loss; only [`ReduceOnPlateau`] needs it.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] when a schedule that needs a metric gets none, or a NaN.
    fn step(&mut self, metric: Option<f64>) -> Result<f64>;

    /// Exports the state (the epoch counter and any history) as named scalars.
    fn state_scalars(&self) -> BTreeMap<String, f64>;

    /// Restores the state exported by [`LrSchedule::state_scalars`].
    ///
    /// # Errors
    /// [`NnError::CheckpointMismatch`] naming each missing scalar.
    fn load_state_scalars(&mut self, scalars: &BTreeMap<String, f64>) -> Result<()>;
}

/// Reads a scalar by name, collecting the names of missing ones.
fn read(scalars: &BTreeMap<String, f64>, name: &str, missing: &mut Vec<String>) -> f64 {
    scalars.get(name).copied().unwrap_or_else(|| {
        missing.push(format!("missing scalar `{name}`"));
        0.0
    })
}

/// Turns the collected missing names into an error, if any.
fn finish(op: &'static str, mismatches: Vec<String>) -> Result<()> {
    if mismatches.is_empty() {
        Ok(())
    } else {
        Err(NnError::CheckpointMismatch { op, mismatches })
    }
}

fn check_positive(op: &'static str, name: &str, value: f64) -> Result<()> {
    if !value.is_finite() || value <= 0.0 {
        return Err(NnError::invalid(
            op,
            format!("{name} must be positive and finite, got {value}"),
        ));
    }
    Ok(())
}

/// Multiplies the learning rate by `gamma` every `step_size` epochs.
#[derive(Clone, Debug, PartialEq)]
pub struct StepLr {
    base_lr: f64,
    step_size: usize,
    gamma: f64,
    epoch: usize,
}

impl StepLr {
    /// Creates the schedule at epoch 0.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] for a non-positive `base_lr`, a zero `step_size` or a
    /// `gamma` outside (0, 1].
    pub fn new(base_lr: f64, step_size: usize, gamma: f64) -> Result<Self> {
        check_positive("StepLr::new", "base_lr", base_lr)?;
        let gamma_ok = gamma > 0.0 && gamma <= 1.0;
        if step_size == 0 || !gamma_ok {
            return Err(NnError::invalid(
                "StepLr::new",
                format!("step_size must be >= 1 and gamma in (0, 1], got {step_size} and {gamma}"),
            ));
        }
        Ok(StepLr {
            base_lr,
            step_size,
            gamma,
            epoch: 0,
        })
    }
}

impl LrSchedule for StepLr {
    fn lr(&self) -> f64 {
        self.base_lr * self.gamma.powi((self.epoch / self.step_size) as i32)
    }

    fn step(&mut self, _metric: Option<f64>) -> Result<f64> {
        self.epoch += 1;
        Ok(self.lr())
    }

    fn state_scalars(&self) -> BTreeMap<String, f64> {
        BTreeMap::from([("epoch".to_string(), self.epoch as f64)])
    }

    fn load_state_scalars(&mut self, scalars: &BTreeMap<String, f64>) -> Result<()> {
        let mut missing = Vec::new();
        let epoch = read(scalars, "epoch", &mut missing);
        finish("StepLr::load_state_scalars", missing)?;
        self.epoch = epoch as usize;
        Ok(())
    }
}

/// Cosine annealing from `base_lr` to `min_lr` over `total_epochs`, then constant at `min_lr`
/// (PyTorch's `CosineAnnealingLR` without restarts).
#[derive(Clone, Debug, PartialEq)]
pub struct CosineLr {
    base_lr: f64,
    min_lr: f64,
    total_epochs: usize,
    epoch: usize,
}

impl CosineLr {
    /// Creates the schedule at epoch 0.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] unless `0 <= min_lr <= base_lr`, `base_lr > 0` and
    /// `total_epochs >= 1`.
    pub fn new(base_lr: f64, min_lr: f64, total_epochs: usize) -> Result<Self> {
        check_positive("CosineLr::new", "base_lr", base_lr)?;
        let min_ok = min_lr >= 0.0 && min_lr <= base_lr;
        if !min_ok || total_epochs == 0 {
            return Err(NnError::invalid(
                "CosineLr::new",
                format!("needs 0 <= min_lr <= base_lr and total_epochs >= 1, got min_lr {min_lr}, base_lr {base_lr}, total_epochs {total_epochs}"),
            ));
        }
        Ok(CosineLr {
            base_lr,
            min_lr,
            total_epochs,
            epoch: 0,
        })
    }
}

impl LrSchedule for CosineLr {
    fn lr(&self) -> f64 {
        let progress = self.epoch.min(self.total_epochs) as f64 / self.total_epochs as f64;
        let cosine = (1.0 + (std::f64::consts::PI * progress).cos()) / 2.0;
        self.min_lr + (self.base_lr - self.min_lr) * cosine
    }

    fn step(&mut self, _metric: Option<f64>) -> Result<f64> {
        self.epoch += 1;
        Ok(self.lr())
    }

    fn state_scalars(&self) -> BTreeMap<String, f64> {
        BTreeMap::from([("epoch".to_string(), self.epoch as f64)])
    }

    fn load_state_scalars(&mut self, scalars: &BTreeMap<String, f64>) -> Result<()> {
        let mut missing = Vec::new();
        let epoch = read(scalars, "epoch", &mut missing);
        finish("CosineLr::load_state_scalars", missing)?;
        self.epoch = epoch as usize;
        Ok(())
    }
}

/// Settings of [`ReduceOnPlateau`] (PyTorch's `ReduceLROnPlateau` in `min` mode with a relative
/// threshold).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReduceOnPlateauConfig {
    /// Multiplier applied on a plateau, in (0, 1). Default 0.1.
    pub factor: f64,
    /// Epochs without improvement tolerated before reducing. Default 10.
    pub patience: usize,
    /// A metric counts as better when it is below `best * (1 - threshold)`. Default 1e-4.
    pub threshold: f64,
    /// Epochs to wait after a reduction before counting again. Default 0.
    pub cooldown: usize,
    /// Lower bound of the learning rate. Default 0.
    pub min_lr: f64,
}

impl Default for ReduceOnPlateauConfig {
    fn default() -> Self {
        ReduceOnPlateauConfig {
            factor: 0.1,
            patience: 10,
            threshold: 1e-4,
            cooldown: 0,
            min_lr: 0.0,
        }
    }
}

/// Reduces the learning rate when the validation loss stops improving.
#[derive(Clone, Debug, PartialEq)]
pub struct ReduceOnPlateau {
    config: ReduceOnPlateauConfig,
    lr: f64,
    best: f64,
    bad_epochs: usize,
    cooldown_left: usize,
}

impl ReduceOnPlateau {
    /// Creates the schedule starting at `lr`.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] for a non-positive `lr`, a factor outside (0, 1), or a
    /// negative threshold or `min_lr`.
    pub fn new(lr: f64, config: ReduceOnPlateauConfig) -> Result<Self> {
        check_positive("ReduceOnPlateau::new", "lr", lr)?;
        let c = config;
        let factor_ok = c.factor > 0.0 && c.factor < 1.0;
        if !factor_ok
            || c.threshold.is_nan()
            || c.threshold < 0.0
            || c.min_lr.is_nan()
            || c.min_lr < 0.0
        {
            return Err(NnError::invalid(
                "ReduceOnPlateau::new",
                format!("needs factor in (0, 1), threshold >= 0 and min_lr >= 0, got {c:?}"),
            ));
        }
        Ok(ReduceOnPlateau {
            config,
            lr,
            best: f64::INFINITY,
            bad_epochs: 0,
            cooldown_left: 0,
        })
    }
}

impl LrSchedule for ReduceOnPlateau {
    fn lr(&self) -> f64 {
        self.lr
    }

    fn step(&mut self, metric: Option<f64>) -> Result<f64> {
        let metric = match metric {
            Some(m) if !m.is_nan() => m,
            other => {
                return Err(NnError::invalid(
                    "ReduceOnPlateau::step",
                    format!("needs the validation loss of the epoch, got {other:?}"),
                ))
            }
        };

        if metric < self.best * (1.0 - self.config.threshold) {
            self.best = metric;
            self.bad_epochs = 0;
        } else {
            self.bad_epochs += 1;
        }
        if self.cooldown_left > 0 {
            self.cooldown_left -= 1;
            self.bad_epochs = 0;
        }
        if self.bad_epochs > self.config.patience {
            self.lr = (self.lr * self.config.factor).max(self.config.min_lr);
            self.cooldown_left = self.config.cooldown;
            self.bad_epochs = 0;
        }
        Ok(self.lr)
    }

    fn state_scalars(&self) -> BTreeMap<String, f64> {
        BTreeMap::from([
            ("lr".to_string(), self.lr),
            ("best".to_string(), self.best),
            ("bad_epochs".to_string(), self.bad_epochs as f64),
            ("cooldown_left".to_string(), self.cooldown_left as f64),
        ])
    }

    fn load_state_scalars(&mut self, scalars: &BTreeMap<String, f64>) -> Result<()> {
        let mut missing = Vec::new();
        let lr = read(scalars, "lr", &mut missing);
        let best = read(scalars, "best", &mut missing);
        let bad_epochs = read(scalars, "bad_epochs", &mut missing);
        let cooldown_left = read(scalars, "cooldown_left", &mut missing);
        finish("ReduceOnPlateau::load_state_scalars", missing)?;
        self.lr = lr;
        self.best = best;
        self.bad_epochs = bad_epochs as usize;
        self.cooldown_left = cooldown_left as usize;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_lr_decays_every_step_size() {
        let mut s = StepLr::new(1.0, 2, 0.5).unwrap();
        let lrs: Vec<f64> = (0..5).map(|_| s.step(None).unwrap()).collect();
        // epochs 1..=5: floor(e / 2) = 0, 1, 1, 2, 2
        assert_eq!(lrs, vec![1.0, 0.5, 0.5, 0.25, 0.25]);
    }

    #[test]
    fn cosine_reaches_min_and_stays() {
        let mut s = CosineLr::new(1.0, 0.1, 4).unwrap();
        // epoch 2 of 4: 0.1 + 0.9 (1 + cos(pi / 2)) / 2 = 0.55
        s.step(None).unwrap();
        assert!((s.step(None).unwrap() - 0.55).abs() < 1e-12);
        s.step(None).unwrap();
        assert!((s.step(None).unwrap() - 0.1).abs() < 1e-12);
        assert!((s.step(None).unwrap() - 0.1).abs() < 1e-12);
    }

    #[test]
    fn plateau_reduces_after_patience() {
        let config = ReduceOnPlateauConfig {
            patience: 2,
            factor: 0.5,
            ..Default::default()
        };
        let mut s = ReduceOnPlateau::new(1.0, config).unwrap();
        assert_eq!(s.step(Some(1.0)).unwrap(), 1.0); // best = 1
        assert_eq!(s.step(Some(1.0)).unwrap(), 1.0); // bad 1
        assert_eq!(s.step(Some(1.0)).unwrap(), 1.0); // bad 2
        assert_eq!(s.step(Some(1.0)).unwrap(), 0.5); // bad 3 > patience
        assert_eq!(s.step(Some(0.5)).unwrap(), 0.5); // improved
        assert!(s.step(None).is_err());
        assert!(s.step(Some(f64::NAN)).is_err());
    }

    #[test]
    fn plateau_state_round_trip() {
        let mut a = ReduceOnPlateau::new(1.0, ReduceOnPlateauConfig::default()).unwrap();
        a.step(Some(3.0)).unwrap();
        a.step(Some(4.0)).unwrap();
        let mut b = ReduceOnPlateau::new(1.0, ReduceOnPlateauConfig::default()).unwrap();
        b.load_state_scalars(&a.state_scalars()).unwrap();
        assert_eq!(a, b);
        assert!(b.load_state_scalars(&BTreeMap::new()).is_err());
    }
}
