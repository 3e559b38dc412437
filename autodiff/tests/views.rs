//! Gradient checks for the view operations and chains of views, and a check that each view of
//! a non-contiguous variable has the same values as the view of a contiguous copy.

mod common;

use autodiff::{Tape, Var};
use common::*;
use proptest::prelude::*;
use tensor::Tensor;

/// Generates a tensor of rank 1 to 4 and a valid axis number for it, as `usize`.
fn arb_with_axis() -> impl Strategy<Value = (Tensor<f64>, usize)> {
    arb_shape(1, 4).prop_flat_map(|shape| {
        let rank = shape.len();
        (arb_tensor(shape, smooth()), 0..rank)
    })
}

/// Generates a tensor with an axis and a window `start..start + len` inside it.
fn arb_window() -> impl Strategy<Value = (Tensor<f64>, usize, usize, usize)> {
    arb_with_axis().prop_flat_map(|(x, axis)| {
        let size = x.shape()[axis];
        (Just(x), Just(axis), 0..size).prop_flat_map(move |(x, axis, start)| {
            (Just(x), Just(axis), Just(start), 0..=size - start)
        })
    })
}

/// Generates a random permutation of `0..rank`.
fn arb_permutation(rank: usize) -> impl Strategy<Value = Vec<usize>> {
    Just((0..rank).collect::<Vec<usize>>()).prop_shuffle()
}

/// Checks that `view` applied to `x` and to a contiguous copy of `x` gives the same values.
fn same_as_contiguous(
    x: &Tensor<f64>,
    view: impl Fn(&Var<f64>) -> autodiff::Result<Var<f64>>,
) -> Result<(), TestCaseError> {
    let tape = Tape::new();
    let strided = view(&tape.leaf(x.clone())).unwrap();
    let copy = Tensor::from_vec(x.to_vec(), x.shape()).unwrap();
    let contiguous = view(&tape.leaf(copy)).unwrap();
    prop_assert_eq!(strided.shape(), contiguous.shape());
    prop_assert_eq!(strided.value().to_vec(), contiguous.value().to_vec());
    Ok(())
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn reshape_grad(x in arb_any_tensor(0, 4, smooth()), seed in any::<u64>()) {
        // Reversing the shape forces a copy for most non-contiguous inputs.
        let target: Vec<isize> = x.shape().iter().rev().map(|&s| s as isize).collect();
        same_as_contiguous(&x, |v| v.reshape(&target))?;
        check_op(|v| v[0].reshape(&target), &[x], seed)?;
    }

    #[test]
    fn view_and_flatten_grad(x in arb_any_tensor(0, 4, smooth()), seed in any::<u64>()) {
        same_as_contiguous(&x, |v| v.flatten())?;
        check_op(|v| v[0].contiguous()?.view(&[1, -1]), std::slice::from_ref(&x), seed)?;
        check_op(|v| v[0].flatten(), &[x], seed)?;
    }

    #[test]
    fn permute_grad(
        (x, order) in arb_shape(0, 4).prop_flat_map(|s| {
            let rank = s.len();
            (arb_tensor(s, smooth()), arb_permutation(rank))
        }),
        seed in any::<u64>(),
    ) {
        same_as_contiguous(&x, |v| v.permute(&order))?;
        check_op(|v| v[0].permute(&order), &[x], seed)?;
    }

    #[test]
    fn transpose_grad(
        (x, a, b) in arb_shape(1, 4).prop_flat_map(|s| {
            let rank = s.len() as isize;
            (arb_tensor(s, smooth()), -rank..rank, -rank..rank)
        }),
        seed in any::<u64>(),
    ) {
        same_as_contiguous(&x, |v| v.transpose(a, b))?;
        check_op(|v| v[0].transpose(a, b), &[x], seed)?;
    }

    #[test]
    fn t_grad(x in arb_any_tensor(2, 4, smooth()), seed in any::<u64>()) {
        same_as_contiguous(&x, |v| v.t())?;
        check_op(|v| v[0].t(), &[x], seed)?;
    }

    #[test]
    fn narrow_grad((x, axis, start, len) in arb_window(), seed in any::<u64>()) {
        let axis = axis as isize;
        same_as_contiguous(&x, |v| v.narrow(axis, start, len))?;
        check_op(|v| v[0].narrow(axis, start, len), &[x], seed)?;
    }

    #[test]
    fn slice_grad(
        (x, axis, start, len) in arb_window(),
        step in prop_oneof![Just(1isize), Just(2), Just(-1), Just(-2)],
        seed in any::<u64>(),
    ) {
        let axis = axis as isize;
        // A negative step walks down from the last index of the window.
        let (from, to) = if step > 0 {
            (start, start + len)
        } else if len == 0 {
            (start, start)
        } else {
            (start + len - 1, start.checked_sub(1).unwrap_or(usize::MAX))
        };
        same_as_contiguous(&x, |v| v.slice(axis, from, to, step))?;
        check_op(|v| v[0].slice(axis, from, to, step), &[x], seed)?;
    }

    #[test]
    fn flip_grad((x, axis) in arb_with_axis(), seed in any::<u64>()) {
        let axis = axis as isize;
        same_as_contiguous(&x, |v| v.flip(axis))?;
        check_op(|v| v[0].flip(axis), &[x], seed)?;
    }

    #[test]
    fn select_grad(
        (x, axis, index) in arb_with_axis().prop_flat_map(|(x, axis)| {
            let size = x.shape()[axis];
            (Just(x), Just(axis), 0..size)
        }),
        seed in any::<u64>(),
    ) {
        let axis = axis as isize;
        same_as_contiguous(&x, |v| v.select(axis, index))?;
        check_op(|v| v[0].select(axis, index), &[x], seed)?;
    }

    #[test]
    fn broadcast_to_grad(
        (x, target) in arb_shape(0, 4).prop_flat_map(|target| {
            arb_broadcast_of(target.clone())
                .prop_flat_map(|s| arb_tensor(s, smooth()))
                .prop_map(move |x| (x, target.clone()))
        }),
        seed in any::<u64>(),
    ) {
        same_as_contiguous(&x, |v| v.broadcast_to(&target))?;
        check_op(|v| v[0].broadcast_to(&target), std::slice::from_ref(&x), seed)?;
        check_op(|v| v[0].expand(&target), &[x], seed)?;
    }

    #[test]
    fn squeeze_unsqueeze_grad(
        (x, axis) in arb_shape(0, 3).prop_flat_map(|s| {
            let rank = s.len() as isize;
            (arb_tensor(s, smooth()), -(rank + 1)..=rank)
        }),
        seed in any::<u64>(),
    ) {
        same_as_contiguous(&x, |v| v.unsqueeze(axis))?;
        check_op(|v| v[0].unsqueeze(axis), std::slice::from_ref(&x), seed)?;
        check_op(|v| v[0].unsqueeze(axis)?.squeeze(axis), &[x], seed)?;
    }

    #[test]
    fn chained_views_grad(x in arb_any_tensor(2, 4, smooth()), seed in any::<u64>()) {
        // A view of a view of a view: transpose, window, new axis, broadcast, reverse.
        let chain = |v: &Var<f64>| {
            let t = v.t()?;
            let last = t.shape().len() as isize - 1;
            let size = t.shape()[last as usize];
            let mut target = vec![2];
            target.extend(t.narrow(last, 0, size.min(2))?.shape());
            t.narrow(last, 0, size.min(2))?.unsqueeze(0)?.broadcast_to(&target)?.flip(1)
        };
        same_as_contiguous(&x, chain)?;
        check_op(|v| chain(&v[0]), &[x], seed)?;
    }
}

#[test]
fn narrow_grad_is_zero_outside_window() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0], &[4]).unwrap());
    let y = x.narrow(0, 1, 2).unwrap().sum(&[], false).unwrap();
    assert_eq!(
        tape.backward(&y).unwrap().get(&x).unwrap().to_vec(),
        vec![0.0, 1.0, 1.0, 0.0]
    );
}

#[test]
fn views_share_storage_with_input() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::zeros(&[2, 3]));
    assert!(x.t().unwrap().value().shares_storage(x.value()));
    assert!(x.narrow(1, 0, 2).unwrap().value().shares_storage(x.value()));
}
