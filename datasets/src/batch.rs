//! Seeded mini-batches over a [`SequenceDataset`].
//!
//! One epoch visits every example once. With shuffling on, the order is a random permutation
//! drawn from a generator seeded with `(seed, epoch)`, so epoch 3 of seed 7 is the same
//! permutation on every run and every machine that uses the same version of `rand`, and each
//! epoch gets a different order.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use tensor::Tensor;

use crate::dataset::SequenceDataset;
use crate::error::{DatasetError, Result};

/// Settings that cut an epoch into mini-batches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchConfig {
    /// Number of examples per batch (the last batch may be smaller unless `drop_last` is set).
    pub batch_size: usize,
    /// Whether to visit the examples in a seeded random order.
    pub shuffle: bool,
    /// Seed of the shuffling; combined with the epoch number.
    pub seed: u64,
    /// Whether to skip a final batch smaller than `batch_size`.
    pub drop_last: bool,
}

impl Default for BatchConfig {
    /// Batches of 32, shuffled with seed 0, keeping the last partial batch.
    fn default() -> Self {
        BatchConfig {
            batch_size: 32,
            shuffle: true,
            seed: 0,
            drop_last: false,
        }
    }
}

/// One mini-batch.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Inputs of shape `[batch, time_steps, features]`.
    pub inputs: Tensor<f32>,
    /// Class targets, `target_len` per example, row-major `[batch, target_len]`.
    pub targets: Vec<usize>,
    /// Number of targets per example.
    pub target_len: usize,
    /// Position in the data set of each example of the batch.
    pub indices: Vec<usize>,
}

impl Batch {
    /// Number of examples in the batch.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// Returns whether the batch contains no examples.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }
}

/// Iterator over the mini-batches of one epoch; build it with [`SequenceDataset::batches`].
#[derive(Debug)]
pub struct Batches<'a, D: SequenceDataset> {
    data: &'a D,
    order: Vec<usize>,
    batch_size: usize,
    position: usize,
}

impl<'a, D: SequenceDataset> Batches<'a, D> {
    /// Plans the batches of epoch `epoch` of `data`.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when `config.batch_size` is zero.
    pub fn new(data: &'a D, config: &BatchConfig, epoch: u64) -> Result<Self> {
        if config.batch_size == 0 {
            return Err(DatasetError::invalid(
                "batches",
                "the batch size must be at least 1, got 0",
            ));
        }

        let mut order: Vec<usize> = (0..data.len()).collect();
        if config.shuffle {
            let mut rng = StdRng::seed_from_u64(epoch_seed(config.seed, epoch));
            order.shuffle(&mut rng);
        }
        if config.drop_last {
            let whole = order.len() / config.batch_size * config.batch_size;
            order.truncate(whole);
        }

        Ok(Batches {
            data,
            order,
            batch_size: config.batch_size,
            position: 0,
        })
    }

    /// Returns the order in which this epoch visits the examples.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Builds the batch of the examples at `indices`.
    fn assemble(&self, indices: &[usize]) -> Batch {
        let time_steps = self.data.time_steps();
        let features = self.data.features();
        let per_example = time_steps * features;
        let mut inputs = vec![0.0f32; indices.len() * per_example];
        let mut targets = Vec::with_capacity(indices.len() * self.data.target_len());

        for (slot, &index) in inputs.chunks_exact_mut(per_example.max(1)).zip(indices) {
            self.data.write_example(index, slot, &mut targets).expect(
                "the batch order contains only in-range indices and each slot fits one example",
            );
        }

        let shape = [indices.len(), time_steps, features];
        Batch {
            inputs: Tensor::from_vec(inputs, &shape)
                .expect("the input buffer was sized as batch * time_steps * features"),
            targets,
            target_len: self.data.target_len(),
            indices: indices.to_vec(),
        }
    }
}

impl<D: SequenceDataset> Iterator for Batches<'_, D> {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        if self.position >= self.order.len() {
            return None;
        }
        let end = (self.position + self.batch_size).min(self.order.len());
        let indices = self.order[self.position..end].to_vec();
        self.position = end;
        Some(self.assemble(&indices))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.order.len() - self.position;
        let batches = left.div_ceil(self.batch_size);
        (batches, Some(batches))
    }
}

impl<D: SequenceDataset> ExactSizeIterator for Batches<'_, D> {}

/// Mixes the user seed and the epoch number into one generator seed (SplitMix64 finaliser), so
/// that nearby seeds and epochs give unrelated permutations.
pub(crate) fn epoch_seed(seed: u64, epoch: u64) -> u64 {
    let mut z = seed ^ epoch.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
