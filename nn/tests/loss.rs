//! Losses and metrics against numpy values, with gradient checks.

mod common;

use autodiff::{assert_gradients_close, Tape};
use common::GRAD_TOL;
use nn::{accuracy, cross_entropy, mse_loss, nll_loss, perplexity, CrossEntropyOptions};
use tensor::Tensor;

const TOL: f64 = 1e-12;

fn logits() -> Tensor<f64> {
    tensor::tensor!([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [0.5, -1.0, 2.0]])
}

const TARGETS: [usize; 3] = [2, 0, 1];

fn loss_value(options: &CrossEntropyOptions, targets: &[usize]) -> f64 {
    let tape = Tape::new();
    cross_entropy(&tape.constant(logits()), targets, options)
        .unwrap()
        .value()
        .to_scalar()
        .unwrap()
}

#[test]
fn cross_entropy_matches_numpy() {
    // Values from tests/reference/losses.py.
    assert!(
        (loss_value(&CrossEntropyOptions::default(), &TARGETS) - 1.5825098499232155).abs() < TOL
    );
    let smoothed = CrossEntropyOptions {
        label_smoothing: 0.1,
        ..Default::default()
    };
    assert!((loss_value(&smoothed, &TARGETS) - 1.565843183256549).abs() < TOL);
    let ignore = CrossEntropyOptions {
        ignore_index: Some(99),
        ..Default::default()
    };
    assert!((loss_value(&ignore, &[2, 99, 1]) - 1.8244586305507686).abs() < TOL);
}

#[test]
fn cross_entropy_uniform_row_is_ln_classes() {
    // Equal logits give p = 1/3 for every class: loss = ln 3.
    let tape = Tape::new();
    let loss = cross_entropy(
        &tape.constant(Tensor::<f64>::full(&[1, 3], 7.0)),
        &[1],
        &Default::default(),
    )
    .unwrap();
    assert!((loss.value().to_scalar().unwrap() - 3f64.ln()).abs() < TOL);
}

#[test]
fn cross_entropy_is_stable_for_large_logits() {
    let tape = Tape::new();
    let z = tape.constant(tensor::tensor!([[1000.0f32, 0.0], [0.0, -1000.0]]));
    let loss = cross_entropy(&z, &[1, 0], &Default::default())
        .unwrap()
        .value()
        .to_scalar()
        .unwrap();
    // Row 0: -log p_1 = 1000; row 1: -log p_0 = ln(1 + e^-1000) = 0. Mean 500.
    assert!((loss - 500.0).abs() < 1e-3, "{loss}");
}

#[test]
fn cross_entropy_gradients() {
    for options in [
        CrossEntropyOptions::default(),
        CrossEntropyOptions {
            label_smoothing: 0.2,
            ignore_index: Some(0),
        },
    ] {
        assert_gradients_close(
            |_, v| {
                cross_entropy(&v[0], &[2, 0, 1], &options).map_err(|e| {
                    autodiff::AutodiffError::InvalidArgument {
                        op: "test",
                        message: e.to_string(),
                    }
                })
            },
            &[logits()],
            GRAD_TOL,
        );
    }
}

#[test]
fn cross_entropy_gradient_is_softmax_minus_target() {
    // d loss / d z = (softmax(z) - onehot(y)) / n.
    let tape = Tape::new();
    let z = tape.leaf(logits());
    let loss = cross_entropy(&z, &TARGETS, &Default::default()).unwrap();
    let grad = tape.backward(&loss).unwrap().get(&z).unwrap().to_vec();
    let probs = logits().softmax(-1).unwrap().to_vec();
    for (k, (g, p)) in grad.iter().zip(&probs).enumerate() {
        let target = if TARGETS[k / 3] == k % 3 { 1.0 } else { 0.0 };
        assert!((g - (p - target) / 3.0).abs() < TOL);
    }
}

#[test]
fn cross_entropy_all_ignored_is_zero() {
    let options = CrossEntropyOptions {
        ignore_index: Some(0),
        ..Default::default()
    };
    assert_eq!(loss_value(&options, &[0, 0, 0]), 0.0);
}

#[test]
fn cross_entropy_rejects_bad_targets() {
    let tape = Tape::new();
    let z = tape.constant(logits());
    let err = cross_entropy(&z, &[2, 3, 1], &Default::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("target 3 at row 1 is out of range for 3 classes"),
        "{err}"
    );
    let err = cross_entropy(&z, &[2, 1], &Default::default()).unwrap_err();
    assert!(err.to_string().contains("3 targets, one per row"), "{err}");
    let bad = CrossEntropyOptions {
        label_smoothing: 1.5,
        ..Default::default()
    };
    assert!(cross_entropy(&z, &TARGETS, &bad).is_err());
}

#[test]
fn cross_entropy_accepts_sequence_logits() {
    // [batch 1, steps 3, classes 3] with one target per step equals the 2-D case.
    let tape = Tape::new();
    let z = tape.constant(logits().reshape(&[1, 3, 3]).unwrap());
    let loss = cross_entropy(&z, &TARGETS, &Default::default())
        .unwrap()
        .value()
        .to_scalar()
        .unwrap();
    assert!((loss - 1.5825098499232155).abs() < TOL);
}

#[test]
fn nll_matches_cross_entropy_on_log_softmax() {
    let tape = Tape::new();
    let z = tape.constant(logits());
    let nll = nll_loss(&z.log_softmax(-1).unwrap(), &TARGETS, None)
        .unwrap()
        .value()
        .to_scalar()
        .unwrap();
    assert!((nll - 1.5825098499232155).abs() < TOL);
    assert_gradients_close(
        |_, v| {
            nll_loss(&v[0], &TARGETS, Some(0)).map_err(|e| {
                autodiff::AutodiffError::InvalidArgument {
                    op: "test",
                    message: e.to_string(),
                }
            })
        },
        &[logits()],
        GRAD_TOL,
    );
}

#[test]
fn mse_value_and_gradients() {
    let tape = Tape::new();
    let p = tape.constant(tensor::tensor!([1.0f64, 2.0, 4.0]));
    let t = tape.constant(tensor::tensor!([1.0f64, 0.0, 1.0]));
    // (0 + 4 + 9) / 3
    assert!((mse_loss(&p, &t).unwrap().value().to_scalar().unwrap() - 13.0 / 3.0).abs() < TOL);
    assert_gradients_close(
        |_, v| {
            mse_loss(&v[0], &v[1]).map_err(|e| autodiff::AutodiffError::InvalidArgument {
                op: "test",
                message: e.to_string(),
            })
        },
        &[
            tensor::tensor!([[1.0, 2.0], [0.5, -1.0]]),
            tensor::tensor!([[0.0, 2.5], [1.0, 1.0]]),
        ],
        GRAD_TOL,
    );
    let wrong = tape.constant(Tensor::<f64>::zeros(&[2]));
    assert!(mse_loss(&p, &wrong).is_err());
}

#[test]
fn accuracy_counts_argmax_hits() {
    // Row argmaxes: 2, 0 (first of the ties), 2.
    assert!((accuracy(&logits(), &[2, 0, 1], None).unwrap() - 2.0 / 3.0).abs() < TOL);
    assert_eq!(accuracy(&logits(), &[2, 7, 1], Some(7)).unwrap(), 0.5);
    assert!(accuracy(&logits(), &[2], None).is_err());
}

#[test]
fn perplexity_is_exp_of_nll() {
    // A uniform model over 10 tokens has cross-entropy ln 10 and perplexity 10.
    assert!((perplexity(10f64.ln()) - 10.0).abs() < 1e-12);
}
