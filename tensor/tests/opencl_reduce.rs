//! Reduction and softmax kernels on OpenCL against the host implementation, on random
//! shapes, axes and views. Runs only with the `opencl` feature.
//!
//! Tolerances: `max` and `min` must match exactly. Sums add in a different order than the
//! host, so sum and mean allow `abs + rel * sum(|x|)` with the transcendental tolerance of the
//! element type (abs 1e-6 and rel 1e-5 for f32, 1e-13 and 1e-12 for f64). `var` allows the
//! same `abs + rel * mean(x^2)`, and `logsumexp` `abs + rel * (|result| + max(|x|))`.
//! softmax and log_softmax use the transcendental tolerance against the magnitude of each
//! value.
#![cfg(feature = "opencl")]

mod opencl_common;

use opencl_common::*;
use proptest::prelude::*;
use tensor::{Element, Tensor};

/// Picks distinct axes of a rank-`rank` tensor from a bit mask (empty mask: every axis).
fn axes_from_mask(rank: usize, mask: u8, negative: bool) -> Vec<isize> {
    (0..rank)
        .filter(|&a| mask >> a & 1 == 1)
        .map(|a| {
            if negative {
                a as isize - rank as isize
            } else {
                a as isize
            }
        })
        .collect()
}

/// Compares one reduction of a host view and of the same device view.
fn check_reductions<T: Element>(
    shape: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
    mask: u8,
    keepdim: bool,
) -> Result<(), String> {
    let host = apply_view(&filled::<T>(shape, values), view, seed);
    let on_device = apply_view(
        &filled::<T>(shape, values).to_device(&device()).unwrap(),
        view,
        seed,
    );
    let axes = axes_from_mask(host.rank(), mask, seed % 2 == 0);
    let magnitude = host.abs().sum(&axes, keepdim).unwrap().to_vec();
    let magnitude: Vec<f64> = magnitude.iter().map(|v| v.to_f64()).collect();
    let tol = transcendental::<T>();

    let sum = on_device.sum(&axes, keepdim).unwrap();
    let want = host.sum(&axes, keepdim).unwrap();
    if sum.shape() != want.shape() || sum.is_on_host() {
        return Err(format!(
            "sum: shape {:?} vs {:?}",
            sum.shape(),
            want.shape()
        ));
    }
    close(&sum.to_vec(), &want.to_vec(), &magnitude, tol).map_err(|e| format!("sum: {e}"))?;

    let mean = on_device.mean(&axes, keepdim).unwrap();
    let want = host.mean(&axes, keepdim).unwrap();
    same_result(&mean, &want, tol).map_err(|e| format!("mean over {axes:?}: {e}"))?;

    let has_elements = axes.is_empty() && host.num_elements() > 0
        || !axes.is_empty() && axes.iter().all(|&a| host.dim(a).unwrap() > 0);
    let (max, want_max) = (on_device.max(&axes, keepdim), host.max(&axes, keepdim));
    let (min, want_min) = (on_device.min(&axes, keepdim), host.min(&axes, keepdim));
    if has_elements {
        same_result(&max.unwrap(), &want_max.unwrap(), EXACT).map_err(|e| format!("max: {e}"))?;
        same_result(&min.unwrap(), &want_min.unwrap(), EXACT).map_err(|e| format!("min: {e}"))?;
    } else if max.is_ok() || want_max.is_ok() || min.is_ok() {
        return Err("max or min of zero elements did not fail on both sides".into());
    }

    check_var_logsumexp(&host, &on_device, &axes, keepdim, has_elements)
}

/// Compares var and logsumexp of a host view and of the same device view over `axes`.
fn check_var_logsumexp<T: Element>(
    host: &Tensor<T>,
    on_device: &Tensor<T>,
    axes: &[isize],
    keepdim: bool,
    has_elements: bool,
) -> Result<(), String> {
    let tol = transcendental::<T>();
    let to_f64 = |t: Tensor<T>| t.to_vec().iter().map(|v| v.to_f64()).collect::<Vec<f64>>();

    // The deviations of both sides differ by the rounding of their means, which is relative
    // to the values, so the error scales with the mean of x^2 (at least the variance).
    let var = on_device.var(axes, keepdim).unwrap();
    let want = host.var(axes, keepdim).unwrap();
    let mean_square = to_f64(host.square().mean(axes, keepdim).unwrap());
    if var.shape() != want.shape() || var.is_on_host() {
        return Err(format!(
            "var: shape {:?} vs {:?}",
            var.shape(),
            want.shape()
        ));
    }
    close(&var.to_vec(), &want.to_vec(), &mean_square, tol)
        .map_err(|e| format!("var over {axes:?}: {e}"))?;

    // logsumexp is m + ln(sum(exp(x - m))): the ln part has the relative error of exp and ln,
    // and adding m rounds relative to |m|, which the result may cancel.
    let logsumexp = on_device.logsumexp(axes, keepdim).unwrap();
    let want = host.logsumexp(axes, keepdim).unwrap();
    let mut scale: Vec<f64> = to_f64(want.abs());
    if has_elements {
        let largest = to_f64(host.abs().max(axes, keepdim).unwrap());
        scale.iter_mut().zip(largest).for_each(|(s, m)| *s += m);
    }
    if logsumexp.shape() != want.shape() || logsumexp.is_on_host() {
        return Err(format!(
            "logsumexp: shape {:?} vs {:?}",
            logsumexp.shape(),
            want.shape()
        ));
    }
    close(&logsumexp.to_vec(), &want.to_vec(), &scale, tol)
        .map_err(|e| format!("logsumexp over {axes:?}: {e}"))
}

/// Compares softmax and log_softmax along one axis.
fn check_softmax<T: Element>(
    shape: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
    axis_seed: usize,
) -> Result<(), String> {
    let host = apply_view(&filled::<T>(shape, values), view, seed);
    let on_device = apply_view(
        &filled::<T>(shape, values).to_device(&device()).unwrap(),
        view,
        seed,
    );
    let axis = (axis_seed % host.rank()) as isize;
    let tol = transcendental::<T>();
    same_result(
        &on_device.softmax(axis).unwrap(),
        &host.softmax(axis).unwrap(),
        tol,
    )
    .map_err(|e| format!("softmax axis {axis}: {e}"))?;
    same_result(
        &on_device.log_softmax(axis).unwrap(),
        &host.log_softmax(axis).unwrap(),
        tol,
    )
    .map_err(|e| format!("log_softmax axis {axis}: {e}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn reductions_f32_match_host(
        shape in shape(), values in values(), view in view(), mask in any::<u8>(), keepdim in any::<bool>()
    ) {
        prop_assert_eq!(check_reductions::<f32>(&shape, &values, view, mask, keepdim), Ok(()));
    }

    #[test]
    fn reductions_f64_match_host(
        shape in shape(), values in values(), view in view(), mask in any::<u8>(), keepdim in any::<bool>()
    ) {
        prop_assert_eq!(check_reductions::<f64>(&shape, &values, view, mask, keepdim), Ok(()));
    }

    #[test]
    fn softmax_f32_matches_host(
        shape in nonempty_shape(), values in values(), view in view(), axis in any::<usize>()
    ) {
        prop_assert_eq!(check_softmax::<f32>(&shape, &values, view, axis), Ok(()));
    }

    #[test]
    fn softmax_f64_matches_host(
        shape in nonempty_shape(), values in values(), view in view(), axis in any::<usize>()
    ) {
        prop_assert_eq!(check_softmax::<f64>(&shape, &values, view, axis), Ok(()));
    }
}

#[test]
fn softmax_special_lanes_match_host() {
    let inf = f32::INFINITY;
    let lanes = [
        [1000.0, 1000.0, 0.0],
        [-inf, -inf, -inf],
        [f32::NAN, 1.0, 2.0],
        [inf, 1.0, 2.0],
        [-inf, 0.0, -inf],
    ];
    let flat: Vec<f32> = lanes.iter().flatten().copied().collect();
    let host = Tensor::from_slice(&flat, &[5, 3]).unwrap();
    let on_device = host.to_device(&device()).unwrap();
    for axis in [0, 1] {
        let got = on_device.softmax(axis).unwrap();
        assert_eq!(
            same_result(&got, &host.softmax(axis).unwrap(), F32_TRANSCENDENTAL),
            Ok(())
        );
        let got = on_device.log_softmax(axis).unwrap();
        let want = host.log_softmax(axis).unwrap();
        assert_eq!(same_result(&got, &want, F32_TRANSCENDENTAL), Ok(()));
    }
}

#[test]
fn max_min_propagate_nan_like_host() {
    let host = Tensor::from_slice(&[1.0f32, f32::NAN, 3.0, -1.0, 5.0, 2.0], &[2, 3]).unwrap();
    let on_device = host.to_device(&device()).unwrap();
    for axes in [&[0isize][..], &[1], &[]] {
        let got = on_device.max(axes, false).unwrap();
        assert_eq!(
            same_result(&got, &host.max(axes, false).unwrap(), EXACT),
            Ok(())
        );
        let got = on_device.min(axes, true).unwrap();
        assert_eq!(
            same_result(&got, &host.min(axes, true).unwrap(), EXACT),
            Ok(())
        );
    }
}

#[test]
fn logsumexp_special_rows_match_host() {
    let inf = f32::INFINITY;
    let rows = [
        [1000.0, 1000.0, 0.0],
        [-inf, -inf, -inf],
        [f32::NAN, 1.0, 2.0],
        [inf, 1.0, 2.0],
        [-inf, 0.0, -inf],
        [-100.0, -100.0, -101.0],
    ];
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    let host = Tensor::from_slice(&flat, &[6, 3]).unwrap();
    let on_device = host.to_device(&device()).unwrap();
    for axes in [&[1isize][..], &[0], &[]] {
        let got = on_device.logsumexp(axes, false).unwrap();
        let want = host.logsumexp(axes, false).unwrap();
        assert_eq!(
            same_result(&got, &want, F32_TRANSCENDENTAL),
            Ok(()),
            "axes {axes:?}"
        );
    }

    // Zero elements along the reduced axis give -inf for every output.
    let empty = Tensor::<f64>::zeros(&[2, 0]).to_device(&device()).unwrap();
    let got = empty.logsumexp(&[1], true).unwrap();
    assert_eq!(got.shape(), &[2, 1]);
    assert!(!got.is_on_host());
    assert_eq!(got.to_vec(), vec![f64::NEG_INFINITY; 2]);
}

#[test]
fn var_special_rows_match_host() {
    let inf = f32::INFINITY;
    let rows = [
        [1e20, -1e20, 0.0, 5.0],
        [inf, 1.0, 2.0, 3.0],
        [f32::NAN, 1.0, 2.0, 3.0],
        [1e4 + 1.0, 1e4 + 2.0, 1e4 + 3.0, 1e4 + 4.0],
    ];
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    let host = Tensor::from_slice(&flat, &[4, 4]).unwrap();
    let on_device = host.to_device(&device()).unwrap();
    let got = on_device.var(&[1], false).unwrap();
    let want = host.var(&[1], false).unwrap();
    assert_eq!(same_result(&got, &want, F32_TRANSCENDENTAL), Ok(()));
    assert_eq!(got.to_vec()[0], inf, "squares that overflow give inf");
    assert_eq!(
        got.to_vec()[3],
        1.25,
        "a large mean does not cost precision"
    );

    let empty = Tensor::<f32>::zeros(&[0, 3]).to_device(&device()).unwrap();
    let got = empty.var(&[0], false).unwrap();
    assert!(!got.is_on_host());
    assert!(
        got.to_vec().iter().all(|v| v.is_nan()),
        "got {:?}",
        got.to_vec()
    );
}

#[test]
fn sum_with_infinity_matches_host() {
    let inf = f64::INFINITY;
    let host =
        Tensor::from_slice(&[inf, 1.0, 2.0, inf, -inf, 0.0, 1e308, 1e308, 1.0], &[3, 3]).unwrap();
    let on_device = host.to_device(&device()).unwrap();
    let got = on_device.sum(&[1], false).unwrap();
    assert_eq!(got.to_vec()[0], inf);
    assert!(got.to_vec()[1].is_nan());
    assert_eq!(got.to_vec()[2], inf);
    assert_eq!(
        same_result(&got, &host.sum(&[1], false).unwrap(), EXACT),
        Ok(())
    );
}

#[test]
fn long_sum_is_accurate() {
    // 100 003 values of 0.1: an odd length much longer than one work-group. The exact sum is
    // 10000.3; f32 sums in another order may differ by a few ulp of the partial sums.
    let host = Tensor::<f32>::full(&[100_003], 0.1);
    let on_device = host.to_device(&device()).unwrap();
    let got = on_device.sum(&[0], false).unwrap().to_vec()[0];
    let want = host.sum(&[0], false).unwrap().to_vec()[0];
    assert!(
        (got - want).abs() <= 1e-5 * 10_000.3 + 1e-6,
        "got {got}, want {want}"
    );
    assert!((on_device.sum_all() - want).abs() <= 1e-5 * 10_000.3 + 1e-6);
}
