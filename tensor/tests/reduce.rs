//! Reductions and softmax: hand-computed cases, edge cases, and property tests against naive
//! loops on non-contiguous inputs.

use tensor::{tensor, Tensor, TensorError};

/// Tolerance for f64 results computed in a different order than the reference.
const TOL_F64: f64 = 1e-12;

fn grid() -> Tensor<f64> {
    // [[0, 1, 2],
    //  [3, 4, 5]]
    Tensor::arange(0.0, 6.0, 1.0)
        .unwrap()
        .reshape(&[2, 3])
        .unwrap()
}

fn assert_close(actual: &[f64], expected: &[f64], tol: f64) {
    assert_eq!(actual.len(), expected.len(), "lengths differ");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let scale = 1.0f64.max(e.abs());
        assert!(
            (a - e).abs() <= tol * scale || (a.is_nan() && e.is_nan()) || a == e,
            "element {i}: {a} != {e}"
        );
    }
}

#[test]
fn sum_each_axis() {
    let g = grid();
    let rows = g.sum(&[1], false).unwrap();
    assert_eq!(rows.shape(), &[2]);
    assert_eq!(rows.to_vec(), vec![3.0, 12.0]); // 0+1+2, 3+4+5
    let cols = g.sum(&[0], true).unwrap();
    assert_eq!(cols.shape(), &[1, 3]);
    assert_eq!(cols.to_vec(), vec![3.0, 5.0, 7.0]);
    let all = g.sum(&[], false).unwrap();
    assert_eq!(all.shape(), &[] as &[usize]);
    assert_eq!(all.to_vec(), vec![15.0]);
    let all_keep = g.sum(&[0, -1], true).unwrap();
    assert_eq!(all_keep.shape(), &[1, 1]);
    assert_eq!(g.sum_all(), 15.0);
    assert_eq!(g.mean_all(), 2.5);
}

#[test]
fn mean_max_min_var_rows() {
    let g = grid();
    assert_eq!(g.mean(&[1], false).unwrap().to_vec(), vec![1.0, 4.0]);
    assert_eq!(g.max(&[0], false).unwrap().to_vec(), vec![3.0, 4.0, 5.0]);
    assert_eq!(g.min(&[-1], false).unwrap().to_vec(), vec![0.0, 3.0]);
    // Row [0, 1, 2]: mean 1, squared deviations 1 + 0 + 1 = 2, divided by N = 3.
    assert_close(
        &g.var(&[1], false).unwrap().to_vec(),
        &[2.0 / 3.0, 2.0 / 3.0],
        TOL_F64,
    );
    // All six values 0..5: mean 2.5, sum of squared deviations 17.5, / 6.
    assert_close(&g.var(&[], false).unwrap().to_vec(), &[17.5 / 6.0], TOL_F64);
}

#[test]
fn logsumexp_large_values() {
    let t: Tensor<f32> = tensor!([1000.0, 1000.0]);
    // ln(2 e^1000) = 1000 + ln 2.
    let r = t.logsumexp(&[0], false).unwrap().to_vec()[0];
    assert!((r - (1000.0 + 2f32.ln())).abs() < 1e-3, "{r}");
    let g = grid();
    // ln(e^0 + e^1 + e^2) = 2.40760596444438.
    let r = g.logsumexp(&[1], false).unwrap().to_vec();
    assert_close(&r[..1], &[2.407_605_964_444_38], 1e-12);
}

#[test]
fn logsumexp_infinite_rows() {
    let t: Tensor<f64> = tensor!([[f64::NEG_INFINITY, f64::NEG_INFINITY], [f64::INFINITY, 0.0]]);
    let r = t.logsumexp(&[1], false).unwrap().to_vec();
    assert_eq!(r, vec![f64::NEG_INFINITY, f64::INFINITY]);
}

#[test]
fn empty_reductions_follow_numpy() {
    let e = Tensor::<f64>::zeros(&[2, 0]);
    assert_eq!(e.sum(&[1], false).unwrap().to_vec(), vec![0.0, 0.0]);
    assert!(e.mean(&[1], false).unwrap().to_vec()[0].is_nan());
    assert!(e.var(&[1], false).unwrap().to_vec()[0].is_nan());
    assert_eq!(
        e.logsumexp(&[1], false).unwrap().to_vec(),
        vec![f64::NEG_INFINITY; 2]
    );
    assert!(e.max(&[1], false).is_err());
    assert!(e.argmin(1, false).is_err());
    // Reducing the other axis gives an empty output, which is fine for max.
    assert_eq!(e.max(&[0], false).unwrap().shape(), &[0]);
}

#[test]
fn bad_axes_are_errors() {
    let g = grid();
    assert!(matches!(
        g.sum(&[2], false),
        Err(TensorError::InvalidAxis {
            axis: 2,
            rank: 2,
            ..
        })
    ));
    assert!(matches!(
        g.max(&[0, -2], false),
        Err(TensorError::RepeatedAxis { axis: 0, .. })
    ));
    assert!(g.argmax(-3, false).is_err());
    assert!(g.softmax(5).is_err());
}

#[test]
fn scalar_reduces_to_itself() {
    let s = Tensor::<f32>::scalar(2.5);
    assert_eq!(s.sum(&[], false).unwrap().to_vec(), vec![2.5]);
    assert_eq!(s.max(&[], true).unwrap().shape(), &[] as &[usize]);
}

#[test]
fn argmax_first_index_wins_ties() {
    let t: Tensor<f32> = tensor!([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]);
    let a = t.argmax(1, false).unwrap();
    assert_eq!(a.shape(), &[2]);
    assert_eq!(a.as_slice(), &[1, 0]);
    let a = t.argmin(0, true).unwrap();
    assert_eq!(a.shape(), &[1, 3]);
    assert_eq!(a.as_slice(), &[0, 1, 1]);
}

#[test]
fn argmax_nan_counts_as_extreme() {
    let t: Tensor<f32> = tensor!([1.0, f32::NAN, 5.0, f32::NAN]);
    assert_eq!(t.argmax(0, false).unwrap().as_slice(), &[1]);
    assert_eq!(t.argmin(0, false).unwrap().as_slice(), &[1]);
    assert!(t.max(&[], false).unwrap().to_vec()[0].is_nan());
}

#[test]
fn reduce_transposed_input() {
    let g = grid().t().unwrap(); // [[0, 3], [1, 4], [2, 5]]
    assert_eq!(g.sum(&[1], false).unwrap().to_vec(), vec![3.0, 5.0, 7.0]);
    assert_eq!(g.argmax(0, false).unwrap().as_slice(), &[2, 2]);
}

#[test]
fn softmax_stable_for_large_inputs() {
    let t: Tensor<f32> = tensor!([1000.0, 1000.0, 0.0]);
    let s = t.softmax(0).unwrap().to_vec();
    assert_eq!(s[0], 0.5);
    assert_eq!(s[1], 0.5);
    assert_eq!(s[2], 0.0); // e^-1000 / 2 underflows to 0
    let l = t.log_softmax(0).unwrap().to_vec();
    // log_softmax = x - 1000 - ln 2.
    assert!((l[0] + 2f32.ln()).abs() < 1e-6);
    assert!((l[2] + 1000.0 + 2f32.ln()).abs() < 1e-3);
    assert!(l.iter().all(|v| v.is_finite()));
}

#[test]
fn softmax_hand_computed() {
    // softmax([0, ln 2, ln 3]) = [1, 2, 3] / 6.
    let t: Tensor<f64> = Tensor::from_vec(vec![0.0, 2f64.ln(), 3f64.ln()], &[3]).unwrap();
    assert_close(
        &t.softmax(-1).unwrap().to_vec(),
        &[1.0 / 6.0, 2.0 / 6.0, 3.0 / 6.0],
        TOL_F64,
    );
}

#[test]
fn softmax_first_axis_of_matrix() {
    // Columns of [[0, 1, 2], [3, 4, 5]] all differ by 3: [1, e^3] / (1 + e^3).
    let s = grid().softmax(0).unwrap().to_vec();
    let low = 1.0 / (1.0 + 3f64.exp());
    assert_close(
        &s,
        &[low, low, low, 1.0 - low, 1.0 - low, 1.0 - low],
        TOL_F64,
    );
}

#[test]
fn softmax_all_neg_inf_lane() {
    let t: Tensor<f32> = tensor!([[f32::NEG_INFINITY, f32::NEG_INFINITY], [0.0, 0.0]]);
    assert_eq!(t.softmax(1).unwrap().to_vec(), vec![0.0, 0.0, 0.5, 0.5]);
    let l = t.log_softmax(1).unwrap().to_vec();
    assert_eq!(l[..2], [f32::NEG_INFINITY, f32::NEG_INFINITY]);
}
