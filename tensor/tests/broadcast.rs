//! Broadcasting binary operations against a naive reference: for random broadcast-compatible
//! shapes (rank 0 to 4, sizes 0 to 3 with 1 for broadcasting), every output element must equal
//! the scalar operation on the input elements that NumPy's rule picks.

use proptest::prelude::*;
use tensor::{Tensor, TensorError};

/// Maps an output index to the index of an input of rank `shape.len()` aligned at the right,
/// where size-1 axes always read index 0.
fn input_position(out_index: &[usize], shape: &[usize]) -> usize {
    let lead = out_index.len() - shape.len();
    let mut position = 0;
    for (axis, &size) in shape.iter().enumerate() {
        let i = if size == 1 { 0 } else { out_index[lead + axis] };
        position = position * size + i;
    }
    position
}

/// Lists every multi-index of `shape` in row-major order.
fn all_indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let count: usize = shape.iter().product();
    (0..count)
        .map(|mut flat| {
            let mut index = vec![0; shape.len()];
            for axis in (0..shape.len()).rev() {
                index[axis] = flat % shape[axis];
                flat /= shape[axis];
            }
            index
        })
        .collect()
}

/// Computes `f` elementwise with broadcasting, one output index at a time.
fn naive_binary(
    a: &[f32],
    a_shape: &[usize],
    b: &[f32],
    b_shape: &[usize],
    out_shape: &[usize],
    f: impl Fn(f32, f32) -> f32,
) -> Vec<f32> {
    all_indices(out_shape)
        .iter()
        .map(|index| {
            f(
                a[input_position(index, a_shape)],
                b[input_position(index, b_shape)],
            )
        })
        .collect()
}

/// Derives an input shape from an output shape: keeps a suffix and turns some sizes into 1.
fn derived_shape(out_shape: &[usize], keep: usize, ones_mask: u8) -> Vec<usize> {
    let keep = keep.min(out_shape.len());
    let suffix = &out_shape[out_shape.len() - keep..];
    suffix
        .iter()
        .enumerate()
        .map(|(i, &size)| if ones_mask >> i & 1 == 1 { 1 } else { size })
        .collect()
}

/// An output shape, then the shape and values of each input.
type BroadcastCase = (Vec<usize>, Vec<usize>, Vec<f32>, Vec<usize>, Vec<f32>);

/// Strategy: an output shape and two input shapes that broadcast to it, with values.
fn broadcast_case() -> impl Strategy<Value = BroadcastCase> {
    (
        prop::collection::vec(0usize..4, 0..=4),
        0usize..=4,
        any::<u8>(),
        0usize..=4,
        any::<u8>(),
    )
        .prop_flat_map(|(out, keep_a, mask_a, keep_b, mask_b)| {
            let a_shape = derived_shape(&out, keep_a, mask_a);
            let b_shape = derived_shape(&out, keep_b, mask_b);
            let a_len: usize = a_shape.iter().product();
            let b_len: usize = b_shape.iter().product();
            (
                Just(a_shape),
                prop::collection::vec(-4.0f32..4.0, a_len),
                Just(b_shape),
                prop::collection::vec(-4.0f32..4.0, b_len),
            )
        })
        .prop_map(|(a_shape, a, b_shape, b)| {
            let out = tensor::shape::broadcast_shapes("test", &a_shape, &b_shape)
                .expect("derived shapes broadcast by construction");
            (out, a_shape, a, b_shape, b)
        })
}

type BinaryOp = fn(&Tensor<f32>, &Tensor<f32>) -> tensor::Result<Tensor<f32>>;
type ScalarReference = fn(f32, f32) -> f32;

/// Every broadcasting binary operation with its scalar reference.
fn binary_ops() -> Vec<(&'static str, BinaryOp, ScalarReference)> {
    fn mask(condition: bool) -> f32 {
        if condition {
            1.0
        } else {
            0.0
        }
    }
    vec![
        ("add", |a, b| a.add(b), |x, y| x + y),
        ("sub", |a, b| a.sub(b), |x, y| x - y),
        ("mul", |a, b| a.mul(b), |x, y| x * y),
        ("div", |a, b| a.div(b), |x, y| x / y),
        (
            "maximum",
            |a, b| a.maximum(b),
            |x, y| if x >= y { x } else { y },
        ),
        (
            "minimum",
            |a, b| a.minimum(b),
            |x, y| if x <= y { x } else { y },
        ),
        ("pow", |a, b| a.abs().pow(b), |x, y| x.abs().powf(y)),
        (
            "zip_map",
            |a, b| a.zip_map(b, |x, y| 2.0 * x - y),
            |x, y| 2.0 * x - y,
        ),
        ("eq", |a, b| a.eq(b), |x, y| mask(x == y)),
        ("ne", |a, b| a.ne(b), |x, y| mask(x != y)),
        ("lt", |a, b| a.lt(b), |x, y| mask(x < y)),
        ("le", |a, b| a.le(b), |x, y| mask(x <= y)),
        ("gt", |a, b| a.gt(b), |x, y| mask(x > y)),
        ("ge", |a, b| a.ge(b), |x, y| mask(x >= y)),
        ("operator +", |a, b| a + b, |x, y| x + y),
        ("operator /", |a, b| a / b, |x, y| x / y),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn binary_ops_match_naive((out, a_shape, a, b_shape, b) in broadcast_case()) {
        let ta = Tensor::from_slice(&a, &a_shape).unwrap();
        let tb = Tensor::from_slice(&b, &b_shape).unwrap();
        for (name, op, reference) in binary_ops() {
            let got = op(&ta, &tb).unwrap();
            prop_assert_eq!(got.shape(), &out[..], "{} shape", name);
            let want = naive_binary(&a, &a_shape, &b, &b_shape, &out, reference);
            let got = got.to_vec();
            // Compare bits so that NaN == NaN; every path computes the same scalar operation.
            let got_bits: Vec<u32> = got.iter().map(|v| v.to_bits()).collect();
            let want_bits: Vec<u32> = want.iter().map(|v| v.to_bits()).collect();
            prop_assert_eq!(got_bits, want_bits, "{}: got {:?}, want {:?}", name, got, want);
        }
    }

    #[test]
    fn where_cond_matches_naive((out, a_shape, a, b_shape, b) in broadcast_case()) {
        let mask = Tensor::from_slice(&a, &a_shape).unwrap().gt(&Tensor::scalar(0.0)).unwrap();
        let on_true = Tensor::from_slice(&b, &b_shape).unwrap();
        let on_false = Tensor::scalar(-9.0f32);
        let got = Tensor::where_cond(&mask, &on_true, &on_false).unwrap();
        prop_assert_eq!(got.shape(), &out[..]);
        let want = naive_binary(&a, &a_shape, &b, &b_shape, &out, |m, t| if m > 0.0 { t } else { -9.0 });
        prop_assert_eq!(got.to_vec(), want);
    }

    #[test]
    fn inplace_matches_naive((out, a_shape, a, b_shape, b) in broadcast_case()) {
        // In-place updates keep the left shape, so broadcast the left input to `out` first.
        let base = Tensor::from_slice(&a, &a_shape).unwrap().broadcast_to(&out).unwrap();
        let other = Tensor::from_slice(&b, &b_shape).unwrap();

        let mut sum = base.clone();
        sum.add_inplace(&other).unwrap();
        let want = naive_binary(&a, &a_shape, &b, &b_shape, &out, |x, y| x + y);
        prop_assert_eq!(sum.shape(), &out[..]);
        prop_assert_eq!(sum.to_vec(), want);

        let mut axpy = base.clone();
        axpy.scaled_add_inplace(-0.5, &other).unwrap();
        let want = naive_binary(&a, &a_shape, &b, &b_shape, &out, |x, y| x + -0.5 * y);
        prop_assert_eq!(axpy.to_vec(), want);

        // The base and the source of `other` still hold their original values.
        let again = naive_binary(&a, &a_shape, &a, &a_shape, &out, |x, _| x);
        prop_assert_eq!(base.to_vec(), again);
        prop_assert_eq!(other.to_vec(), b);
    }
}

#[test]
fn shape_mismatch_for_every_binary_op() {
    let a = Tensor::<f32>::zeros(&[2, 3]);
    let b = Tensor::<f32>::zeros(&[3, 2]);
    for (name, op, _) in binary_ops() {
        let err = op(&a, &b).unwrap_err();
        match err {
            TensorError::ShapeMismatch { lhs, rhs, .. } => {
                assert_eq!(lhs, vec![2, 3], "{name}");
                assert_eq!(rhs, vec![3, 2], "{name}");
            }
            other => panic!("{name}: expected ShapeMismatch, got {other:?}"),
        }
    }
}

#[test]
fn broadcast_row_column_and_scalar() {
    // [[1], [2]] + [10, 20, 30] = [[11, 21, 31], [12, 22, 32]].
    let column = Tensor::<f32>::from_vec(vec![1.0, 2.0], &[2, 1]).unwrap();
    let row = Tensor::<f32>::from_vec(vec![10.0, 20.0, 30.0], &[3]).unwrap();
    let sum = column.add(&row).unwrap();
    assert_eq!(sum.shape(), &[2, 3]);
    assert_eq!(sum.to_vec(), vec![11.0, 21.0, 31.0, 12.0, 22.0, 32.0]);
    let scaled = row.mul(&Tensor::scalar(2.0)).unwrap();
    assert_eq!(scaled.to_vec(), vec![20.0, 40.0, 60.0]);
    let flipped = Tensor::scalar(100.0f32).sub(&row).unwrap();
    assert_eq!(flipped.to_vec(), vec![90.0, 80.0, 70.0]);
}

#[test]
fn broadcast_against_zero_size_axis() {
    let empty = Tensor::<f32>::zeros(&[0, 1]);
    let row = Tensor::<f32>::zeros(&[4]);
    assert_eq!(empty.add(&row).unwrap().shape(), &[0, 4]);
    let err = Tensor::<f32>::zeros(&[0]).add(&row).unwrap_err();
    assert!(matches!(err, TensorError::ShapeMismatch { .. }));
}
