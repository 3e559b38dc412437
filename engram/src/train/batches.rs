//! Mini-batches of a [`TaskData`] in the form the models take, and the seeds of each step.
//!
//! Classification batches come shuffled from the `datasets` crate, in an order fixed by
//! `(seed, epoch)`. Language-modelling batches walk the token stream in order (rows continue from
//! batch to batch), with token ids as `[batch, time]` values.

use datasets::{BatchConfig, LmBatches, SequenceDataset, TokenStream};
use tensor::Tensor;

use super::data::{SequenceData, TaskData};
use super::error::{Result, TrainError};

/// One batch: model inputs and one class target per output position.
#[derive(Debug, Clone)]
pub struct StepBatch {
    /// `[batch, time, features]` for classification, `[batch, time]` token ids for language
    /// modelling.
    pub inputs: Tensor<f32>,
    /// `batch` class targets, or `batch * time` next-token ids (row-major).
    pub targets: Vec<usize>,
}

/// Returns the batches of training epoch `epoch` (counted from 0).
///
/// # Errors
/// [`TrainError::Data`] when the batch size is zero or the token stream is too short.
pub fn train_batches<'a>(
    data: &'a TaskData,
    batch_size: usize,
    bptt: usize,
    seed: u64,
    epoch: usize,
) -> Result<Box<dyn Iterator<Item = Result<StepBatch>> + 'a>> {
    match data {
        TaskData::Classification { train, .. } => {
            sequence_batches(train, batch_size, seed, epoch, true)
        }
        TaskData::LanguageModel { train, .. } => token_batches(train, batch_size, bptt),
    }
}

/// Returns the batches of the evaluation split, in order.
///
/// # Errors
/// As [`train_batches`].
pub fn eval_batches<'a>(
    data: &'a TaskData,
    batch_size: usize,
    bptt: usize,
) -> Result<Box<dyn Iterator<Item = Result<StepBatch>> + 'a>> {
    match data {
        TaskData::Classification { eval, .. } => sequence_batches(eval, batch_size, 0, 0, false),
        TaskData::LanguageModel { eval, .. } => token_batches(eval, batch_size, bptt),
    }
}

/// Returns the number of training steps per epoch.
pub fn steps_per_epoch(data: &TaskData, batch_size: usize, bptt: usize) -> usize {
    match data {
        TaskData::Classification { train, .. } => train.len().div_ceil(batch_size.max(1)),
        TaskData::LanguageModel { train, .. } => LmBatches::new(train, batch_size, bptt)
            .map(|batches| batches.len())
            .unwrap_or(0),
    }
}

/// Returns the first `count` training examples in order as one batch, the memory monitor's
/// fixed batch. `None` for language modelling.
///
/// # Errors
/// [`TrainError::Data`] when the examples cannot be assembled.
pub fn monitoring_batch(data: &TaskData, count: usize) -> Result<Option<StepBatch>> {
    let TaskData::Classification { train, .. } = data else {
        return Ok(None);
    };
    let indices: Vec<usize> = (0..count.min(train.len())).collect();
    let first = train.select(&indices).map_err(data_error)?;
    let mut batches = sequence_batches(&first, count.max(1), 0, 0, false)?;
    batches.next().transpose()
}

/// Returns the seed of step `step` of epoch `epoch` for the model's generators (dropout, noise
/// and initial states).
///
/// Deriving it from the numbers, instead of carrying one generator through the run, lets a
/// resumed run draw exactly what the uninterrupted run drew, for every model whose
/// [`super::TrainModel::reseed`] restarts its generators.
pub fn step_seed(seed: u64, epoch: usize, step: usize) -> u64 {
    mix(mix(seed ^ 0x7261_6e64_6f6d_2121, epoch as u64), step as u64)
}

/// SplitMix64 finaliser over `state + value`, so that nearby inputs give unrelated seeds.
fn mix(state: u64, value: u64) -> u64 {
    let mut z = state.wrapping_add(value.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn sequence_batches(
    data: &SequenceData,
    batch_size: usize,
    seed: u64,
    epoch: usize,
    shuffle: bool,
) -> Result<Box<dyn Iterator<Item = Result<StepBatch>> + '_>> {
    let config = BatchConfig {
        batch_size,
        shuffle,
        seed,
        drop_last: false,
    };
    let batches = data.batches(&config, epoch as u64).map_err(data_error)?;
    Ok(Box::new(batches.map(|batch| {
        Ok(StepBatch {
            inputs: batch.inputs,
            targets: batch.targets,
        })
    })))
}

/// Row `r` of each batch continues row `r` of the previous batch, which lets the training loop
/// carry the models' state from batch to batch.
fn token_batches(
    stream: &TokenStream,
    batch_size: usize,
    bptt: usize,
) -> Result<Box<dyn Iterator<Item = Result<StepBatch>> + '_>> {
    let batches = LmBatches::new(stream, batch_size, bptt).map_err(data_error)?;
    Ok(Box::new(batches.map(|batch| {
        Ok(StepBatch {
            inputs: batch.inputs_tensor(),
            targets: batch.targets,
        })
    })))
}

fn data_error(error: datasets::DatasetError) -> TrainError {
    TrainError::Data {
        dataset: "batches",
        message: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_seed_depends_on_every_number() {
        let draw = step_seed;
        assert_eq!(draw(1, 2, 3), draw(1, 2, 3));
        assert_ne!(draw(1, 2, 3), draw(1, 2, 4));
        assert_ne!(draw(1, 2, 3), draw(1, 3, 3));
        assert_ne!(draw(1, 2, 3), draw(2, 2, 3));
    }

    #[test]
    fn token_batches_have_time_axis() {
        let stream = TokenStream::from_ids((0..21).collect());
        let data = TaskData::LanguageModel {
            train: stream.clone(),
            eval: stream,
            vocab_size: 21,
        };
        // 21 tokens in 2 rows of 10; windows of 4 inputs: 4 + 4 + 1 steps.
        assert_eq!(steps_per_epoch(&data, 2, 4), 3);
        let first = train_batches(&data, 2, 4, 0, 0)
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(first.inputs.shape(), &[2, 4]);
        assert_eq!(
            first.inputs.to_vec(),
            vec![0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 13.0]
        );
        assert_eq!(first.targets, vec![1, 2, 3, 4, 11, 12, 13, 14]);
    }
}
