//! Summary statistics of a Hebbian trace and of recall attention.
//!
//! For trace entries `H_i`, `i = 1..N`:
//!
//! ```text
//! mean |H| = (1/N) sum_i |H_i|
//! std      = sqrt((1/N) sum_i (H_i - mean H)^2)          (population deviation)
//! sparsity = #{i : |H_i| < 0.01} / N
//! ```
//!
//! For attention rows `a` over `m` slots:
//!
//! ```text
//! entropy    = -sum_j a_j ln a_j    (natural log, 0 ln 0 = 0; ln m for uniform attention)
//! top-k mass = sum of the k largest a_j
//! ```
//!
//! The monitor reports the mean of both over every row it receives.

use serde::{Deserialize, Serialize};

use crate::{EngramError, Result};

/// Entries with `|H|` below this count as inactive in [`TraceStats::sparsity`].
pub const SPARSITY_THRESHOLD: f32 = 0.01;

/// Statistics of the entries of one trace.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TraceStats {
    /// Smallest entry.
    pub min: f32,
    /// Largest entry.
    pub max: f32,
    /// Mean absolute value.
    pub mean_abs: f32,
    /// Population standard deviation of the entries.
    pub std: f32,
    /// Fraction of entries with `|H| <` [`SPARSITY_THRESHOLD`].
    pub sparsity: f32,
}

impl TraceStats {
    /// Computes the statistics of `values`, accumulating in f64.
    ///
    /// # Errors
    /// [`EngramError::Shape`] when `values` is empty.
    pub fn from_values(values: &[f32]) -> Result<Self> {
        if values.is_empty() {
            return Err(EngramError::shape(
                "TraceStats::from_values",
                "at least one trace entry",
                &[0],
            ));
        }
        let n = values.len() as f64;
        let mut min = f32::INFINITY;
        let mut max = f32::NEG_INFINITY;
        let (mut sum, mut sum_abs, mut inactive) = (0.0f64, 0.0f64, 0usize);
        for &v in values {
            min = min.min(v);
            max = max.max(v);
            sum += f64::from(v);
            sum_abs += f64::from(v.abs());
            if v.abs() < SPARSITY_THRESHOLD {
                inactive += 1;
            }
        }
        let mean = sum / n;
        let variance = values
            .iter()
            .map(|&v| (f64::from(v) - mean).powi(2))
            .sum::<f64>()
            / n;
        Ok(TraceStats {
            min,
            max,
            mean_abs: (sum_abs / n) as f32,
            std: variance.sqrt() as f32,
            sparsity: (inactive as f64 / n) as f32,
        })
    }
}

/// Statistics of recall attention rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AttentionStats {
    /// Mean entropy of a row in nats (`ln m` for uniform attention, 0 for one-hot).
    pub mean_entropy: f32,
    /// Mean total weight of the `top_k` largest entries of a row.
    pub mean_top_k_mass: f32,
    /// The `k` used for [`AttentionStats::mean_top_k_mass`].
    pub top_k: usize,
}

impl AttentionStats {
    /// Computes the statistics of attention rows of `slots` entries each, stored one after the
    /// other in `weights` (for example a `[B, T, m]` tensor in row-major order).
    ///
    /// # Errors
    /// [`EngramError::Shape`] when `slots` or `top_k` is zero, `top_k > slots`, or the length
    /// of `weights` is not a positive multiple of `slots`.
    pub fn from_rows(weights: &[f32], slots: usize, top_k: usize) -> Result<Self> {
        let op = "AttentionStats::from_rows";
        if slots == 0 || weights.is_empty() || !weights.chunks_exact(slots).remainder().is_empty() {
            let expected = format!("a positive multiple of {slots} attention weights");
            return Err(EngramError::shape(op, expected, &[weights.len()]));
        }
        if top_k == 0 || top_k > slots {
            let expected = format!("top_k between 1 and {slots}");
            return Err(EngramError::shape(op, expected, &[top_k]));
        }
        let rows = weights.len() / slots;
        let mut sorted = vec![0.0f32; slots];
        let (mut entropy, mut mass) = (0.0f64, 0.0f64);
        for row in weights.chunks_exact(slots) {
            entropy += row_entropy(row);
            sorted.copy_from_slice(row);
            sorted.sort_unstable_by(|a, b| b.total_cmp(a));
            mass += sorted[..top_k].iter().map(|&a| f64::from(a)).sum::<f64>();
        }
        Ok(AttentionStats {
            mean_entropy: (entropy / rows as f64) as f32,
            mean_top_k_mass: (mass / rows as f64) as f32,
            top_k,
        })
    }
}

/// `-sum a ln a` over one row, with `0 ln 0 = 0`.
fn row_entropy(row: &[f32]) -> f64 {
    row.iter()
        .map(|&a| f64::from(a))
        .filter(|&a| a > 0.0)
        .map(|a| -a * a.ln())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: f32 = 1e-6;

    #[test]
    fn trace_stats_by_hand() {
        // values: -0.2, 0.005, 0.1, -0.001
        // min -0.2, max 0.1, mean |H| = (0.2 + 0.005 + 0.1 + 0.001) / 4 = 0.0765
        // mean = (-0.2 + 0.005 + 0.1 - 0.001) / 4 = -0.024
        // var = ((-0.176)^2 + 0.029^2 + 0.124^2 + 0.023^2) / 4
        //     = (0.030976 + 0.000841 + 0.015376 + 0.000529) / 4 = 0.0119305
        // sparsity: |0.005| and |-0.001| are below 0.01, so 2 / 4
        let stats = TraceStats::from_values(&[-0.2, 0.005, 0.1, -0.001]).unwrap();
        assert_eq!(stats.min, -0.2);
        assert_eq!(stats.max, 0.1);
        assert!((stats.mean_abs - 0.0765).abs() < TOL);
        assert!((stats.std - 0.0119305f32.sqrt()).abs() < TOL);
        assert_eq!(stats.sparsity, 0.5);
    }

    #[test]
    fn trace_stats_reject_empty() {
        assert!(TraceStats::from_values(&[]).is_err());
    }

    #[test]
    fn attention_stats_by_hand() {
        // row 1 uniform over 4 slots: entropy ln 4, top-2 mass 0.5
        // row 2 one-hot: entropy 0, top-2 mass 1
        // row 3 [0.5, 0.25, 0.25, 0]: entropy 0.5 ln 2 + 2 * 0.25 ln 4 = 1.5 ln 2, top-2 mass 0.75
        let weights = [
            0.25, 0.25, 0.25, 0.25, //
            0.0, 1.0, 0.0, 0.0, //
            0.25, 0.0, 0.5, 0.25,
        ];
        let stats = AttentionStats::from_rows(&weights, 4, 2).unwrap();
        let ln2 = std::f32::consts::LN_2;
        let expected_entropy = (2.0 * ln2 + 0.0 + 1.5 * ln2) / 3.0;
        assert!((stats.mean_entropy - expected_entropy).abs() < TOL);
        assert!((stats.mean_top_k_mass - (0.5 + 1.0 + 0.75) / 3.0).abs() < TOL);
        assert_eq!(stats.top_k, 2);
    }

    #[test]
    fn attention_stats_reject_bad_sizes() {
        assert!(AttentionStats::from_rows(&[0.5, 0.5, 1.0], 2, 1).is_err());
        assert!(AttentionStats::from_rows(&[0.5, 0.5], 2, 3).is_err());
        assert!(AttentionStats::from_rows(&[0.5, 0.5], 2, 0).is_err());
        assert!(AttentionStats::from_rows(&[], 2, 1).is_err());
    }
}
