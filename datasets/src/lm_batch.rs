//! Batches for language modelling with truncated backpropagation through time.
//!
//! The token stream is cut into `batch_size` equal columns (the tail that does not fill a
//! column is dropped), and column `b` contains tokens `b * L .. (b + 1) * L` with
//! `L = len / batch_size`. Batch `k` then takes the window `k * bptt ..` of every column:
//!
//! ```text
//! stream  a b c d e f g h i j k l m     batch_size 2, bptt 2  ->  L = 6, `m` dropped
//! column 0: a b c d e f                 batch 0: inputs [[a b] [g h]]  targets [[b c] [h i]]
//! column 1: g h i j k l                 batch 1: inputs [[c d] [i j]]  targets [[d e] [j k]]
//!                                       batch 2: inputs [[e] [k]]      targets [[f] [l]]
//! ```
//!
//! Each row continues where the same row of the previous batch stopped, so a recurrent model
//! can carry its state from batch to batch. The last window is shorter when `L - 1` is not a
//! multiple of `bptt`.

use tensor::Tensor;

use crate::error::{DatasetError, Result};
use crate::vocab::TokenStream;

/// One language-modelling batch: `[batch_size, seq_len]` token ids and their next tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LmBatch {
    /// Input token ids, row-major `[batch_size, seq_len]`.
    pub inputs: Vec<usize>,
    /// Target token ids (the token after each input), row-major `[batch_size, seq_len]`.
    pub targets: Vec<usize>,
    /// Number of rows.
    pub batch_size: usize,
    /// Number of time steps in this batch (at most `bptt`).
    pub seq_len: usize,
}

impl LmBatch {
    /// Returns the input ids as a `[batch_size, seq_len]` tensor of `f32`, exact for ids below 2^24.
    pub fn inputs_tensor(&self) -> Tensor<f32> {
        let values = self.inputs.iter().map(|&id| id as f32).collect();
        Tensor::from_vec(values, &[self.batch_size, self.seq_len])
            .expect("inputs hold batch_size * seq_len ids")
    }
}

/// Iterator over the [`LmBatch`]es of a token stream; see the module documentation.
#[derive(Debug, Clone)]
pub struct LmBatches<'a> {
    ids: &'a [u32],
    batch_size: usize,
    bptt: usize,
    column_len: usize,
    position: usize,
}

impl<'a> LmBatches<'a> {
    /// Plans the batches of `stream` with `batch_size` rows of at most `bptt` steps.
    ///
    /// # Errors
    /// [`DatasetError::InvalidArgument`] when `batch_size` or `bptt` is zero, or when the stream
    /// has fewer than two tokens per row.
    pub fn new(stream: &'a TokenStream, batch_size: usize, bptt: usize) -> Result<Self> {
        if batch_size == 0 || bptt == 0 {
            return Err(DatasetError::invalid(
                "LmBatches::new",
                format!("batch_size and bptt must be at least 1, got {batch_size} and {bptt}"),
            ));
        }
        let column_len = stream.len() / batch_size;
        if column_len < 2 {
            return Err(DatasetError::invalid(
                "LmBatches::new",
                format!(
                    "{} tokens give fewer than 2 tokens to each of {batch_size} rows; use a smaller batch size or more data",
                    stream.len()
                ),
            ));
        }
        Ok(LmBatches {
            ids: stream.ids(),
            batch_size,
            bptt,
            column_len,
            position: 0,
        })
    }

    /// Number of tokens per row (`L` in the module documentation).
    pub fn column_len(&self) -> usize {
        self.column_len
    }
}

impl Iterator for LmBatches<'_> {
    type Item = LmBatch;

    fn next(&mut self) -> Option<LmBatch> {
        // The last input of a row is at `column_len - 2`, because it needs a next token.
        if self.position + 1 >= self.column_len {
            return None;
        }
        let seq_len = self.bptt.min(self.column_len - 1 - self.position);
        let mut inputs = Vec::with_capacity(self.batch_size * seq_len);
        let mut targets = Vec::with_capacity(self.batch_size * seq_len);
        for row in 0..self.batch_size {
            let start = row * self.column_len + self.position;
            let window = &self.ids[start..start + seq_len + 1];
            inputs.extend(window[..seq_len].iter().map(|&id| id as usize));
            targets.extend(window[1..].iter().map(|&id| id as usize));
        }
        self.position += seq_len;
        Some(LmBatch {
            inputs,
            targets,
            batch_size: self.batch_size,
            seq_len,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let steps_left = (self.column_len - 1).saturating_sub(self.position);
        let batches = steps_left.div_ceil(self.bptt);
        (batches, Some(batches))
    }
}

impl ExactSizeIterator for LmBatches<'_> {}
