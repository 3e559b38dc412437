//! Indexing and joining: index_select, gather, scatter_add, one_hot, cat, stack, split, chunk.

use tensor::{tensor, Indices, Tensor, TensorError};

fn grid() -> Tensor<f32> {
    // [[0, 1, 2],
    //  [3, 4, 5]]
    Tensor::arange(0.0, 6.0, 1.0)
        .unwrap()
        .reshape(&[2, 3])
        .unwrap()
}

#[test]
fn indices_checks_length() {
    assert!(matches!(
        Indices::new(vec![0, 1, 2], &[2, 2]),
        Err(TensorError::ElementCount {
            len: 3,
            expected: 4,
            ..
        })
    ));
    let i = Indices::from_vec(vec![4, 5]);
    assert_eq!(i.shape(), &[2]);
    assert_eq!(i.as_slice(), &[4, 5]);
}

#[test]
fn index_select_columns_with_repeats() {
    let s = grid().index_select(1, &[2, 0, 2]).unwrap();
    assert_eq!(s.shape(), &[2, 3]);
    assert_eq!(s.to_vec(), vec![2.0, 0.0, 2.0, 5.0, 3.0, 5.0]);
    let r = grid().index_select(0, &[1]).unwrap();
    assert_eq!(r.to_vec(), vec![3.0, 4.0, 5.0]);
    assert!(matches!(
        grid().index_select(0, &[2]),
        Err(TensorError::IndexOutOfRange {
            index: 2,
            axis: 0,
            size: 2,
            ..
        })
    ));
}

#[test]
fn gather_picks_per_row() {
    // out[i][j] = g[i][index[i][j]]
    let index = Indices::new(vec![2, 0, 1, 1], &[2, 2]).unwrap();
    let out = grid().gather(1, &index).unwrap();
    assert_eq!(out.shape(), &[2, 2]);
    assert_eq!(out.to_vec(), vec![2.0, 0.0, 4.0, 4.0]);
    // out[i][j] = g[index[i][j]][j], index shorter than g along axis 1.
    let index = Indices::new(vec![1, 0], &[1, 2]).unwrap();
    assert_eq!(grid().gather(0, &index).unwrap().to_vec(), vec![3.0, 1.0]);
}

#[test]
fn gather_rejects_bad_index() {
    let index = Indices::new(vec![3], &[1, 1]).unwrap();
    assert!(matches!(
        grid().gather(1, &index),
        Err(TensorError::IndexOutOfRange {
            index: 3,
            axis: 1,
            size: 3,
            ..
        })
    ));
    let wrong_rank = Indices::from_vec(vec![0]);
    assert!(matches!(
        grid().gather(1, &wrong_rank),
        Err(TensorError::ShapeMismatch { .. })
    ));
    let too_long = Indices::new(vec![0; 3], &[3, 1]).unwrap();
    assert!(grid().gather(1, &too_long).is_err());
}

#[test]
fn scatter_add_accumulates_repeats() {
    let base = Tensor::<f32>::zeros(&[2, 3]);
    let index = Indices::new(vec![0, 0, 2, 1], &[2, 2]).unwrap();
    let src: Tensor<f32> = tensor!([[1.0, 2.0], [3.0, 4.0]]);
    let out = base.scatter_add(1, &index, &src).unwrap();
    // Row 0: both go to column 0 -> 1 + 2. Row 1: 3 to column 2, 4 to column 1.
    assert_eq!(out.to_vec(), vec![3.0, 0.0, 0.0, 0.0, 4.0, 3.0]);
    assert_eq!(base.to_vec(), vec![0.0; 6], "the input is not changed");
    let bad = Indices::new(vec![0, 0, 3, 1], &[2, 2]).unwrap();
    assert!(matches!(
        base.scatter_add(1, &bad, &src),
        Err(TensorError::IndexOutOfRange { index: 3, .. })
    ));
    let small_src = Tensor::<f32>::zeros(&[2, 1]);
    assert!(base.scatter_add(1, &index, &small_src).is_err());
}

#[test]
fn one_hot_rows() {
    let o = Tensor::<f32>::one_hot(&[2, 0], 3).unwrap();
    assert_eq!(o.shape(), &[2, 3]);
    assert_eq!(o.to_vec(), vec![0.0, 0.0, 1.0, 1.0, 0.0, 0.0]);
    assert!(matches!(
        Tensor::<f32>::one_hot(&[3], 3),
        Err(TensorError::IndexOutOfRange {
            index: 3,
            size: 3,
            ..
        })
    ));
}

#[test]
fn cat_both_axes() {
    let a = grid();
    let b: Tensor<f32> = tensor!([[6.0, 7.0, 8.0]]);
    let rows = Tensor::cat(&[&a, &b], 0).unwrap();
    assert_eq!(rows.shape(), &[3, 3]);
    assert_eq!(rows.to_vec(), (0..9).map(|v| v as f32).collect::<Vec<_>>());
    let c: Tensor<f32> = tensor!([[9.0], [10.0]]);
    let cols = Tensor::cat(&[&a, &c], -1).unwrap();
    assert_eq!(cols.to_vec(), vec![0.0, 1.0, 2.0, 9.0, 3.0, 4.0, 5.0, 10.0]);
    assert!(matches!(
        Tensor::cat(&[&a, &b], 1),
        Err(TensorError::ShapeMismatch { .. })
    ));
    assert!(Tensor::<f32>::cat(&[], 0).is_err());
}

#[test]
fn cat_transposed_views() {
    let a = grid().t().unwrap(); // [[0, 3], [1, 4], [2, 5]]
    let out = Tensor::cat(&[&a, &a], 1).unwrap();
    assert_eq!(
        out.to_vec(),
        vec![0.0, 3.0, 0.0, 3.0, 1.0, 4.0, 1.0, 4.0, 2.0, 5.0, 2.0, 5.0]
    );
}

#[test]
fn stack_new_axis() {
    let a: Tensor<f32> = tensor!([1.0, 2.0]);
    let b: Tensor<f32> = tensor!([3.0, 4.0]);
    let s0 = Tensor::stack(&[&a, &b], 0).unwrap();
    assert_eq!(s0.shape(), &[2, 2]);
    assert_eq!(s0.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    let s1 = Tensor::stack(&[&a, &b], -1).unwrap();
    assert_eq!(s1.shape(), &[2, 2]);
    assert_eq!(s1.to_vec(), vec![1.0, 3.0, 2.0, 4.0]);
    let c: Tensor<f32> = tensor!([1.0]);
    assert!(Tensor::stack(&[&a, &c], 0).is_err());
    assert!(Tensor::stack(&[&a, &b], 2).is_err());
}

#[test]
fn stack_scalars_into_vector() {
    let a = Tensor::<f32>::scalar(1.0);
    let b = Tensor::<f32>::scalar(2.0);
    let s = Tensor::stack(&[&a, &b], 0).unwrap();
    assert_eq!(s.shape(), &[2]);
    assert_eq!(s.to_vec(), vec![1.0, 2.0]);
    assert!(
        Tensor::cat(&[&a, &b], 0).is_err(),
        "a scalar has no axis to join"
    );
}

#[test]
fn split_views_last_shorter() {
    let t = Tensor::<f32>::arange(0.0, 5.0, 1.0).unwrap();
    let parts = t.split(0, 2).unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0].to_vec(), vec![0.0, 1.0]);
    assert_eq!(parts[2].to_vec(), vec![4.0]);
    assert!(parts.iter().all(|p| p.shares_storage(&t)));
    assert!(t.split(0, 0).is_err());
}

#[test]
fn split_sizes_and_chunk() {
    let g = grid();
    let parts = g.split_sizes(1, &[1, 2]).unwrap();
    assert_eq!(parts[0].to_vec(), vec![0.0, 3.0]);
    assert_eq!(parts[1].to_vec(), vec![1.0, 2.0, 4.0, 5.0]);
    assert!(g.split_sizes(1, &[1, 1]).is_err());
    // ceil(3 / 2) = 2, so chunks of 2 and 1.
    let chunks = g.chunk(2, 1).unwrap();
    assert_eq!(chunks.len(), 2);
    assert_eq!(chunks[1].shape(), &[2, 1]);
    assert!(g.chunk(0, 1).is_err());
}

// ---- property tests ----

mod properties {
    use proptest::prelude::*;
    use tensor::{Indices, Tensor};

    /// Generates a tensor of rank 1 to 3 with sizes 1 to 4, sometimes transposed, and an axis.
    fn tensor_and_axis() -> impl Strategy<Value = (Tensor<f64>, usize)> {
        (
            prop::collection::vec(1usize..=4, 1..=3),
            any::<bool>(),
            0usize..3,
        )
            .prop_map(|(shape, transpose, axis_seed)| {
                let count: usize = shape.iter().product();
                let data = (0..count).map(|v| v as f64).collect();
                let t = Tensor::from_vec(data, &shape).unwrap();
                let rank = t.rank();
                let t = if transpose && rank > 1 {
                    t.transpose(0, rank as isize - 1).unwrap()
                } else {
                    t
                };
                (t, axis_seed % rank)
            })
    }

    /// Row-major multi-index of `flat` in `shape`.
    fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
        let mut index = vec![0; shape.len()];
        for a in (0..shape.len()).rev() {
            index[a] = flat % shape[a];
            flat /= shape[a];
        }
        index
    }

    /// Generates indices for `gather` or `scatter_add` on `shape` along `axis`.
    fn index_for(shape: Vec<usize>, axis: usize) -> impl Strategy<Value = Indices> {
        let dims: Vec<BoxedStrategy<usize>> = shape
            .iter()
            .enumerate()
            .map(|(a, &size)| {
                if a == axis {
                    (1usize..=5).boxed()
                } else {
                    (1usize..=size).boxed()
                }
            })
            .collect();
        let limit = shape[axis];
        dims.prop_flat_map(move |index_shape| {
            let count: usize = index_shape.iter().product();
            prop::collection::vec(0..limit, count)
                .prop_map(move |values| Indices::new(values, &index_shape).unwrap())
        })
    }

    fn gather_case() -> impl Strategy<Value = (Tensor<f64>, usize, Indices)> {
        tensor_and_axis().prop_flat_map(|(t, axis)| {
            let index = index_for(t.shape().to_vec(), axis);
            (Just(t), Just(axis), index)
        })
    }

    proptest! {
        #[test]
        fn gather_matches_naive(case in gather_case()) {
            let (t, axis, index) = case;
            let out = t.gather(axis as isize, &index).unwrap();
            prop_assert_eq!(out.shape(), index.shape());
            for (flat, value) in out.to_vec().into_iter().enumerate() {
                let mut at = unravel(flat, index.shape());
                at[axis] = index.as_slice()[flat];
                prop_assert_eq!(value, t.get(&at).unwrap());
            }
        }

        #[test]
        fn scatter_add_matches_naive(case in gather_case()) {
            let (t, axis, index) = case;
            // A non-contiguous `src` with distinct values: a narrowed wider tensor.
            let mut wide = index.shape().to_vec();
            let last = wide.len() - 1;
            wide[last] += 1;
            let count: usize = wide.iter().product();
            let values = (0..count).map(|v| 100.0 + v as f64 * 0.5).collect();
            let src = Tensor::from_vec(values, &wide)
                .unwrap()
                .narrow(-1, 1, index.shape()[last])
                .unwrap();
            let out = t.scatter_add(axis as isize, &index, &src).unwrap();
            let mut expected = t.to_vec();
            let strides: Vec<usize> = (0..t.rank())
                .map(|a| t.shape()[a + 1..].iter().product())
                .collect();
            for flat in 0..index.num_elements() {
                let mut at = unravel(flat, index.shape());
                let from = src.get(&at).unwrap();
                at[axis] = index.as_slice()[flat];
                let target: usize = at.iter().zip(&strides).map(|(i, s)| i * s).sum();
                expected[target] += from;
            }
            prop_assert_eq!(out.to_vec(), expected);
        }

        #[test]
        fn split_then_cat_round_trips(case in tensor_and_axis(), split_size in 1usize..=5) {
            let (t, axis) = case;
            let parts = t.split(axis as isize, split_size).unwrap();
            let expected_count = t.shape()[axis].div_ceil(split_size);
            prop_assert_eq!(parts.len(), expected_count);
            let refs: Vec<&Tensor<f64>> = parts.iter().collect();
            let joined = Tensor::cat(&refs, axis as isize).unwrap();
            prop_assert_eq!(joined.shape(), t.shape());
            prop_assert_eq!(joined.to_vec(), t.to_vec());
        }

        #[test]
        fn cat_then_split_sizes_round_trips(
            case in tensor_and_axis(),
            sizes in prop::collection::vec(0usize..=3, 1..=4),
        ) {
            let (t, axis) = case;
            // Build one tensor per size by repeating `t` along `axis` and narrowing it.
            let repeated = Tensor::cat(&[&t, &t, &t], axis as isize).unwrap();
            let parts: Vec<Tensor<f64>> = sizes
                .iter()
                .map(|&s| repeated.narrow(axis as isize, 0, s.min(repeated.shape()[axis])).unwrap())
                .collect();
            let refs: Vec<&Tensor<f64>> = parts.iter().collect();
            let joined = Tensor::cat(&refs, axis as isize).unwrap();
            let lengths: Vec<usize> = parts.iter().map(|p| p.shape()[axis]).collect();
            let back = joined.split_sizes(axis as isize, &lengths).unwrap();
            for (original, again) in parts.iter().zip(&back) {
                prop_assert_eq!(original.shape(), again.shape());
                prop_assert_eq!(original.to_vec(), again.to_vec());
            }
        }

        #[test]
        fn stack_equals_cat_of_unsqueezed(case in tensor_and_axis(), axis_seed in 0usize..4) {
            let (t, _) = case;
            let axis = (axis_seed % (t.rank() + 1)) as isize;
            let u = t.unsqueeze(axis).unwrap();
            let stacked = Tensor::stack(&[&t, &t], axis).unwrap();
            let joined = Tensor::cat(&[&u, &u], axis).unwrap();
            prop_assert_eq!(stacked.shape(), joined.shape());
            prop_assert_eq!(stacked.to_vec(), joined.to_vec());
        }
    }
}

#[test]
fn empty_view_past_storage_end() {
    // Shape [4, 0] has no storage; narrowing axis 0 moves the offset past its end.
    let e = Tensor::<f32>::zeros(&[4, 0]).narrow(0, 2, 2).unwrap();
    assert_eq!(e.index_select(0, &[1, 0]).unwrap().shape(), &[2, 0]);
    assert_eq!(Tensor::cat(&[&e, &e], 0).unwrap().shape(), &[4, 0]);
    assert_eq!(Tensor::stack(&[&e, &e], 0).unwrap().shape(), &[2, 2, 0]);
    let index = Indices::new(vec![], &[1, 0]).unwrap();
    assert_eq!(e.gather(0, &index).unwrap().shape(), &[1, 0]);
    assert_eq!(e.scatter_add(0, &index, &e).unwrap().shape(), &[2, 0]);
    assert_eq!(e.split(0, 1).unwrap().len(), 2);
    assert_eq!(
        format!("{e}"),
        "Tensor([[],\n        []], shape=[2, 0], dtype=f32)"
    );
}
