//! Hand-computed values for every elementwise operation, on contiguous inputs, 0-d scalars and
//! zero-size tensors, plus the error cases.

use tensor::{tensor, Tensor, TensorError};

/// Tolerance for `f32` results of transcendental functions.
const TOL_F32: f32 = 1e-6;
/// Tolerance for `f64` results of transcendental functions.
const TOL_F64: f64 = 1e-14;

fn assert_close_f32(got: &[f32], want: &[f32]) {
    assert_eq!(got.len(), want.len(), "length of {got:?} vs {want:?}");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let err = (g - w).abs();
        assert!(
            err <= TOL_F32 * w.abs().max(1.0),
            "element {i}: got {g}, want {w}"
        );
    }
}

fn assert_close_f64(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "length of {got:?} vs {want:?}");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let err = (g - w).abs();
        assert!(
            err <= TOL_F64 * w.abs().max(1.0),
            "element {i}: got {g}, want {w}"
        );
    }
}

// ---- unary ----

#[test]
fn neg_abs_square_recip() {
    let x: Tensor<f32> = tensor!([[-2.0, 0.5], [4.0, -0.25]]);
    assert_eq!(x.neg().to_vec(), vec![2.0, -0.5, -4.0, 0.25]);
    assert_eq!(x.abs().to_vec(), vec![2.0, 0.5, 4.0, 0.25]);
    assert_eq!(x.square().to_vec(), vec![4.0, 0.25, 16.0, 0.0625]);
    assert_eq!(x.recip().to_vec(), vec![-0.5, 2.0, 0.25, -4.0]);
    assert_eq!(x.neg().shape(), &[2, 2]);
}

#[test]
fn exp_ln_sqrt_values() {
    // e^0 = 1, e^1 = e, e^-1 = 1/e, ln e^2 = 2.
    let x: Tensor<f64> = tensor!([0.0, 1.0, -1.0]);
    assert_close_f64(
        &x.exp().to_vec(),
        &[1.0, std::f64::consts::E, 1.0 / std::f64::consts::E],
    );
    let y: Tensor<f64> = tensor!([1.0, std::f64::consts::E * std::f64::consts::E, 0.5]);
    assert_close_f64(&y.ln().to_vec(), &[0.0, 2.0, -std::f64::consts::LN_2]);
    let z: Tensor<f32> = tensor!([0.0, 4.0, 2.25]);
    assert_eq!(z.sqrt().to_vec(), vec![0.0, 2.0, 1.5]);
    assert!(Tensor::<f32>::scalar(-1.0)
        .sqrt()
        .to_scalar()
        .unwrap()
        .is_nan());
    assert_eq!(
        Tensor::<f32>::scalar(0.0).ln().to_scalar().unwrap(),
        f32::NEG_INFINITY
    );
}

#[test]
fn tanh_sigmoid_values() {
    // tanh 0.5 = (e - 1) / (e + 1) with e = e^1; sigmoid 2 = 1 / (1 + e^-2).
    let e = std::f64::consts::E;
    let x: Tensor<f64> = tensor!([0.0, 0.5, -0.5]);
    let t = (e - 1.0) / (e + 1.0);
    assert_close_f64(&x.tanh().to_vec(), &[0.0, t, -t]);
    let s: Tensor<f64> = tensor!([0.0, 2.0, -2.0]);
    let s2 = 1.0 / (1.0 + (-2.0f64).exp());
    assert_close_f64(&s.sigmoid().to_vec(), &[0.5, s2, 1.0 - s2]);
}

#[test]
fn sigmoid_and_tanh_saturate() {
    // e^-200 underflows f32 to 0, and tanh 20 rounds to 1 in f32.
    let x: Tensor<f32> = tensor!([-1000.0, 1000.0, -200.0, 20.0]);
    assert_eq!(x.sigmoid().to_vec(), vec![0.0, 1.0, 0.0, 1.0]);
    assert_eq!(x.tanh().to_vec(), vec![-1.0, 1.0, -1.0, 1.0]);
}

#[test]
fn relu_keeps_positive_and_nan() {
    let x: Tensor<f32> = tensor!([-1.5, 0.0, 2.5, f32::NAN]);
    let y = x.relu().to_vec();
    assert_eq!(&y[..3], &[0.0, 0.0, 2.5]);
    assert!(y[3].is_nan());
}

#[test]
fn powf_and_map() {
    let x: Tensor<f32> = tensor!([1.0, 2.0, 3.0, 4.0]);
    assert_close_f32(&x.powf(2.0).to_vec(), &[1.0, 4.0, 9.0, 16.0]);
    assert_close_f32(&x.powf(0.5).to_vec(), &[1.0, 2f32.sqrt(), 3f32.sqrt(), 2.0]);
    assert_eq!(x.map(|v| 3.0 * v - 1.0).to_vec(), vec![2.0, 5.0, 8.0, 11.0]);
}

#[test]
fn clamp_limits_values() {
    let x: Tensor<f32> = tensor!([-3.0, -0.5, 0.5, 3.0]);
    assert_eq!(
        x.clamp(-1.0, 1.0).unwrap().to_vec(),
        vec![-1.0, -0.5, 0.5, 1.0]
    );
    assert_eq!(x.clamp(0.5, 0.5).unwrap().to_vec(), vec![0.5; 4]);
}

#[test]
fn clamp_rejects_min_above_max() {
    let x: Tensor<f32> = tensor!([1.0]);
    let err = x.clamp(2.0, 1.0).unwrap_err();
    assert!(matches!(
        err,
        TensorError::InvalidArgument { op: "clamp", .. }
    ));
    assert!(err.to_string().contains("min 2"), "{err}");
    assert!(x.clamp(f32::NAN, 1.0).is_err());
}

// ---- scalar ----

#[test]
fn scalar_arithmetic() {
    let x: Tensor<f64> = tensor!([[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(x.add_scalar(0.5).to_vec(), vec![1.5, 2.5, 3.5, 4.5]);
    assert_eq!(x.sub_scalar(1.0).to_vec(), vec![0.0, 1.0, 2.0, 3.0]);
    assert_eq!(x.mul_scalar(-2.0).to_vec(), vec![-2.0, -4.0, -6.0, -8.0]);
    assert_eq!(x.div_scalar(4.0).to_vec(), vec![0.25, 0.5, 0.75, 1.0]);
    assert_eq!(x.rsub_scalar(10.0).to_vec(), vec![9.0, 8.0, 7.0, 6.0]);
    assert_eq!(x.rsub_scalar(10.0).shape(), &[2, 2]);
}

#[test]
fn div_scalar_is_exact_division() {
    // 1/3 as a product with the rounded reciprocal differs from the division in the last bit
    // for some inputs; div_scalar must match `x / s` exactly.
    let values: Vec<f32> = (1..200).map(|i| i as f32 * 0.37).collect();
    let x = Tensor::from_slice(&values, &[values.len()]).unwrap();
    let want: Vec<f32> = values.iter().map(|v| v / 3.0).collect();
    assert_eq!(x.div_scalar(3.0).to_vec(), want);
}

// ---- binary ----

#[test]
fn binary_same_shape() {
    let a: Tensor<f32> = tensor!([[1.0, -2.0], [3.0, 8.0]]);
    let b: Tensor<f32> = tensor!([[4.0, 5.0], [-6.0, 2.0]]);
    assert_eq!(a.add(&b).unwrap().to_vec(), vec![5.0, 3.0, -3.0, 10.0]);
    assert_eq!(a.sub(&b).unwrap().to_vec(), vec![-3.0, -7.0, 9.0, 6.0]);
    assert_eq!(a.mul(&b).unwrap().to_vec(), vec![4.0, -10.0, -18.0, 16.0]);
    assert_eq!(a.div(&b).unwrap().to_vec(), vec![0.25, -0.4, -0.5, 4.0]);
    assert_eq!(a.maximum(&b).unwrap().to_vec(), vec![4.0, 5.0, 3.0, 8.0]);
    assert_eq!(a.minimum(&b).unwrap().to_vec(), vec![1.0, -2.0, -6.0, 2.0]);
}

#[test]
fn pow_and_zip_map() {
    let a: Tensor<f64> = tensor!([2.0, 9.0, 4.0]);
    let b: Tensor<f64> = tensor!([3.0, 0.5, -1.0]);
    assert_close_f64(&a.pow(&b).unwrap().to_vec(), &[8.0, 3.0, 0.25]);
    let z = a.zip_map(&b, |x, y| x * 10.0 + y).unwrap();
    assert_eq!(z.to_vec(), vec![23.0, 90.5, 39.0]);
}

#[test]
fn maximum_minimum_propagate_nan() {
    let a: Tensor<f32> = tensor!([f32::NAN, 1.0]);
    let b: Tensor<f32> = tensor!([1.0, f32::NAN]);
    for v in a.maximum(&b).unwrap().to_vec() {
        assert!(v.is_nan());
    }
    for v in a.minimum(&b).unwrap().to_vec() {
        assert!(v.is_nan());
    }
}

#[test]
fn binary_shape_mismatch_names_both_shapes() {
    let a = Tensor::<f32>::zeros(&[2, 3]);
    let b = Tensor::<f32>::zeros(&[4]);
    let err = a.mul(&b).unwrap_err();
    match &err {
        TensorError::ShapeMismatch { op, lhs, rhs, .. } => {
            assert_eq!(*op, "mul");
            assert_eq!(lhs, &vec![2, 3]);
            assert_eq!(rhs, &vec![4]);
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("[2, 3]") && message.contains("[4]"),
        "{message}"
    );
}

#[test]
fn scalar_tensors_and_empty_tensors() {
    let s = Tensor::<f32>::scalar(3.0);
    let t = Tensor::<f32>::scalar(4.0);
    let sum = s.add(&t).unwrap();
    assert_eq!(sum.shape(), &[] as &[usize]);
    assert_eq!(sum.to_scalar().unwrap(), 7.0);
    assert_eq!(s.exp().shape(), &[] as &[usize]);

    let empty = Tensor::<f32>::zeros(&[0, 3]);
    assert_eq!(empty.exp().shape(), &[0, 3]);
    let row: Tensor<f32> = tensor!([1.0, 2.0, 3.0]);
    let out = empty.add(&row).unwrap();
    assert_eq!(out.shape(), &[0, 3]);
    assert_eq!(out.num_elements(), 0);
    assert_eq!(empty.mul(&s).unwrap().shape(), &[0, 3]);
}

// ---- comparisons and where_cond ----

#[test]
fn comparison_masks() {
    let a: Tensor<f32> = tensor!([1.0, 2.0, 3.0, f32::NAN]);
    let b: Tensor<f32> = tensor!([2.0, 2.0, 2.0, 2.0]);
    assert_eq!(a.eq(&b).unwrap().to_vec(), vec![0.0, 1.0, 0.0, 0.0]);
    assert_eq!(a.ne(&b).unwrap().to_vec(), vec![1.0, 0.0, 1.0, 1.0]);
    assert_eq!(a.lt(&b).unwrap().to_vec(), vec![1.0, 0.0, 0.0, 0.0]);
    assert_eq!(a.le(&b).unwrap().to_vec(), vec![1.0, 1.0, 0.0, 0.0]);
    assert_eq!(a.gt(&b).unwrap().to_vec(), vec![0.0, 0.0, 1.0, 0.0]);
    assert_eq!(a.ge(&b).unwrap().to_vec(), vec![0.0, 1.0, 1.0, 0.0]);
}

#[test]
fn where_cond_selects_and_broadcasts() {
    let mask: Tensor<f32> = tensor!([[1.0], [0.0]]);
    let on_true: Tensor<f32> = tensor!([10.0, 20.0, 30.0]);
    let on_false = Tensor::<f32>::scalar(-1.0);
    let out = Tensor::where_cond(&mask, &on_true, &on_false).unwrap();
    assert_eq!(out.shape(), &[2, 3]);
    assert_eq!(out.to_vec(), vec![10.0, 20.0, 30.0, -1.0, -1.0, -1.0]);
}

#[test]
fn where_cond_rejects_incompatible_mask() {
    let mask = Tensor::<f32>::zeros(&[3]);
    let values = Tensor::<f32>::zeros(&[2]);
    let err = Tensor::where_cond(&mask, &values, &values).unwrap_err();
    assert!(matches!(
        err,
        TensorError::ShapeMismatch {
            op: "where_cond",
            ..
        }
    ));
}

// ---- in place ----

#[test]
fn add_inplace_broadcasts_other() {
    let mut a: Tensor<f32> = tensor!([[1.0, 2.0], [3.0, 4.0]]);
    let b: Tensor<f32> = tensor!([10.0, 20.0]);
    a.add_inplace(&b).unwrap();
    assert_eq!(a.to_vec(), vec![11.0, 22.0, 13.0, 24.0]);
}

#[test]
fn scaled_add_inplace_is_axpy() {
    // a + 0.5 * b = [1 + 1, 2 + 2, 3 + 3].
    let mut a: Tensor<f64> = tensor!([1.0, 2.0, 3.0]);
    let b: Tensor<f64> = tensor!([2.0, 4.0, 6.0]);
    a.scaled_add_inplace(0.5, &b).unwrap();
    assert_eq!(a.to_vec(), vec![2.0, 4.0, 6.0]);
}

#[test]
fn inplace_does_not_touch_shared_storage() {
    let original: Tensor<f32> = tensor!([1.0, 2.0, 3.0]);
    let mut copy = original.clone();
    copy.mul_scalar_inplace(2.0);
    copy.map_inplace(|v| v + 1.0);
    assert_eq!(copy.to_vec(), vec![3.0, 5.0, 7.0]);
    assert_eq!(original.to_vec(), vec![1.0, 2.0, 3.0]);

    let mut same = original.clone();
    same.add_inplace(&original).unwrap();
    assert_eq!(same.to_vec(), vec![2.0, 4.0, 6.0]);
    assert_eq!(original.to_vec(), vec![1.0, 2.0, 3.0]);
}

#[test]
fn inplace_on_a_view_writes_a_copy() {
    let base: Tensor<f32> = tensor!([[1.0, 2.0], [3.0, 4.0]]);
    let mut view = base.t().unwrap();
    view.add_inplace(&Tensor::scalar(1.0)).unwrap();
    assert_eq!(view.to_vec(), vec![2.0, 4.0, 3.0, 5.0]);
    assert_eq!(base.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
}

#[test]
fn inplace_rejects_growing_shape() {
    let mut a = Tensor::<f32>::zeros(&[3]);
    let b = Tensor::<f32>::zeros(&[2, 3]);
    let err = a.add_inplace(&b).unwrap_err();
    match err {
        TensorError::ShapeMismatch { op, lhs, rhs, .. } => {
            assert_eq!(op, "add_inplace");
            assert_eq!(lhs, vec![3]);
            assert_eq!(rhs, vec![2, 3]);
        }
        other => panic!("expected ShapeMismatch, got {other:?}"),
    }
    assert!(a.scaled_add_inplace(1.0, &b).is_err());
    assert_eq!(a.to_vec(), vec![0.0; 3]);
}

// ---- operators ----

#[test]
fn operators_on_owned_and_borrowed() {
    let a: Tensor<f32> = tensor!([1.0, 2.0]);
    let b: Tensor<f32> = tensor!([3.0, 5.0]);
    assert_eq!((&a + &b).unwrap().to_vec(), vec![4.0, 7.0]);
    assert_eq!((&a - b.clone()).unwrap().to_vec(), vec![-2.0, -3.0]);
    assert_eq!((a.clone() * &b).unwrap().to_vec(), vec![3.0, 10.0]);
    assert_eq!(
        (a.clone() / b.clone()).unwrap().to_vec(),
        vec![1.0 / 3.0, 0.4]
    );
    assert_eq!((&a + 1.0).unwrap().to_vec(), vec![2.0, 3.0]);
    assert_eq!((&a - 1.0).unwrap().to_vec(), vec![0.0, 1.0]);
    assert_eq!((a.clone() * 3.0).unwrap().to_vec(), vec![3.0, 6.0]);
    assert_eq!((a.clone() / 2.0).unwrap().to_vec(), vec![0.5, 1.0]);
    assert_eq!((-&a).to_vec(), vec![-1.0, -2.0]);
    assert_eq!((-a).to_vec(), vec![-1.0, -2.0]);
}

#[test]
fn operator_reports_shape_mismatch() {
    let a = Tensor::<f64>::zeros(&[2]);
    let b = Tensor::<f64>::zeros(&[3]);
    assert!(matches!(
        &a + &b,
        Err(TensorError::ShapeMismatch { op: "add", .. })
    ));
}
