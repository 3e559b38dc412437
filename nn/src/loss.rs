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
//! [`cross_entropy`] is one fused tape node: the forward pass keeps only one logsumexp per row,
//! and the backward pass writes `(softmax(z) - q) / n_kept` directly, because `sum_c q_c = 1`.
//! Neither pass builds a one-hot or log-probability matrix, which matters for language models,
//! where `[n, classes]` is `[batch * time, vocabulary]`. Logits on an OpenCL device take a
//! composed form instead (log_softmax, gather, mean), whose operations all run there.

use autodiff::Var;
use tensor::{Element, Tensor};

use crate::loss_device::composed_cross_entropy;
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
    let op = "cross_entropy";
    let eps = options.label_smoothing;
    if !(0.0..=1.0).contains(&eps) {
        return Err(NnError::invalid(
            op,
            format!("label_smoothing must be in [0, 1], got {eps}"),
        ));
    }
    let classes = check_targets(op, logits.shape(), targets, options.ignore_index)?;
    let tape = logits.tape();
    let kept_rows = targets
        .iter()
        .filter(|&&t| Some(t) != options.ignore_index)
        .count();
    if kept_rows == 0 {
        let zero = Tensor::zeros_on(&[], &logits.value().device())?;
        return Ok(tape.constant(zero));
    }
    if !logits.value().is_on_host() {
        return composed_cross_entropy(logits, targets, options, classes, kept_rows);
    }

    let z = logits.value().contiguous();
    let z_slice = z
        .as_slice()
        .expect("contiguous() returns a contiguous tensor");
    let rows = RowTargets {
        targets: targets.to_vec(),
        ignore_index: options.ignore_index,
        classes,
        eps,
    };
    let log_sum_exp: Vec<f64> = z
        .reshape(&[-1, classes as isize])?
        .logsumexp(&[-1], false)?
        .iter()
        .map(|v| v.to_f64())
        .collect();
    let total: f64 = rows.loss_sum(z_slice, &log_sum_exp);
    let scale = 1.0 / kept_rows as f64;
    let output = Tensor::scalar(T::from_f64(total * scale));

    tape.custom_op(op, &[logits], output, move |g| {
        // d loss / d z_c = g (softmax(z)_c - q_c) / n_kept on kept rows, 0 on ignored rows.
        let upstream = g.to_scalar()?.to_f64() * scale;
        let mut grad = z.softmax(-1)?;
        rows.softmax_minus_target(grad.as_mut_slice(), upstream);
        Ok(vec![Some(grad)])
    })
    .map_err(NnError::from)
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
    let op = "nll_loss";
    let classes = check_targets(op, log_probs.shape(), targets, ignore_index)?;
    let kept: Vec<(usize, usize)> = targets
        .iter()
        .enumerate()
        .filter(|&(_, &t)| Some(t) != ignore_index)
        .map(|(row, &t)| (row, t))
        .collect();
    let tape = log_probs.tape();
    if kept.is_empty() {
        return Ok(tape.constant(Tensor::scalar(T::ZERO)));
    }

    let values = log_probs.value().contiguous();
    let slice = values
        .as_slice()
        .expect("contiguous() returns a contiguous tensor");
    let total: f64 = kept
        .iter()
        .map(|&(row, t)| slice[row * classes + t].to_f64())
        .sum();
    let scale = 1.0 / kept.len() as f64;
    let output = Tensor::scalar(T::from_f64(-total * scale));

    let shape = log_probs.shape().to_vec();
    tape.custom_op(op, &[log_probs], output, move |g| {
        // d loss / d log_probs[i, y_i] = -g / n_kept; every other entry gets 0.
        let value = T::from_f64(-g.to_scalar()?.to_f64() * scale);
        let mut grad = vec![T::ZERO; shape.iter().product()];
        for &(row, t) in &kept {
            grad[row * classes + t] = value;
        }
        Ok(vec![Some(Tensor::from_vec(grad, &shape)?)])
    })
    .map_err(NnError::from)
}

/// Checks that `shape` is `[..., classes >= 1]` with one target per row, each below `classes`
/// or equal to `ignore_index`, and returns `classes`.
fn check_targets(
    op: &'static str,
    shape: &[usize],
    targets: &[usize],
    ignore_index: Option<usize>,
) -> Result<usize> {
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
    let rows = shape.iter().product::<usize>() / classes;
    if targets.len() != rows {
        return Err(NnError::ShapeMismatch {
            op,
            expected: format!("{rows} targets, one per row of the logits"),
            got: vec![targets.len()],
        });
    }
    let bad = targets
        .iter()
        .enumerate()
        .find(|&(_, &t)| t >= classes && Some(t) != ignore_index);
    if let Some((row, target)) = bad {
        return Err(NnError::invalid(
            op,
            format!("target {target} at row {row} is out of range for {classes} classes"),
        ));
    }
    Ok(classes)
}

/// The targets of a cross-entropy, with what turns them into the distribution q of each row.
struct RowTargets {
    targets: Vec<usize>,
    ignore_index: Option<usize>,
    classes: usize,
    eps: f64,
}

impl RowTargets {
    /// Returns `sum over kept rows of (logsumexp(z) - sum_c q_c z_c)`, the summed loss, which
    /// equals `-sum_c q_c log p_c` because `sum_c q_c = 1`.
    fn loss_sum<T: Element>(&self, z: &[T], log_sum_exp: &[f64]) -> f64 {
        let mut total = 0.0;
        for (row, (&target, &lse)) in self.targets.iter().zip(log_sum_exp).enumerate() {
            if Some(target) == self.ignore_index {
                continue;
            }
            let values = &z[row * self.classes..(row + 1) * self.classes];
            let mut expected = (1.0 - self.eps) * values[target].to_f64();
            if self.eps > 0.0 {
                let row_sum: f64 = values.iter().map(|v| v.to_f64()).sum();
                expected += self.eps / self.classes as f64 * row_sum;
            }
            total += lse - expected;
        }
        total
    }

    /// Turns `probs`, the softmax of the logits, into `scale * (probs - q)` on kept rows
    /// and zeros on ignored rows, in place.
    fn softmax_minus_target<T: Element>(&self, probs: &mut [T], scale: f64) {
        let scale_t = T::from_f64(scale);
        let smooth = T::from_f64(scale * self.eps / self.classes as f64);
        let on_target = T::from_f64(scale * (1.0 - self.eps));
        let rows = probs.chunks_mut(self.classes).zip(&self.targets);
        for (row, &target) in rows {
            if Some(target) == self.ignore_index {
                row.fill(T::ZERO);
                continue;
            }
            for p in row.iter_mut() {
                *p = *p * scale_t - smooth;
            }
            row[target] -= on_target;
        }
    }
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
