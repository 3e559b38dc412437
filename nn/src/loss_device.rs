//! Cross-entropy for logits on an accelerator, composed from tape operations that have device
//! kernels.
//!
//! The fused [`crate::cross_entropy`] node reads the logits as a host slice, which would copy a
//! device tensor back to the host in every step. This form keeps every intermediate on the
//! logits' device. Only the targets travel: as an index, and as a mask of kept rows when some
//! rows are ignored. It computes, per row with `log p = log_softmax(z)`,
//! `(1 - eps) log p_y + (eps / C) sum_c log p_c`, and returns minus their mean over kept rows,
//! the same value as the fused node.

use autodiff::Var;
use tensor::{Element, Indices, Tensor};

use crate::{CrossEntropyOptions, Result};

/// Returns the mean cross-entropy of `logits` `[..., classes]` on their device; the caller has
/// checked the targets and that `kept_rows > 0`.
pub(crate) fn composed_cross_entropy<T: Element>(
    logits: &Var<T>,
    targets: &[usize],
    options: &CrossEntropyOptions,
    classes: usize,
    kept_rows: usize,
) -> Result<Var<T>> {
    let rows = targets.len();
    let log_probs = logits
        .reshape(&[rows as isize, classes as isize])?
        .log_softmax(-1)?;
    // Ignored rows pick class 0 here and are masked out below.
    let picked_classes: Vec<usize> = targets
        .iter()
        .map(|&t| {
            if Some(t) == options.ignore_index {
                0
            } else {
                t
            }
        })
        .collect();
    let index = Indices::new(picked_classes, &[rows, 1])?;
    let eps = options.label_smoothing;
    let mut per_row = log_probs
        .gather(1, &index)?
        .reshape(&[rows as isize])?
        .mul_scalar(T::from_f64(1.0 - eps))?;
    if eps > 0.0 {
        let spread = log_probs
            .sum(&[-1], false)?
            .mul_scalar(T::from_f64(eps / classes as f64))?;
        per_row = per_row.add(&spread)?;
    }
    if kept_rows < rows {
        let row_weights: Vec<T> = targets
            .iter()
            .map(|&t| {
                if Some(t) == options.ignore_index {
                    T::ZERO
                } else {
                    T::ONE
                }
            })
            .collect();
        let mask = Tensor::from_vec(row_weights, &[rows])?.to_device(&logits.value().device())?;
        per_row = per_row.mul(&logits.tape().constant(mask))?;
    }
    Ok(per_row
        .sum(&[], false)?
        .mul_scalar(T::from_f64(-1.0 / kept_rows as f64))?)
}
