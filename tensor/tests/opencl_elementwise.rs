//! Elementwise OpenCL kernels against the host implementation, on random shapes (including
//! zero sizes) and views (transposed, narrowed, negative steps, broadcast). Runs only with the
//! `opencl` feature.
//!
//! Tolerances: arithmetic, comparisons, selection, copies and casts must match bit for bit,
//! because the kernels are built without contraction and with correctly rounded division and
//! square root, and conversions round to nearest even on both sides. exp, ln, tanh, sigmoid,
//! pow and the derivative of powf follow `opencl_common::transcendental`; the other
//! derivative rules must match exactly.
#![cfg(feature = "opencl")]

mod opencl_common;

use opencl_common::*;
use proptest::prelude::*;
use tensor::ops::derivative::Derivative;
use tensor::{Element, Result, Tensor, TensorError};

type Unary<T> = fn(&Tensor<T>) -> Tensor<T>;

/// Lists every unary and scalar operation with a kernel, with its tolerance class (true:
/// transcendental).
fn unary_ops<T: Element>() -> Vec<(&'static str, Unary<T>, bool)> {
    vec![
        ("neg", |t| t.neg(), false),
        ("abs", |t| t.abs(), false),
        ("exp", |t| t.exp(), true),
        ("ln", |t| t.ln(), true),
        ("sqrt", |t| t.sqrt(), false),
        ("recip", |t| t.recip(), false),
        ("tanh", |t| t.tanh(), true),
        ("sigmoid", |t| t.sigmoid(), true),
        ("relu", |t| t.relu(), false),
        ("square", |t| t.square(), false),
        ("powf", |t| t.powf(T::from_f64(1.7)), true),
        (
            "clamp",
            |t| t.clamp(T::from_f64(-1.0), T::from_f64(0.5)).unwrap(),
            false,
        ),
        ("add_scalar", |t| t.add_scalar(T::from_f64(0.25)), false),
        ("sub_scalar", |t| t.sub_scalar(T::from_f64(0.25)), false),
        ("mul_scalar", |t| t.mul_scalar(T::from_f64(-1.5)), false),
        ("div_scalar", |t| t.div_scalar(T::from_f64(3.0)), false),
        ("rsub_scalar", |t| t.rsub_scalar(T::from_f64(2.0)), false),
        ("contiguous", |t| t.contiguous(), false),
        ("operator -", |t| -t, false),
    ]
}

type Binary<T> = fn(&Tensor<T>, &Tensor<T>) -> Result<Tensor<T>>;

/// Lists every binary operation with a kernel, with its tolerance class.
fn binary_ops<T: Element>() -> Vec<(&'static str, Binary<T>, bool)> {
    vec![
        ("add", |a, b| a.add(b), false),
        ("sub", |a, b| a.sub(b), false),
        ("mul", |a, b| a.mul(b), false),
        ("div", |a, b| a.div(b), false),
        ("maximum", |a, b| a.maximum(b), false),
        ("minimum", |a, b| a.minimum(b), false),
        ("pow", |a, b| a.pow(b), true),
        ("eq", |a, b| a.eq(b), false),
        ("ne", |a, b| a.ne(b), false),
        ("lt", |a, b| a.lt(b), false),
        ("le", |a, b| a.le(b), false),
        ("gt", |a, b| a.gt(b), false),
        ("ge", |a, b| a.ge(b), false),
        ("operator *", |a, b| a * b, false),
        (
            "d sqrt",
            |g, y| g.mul_derivative(Derivative::Sqrt, y),
            false,
        ),
        (
            "d recip",
            |g, y| g.mul_derivative(Derivative::Recip, y),
            false,
        ),
        (
            "d tanh",
            |g, y| g.mul_derivative(Derivative::Tanh, y),
            false,
        ),
        (
            "d sigmoid",
            |g, y| g.mul_derivative(Derivative::Sigmoid, y),
            false,
        ),
        (
            "d relu",
            |g, x| g.mul_derivative(Derivative::Relu, x),
            false,
        ),
        ("d abs", |g, x| g.mul_derivative(Derivative::Abs, x), false),
        (
            "d square",
            |g, x| g.mul_derivative(Derivative::Square, x),
            false,
        ),
        (
            "d powf",
            |g, x| g.mul_derivative(Derivative::Powf(T::from_f64(1.7)), x),
            true,
        ),
        (
            "d clamp",
            |g, x| {
                let (min, max) = (T::from_f64(-1.0), T::from_f64(0.5));
                g.mul_derivative(Derivative::Clamp(min, max), x)
            },
            false,
        ),
    ]
}

/// Runs every unary operation on a view of a host tensor and on the same view of its device
/// copy.
fn check_unary<T: Element>(
    shape: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
) -> std::result::Result<(), String> {
    let host = filled::<T>(shape, values);
    let on_device = host.to_device(&device()).unwrap();
    let host_view = apply_view(&host, view, seed);
    let device_view = apply_view(&on_device, view, seed);
    for (name, op, costly) in unary_ops::<T>() {
        let tol = if costly { transcendental::<T>() } else { EXACT };
        same_result(&op(&device_view), &op(&host_view), tol)
            .map_err(|e| format!("{name} on {:?} {view:?}: {e}", host_view.shape()))?;
    }
    Ok(())
}

/// Derives a shape that broadcasts to `shape`: a suffix of it with some sizes set to 1.
fn broadcast_partner(shape: &[usize], keep: usize, ones: u8) -> Vec<usize> {
    let keep = keep.min(shape.len());
    shape[shape.len() - keep..]
        .iter()
        .enumerate()
        .map(|(i, &s)| if ones >> i & 1 == 1 { 1 } else { s })
        .collect()
}

/// Runs every binary operation on a view of one tensor and a broadcast partner.
fn check_binary<T: Element>(
    shape: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
    keep: usize,
    ones: u8,
) -> std::result::Result<(), String> {
    let dev = device();
    let lhs = apply_view(&filled::<T>(shape, values), view, seed);
    let rhs_shape = broadcast_partner(lhs.shape(), keep, ones);
    let rhs_values: Vec<f64> = values.iter().rev().map(|v| v * 0.5 + 0.25).collect();
    let rhs = filled::<T>(&rhs_shape, &rhs_values);
    let lhs_device = apply_view(
        &filled::<T>(shape, values).to_device(&dev).unwrap(),
        view,
        seed,
    );
    let rhs_device = rhs.to_device(&dev).unwrap();
    for (name, op, costly) in binary_ops::<T>() {
        let tol = if costly { transcendental::<T>() } else { EXACT };
        for (a, b, ha, hb) in [
            (&lhs_device, &rhs_device, &lhs, &rhs),
            (&rhs_device, &lhs_device, &rhs, &lhs),
        ] {
            same_result(&op(a, b).unwrap(), &op(ha, hb).unwrap(), tol)
                .map_err(|e| format!("{name} {:?} with {:?}: {e}", ha.shape(), hb.shape()))?;
        }
    }
    Ok(())
}

/// Converts a view of a host tensor and the same view of its device copy from `T` to `U`.
fn check_cast<T: Element, U: Element>(
    shape: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
) -> std::result::Result<(), String> {
    let host = filled::<T>(shape, values);
    let on_device = host.to_device(&device()).unwrap();
    let want = apply_view(&host, view, seed).cast::<U>();
    let got = apply_view(&on_device, view, seed).cast::<U>();
    same_result(&got, &want, EXACT)
        .map_err(|e| format!("cast {} to {} on {view:?}: {e}", T::DTYPE, U::DTYPE))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn cast_matches_host(shape in shape(), values in values(), view in view()) {
        // Values with more bits than f32 keeps, so that f64 to f32 has to round.
        let values: Vec<f64> = values.iter().map(|v| v * (1.0 + 1e-9)).collect();
        prop_assert_eq!(check_cast::<f32, f64>(&shape, &values, view), Ok(()));
        prop_assert_eq!(check_cast::<f64, f32>(&shape, &values, view), Ok(()));
        prop_assert_eq!(check_cast::<f32, f32>(&shape, &values, view), Ok(()));
        prop_assert_eq!(check_cast::<f64, f64>(&shape, &values, view), Ok(()));
    }

    #[test]
    fn unary_f32_matches_host(shape in shape(), values in values(), view in view()) {
        prop_assert_eq!(check_unary::<f32>(&shape, &values, view), Ok(()));
    }

    #[test]
    fn unary_f64_matches_host(shape in shape(), values in values(), view in view()) {
        prop_assert_eq!(check_unary::<f64>(&shape, &values, view), Ok(()));
    }

    #[test]
    fn binary_f32_matches_host(
        shape in shape(), values in values(), view in view(), keep in 0usize..5, ones in any::<u8>()
    ) {
        prop_assert_eq!(check_binary::<f32>(&shape, &values, view, keep, ones), Ok(()));
    }

    #[test]
    fn binary_f64_matches_host(
        shape in shape(), values in values(), view in view(), keep in 0usize..5, ones in any::<u8>()
    ) {
        prop_assert_eq!(check_binary::<f64>(&shape, &values, view, keep, ones), Ok(()));
    }

    #[test]
    fn where_cond_matches_host(
        shape in shape(), values in values(), view in view(), keep in 0usize..5, ones in any::<u8>()
    ) {
        let dev = device();
        let base = filled::<f32>(&shape, &values);
        let x = apply_view(&base, view.0, view.1);
        let x_device = apply_view(&base.to_device(&dev).unwrap(), view.0, view.1);
        let mask = x.gt(&Tensor::scalar(0.0)).unwrap();
        let mask_device = x_device.gt(&Tensor::scalar(0.0f32).to_device(&dev).unwrap()).unwrap();
        let other_shape = broadcast_partner(x.shape(), keep, ones);
        let other = filled::<f32>(&other_shape, &[7.0, -8.0, 9.5]);
        let other_device = other.to_device(&dev).unwrap();
        let want = Tensor::where_cond(&mask, &other, &x).unwrap();
        let got = Tensor::where_cond(&mask_device, &other_device, &x_device).unwrap();
        prop_assert_eq!(same_result(&got, &want, EXACT), Ok(()));
    }

    #[test]
    fn inplace_updates_stay_on_device(
        shape in shape(), values in values(), keep in 0usize..5, ones in any::<u8>()
    ) {
        let dev = device();
        let host = filled::<f32>(&shape, &values);
        let other = filled::<f32>(&broadcast_partner(&shape, keep, ones), &[0.5, -2.0, 1.25]);
        let (mut h, mut d) = (host.clone(), host.to_device(&dev).unwrap());
        let source = d.clone();
        let other_device = other.to_device(&dev).unwrap();
        h.add_inplace(&other).unwrap();
        d.add_inplace(&other_device).unwrap();
        h.scaled_add_inplace(-0.5, &other).unwrap();
        d.scaled_add_inplace(-0.5, &other_device).unwrap();
        h.mul_scalar_inplace(3.0);
        d.mul_scalar_inplace(3.0);
        prop_assert_eq!(same_result(&d, &h, EXACT), Ok(()));
        // The handle the update started from keeps its values (copy on write).
        prop_assert_eq!(source.to_vec(), host.to_vec());
    }
}

#[test]
fn special_values_match_host() {
    let dev = device();
    let special = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        0.0,
        -0.0,
        1e30,
        -1e30,
        2.5,
    ];
    let x = Tensor::from_slice(&special, &[8]).unwrap();
    let y = x.flip(0).unwrap();
    let (xd, yd) = (x.to_device(&dev).unwrap(), y.to_device(&dev).unwrap());
    for (name, op, costly) in unary_ops::<f32>() {
        let tol = if costly { F32_TRANSCENDENTAL } else { EXACT };
        assert_eq!(same_result(&op(&xd), &op(&x), tol), Ok(()), "{name}");
    }
    for (name, op, costly) in binary_ops::<f32>() {
        let tol = if costly { F32_TRANSCENDENTAL } else { EXACT };
        let got = op(&xd, &yd).unwrap();
        assert_eq!(
            same_result(&got, &op(&x, &y).unwrap(), tol),
            Ok(()),
            "{name}"
        );
    }
}

#[test]
fn cast_special_values_match_host() {
    let halfway = 1.0 + f64::powi(2.0, -24);
    let above_halfway = 1.0 + 3.0 * f64::powi(2.0, -24);
    let special = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -0.0,
        1e-40,
        1e-50,
        1e300,
        -1e300,
        halfway,
        above_halfway,
    ];
    let host = Tensor::from_slice(&special, &[special.len()]).unwrap();
    let got = host.to_device(&device()).unwrap().cast::<f32>();
    assert!(!got.is_on_host());
    let got = got.to_vec();
    let want = host.cast::<f32>().to_vec();
    assert!(got[0].is_nan(), "NaN gave {}", got[0]);
    for (i, (g, w)) in got.iter().zip(&want).enumerate().skip(1) {
        assert_eq!(
            g.to_bits(),
            w.to_bits(),
            "element {i}: got {g:e}, want {w:e}"
        );
    }
    assert_eq!(got[4], 1e-40f32, "a subnormal f32 result is kept");
    assert_eq!(got[8], 1.0, "a tie rounds to even");
}

#[test]
fn deep_layout_falls_back_to_host() {
    // Seven axes that cannot merge (every other one transposed) exceed the kernels' six.
    let dev = device();
    let host = Tensor::<f32>::arange(0.0, 128.0, 1.0)
        .unwrap()
        .reshape(&[2; 7])
        .unwrap();
    let view = host.permute(&[1, 0, 3, 2, 5, 4, 6]).unwrap();
    let view_device = host
        .to_device(&dev)
        .unwrap()
        .permute(&[1, 0, 3, 2, 5, 4, 6])
        .unwrap();
    assert_eq!(
        same_result(&view_device.exp(), &view.exp(), F32_TRANSCENDENTAL),
        Ok(())
    );
    let sum = view_device.add(&view_device).unwrap();
    assert_eq!(same_result(&sum, &view.add(&view).unwrap(), EXACT), Ok(()));
    let wide = view_device.cast::<f64>();
    assert_eq!(same_result(&wide, &view.cast::<f64>(), EXACT), Ok(()));
}

#[test]
fn mixed_devices_are_rejected() {
    let host = Tensor::<f32>::ones(&[2, 2]);
    let on_device = host.to_device(&device()).unwrap();
    let err = on_device.add(&host).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("add"), "{message}");
    assert!(message.contains("different devices"), "{message}");
    assert!(Tensor::where_cond(&on_device, &host, &on_device).is_err());

    // The devices are named in argument order.
    match host.add(&on_device) {
        Err(TensorError::DeviceMismatch { lhs, rhs, .. }) => {
            assert_eq!(lhs, "cpu");
            assert!(rhs.starts_with("opencl"), "{rhs}");
        }
        other => panic!("expected a device mismatch, got {other:?}"),
    }
}
