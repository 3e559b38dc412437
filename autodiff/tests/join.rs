//! Gradient checks for `cat`, `stack`, `split`, `split_sizes` and `chunk`.

mod common;

use autodiff::{Tape, Var};
use common::*;
use proptest::prelude::*;
use tensor::Tensor;

/// Two to three tensors that agree on every axis except `axis` (sizes 1 to 3 there).
fn arb_catable() -> impl Strategy<Value = (Vec<Tensor<f64>>, usize)> {
    (arb_shape(1, 3), 2usize..=3).prop_flat_map(|(shape, count)| {
        let rank = shape.len();
        (0..rank, prop::collection::vec(1usize..=3, count)).prop_flat_map(move |(axis, sizes)| {
            let tensors: Vec<_> = sizes
                .iter()
                .map(|&size| {
                    let mut s = shape.clone();
                    s[axis] = size;
                    arb_tensor(s, smooth())
                })
                .collect();
            (tensors, Just(axis))
        })
    })
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn cat_grad((xs, axis) in arb_catable(), seed in any::<u64>()) {
        check_op(|v| Var::cat(&v.iter().collect::<Vec<_>>(), axis as isize), &xs, seed)?;
    }

    #[test]
    fn stack_grad(
        (xs, axis) in arb_shape(0, 3).prop_flat_map(|shape| {
            let rank = shape.len();
            (prop::collection::vec(arb_tensor(shape, smooth()), 1..=3), 0..=rank)
        }),
        seed in any::<u64>(),
    ) {
        check_op(|v| Var::stack(&v.iter().collect::<Vec<_>>(), axis as isize), &xs, seed)?;
    }

    #[test]
    fn split_grad(
        (x, axis, size) in arb_shape(1, 3).prop_flat_map(|shape| {
            let rank = shape.len();
            (arb_tensor(shape, smooth()), 0..rank, 1usize..=3)
        }),
        seed in any::<u64>(),
    ) {
        // Weight each piece differently so a gradient sent to the wrong piece is caught.
        check_op(
            |v| {
                let pieces = v[0].split(axis as isize, size)?;
                let scaled: Vec<Var<f64>> = pieces
                    .iter()
                    .enumerate()
                    .map(|(i, p)| p.mul_scalar(i as f64 + 1.0))
                    .collect::<autodiff::Result<_>>()?;
                Var::cat(&scaled.iter().collect::<Vec<_>>(), axis as isize)
            },
            &[x],
            seed,
        )?;
    }

    #[test]
    fn chunk_grad(
        (x, chunks) in (arb_any_tensor(1, 3, smooth()), 1usize..=3),
        seed in any::<u64>(),
    ) {
        check_op(
            |v| {
                let pieces = v[0].chunk(chunks, 0)?;
                let squares: Vec<Var<f64>> =
                    pieces.iter().map(|p| p.square()).collect::<autodiff::Result<_>>()?;
                Var::cat(&squares.iter().collect::<Vec<_>>(), 0)
            },
            &[x],
            seed,
        )?;
    }
}

#[test]
fn split_sizes_rejects_wrong_total() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Tensor::zeros(&[5]));
    assert!(x.split_sizes(0, &[2, 2]).is_err());
    let pieces = x.split_sizes(0, &[2, 3]).unwrap();
    assert_eq!(pieces[1].shape(), &[3]);
}

#[test]
fn cat_rejects_empty_list() {
    assert!(Var::<f64>::cat(&[], 0).is_err());
    assert!(Var::<f64>::stack(&[], 0).is_err());
}
