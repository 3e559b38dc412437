//! Attention pooling over time: one learned score per step, softmax over the steps, and the
//! weighted sum of the step outputs.
//!
//! ```text
//! score_t  = tanh(h_t . w + b)            [B, T]
//! weight_t = softmax_t(score_t)           [B, T]
//! output   = sum_t weight_t h_t           [B, h]
//! ```

use autodiff::Var;
use tensor::Element;

use crate::{EngramError, Result};

/// Pools `outputs` (`[B, T, h]`) over time with the score vector `w` (`[h]`) and the scalar
/// bias `b` (`[1]`). Returns the pooled output `[B, h]` and the weights `[B, T]`.
///
/// # Errors
/// [`EngramError::Shape`] when `outputs` is not of rank 3 or `w` does not have `h` entries.
pub fn attention_pool<T: Element>(
    outputs: &Var<T>,
    w: &Var<T>,
    b: &Var<T>,
) -> Result<(Var<T>, Var<T>)> {
    let shape = outputs.shape();
    if shape.len() != 3 || w.shape() != [shape[2]] {
        let expected = format!(
            "outputs [batch, time, h] and w [h], got w {:?} with outputs",
            w.shape()
        );
        return Err(EngramError::shape("attention_pool", expected, shape));
    }
    // [B, T, h] @ [h, 1] -> [B, T, 1]
    let scores = outputs.matmul(&w.unsqueeze(1)?)?.add(b)?.tanh()?;
    let weights = scores.softmax(1)?;
    let pooled = outputs.mul(&weights)?.sum(&[1], false)?;
    Ok((pooled, weights.squeeze(2)?))
}
