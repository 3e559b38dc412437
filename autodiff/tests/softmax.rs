//! Gradient checks for `softmax` and `log_softmax` along a random axis.

mod common;

use common::*;
use proptest::prelude::*;
use tensor::Tensor;

/// Generates a tensor of rank 1 to 4 and one of its axes (positive or negative).
fn arb_with_axis() -> impl Strategy<Value = (Tensor<f64>, isize)> {
    arb_shape(1, 4).prop_flat_map(|shape| {
        let rank = shape.len() as isize;
        (arb_tensor(shape, smooth()), -rank..rank)
    })
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn softmax_grad((x, axis) in arb_with_axis(), seed in any::<u64>()) {
        check_op(|v| v[0].softmax(axis), &[x], seed)?;
    }

    #[test]
    fn log_softmax_grad((x, axis) in arb_with_axis(), seed in any::<u64>()) {
        check_op(|v| v[0].log_softmax(axis), &[x], seed)?;
    }
}

#[test]
fn softmax_grad_finite_for_large_inputs() {
    // exp(1000) overflows, but both forward and backward use the shifted, stable form.
    let tape = autodiff::Tape::<f64>::new();
    let x = tape.leaf(Tensor::from_vec(vec![1000.0, 0.0, -1000.0], &[3]).unwrap());
    let w = tape.constant(Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]).unwrap());
    let soft = x
        .softmax(0)
        .unwrap()
        .mul(&w)
        .unwrap()
        .sum(&[], false)
        .unwrap();
    let log_soft = x
        .log_softmax(0)
        .unwrap()
        .mul(&w)
        .unwrap()
        .sum(&[], false)
        .unwrap();
    let soft_grad = tape.backward(&soft).unwrap().get(&x).unwrap().to_vec();
    let log_grad = tape.backward(&log_soft).unwrap().get(&x).unwrap().to_vec();
    assert!(soft_grad.iter().all(|g| g.is_finite()), "{soft_grad:?}");
    // d log_softmax: g - softmax * sum(g) = [1, 2, 3] - [1, 0, 0] * 6 = [-5, 2, 3].
    assert_eq!(log_grad, vec![-5.0, 2.0, 3.0]);
}
