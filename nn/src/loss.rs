//! Losses and metrics, with PyTorch's definitions.
//!
//! Cross-entropy from logits z `[n, classes]` and class indices y, with label smoothing eps
//! and `classes` = C:
//!
//! ```text
//! log p_c  = z_c - logsumexp(z)                      (stable: no exp of a large z)
//! q_c      = (1 - eps) [c == y] + eps / C            (the smoothed target distribution)
//! loss     = -(1 / n_kept) sum over kept rows of sum_c q_c log p_c
//! ```
//!
//! Rows whose target equals `ignore_index` (padding) are left out of the sum and of n_kept.
//! The loss is one weighted sum, `-sum(Q * log_softmax(z)) / n_kept`, with a constant Q.

use autodiff::Var;
use tensor::{Element, Tensor};

use crate::{NnError, Result};

/// Options of [`cross_entropy`].
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct CrossEntropyOptions {
    /// Rows with this target are ignored (padding). Default none.
    pub ignore_index: Option<usize>,
    /// Label smoothing eps in [0, 1]. Default 0.
    pub label_smoothing: f64,
}

/// Returns the mean cross-entropy between `logits` `[..., classes]` and integer `targets`
/// (one per row of the leading axes, in row-major order), as a scalar variable.
///
/// When every target is ignored the loss is 0 (a constant), where PyTorch returns NaN: a batch
/// made only of padding then leaves the weights unchanged instead of poisoning them.
///
/// # Errors
/// [`NnError::ShapeMismatch`] when the number of targets differs from the number of rows,
/// [`NnError::InvalidArgument`] for a target outside `0..classes` that is not `ignore_index`
/// or a label smoothing outside [0, 1].
pub fn cross_entropy<T: Element>(
    logits: &Var<T>,
    targets: &[usize],
    options: &CrossEntropyOptions,
) -> Result<Var<T>> {
    let eps = options.label_smoothing;
    if !(0.0..=1.0).contains(&eps) {
        return Err(NnError::invalid(
            "cross_entropy",
            format!("label_smoothing must be in [0, 1], got {eps}"),
        ));
    }
    let log_probs = logits.log_softmax(-1)?;
    weighted_nll(
        "cross_entropy",
        &log_probs,
        targets,
        options.ignore_index,
        eps,
    )
}

/// Returns the mean negative log-likelihood `-(1 / n_kept) sum log_probs[i, y_i]` for
/// log-probabilities `[..., classes]` (for example from `log_softmax`), skipping rows whose
/// target is `ignore_index`.
///
/// # Errors
/// As [`cross_entropy`].
pub fn nll_loss<T: Element>(
    log_probs: &Var<T>,
    targets: &[usize],
    ignore_index: Option<usize>,
) -> Result<Var<T>> {
    weighted_nll("nll_loss", log_probs, targets, ignore_index, 0.0)
}

/// Builds the constant target distribution Q and returns `-sum(Q * log_probs) / n_kept`.
fn weighted_nll<T: Element>(
    op: &'static str,
    log_probs: &Var<T>,
    targets: &[usize],
    ignore_index: Option<usize>,
    eps: f64,
) -> Result<Var<T>> {
    let shape = log_probs.shape();
    let classes = match shape.last() {
        Some(&c) if c > 0 => c,
        _ => {
            return Err(NnError::ShapeMismatch {
                op,
                expected: "[..., classes >= 1]".into(),
                got: shape.to_vec(),
            })
        }
    };
    let rows = log_probs.value().num_elements() / classes;
    if targets.len() != rows {
        return Err(NnError::ShapeMismatch {
            op,
            expected: format!("{rows} targets, one per row of the logits"),
            got: vec![targets.len()],
        });
    }

    let mut weights = vec![T::ZERO; rows * classes];
    let mut kept_rows = 0usize;
    let smooth = T::from_f64(eps / classes as f64);
    let on_target = T::from_f64(1.0 - eps);
    for (row, &target) in targets.iter().enumerate() {
        if Some(target) == ignore_index {
            continue;
        }
        if target >= classes {
            return Err(NnError::invalid(
                op,
                format!("target {target} at row {row} is out of range for {classes} classes"),
            ));
        }
        let q = &mut weights[row * classes..(row + 1) * classes];
        q.iter_mut().for_each(|w| *w = smooth);
        q[target] += on_target;
        kept_rows += 1;
    }
    let tape = log_probs.tape();
    if kept_rows == 0 {
        return Ok(tape.constant(Tensor::scalar(T::ZERO)));
    }

    let q = tape.constant(Tensor::from_vec(weights, shape)?);
    let total = log_probs.mul(&q)?.sum(&[], false)?;
    Ok(total.mul_scalar(T::from_f64(-1.0 / kept_rows as f64))?)
}

/// Returns the mean squared error `mean((prediction - target)^2)` over all elements; the
/// shapes must be equal.
///
/// # Errors
/// [`NnError::ShapeMismatch`] when the shapes differ.
pub fn mse_loss<T: Element>(prediction: &Var<T>, target: &Var<T>) -> Result<Var<T>> {
    if prediction.shape() != target.shape() {
        return Err(NnError::ShapeMismatch {
            op: "mse_loss",
            expected: format!("{:?} (the prediction's shape)", prediction.shape()),
            got: target.shape().to_vec(),
        });
    }
    Ok(prediction.sub(target)?.square()?.mean(&[], false)?)
}

/// Returns the fraction of rows of `logits` `[..., classes]` whose largest logit is at the
/// target class; rows with target `ignore_index` are skipped.
///
/// # Errors
/// [`NnError::ShapeMismatch`] when the number of targets differs from the number of rows.
pub fn accuracy<T: Element>(
    logits: &Tensor<T>,
    targets: &[usize],
    ignore_index: Option<usize>,
) -> Result<f64> {
    let predicted = logits.argmax(-1, false)?;
    if predicted.as_slice().len() != targets.len() {
        return Err(NnError::ShapeMismatch {
            op: "accuracy",
            expected: format!("{} targets", predicted.as_slice().len()),
            got: vec![targets.len()],
        });
    }
    let pairs = predicted
        .as_slice()
        .iter()
        .zip(targets)
        .filter(|(_, &t)| Some(t) != ignore_index);
    let (mut correct, mut total) = (0usize, 0usize);
    for (&p, &t) in pairs {
        correct += usize::from(p == t);
        total += 1;
    }
    Ok(if total == 0 {
        0.0
    } else {
        correct as f64 / total as f64
    })
}

/// Returns the perplexity `exp(mean negative log-likelihood)` of a language model, from the
/// mean cross-entropy in nats.
pub fn perplexity(mean_nll: f64) -> f64 {
    mean_nll.exp()
}
