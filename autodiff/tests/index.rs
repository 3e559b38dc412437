//! Gradient checks for `index_select`, `gather` and `scatter_add` with random (repeating)
//! indices, plus hand-computed gradients where an index repeats.

mod common;

use autodiff::Tape;
use common::*;
use proptest::prelude::*;
use tensor::{Indices, Tensor};

/// Generates a tensor of rank 1 to 3, an axis, and a shape equal to the tensor's except along the axis,
/// where it has size 1 to 4.
fn arb_indexed() -> impl Strategy<Value = (Tensor<f64>, usize, Vec<usize>)> {
    arb_shape(1, 3).prop_flat_map(|shape| {
        let rank = shape.len();
        (arb_tensor(shape.clone(), smooth()), 0..rank, 1usize..=4).prop_map(
            move |(x, axis, count)| {
                let mut index_shape = shape.clone();
                index_shape[axis] = count;
                (x, axis, index_shape)
            },
        )
    })
}

/// Random indices below `bound` filling `shape`.
fn arb_indices(shape: Vec<usize>, bound: usize) -> impl Strategy<Value = Indices> {
    let count = shape.iter().product::<usize>();
    prop::collection::vec(0..bound, count).prop_map(move |data| Indices::new(data, &shape).unwrap())
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn index_select_grad(
        (x, axis, indices) in arb_indexed().prop_flat_map(|(x, axis, index_shape)| {
            let bound = x.shape()[axis];
            (Just(x), Just(axis), prop::collection::vec(0..bound, index_shape[axis]))
        }),
        seed in any::<u64>(),
    ) {
        check_op(|v| v[0].index_select(axis as isize, &indices), &[x], seed)?;
    }

    #[test]
    fn gather_grad(
        (x, axis, index) in arb_indexed().prop_flat_map(|(x, axis, index_shape)| {
            let bound = x.shape()[axis];
            (Just(x), Just(axis), arb_indices(index_shape, bound))
        }),
        seed in any::<u64>(),
    ) {
        check_op(|v| v[0].gather(axis as isize, &index), &[x], seed)?;
    }

    #[test]
    fn scatter_add_grad(
        (x, axis, index, src) in arb_indexed().prop_flat_map(|(x, axis, index_shape)| {
            let bound = x.shape()[axis];
            (
                Just(x),
                Just(axis),
                arb_indices(index_shape.clone(), bound),
                arb_tensor(index_shape, smooth()),
            )
        }),
        seed in any::<u64>(),
    ) {
        check_op(|v| v[0].scatter_add(axis as isize, &index, &v[1]), &[x, src], seed)?;
    }
}

#[test]
fn index_select_repeated_index_accumulates() {
    // y = x[[0, 2, 0]]: dL/dx_0 = w_0 + w_2 = 1 + 3, dL/dx_1 = 0, dL/dx_2 = w_1 = 2.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::from_vec(vec![10.0, 20.0, 30.0], &[3]).unwrap());
    let w = tape.constant(Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]).unwrap());
    let y = x.index_select(0, &[0, 2, 0]).unwrap();
    assert_eq!(y.value().to_vec(), vec![10.0, 30.0, 10.0]);
    let loss = y.mul(&w).unwrap().sum(&[], false).unwrap();
    let g = tape.backward(&loss).unwrap().get(&x).unwrap().to_vec();
    assert_eq!(g, vec![4.0, 0.0, 2.0]);
}

#[test]
fn gather_picks_class_scores() {
    // The cross-entropy pattern: pick one score per row. dL/dx is 1 at each picked place.
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap());
    let index = Indices::new(vec![2, 0], &[2, 1]).unwrap();
    let y = x.gather(1, &index).unwrap();
    assert_eq!(y.value().to_vec(), vec![3.0, 4.0]);
    let g = tape.backward(&y.sum(&[], false).unwrap()).unwrap();
    assert_eq!(
        g.get(&x).unwrap().to_vec(),
        vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    );
}
