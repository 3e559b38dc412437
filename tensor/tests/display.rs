//! Printing tensors: layout of the brackets, alignment, precision, summaries and `Debug`.

use tensor::{tensor, Tensor};

#[test]
fn matrix_aligned_columns() {
    let t: Tensor<f32> = tensor!([[1.0, -2.5], [3.0, 40.0]]);
    let expected =
        "Tensor([[ 1.0000, -2.5000],\n        [ 3.0000, 40.0000]], shape=[2, 2], dtype=f32)";
    assert_eq!(format!("{t}"), expected);
}

#[test]
fn precision_is_honoured() {
    let t: Tensor<f64> = tensor!([0.5, 1.25]);
    assert_eq!(
        format!("{t:.1}"),
        "Tensor([0.5, 1.2], shape=[2], dtype=f64)"
    );
}

#[test]
fn scalar_and_empty() {
    assert_eq!(
        format!("{}", Tensor::<f32>::scalar(3.0)),
        "Tensor(3.0000, shape=[], dtype=f32)"
    );
    assert_eq!(
        format!("{}", Tensor::<f32>::zeros(&[0, 3])),
        "Tensor([], shape=[0, 3], dtype=f32)"
    );
}

#[test]
fn debug_adds_strides() {
    let t: Tensor<f32> = tensor!([[1.0, 2.0], [3.0, 4.0]]);
    let d = format!("{:?}", t.t().unwrap());
    assert!(
        d.ends_with("shape=[2, 2], dtype=f32, strides=[1, 2], offset=0)"),
        "{d}"
    );
    assert!(d.starts_with("Tensor([[1.0000, 3.0000],"), "{d}");
}
