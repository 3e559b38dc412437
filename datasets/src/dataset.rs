//! The [`SequenceDataset`] trait: what the batcher needs from a data set of sequences, plus the
//! holdout split and the example limit that every data set gets for free.
//!
//! Every example is a sequence of `time_steps` vectors of `features` values (an MNIST image is 28
//! rows of 28 pixels) and `target_len` class targets. Classification data sets have one target
//! per example. Sequence-to-sequence tasks such as copying have one target per output step, and
//! those targets belong to the last `target_len` time steps.

use crate::batch::{BatchConfig, Batches};
use crate::error::{DatasetError, Result};

/// A data set of fixed-length sequences with class targets, as [`Batches`] consumes it.
pub trait SequenceDataset {
    /// Number of examples.
    fn len(&self) -> usize;

    /// Returns whether the data set has no examples.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of time steps of every example.
    fn time_steps(&self) -> usize;

    /// Number of values per time step.
    fn features(&self) -> usize;

    /// Number of class targets per example (1 for classification).
    fn target_len(&self) -> usize;

    /// Number of classes a target can take; targets lie in `0..num_classes`.
    fn num_classes(&self) -> usize;

    /// Writes example `index` into `inputs` (`time_steps * features` values, row-major) and
    /// appends its `target_len` targets to `targets`.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when `index >= len()` or `inputs` has the wrong length.
    fn write_example(
        &self,
        index: usize,
        inputs: &mut [f32],
        targets: &mut Vec<usize>,
    ) -> Result<()>;

    /// Returns a new data set holding the examples at `indices`, in that order.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when an index is out of range.
    fn select(&self, indices: &[usize]) -> Result<Self>
    where
        Self: Sized;

    /// Splits off the last `fraction` of the examples as a validation set, as Keras's
    /// `validation_split` does: the split happens before any shuffling, so the validation set
    /// is the same on every run. The validation set has `round(len * fraction)` examples.
    /// Returns `(train, validation)`.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] unless `0 <= fraction < 1` and the training part keeps
    /// at least one example.
    fn holdout(&self, fraction: f64) -> Result<(Self, Self)>
    where
        Self: Sized,
    {
        let len = self.len();
        let split_at = holdout_split_point(len, fraction)?;
        let train: Vec<usize> = (0..split_at).collect();
        let validation: Vec<usize> = (split_at..len).collect();
        Ok((self.select(&train)?, self.select(&validation)?))
    }

    /// Keeps only the first `count` examples (all of them when `count >= len()`), for quick
    /// runs.
    ///
    /// # Errors
    /// Only those of [`SequenceDataset::select`], which cannot occur for in-range indices.
    fn limit(&self, count: usize) -> Result<Self>
    where
        Self: Sized,
    {
        let kept: Vec<usize> = (0..count.min(self.len())).collect();
        self.select(&kept)
    }

    /// Iterates over the mini-batches of one epoch; see [`Batches`].
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when the batch size is zero.
    fn batches(&self, config: &BatchConfig, epoch: u64) -> Result<Batches<'_, Self>>
    where
        Self: Sized,
    {
        Batches::new(self, config, epoch)
    }
}

/// Returns the number of training examples left by [`SequenceDataset::holdout`].
pub(crate) fn holdout_split_point(len: usize, fraction: f64) -> Result<usize> {
    if !(0.0..1.0).contains(&fraction) {
        return Err(DatasetError::invalid(
            "holdout",
            format!("the validation fraction must be in [0, 1), got {fraction}"),
        ));
    }
    let validation = ((len as f64) * fraction).round() as usize;
    let split_at = len - validation.min(len);
    if split_at == 0 && len > 0 {
        return Err(DatasetError::invalid(
            "holdout",
            format!(
                "a validation fraction of {fraction} leaves no training examples out of {len}; use a smaller fraction"
            ),
        ));
    }
    Ok(split_at)
}

/// Checks the arguments of [`SequenceDataset::write_example`].
pub(crate) fn check_example_args(
    op: &'static str,
    index: usize,
    len: usize,
    inputs: usize,
    expected_inputs: usize,
) -> Result<()> {
    if index >= len {
        return Err(DatasetError::invalid(
            op,
            format!("example index {index} is out of range for a data set of {len} examples"),
        ));
    }
    if inputs != expected_inputs {
        return Err(DatasetError::invalid(
            op,
            format!(
                "the input buffer holds {inputs} values, but one example has {expected_inputs}"
            ),
        ));
    }
    Ok(())
}

/// Checks that every index is below `len`.
pub(crate) fn check_indices(op: &'static str, indices: &[usize], len: usize) -> Result<()> {
    match indices.iter().find(|&&i| i >= len) {
        Some(bad) => Err(DatasetError::invalid(
            op,
            format!("example index {bad} is out of range for a data set of {len} examples"),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holdout_point_rounds_validation_count() {
        // 10 examples, 0.25 -> round(2.5) = 3 validation examples (round half away from zero).
        assert_eq!(holdout_split_point(10, 0.25).unwrap(), 7);
        assert_eq!(holdout_split_point(10, 0.0).unwrap(), 10);
        assert_eq!(holdout_split_point(0, 0.5).unwrap(), 0);
    }

    #[test]
    fn holdout_point_rejects_bad_fraction() {
        assert!(holdout_split_point(10, 1.0).is_err());
        assert!(holdout_split_point(10, -0.1).is_err());
        assert!(holdout_split_point(10, f64::NAN).is_err());
        assert!(holdout_split_point(1, 0.9).is_err());
    }
}
