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
        "Tensor(3., shape=[], dtype=f32)"
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
    assert!(d.starts_with("Tensor([[1., 3.],\n        [2., 4.]]"), "{d}");
}

#[test]
fn whole_numbers_print_with_point() {
    let t: Tensor<f32> = tensor!([[1.0, -20.0], [3.0, 4.0]]);
    let expected = "Tensor([[  1., -20.],\n        [  3.,   4.]], shape=[2, 2], dtype=f32)";
    assert_eq!(format!("{t}"), expected);
    // An explicit precision switches to fixed notation.
    assert_eq!(
        format!("{:.2}", Tensor::<f32>::scalar(3.0)),
        "Tensor(3.00, shape=[], dtype=f32)"
    );
}

#[test]
fn three_dims_blank_line_between_blocks() {
    let t = Tensor::<f64>::arange(0.0, 12.0, 1.0)
        .unwrap()
        .reshape(&[2, 2, 3])
        .unwrap();
    let expected = "Tensor([[[ 0.0,  1.0,  2.0],\n\
                    \x20        [ 3.0,  4.0,  5.0]],\n\
                    \n\
                    \x20       [[ 6.0,  7.0,  8.0],\n\
                    \x20        [ 9.0, 10.0, 11.0]]], shape=[2, 2, 3], dtype=f64)";
    assert_eq!(format!("{t:.1}"), expected);
}

#[test]
fn scientific_for_wide_ranges() {
    // The magnitudes span 1e-5 to 1.2e5, more than three orders of magnitude.
    let t: Tensor<f32> = tensor!([1e-5, 1.0, 123456.0]);
    assert_eq!(
        format!("{t}"),
        "Tensor([1.0000e-05, 1.0000e+00, 1.2346e+05], shape=[3], dtype=f32)"
    );
    let big: Tensor<f64> = tensor!([2.5e9]);
    assert_eq!(
        format!("{big:.2}"),
        "Tensor([2.50e+09], shape=[1], dtype=f64)"
    );
}

#[test]
fn nan_and_infinity_spelled_as_numpy() {
    let t: Tensor<f32> = tensor!([f32::NAN, f32::INFINITY, -1.5]);
    assert_eq!(
        format!("{t}"),
        "Tensor([    nan,     inf, -1.5000], shape=[3], dtype=f32)"
    );
}

#[test]
fn large_tensor_is_summarised() {
    // 40 x 50 = 2000 elements, above the 1000-element summary threshold.
    let t = Tensor::<f32>::arange(0.0, 2000.0, 1.0)
        .unwrap()
        .reshape(&[40, 50])
        .unwrap();
    let text = format!("{t}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "3 rows, an ellipsis line, 3 rows:\n{text}");
    assert_eq!(
        lines[0],
        "Tensor([[   0.,    1.,    2., ...,   47.,   48.,   49.],"
    );
    assert_eq!(lines[3], "        ...,");
    assert_eq!(
        lines[6],
        "        [1950., 1951., 1952., ..., 1997., 1998., 1999.]], shape=[40, 50], dtype=f32)"
    );
}

#[test]
fn small_tensor_is_not_summarised() {
    // 1000 elements is not above the threshold, so every value is printed.
    let t = Tensor::<f32>::zeros(&[1000]);
    let text = format!("{t}");
    assert!(!text.contains("..."));
    assert_eq!(text.matches("0.").count(), 1000);
}

#[test]
fn long_rows_wrap_at_line_width() {
    let t = Tensor::<f32>::arange(0.0, 30.0, 1.0).unwrap();
    let text = format!("{t}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[..2].iter().all(|l| l.len() <= 80), "{text}");
    assert!(lines[1].starts_with("        14.,"), "{text}");
}

#[test]
fn debug_precision_and_offset() {
    let t: Tensor<f64> = tensor!([[1.0, 2.5], [3.0, 4.0]]);
    let row = t.select(0, 1).unwrap();
    assert_eq!(
        format!("{row:.1?}"),
        "Tensor([3.0, 4.0], shape=[2], dtype=f64, strides=[1], offset=2)"
    );
}
