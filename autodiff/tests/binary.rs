//! Gradient checks for the broadcasting binary operations and `where_cond`, with inputs whose
//! shapes broadcast against each other, plus the tie rule of `maximum` and `minimum`.

mod common;

use autodiff::{Tape, Var};
use common::*;
use proptest::prelude::*;
use tensor::Tensor;

/// Generates two tensors whose shapes broadcast to a common shape of rank up to 4, with values from
/// `left` and `right`.
fn arb_pair(
    left: impl Strategy<Value = f64> + Clone + 'static,
    right: impl Strategy<Value = f64> + Clone + 'static,
) -> impl Strategy<Value = (Tensor<f64>, Tensor<f64>)> {
    arb_shape(0, 4)
        .prop_flat_map(|shape| (arb_broadcast_of(shape.clone()), arb_broadcast_of(shape)))
        .prop_flat_map(move |(a, b)| (arb_tensor(a, left.clone()), arb_tensor(b, right.clone())))
}

/// Declares one property test per binary operation: `name: (left, right) => |a, b| expr`.
macro_rules! binary_grad_tests {
    ($($name:ident: ($left:expr, $right:expr) => |$a:ident, $b:ident| $body:expr;)*) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $name((x, y) in arb_pair($left, $right), seed in any::<u64>()) {
                    check_op(|v| { let ($a, $b) = (&v[0], &v[1]); $body }, &[x, y], seed)?;
                }
            )*
        }
    };
}

binary_grad_tests! {
    add_grad: (smooth(), smooth()) => |a, b| a.add(b);
    sub_grad: (smooth(), smooth()) => |a, b| a.sub(b);
    mul_grad: (smooth(), smooth()) => |a, b| a.mul(b);
    div_grad: (smooth(), away_from_zero()) => |a, b| a.div(b);
    pow_grad: (positive(), smooth()) => |a, b| a.pow(b);
}

/// Generates two broadcastable tensors whose values never come within 0.1 of each other. One
/// side takes values in [0.05, 1] and the other in [-1, -0.05], and a coin flip decides which
/// side is larger, so either input can win.
fn arb_separated_pair() -> impl Strategy<Value = (Tensor<f64>, Tensor<f64>)> {
    let high = 0.05..1.0f64;
    let low = -1.0..-0.05f64;
    (arb_pair(high, low), any::<bool>())
        .prop_map(|((a, b), swap)| if swap { (b, a) } else { (a, b) })
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn maximum_grad((x, y) in arb_separated_pair(), seed in any::<u64>()) {
        check_op(|v| v[0].maximum(&v[1]), &[x, y], seed)?;
    }

    #[test]
    fn minimum_grad((x, y) in arb_separated_pair(), seed in any::<u64>()) {
        check_op(|v| v[0].minimum(&v[1]), &[x, y], seed)?;
    }

    #[test]
    fn where_cond_grad(
        ((x, y), mask_bits) in (arb_pair(smooth(), smooth()), prop::collection::vec(any::<bool>(), 81)),
        seed in any::<u64>(),
    ) {
        // The mask has the broadcast shape of x and y, with random bits.
        let shape = tensor::shape::broadcast_shapes("test", x.shape(), y.shape()).unwrap();
        let count: usize = shape.iter().product();
        let bits = mask_bits.iter().take(count).map(|&b| if b { 1.0 } else { 0.0 }).collect();
        let mask = Tensor::from_vec(bits, &shape).unwrap();
        check_op(|v| Var::where_cond(&mask, &v[0], &v[1]), &[x, y], seed)?;
    }
}

#[test]
fn maximum_tie_splits_gradient() {
    let tape = Tape::<f64>::new();
    let a = tape.leaf(Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]).unwrap());
    let b = tape.leaf(Tensor::from_vec(vec![1.0, 5.0, 0.0], &[3]).unwrap());
    let y = a.maximum(&b).unwrap().sum(&[], false).unwrap();
    let grads = tape.backward(&y).unwrap();
    // Tie at index 0 splits 1/2 and 1/2; b wins index 1, a wins index 2.
    assert_eq!(grads.get(&a).unwrap().to_vec(), vec![0.5, 0.0, 1.0]);
    assert_eq!(grads.get(&b).unwrap().to_vec(), vec![0.5, 1.0, 0.0]);
}

#[test]
fn minimum_tie_splits_gradient() {
    let tape = Tape::<f64>::new();
    let a = tape.leaf(Tensor::from_vec(vec![1.0, 2.0], &[2]).unwrap());
    let b = tape.leaf(Tensor::from_vec(vec![1.0, 5.0], &[2]).unwrap());
    let y = a.minimum(&b).unwrap().sum(&[], false).unwrap();
    let grads = tape.backward(&y).unwrap();
    assert_eq!(grads.get(&a).unwrap().to_vec(), vec![0.5, 1.0]);
    assert_eq!(grads.get(&b).unwrap().to_vec(), vec![0.5, 0.0]);
}

#[test]
fn broadcast_grad_sums_to_input_shape() {
    // y = a + b with a: [2, 3], b: [3]; dL/db_j = sum_i w_ij for L = sum(y * w).
    let tape = Tape::<f64>::new();
    let a = tape.leaf(Tensor::zeros(&[2, 3]));
    let b = tape.leaf(Tensor::zeros(&[3]));
    let w = tape.constant(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap());
    let loss = a.add(&b).unwrap().mul(&w).unwrap().sum(&[], false).unwrap();
    let grads = tape.backward(&loss).unwrap();
    assert_eq!(grads.get(&b).unwrap().shape(), &[3]);
    assert_eq!(grads.get(&b).unwrap().to_vec(), vec![5.0, 7.0, 9.0]);
}

#[test]
fn add_rejects_incompatible_shapes() {
    let tape = Tape::<f64>::new();
    let a = tape.leaf(Tensor::zeros(&[2, 3]));
    let b = tape.leaf(Tensor::zeros(&[4]));
    assert!(a.add(&b).is_err());
}
