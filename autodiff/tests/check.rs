//! Behaviour of the finite-difference checker itself: the report's fields, layouts of the
//! inputs, and errors.

use autodiff::{check_gradients, AutodiffError};
use tensor::Tensor;

#[test]
fn report_counts_every_element() {
    // f(a, b) = sum(a * b): df/da = b, df/db = a, both exact in central differences.
    let a = Tensor::from_vec(vec![1.0, 2.0, 3.0], &[3]).unwrap();
    let b = Tensor::from_vec(vec![-1.0, 0.5, 2.0, 4.0, 1.0, 0.0], &[2, 3]).unwrap();
    let report = check_gradients(|_, v| v[0].mul(&v[1])?.sum(&[], false), &[a, b], 1e-6).unwrap();
    assert!(report.passed(), "{report}");
    assert_eq!(report.checked, 9);
    assert_eq!(report.failures, 0);
    let worst = report.worst.unwrap();
    assert!(worst.abs_error < 1e-8, "{worst:?}");
}

#[test]
fn strided_input_keeps_its_layout() {
    // A transposed input reaches `f` with the transposed strides in every evaluation.
    let x = Tensor::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3])
        .unwrap()
        .t()
        .unwrap();
    let report = check_gradients(
        |_, v| {
            assert_eq!(v[0].value().strides(), &[1, 3]);
            v[0].square()?.sum(&[], false)
        },
        &[x],
        1e-6,
    )
    .unwrap();
    assert!(report.passed(), "{report}");
}

#[test]
fn broadcast_input_is_made_contiguous() {
    // Each element of a broadcast view is perturbed on its own, so the derivative of
    // sum(x^2) is 2x per element, not summed over the copies.
    let x = Tensor::from_vec(vec![1.0, 2.0], &[2])
        .unwrap()
        .broadcast_to(&[3, 2])
        .unwrap();
    let report = check_gradients(|_, v| v[0].square()?.sum(&[], false), &[x], 1e-6).unwrap();
    assert!(report.passed(), "{report}");
    assert_eq!(report.checked, 6);
}

#[test]
fn non_scalar_function_is_an_error() {
    let x = Tensor::from_vec(vec![1.0, 2.0], &[2]).unwrap();
    let err = check_gradients(|_, v| v[0].exp(), &[x], 1e-6).unwrap_err();
    assert!(
        matches!(err, AutodiffError::NonScalarOutput { .. }),
        "{err}"
    );
}

#[test]
fn report_display_names_worst_element() {
    // A function whose analytic gradient is wrong: y = x^2 computed as x * detach(x) has
    // analytic gradient x, numerical 2x. At x = 3 the error is 3.
    let x = Tensor::from_vec(vec![1.0, 3.0], &[2]).unwrap();
    let report =
        check_gradients(|_, v| v[0].mul(&v[0].detach())?.sum(&[], false), &[x], 1e-6).unwrap();
    assert!(!report.passed());
    let text = report.to_string();
    assert!(text.contains("FAILED"), "{text}");
    assert!(text.contains("index [1]"), "{text}");
}
