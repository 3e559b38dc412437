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
