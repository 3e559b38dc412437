//! Gradient checks for `softmax` and `log_softmax` along a random axis.

mod common;

use common::*;
use proptest::prelude::*;
use tensor::Tensor;

/// A tensor of rank 1 to 4 and one of its axes (positive or negative).
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
