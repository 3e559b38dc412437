//! Cross-entropy from logits, recorded on the tape for training and computed on plain tensors
//! for evaluation.
//!
//! For logits `z` of one example and target class `t`, the loss is
//! `-log softmax(z)_t = logsumexp(z) - z_t`, computed through `log_softmax` so that large logits
//! do not overflow.

use autodiff::Var;
use tensor::{Indices, Tensor};

use super::error::{Result, TrainError};

/// Mean cross-entropy of `logits` (`[n, classes]`) against `targets` (`n` class indices), as a
/// scalar on the tape.
///
/// # Errors
/// [`TrainError::InvalidInput`] when the logits are not `[targets.len(), classes]` or a target is
/// not below `classes`, and errors of the operations.
pub fn cross_entropy(logits: &Var<f32>, targets: &[usize]) -> Result<Var<f32>> {
    let classes = check_targets(logits.shape(), targets)?;
    let log_probs = logits.log_softmax(-1)?;
    let index = Indices::new(targets.to_vec(), &[targets.len(), 1])?;
    let picked = log_probs.gather(1, &index)?;
    debug_assert_eq!(picked.shape(), &[targets.len(), 1], "{classes} classes");
    Ok(picked.mean(&[], false)?.neg()?)
}

/// Sum of the per-example cross-entropy and number of correct argmax predictions, for
/// evaluation.
///
/// # Errors
/// As [`cross_entropy`].
pub fn loss_and_correct(logits: &Tensor<f32>, targets: &[usize]) -> Result<(f64, usize)> {
    check_targets(logits.shape(), targets)?;
    let log_probs = logits.log_softmax(-1)?;
    let predictions = logits.argmax(-1, false)?;

    let mut loss = 0.0f64;
    let mut correct = 0;
    for (row, (&target, &predicted)) in targets.iter().zip(predictions.as_slice()).enumerate() {
        loss -= f64::from(log_probs.get(&[row, target])?);
        correct += usize::from(predicted == target);
    }
    Ok((loss, correct))
}

/// Checks that `shape` is `[targets.len(), classes]` with every target below `classes`, and
/// returns `classes`.
fn check_targets(shape: &[usize], targets: &[usize]) -> Result<usize> {
    let [rows, classes] = shape else {
        return Err(shape_error(format!(
            "logits must be [examples, classes], got {shape:?}"
        )));
    };
    if *rows != targets.len() {
        return Err(shape_error(format!(
            "{rows} rows of logits but {} targets",
            targets.len()
        )));
    }
    if let Some(bad) = targets.iter().find(|&&t| t >= *classes) {
        return Err(shape_error(format!(
            "target class {bad} is not below the model's {classes} classes"
        )));
    }
    Ok(*classes)
}

fn shape_error(message: String) -> TrainError {
    TrainError::InvalidInput {
        op: "cross_entropy",
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autodiff::Tape;

    #[test]
    fn cross_entropy_matches_hand_value() {
        // Row 0: logits [0, ln 3] -> softmax [1/4, 3/4]; target 1 -> -ln(3/4).
        // Row 1: logits [0, 0] -> [1/2, 1/2]; target 0 -> ln 2.
        let ln3 = 3.0f32.ln();
        let logits = Tensor::from_vec(vec![0.0, ln3, 0.0, 0.0], &[2, 2]).unwrap();
        let expected = ((4.0f64 / 3.0).ln() + 2.0f64.ln()) / 2.0;

        let tape = Tape::new();
        let loss = cross_entropy(&tape.leaf(logits.clone()), &[1, 0]).unwrap();
        let value = f64::from(loss.value().to_scalar().unwrap());
        assert!((value - expected).abs() < 1e-6, "{value} vs {expected}");

        let (sum, correct) = loss_and_correct(&logits, &[1, 0]).unwrap();
        assert!((sum - 2.0 * expected).abs() < 1e-6);
        // Row 0 predicts 1 (correct); row 1 ties and argmax takes the first index, 0 (correct).
        assert_eq!(correct, 2);
    }

    #[test]
    fn target_out_of_range_is_an_error() {
        let logits = Tensor::<f32>::zeros(&[1, 3]);
        let error = loss_and_correct(&logits, &[3]).unwrap_err();
        assert!(error.to_string().contains("target class 3"), "{error}");
    }
}
