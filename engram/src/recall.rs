//! Recall: attention over memory slots by cosine similarity, and the retrieved memory.
//!
//! ```text
//! S = zn En^T                       cosine similarity, zn and En rows L2-normalised
//! a = softmax(S / tau_eff)          over the m slots
//! r = a E                           retrieved memory
//! ```
//!
//! With `top_k = Some(k)` every logit outside the `k` largest of its row is set to minus
//! infinity before the softmax, so exactly `k` slots get non-zero attention. Ties keep the slot
//! with the lower index.

use autodiff::Var;
use tensor::{Element, Tensor};

use crate::Result;

/// Attention weights and retrieved memory of one step.
pub struct Recall<T: Element> {
    /// Attention over slots, `[B, m]`.
    pub attention: Var<T>,
    /// Retrieved memory `a E`, `[B, h]`.
    pub retrieved: Var<T>,
}

/// Computes recall for the L2-normalised encoder outputs `z_normalized` (`[B, h]`) from the effective memory `effective`
/// (`[m, h]` shared, or `[B, m, h]` per sample).
pub fn recall<T: Element>(
    z_normalized: &Var<T>,
    effective: &Var<T>,
    cosine_eps: T,
    inverse_temperature: T,
    top_k: Option<usize>,
) -> Result<Recall<T>> {
    let per_sample = effective.rank() == 3;
    let effective_normalized = effective.l2_normalize(-1, cosine_eps)?;

    let similarity = if per_sample {
        // [B, 1, h] @ [B, h, m] -> [B, 1, m]
        let rows = z_normalized.unsqueeze(1)?;
        rows.matmul(&effective_normalized.transpose(1, 2)?)?
            .squeeze(1)?
    } else {
        z_normalized.matmul(&effective_normalized.t()?)?
    };
    let mut logits = similarity.mul_scalar(inverse_temperature)?;
    if let Some(k) = top_k {
        logits = keep_top_k(&logits, k)?;
    }
    let attention = logits.softmax(-1)?;

    let retrieved = if per_sample {
        // [B, 1, m] @ [B, m, h] -> [B, 1, h]
        attention.unsqueeze(1)?.matmul(effective)?.squeeze(1)?
    } else {
        attention.matmul(effective)?
    };
    Ok(Recall {
        attention,
        retrieved,
    })
}

/// Replaces every entry of a `[B, m]` logit row outside its `k` largest by minus infinity.
fn keep_top_k<T: Element>(logits: &Var<T>, k: usize) -> Result<Var<T>> {
    let mask = top_k_mask(logits.value(), k)?;
    let tape = logits.tape();
    let filled = Tensor::full_on(logits.shape(), T::NEG_INFINITY, &logits.value().device())?;
    let minus_infinity = tape.constant(filled);
    Ok(Var::where_cond(&mask, logits, &minus_infinity)?)
}

/// Builds a `[B, m]` mask with 1 at the `k` largest entries of each row of `values`, 0 elsewhere;
/// ties keep the lower slot index. A thin name for [`Tensor::top_k_mask`], which also runs as
/// a kernel on an OpenCL device.
///
/// # Errors
/// Tensor errors from the mask.
pub fn top_k_mask<T: Element>(values: &Tensor<T>, k: usize) -> Result<Tensor<T>> {
    Ok(values.top_k_mask(k)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_mask_marks_largest() {
        let values = Tensor::<f64>::from_vec(vec![0.1, 0.9, 0.5, 0.3, 0.3, 0.2], &[2, 3]).unwrap();
        let mask = top_k_mask(&values, 2).unwrap();
        // Row 2 ties at 0.3: slots 0 and 1 win over slot 2.
        assert_eq!(mask.to_vec(), vec![0.0, 1.0, 1.0, 1.0, 1.0, 0.0]);
    }
}
