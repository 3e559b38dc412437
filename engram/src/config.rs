//! [`EngramConfig`]: the sizes, rates and options of an ENN cell.
//!
//! The defaults reproduce the reference Keras implementation of Szelogowski, "Hebbian
//! Memory-Augmented Recurrent Networks: Engram Neurons in Deep Learning" (arXiv 2507.21474).
//! Every option that goes beyond the reference is off by default, so `EngramConfig::default()`
//! computes the published cell.

use serde::{Deserialize, Serialize};

use crate::{EngramError, Result};

/// Storage of the Hebbian trace across the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TraceMode {
    /// One trace `[m, h]` shared by every sample of the batch, updated with the batch mean of
    /// the outer products (the reference).
    #[default]
    Shared,
    /// One trace per sample, `[B, m, h]`, each updated with its own outer product.
    PerSample,
}

/// Gradient treatment of the Hebbian trace update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TraceLearning {
    /// Back-propagation through time runs through the trace, as in the reference.
    #[default]
    Backprop,
    /// The trace is updated by a local Hebbian rule outside the tape: recall still uses it, but
    /// no gradient flows through the update.
    LocalRule,
}

/// Sizes, rates and options of an ENN cell.
///
/// Build it with [`EngramConfig::new`] (checked) or start from [`Default`] and call
/// [`EngramConfig::validate`] after changing fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngramConfig {
    /// Features per time step, `d` (default 28, one MNIST image row).
    pub input_size: usize,
    /// Hidden units, `h` (default 128).
    pub hidden_size: usize,
    /// Memory slots, `m` (default 64).
    pub memory_size: usize,
    /// Hebbian rate `eta` of the trace update, in `[0, 1]` (default 0.05).
    pub hebbian_rate: f32,
    /// Scale `s` of the trace in the effective memory `E = M + s H` (default 0.5).
    pub trace_scale: f32,
    /// Recall temperature `tau` before the sparsity sharpening, `> 0` (default 1.5).
    pub temperature: f32,
    /// Sparsity strength `rho >= 0`; recall uses `tau / (1 + 10 rho)` (default 0.1).
    pub sparsity_strength: f32,
    /// Bound `c > 0` of the trace: every entry is clipped to `[-c, c]` (default 0.1).
    pub trace_clip: f32,
    /// Standard deviation of the Gaussian noise added to the Hebbian update; 0 turns the noise
    /// off (default 0.001).
    pub noise_std: f32,
    /// Standard deviation of the hidden state and trace drawn at the start of every batch;
    /// 0 starts both at zero (default 0.01).
    pub initial_state_std: f32,
    /// Whether the encoder and output layers are followed by a layer norm (default true).
    pub layer_norm: bool,
    /// Epsilon of the layer norms, `> 0` (default 1e-6).
    pub layer_norm_eps: f32,
    /// Lower bound of the row norms in the cosine similarity, `> 0` (default 1e-6): rows are
    /// divided by `max(norm, eps)`, so a zero row has similarity 0 with every slot, not NaN.
    pub cosine_eps: f32,
    /// When set, only the `k` most similar slots receive attention (default `None`: softmax over
    /// every slot, as the reference).
    pub top_k: Option<usize>,
    /// Shared or per-sample trace (default [`TraceMode::Shared`]).
    pub trace_mode: TraceMode,
    /// Gradient through the trace update (default [`TraceLearning::Backprop`]).
    pub trace_learning: TraceLearning,
}

impl Default for EngramConfig {
    fn default() -> Self {
        EngramConfig {
            input_size: 28,
            hidden_size: 128,
            memory_size: 64,
            hebbian_rate: 0.05,
            trace_scale: 0.5,
            temperature: 1.5,
            sparsity_strength: 0.1,
            trace_clip: 0.1,
            noise_std: 0.001,
            initial_state_std: 0.01,
            layer_norm: true,
            layer_norm_eps: 1e-6,
            cosine_eps: 1e-6,
            top_k: None,
            trace_mode: TraceMode::Shared,
            trace_learning: TraceLearning::Backprop,
        }
    }
}

impl EngramConfig {
    /// Creates the reference configuration with the given sizes.
    ///
    /// # Errors
    /// [`EngramError::InvalidConfig`] when a size is zero.
    pub fn new(input_size: usize, hidden_size: usize, memory_size: usize) -> Result<Self> {
        let config = EngramConfig {
            input_size,
            hidden_size,
            memory_size,
            ..EngramConfig::default()
        };
        config.validate()?;
        Ok(config)
    }

    /// Returns the recall temperature after sparsity sharpening, `tau / (1 + 10 rho)` (0.75 with the
    /// defaults).
    pub fn effective_temperature(&self) -> f32 {
        self.temperature / (1.0 + 10.0 * self.sparsity_strength)
    }

    /// Checks every field and reports the first one out of range.
    ///
    /// # Errors
    /// [`EngramError::InvalidConfig`] naming the field, its value and the valid range.
    pub fn validate(&self) -> Result<()> {
        self.validate_sizes()?;
        self.validate_rates()?;
        self.validate_noise()
    }

    fn validate_sizes(&self) -> Result<()> {
        let sizes = [
            ("input_size", self.input_size),
            ("hidden_size", self.hidden_size),
            ("memory_size", self.memory_size),
        ];
        for (field, value) in sizes {
            if value == 0 {
                return Err(EngramError::config(field, value, "it must be at least 1"));
            }
        }
        if let Some(k) = self.top_k {
            if k == 0 || k > self.memory_size {
                return Err(EngramError::config(
                    "top_k",
                    k,
                    "it must be between 1 and memory_size",
                ));
            }
        }
        Ok(())
    }

    fn validate_rates(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.hebbian_rate) {
            let requirement = "it must lie in [0, 1]";
            return Err(EngramError::config(
                "hebbian_rate",
                self.hebbian_rate,
                requirement,
            ));
        }
        if !self.trace_scale.is_finite() {
            let requirement = "it must be finite";
            return Err(EngramError::config(
                "trace_scale",
                self.trace_scale,
                requirement,
            ));
        }
        if !self.sparsity_strength.is_finite() || self.sparsity_strength < 0.0 {
            let value = self.sparsity_strength;
            let requirement = "it must be finite and >= 0";
            return Err(EngramError::config("sparsity_strength", value, requirement));
        }
        let positive = [
            ("temperature", self.temperature),
            ("trace_clip", self.trace_clip),
            ("layer_norm_eps", self.layer_norm_eps),
            ("cosine_eps", self.cosine_eps),
        ];
        for (field, value) in positive {
            if !value.is_finite() || value <= 0.0 {
                return Err(EngramError::config(
                    field,
                    value,
                    "it must be finite and > 0",
                ));
            }
        }
        Ok(())
    }

    fn validate_noise(&self) -> Result<()> {
        let deviations = [
            ("noise_std", self.noise_std),
            ("initial_state_std", self.initial_state_std),
        ];
        for (field, value) in deviations {
            if !value.is_finite() || value < 0.0 {
                return Err(EngramError::config(
                    field,
                    value,
                    "it must be finite and >= 0",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_reference() {
        let config = EngramConfig::default();
        assert_eq!(config.hidden_size, 128);
        assert_eq!(config.memory_size, 64);
        assert!(config.validate().is_ok());
        // tau / (1 + 10 rho) = 1.5 / (1 + 10 * 0.1) = 0.75
        assert!((config.effective_temperature() - 0.75).abs() < 1e-7);
    }

    #[test]
    fn new_rejects_zero_sizes() {
        assert!(EngramConfig::new(0, 4, 2).is_err());
        assert!(EngramConfig::new(3, 0, 2).is_err());
        assert!(EngramConfig::new(3, 4, 0).is_err());
        assert!(EngramConfig::new(3, 4, 2).is_ok());
    }

    #[test]
    fn validate_rejects_out_of_range() {
        let cases: Vec<fn(&mut EngramConfig)> = vec![
            |c| c.hebbian_rate = 1.5,
            |c| c.temperature = 0.0,
            |c| c.trace_clip = -0.1,
            |c| c.noise_std = f32::NAN,
            |c| c.sparsity_strength = -1.0,
            |c| c.top_k = Some(0),
            |c| c.top_k = Some(65),
            |c| c.layer_norm_eps = 0.0,
        ];
        for change in cases {
            let mut config = EngramConfig::default();
            change(&mut config);
            assert!(config.validate().is_err(), "{config:?} should be rejected");
        }
    }

    #[test]
    fn error_names_field() {
        let config = EngramConfig {
            top_k: Some(100),
            ..EngramConfig::default()
        };
        let message = config.validate().unwrap_err().to_string();
        assert!(message.contains("top_k"), "{message}");
        assert!(message.contains("100"), "{message}");
    }
}
