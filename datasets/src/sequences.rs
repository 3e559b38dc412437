//! [`SequenceSet`]: sequences stored as `f32` values in memory, the form of the synthetic tasks.

use crate::dataset::{check_example_args, check_indices, SequenceDataset};
use crate::error::{DatasetError, Result};

/// Fixed-length sequences with class targets, held as `[n, time_steps, features]` values and
/// `[n, target_len]` targets.
#[derive(Debug, Clone, PartialEq)]
pub struct SequenceSet {
    inputs: Vec<f32>,
    targets: Vec<usize>,
    time_steps: usize,
    features: usize,
    target_len: usize,
    num_classes: usize,
}

impl SequenceSet {
    /// Creates a set from row-major inputs `[n, time_steps, features]` and targets
    /// `[n, target_len]`.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when a size is zero, the lengths do not agree on `n`,
    /// or a target is not below `num_classes`.
    pub fn new(
        inputs: Vec<f32>,
        targets: Vec<usize>,
        time_steps: usize,
        features: usize,
        target_len: usize,
        num_classes: usize,
    ) -> Result<Self> {
        let op = "SequenceSet::new";
        if time_steps == 0 || features == 0 || target_len == 0 || num_classes == 0 {
            return Err(DatasetError::invalid(
                op,
                format!(
                    "sizes must be positive, got time_steps {time_steps}, features {features}, target_len {target_len}, num_classes {num_classes}"
                ),
            ));
        }
        let count = targets.len() / target_len;
        let partial_targets = targets.len() % target_len;
        if partial_targets > 0 || inputs.len() != count * time_steps * features {
            return Err(DatasetError::invalid(
                op,
                format!(
                    "{} input values and {} targets do not describe the same number of examples of {time_steps} x {features} values and {target_len} targets",
                    inputs.len(),
                    targets.len()
                ),
            ));
        }
        if let Some(bad) = targets.iter().find(|&&t| t >= num_classes) {
            return Err(DatasetError::invalid(
                op,
                format!("target {bad} is out of range for {num_classes} classes"),
            ));
        }
        Ok(SequenceSet {
            inputs,
            targets,
            time_steps,
            features,
            target_len,
            num_classes,
        })
    }

    /// Returns the inputs of every example, row-major `[n, time_steps, features]`.
    pub fn inputs(&self) -> &[f32] {
        &self.inputs
    }

    /// Returns the targets of every example, row-major `[n, target_len]`.
    pub fn targets(&self) -> &[usize] {
        &self.targets
    }

    fn example_len(&self) -> usize {
        self.time_steps * self.features
    }
}

impl SequenceDataset for SequenceSet {
    fn len(&self) -> usize {
        self.targets.len() / self.target_len
    }

    fn time_steps(&self) -> usize {
        self.time_steps
    }

    fn features(&self) -> usize {
        self.features
    }

    fn target_len(&self) -> usize {
        self.target_len
    }

    fn num_classes(&self) -> usize {
        self.num_classes
    }

    fn write_example(
        &self,
        index: usize,
        inputs: &mut [f32],
        targets: &mut Vec<usize>,
    ) -> Result<()> {
        let per_example = self.example_len();
        check_example_args(
            "write_example",
            index,
            self.len(),
            inputs.len(),
            per_example,
        )?;
        inputs.copy_from_slice(&self.inputs[index * per_example..(index + 1) * per_example]);
        let t = self.target_len;
        targets.extend_from_slice(&self.targets[index * t..(index + 1) * t]);
        Ok(())
    }

    fn select(&self, indices: &[usize]) -> Result<Self> {
        check_indices("select", indices, self.len())?;
        let per_example = self.example_len();
        let t = self.target_len;
        let mut inputs = Vec::with_capacity(indices.len() * per_example);
        let mut targets = Vec::with_capacity(indices.len() * t);
        for &i in indices {
            inputs.extend_from_slice(&self.inputs[i * per_example..(i + 1) * per_example]);
            targets.extend_from_slice(&self.targets[i * t..(i + 1) * t]);
        }
        Ok(SequenceSet {
            inputs,
            targets,
            ..self.clone_shape()
        })
    }
}

impl SequenceSet {
    /// Returns an empty set with this set's sizes, for struct-update syntax.
    fn clone_shape(&self) -> SequenceSet {
        SequenceSet {
            inputs: Vec::new(),
            targets: Vec::new(),
            time_steps: self.time_steps,
            features: self.features,
            target_len: self.target_len,
            num_classes: self.num_classes,
        }
    }
}
