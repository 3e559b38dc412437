//! Gradient checks for `l2_normalize` (both the normal and the clamped regime) and for
//! `layer_norm`, fused and as a composition of primitive operations.

mod common;

use autodiff::{Tape, Var};
use common::*;
use proptest::prelude::*;
use tensor::Tensor;

/// `layer_norm` written with primitives: `(x - mean) / sqrt(var + eps)` over the last axis.
fn layer_norm_composed(x: &Var<f64>, eps: f64) -> autodiff::Result<Var<f64>> {
    let centered = x.sub(&x.mean(&[-1], true)?)?;
    let std = x.var(&[-1], true)?.add_scalar(eps)?.sqrt()?;
    centered.div(&std)
}

/// Generates a tensor of rank 1 to 4 and one of its axes.
fn arb_with_axis() -> impl Strategy<Value = (Tensor<f64>, isize)> {
    arb_shape(1, 4).prop_flat_map(|shape| {
        let rank = shape.len() as isize;
        (arb_tensor(shape, away_from_zero()), -rank..rank)
    })
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn l2_normalize_grad((x, axis) in arb_with_axis(), seed in any::<u64>()) {
        check_op(|v| v[0].l2_normalize(axis, 1e-6), &[x], seed)?;
    }

    #[test]
    fn l2_normalize_clamped_grad((x, axis) in arb_with_axis(), seed in any::<u64>()) {
        // Every norm is at most 2 * sqrt(3 * 3 * 3 * 3) = 18 < 100, so the divisor is eps.
        check_op(|v| v[0].l2_normalize(axis, 100.0), &[x], seed)?;
    }

    #[test]
    fn layer_norm_fused_grad(x in arb_any_tensor(1, 4, smooth()), seed in any::<u64>()) {
        check_op(|v| v[0].layer_norm(1e-5), &[x], seed)?;
    }

    #[test]
    fn layer_norm_composed_grad(x in arb_any_tensor(1, 4, smooth()), seed in any::<u64>()) {
        check_op(|v| layer_norm_composed(&v[0], 1e-5), &[x], seed)?;
    }

    #[test]
    fn layer_norm_fused_matches_composed(x in arb_any_tensor(1, 4, smooth())) {
        let tape = Tape::new();
        let v = tape.leaf(x);
        let fused = v.layer_norm(1e-5).unwrap().value().to_vec();
        let composed = layer_norm_composed(&v, 1e-5).unwrap().value().to_vec();
        for (a, b) in fused.iter().zip(&composed) {
            prop_assert!((a - b).abs() < 1e-12, "fused {a} vs composed {b}");
        }
    }
}

#[test]
fn l2_normalize_values_and_zero_vector() {
    let tape = Tape::<f64>::new();
    // Rows [3, 4] (norm 5) and [0, 0] (norm 0, clamped to eps = 0.5).
    let x = tape.leaf(Tensor::from_vec(vec![3.0, 4.0, 0.0, 0.0], &[2, 2]).unwrap());
    let y = x.l2_normalize(1, 0.5).unwrap();
    assert_eq!(y.value().to_vec(), vec![0.6, 0.8, 0.0, 0.0]);
    let g = tape.backward(&y.sum(&[], false).unwrap()).unwrap();
    let g = g.get(&x).unwrap().to_vec();
    // Row 0: dx = (1 - y * sum(y)) / 5 = (1 - [0.6, 0.8] * 1.4) / 5 = [0.032, -0.024].
    assert!((g[0] - 0.032).abs() < 1e-12, "{g:?}");
    assert!((g[1] + 0.024).abs() < 1e-12, "{g:?}");
    // Row 1: the divisor is the constant eps, so dx = 1 / 0.5 = 2, finite.
    assert_eq!(&g[2..], &[2.0, 2.0]);
}

#[test]
fn l2_normalize_rejects_non_positive_eps() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::ones(&[3]));
    assert!(x.l2_normalize(0, 0.0).is_err());
    assert!(x.l2_normalize(0, f64::NAN).is_err());
}

#[test]
fn layer_norm_rejects_scalar() {
    let tape = Tape::<f64>::new();
    assert!(tape.leaf(Tensor::scalar(1.0)).layer_norm(1e-5).is_err());
}
