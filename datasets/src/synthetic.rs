//! Synthetic tasks that need memory, generated from a seed with no files at all.
//!
//! Every step is a one-hot vector (or all zeros for a blank step), and the same seed always
//! gives the same examples.
//!
//! **Associative recall** ([`AssociativeRecall`]): the model receives `num_pairs` key-value pairs
//! with distinct keys, then a query step that repeats one of the keys with a query flag set, and
//! must output that key's value. Features are `num_keys` key channels, `num_values` value channels
//! and the query flag; there are `2 * num_pairs + 1` steps and one target, the value's index.
//!
//! ```text
//! step:    0    1    2    3   ...   2p        (p = num_pairs)
//! input:   k3   v1   k0   v4  ...   k0 + flag
//! target:                           4          (the value stored with k0)
//! ```
//!
//! **Copy / delayed recall** ([`CopyTask`]): the model receives `length` random symbols, then
//! `delay` blank steps, then `length` steps with the recall flag set during which it must output
//! the symbols in order. Features are `num_symbols` symbol channels and the recall flag; there
//! are `2 * length + delay` steps, and the `length` targets belong to the last `length` steps.
//! With `length = 1` this is delayed recall of one symbol.

use rand::rngs::StdRng;
use rand::seq::index::sample;
use rand::{Rng, SeedableRng};

use crate::error::{DatasetError, Result};
use crate::sequences::SequenceSet;

/// Settings of the associative-recall task; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssociativeRecall {
    /// Number of key-value pairs shown before the query.
    pub num_pairs: usize,
    /// Number of distinct keys; at least `num_pairs`.
    pub num_keys: usize,
    /// Number of distinct values, which is the number of classes.
    pub num_values: usize,
}

impl Default for AssociativeRecall {
    /// Four pairs drawn from 8 keys and 8 values: 9 steps of 17 features.
    fn default() -> Self {
        AssociativeRecall {
            num_pairs: 4,
            num_keys: 8,
            num_values: 8,
        }
    }
}

impl AssociativeRecall {
    /// Generates `count` examples from `seed`.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when `num_pairs` or `num_values` is zero or
    /// `num_keys < num_pairs`.
    pub fn generate(&self, count: usize, seed: u64) -> Result<SequenceSet> {
        let AssociativeRecall {
            num_pairs,
            num_keys,
            num_values,
        } = *self;
        if num_pairs == 0 || num_values == 0 || num_keys < num_pairs {
            return Err(DatasetError::invalid(
                "AssociativeRecall::generate",
                format!(
                    "needs num_pairs >= 1, num_values >= 1 and num_keys >= num_pairs, got {num_pairs} pairs, {num_keys} keys, {num_values} values"
                ),
            ));
        }

        let features = num_keys + num_values + 1;
        let time_steps = 2 * num_pairs + 1;
        let query_flag = num_keys + num_values;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut inputs = vec![0.0f32; count * time_steps * features];
        let mut targets = Vec::with_capacity(count);

        for example in inputs.chunks_exact_mut(time_steps * features) {
            let keys = sample(&mut rng, num_keys, num_pairs);
            let values: Vec<usize> = (0..num_pairs)
                .map(|_| rng.gen_range(0..num_values))
                .collect();
            for (pair, key) in keys.iter().enumerate() {
                example[2 * pair * features + key] = 1.0;
                example[(2 * pair + 1) * features + num_keys + values[pair]] = 1.0;
            }

            let queried = rng.gen_range(0..num_pairs);
            let query_step = &mut example[(time_steps - 1) * features..];
            query_step[keys.index(queried)] = 1.0;
            query_step[query_flag] = 1.0;
            targets.push(values[queried]);
        }

        SequenceSet::new(inputs, targets, time_steps, features, 1, num_values)
    }
}

/// Settings of the copy / delayed-recall task; see the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyTask {
    /// Number of symbols to remember and reproduce.
    pub length: usize,
    /// Number of blank steps between the symbols and the recall.
    pub delay: usize,
    /// Size of the alphabet, which is the number of classes.
    pub num_symbols: usize,
}

impl Default for CopyTask {
    /// Five symbols from an alphabet of 8, recalled after 10 blank steps: 20 steps of 9 features.
    fn default() -> Self {
        CopyTask {
            length: 5,
            delay: 10,
            num_symbols: 8,
        }
    }
}

impl CopyTask {
    /// Generates `count` examples from `seed`.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when `length` or `num_symbols` is zero.
    pub fn generate(&self, count: usize, seed: u64) -> Result<SequenceSet> {
        let CopyTask {
            length,
            delay,
            num_symbols,
        } = *self;
        if length == 0 || num_symbols == 0 {
            return Err(DatasetError::invalid(
                "CopyTask::generate",
                format!("needs length >= 1 and num_symbols >= 1, got {length} and {num_symbols}"),
            ));
        }

        let features = num_symbols + 1;
        let time_steps = 2 * length + delay;
        let recall_flag = num_symbols;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut inputs = vec![0.0f32; count * time_steps * features];
        let mut targets = Vec::with_capacity(count * length);

        for example in inputs.chunks_exact_mut(time_steps * features) {
            for step in 0..length {
                let symbol = rng.gen_range(0..num_symbols);
                example[step * features + symbol] = 1.0;
                targets.push(symbol);
            }
            for step in length + delay..time_steps {
                example[step * features + recall_flag] = 1.0;
            }
        }

        SequenceSet::new(inputs, targets, time_steps, features, length, num_symbols)
    }
}
