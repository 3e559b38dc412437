//! Gradient checks for the reductions over random axis sets, with and without `keepdim`, plus
//! the tie rule of `max` and `min`.

mod common;

use autodiff::Tape;
use common::*;
use proptest::prelude::*;
use tensor::Tensor;

/// Generates a tensor of rank 0 to 4 and a random set of its axes (possibly empty, meaning all axes),
/// given as a mix of positive and negative axis numbers.
fn arb_reduction(distinct: bool) -> impl Strategy<Value = (Tensor<f64>, Vec<isize>, bool)> {
    arb_shape(0, 4).prop_flat_map(move |shape| {
        let rank = shape.len();
        let tensor = if distinct {
            arb_distinct_tensor(shape).boxed()
        } else {
            arb_tensor(shape, smooth()).boxed()
        };
        let axes =
            prop::collection::vec((any::<bool>(), any::<bool>()), rank).prop_map(move |picks| {
                picks
                    .iter()
                    .enumerate()
                    .filter(|(_, (keep, _))| *keep)
                    .map(|(a, (_, negative))| {
                        if *negative {
                            a as isize - rank as isize
                        } else {
                            a as isize
                        }
                    })
                    .collect::<Vec<isize>>()
            });
        (tensor, axes, any::<bool>())
    })
}

/// Declares one property test per reduction: `name(distinct) => method`.
macro_rules! reduce_grad_tests {
    ($($name:ident($distinct:expr) => $method:ident;)*) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $name((x, axes, keepdim) in arb_reduction($distinct), seed in any::<u64>()) {
                    check_op(|v| v[0].$method(&axes, keepdim), &[x], seed)?;
                }
            )*
        }
    };
}

reduce_grad_tests! {
    sum_grad(false) => sum;
    mean_grad(false) => mean;
    max_grad(true) => max;
    min_grad(true) => min;
    var_grad(false) => var;
    logsumexp_grad(false) => logsumexp;
}

#[test]
fn max_tie_splits_gradient_evenly() {
    // Row [3, 1, 3] has two maxima: each gets 1/2. Row [0, 2, 1] has one.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::from_vec(vec![3.0, 1.0, 3.0, 0.0, 2.0, 1.0], &[2, 3]).unwrap());
    let y = x.max(&[1], false).unwrap().sum(&[], false).unwrap();
    let g = tape.backward(&y).unwrap().get(&x).unwrap().to_vec();
    assert_eq!(g, vec![0.5, 0.0, 0.5, 0.0, 1.0, 0.0]);
}

#[test]
fn min_tie_splits_gradient_evenly() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::from_vec(vec![1.0, 1.0, 1.0, 4.0], &[4]).unwrap());
    let y = x.min(&[], false).unwrap();
    let g = tape.backward(&y).unwrap().get(&x).unwrap().to_vec();
    let third = 1.0 / 3.0;
    assert_eq!(g, vec![third, third, third, 0.0]);
}

#[test]
fn mean_grad_hand_computed() {
    // d mean(x)/dx_i = 1/N with N = 4.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap());
    let y = x.mean(&[], false).unwrap();
    assert_eq!(
        tape.backward(&y).unwrap().get(&x).unwrap().to_vec(),
        vec![0.25; 4]
    );
}

#[test]
fn reduce_rejects_bad_axis() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::zeros(&[2, 2]));
    assert!(x.sum(&[2], false).is_err());
    assert!(x.mean(&[0, 0], false).is_err());
}
