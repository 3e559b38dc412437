//! The top_k_mask kernel on OpenCL against the host, on random shapes, views and values
//! (repeated values and NaN included). The mask compares values without arithmetic, so every
//! result must match the host exactly, stay on the device, and copy nothing back to the host.
//! Runs only with the `opencl` feature.
#![cfg(feature = "opencl")]

mod opencl_common;

use opencl_common::*;
use proptest::prelude::*;
use tensor::opencl::host_fallbacks;
use tensor::{Element, Tensor};

/// Returns how often top_k_mask has fallen back to the host so far.
fn topk_fallbacks() -> u64 {
    host_fallbacks()
        .into_iter()
        .find(|&(op, _)| op == "top_k_mask")
        .map_or(0, |(_, count)| count)
}

fn check_top_k<T: Element>(
    shape: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
    k: usize,
) -> Result<(), String> {
    let _serial = serial();
    let base = filled::<T>(shape, values);
    let host = apply_view(&base, view, seed);
    let on_device = apply_view(&base.to_device(&device()).unwrap(), view, seed);

    let want = host.top_k_mask(k).unwrap();
    let fallbacks = topk_fallbacks();
    let (got, downloads) = counting_downloads(|| on_device.top_k_mask(k));
    if downloads != 0 {
        return Err(format!("top_k_mask downloaded {downloads} times"));
    }
    if topk_fallbacks() != fallbacks {
        return Err("top_k_mask ran on the host".into());
    }
    same_result(&got.unwrap(), &want, EXACT)
        .map_err(|e| format!("top_k_mask({k}) of {:?} ({view:?}): {e}", host.shape()))
}

/// Random values from a small set, so that ties are common, with some NaN.
fn tied_values() -> impl Strategy<Value = Vec<f64>> {
    let value = prop_oneof![
        6 => (-3i32..4).prop_map(f64::from),
        3 => -3.0f64..3.0,
        1 => Just(f64::NAN),
    ];
    prop::collection::vec(value, 1..64)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn top_k_mask_matches_host(
        shape in shape(),
        values in tied_values(),
        view in view(),
        k in 0usize..7,
    ) {
        prop_assert_eq!(check_top_k::<f32>(&shape, &values, view, k), Ok(()));
        prop_assert_eq!(check_top_k::<f64>(&shape, &values, view, k), Ok(()));
    }
}

#[test]
fn top_k_mask_of_rank_zero_and_empty() {
    assert_eq!(check_top_k::<f32>(&[], &[2.5], (View::Plain, 0), 1), Ok(()));
    assert_eq!(check_top_k::<f32>(&[], &[2.5], (View::Plain, 0), 0), Ok(()));
    assert_eq!(
        check_top_k::<f32>(&[3, 0], &[1.0], (View::Plain, 0), 2),
        Ok(())
    );
    assert_eq!(
        check_top_k::<f32>(&[0, 4], &[1.0], (View::Plain, 0), 2),
        Ok(())
    );
}

#[test]
fn top_k_mask_of_long_rows() {
    // Rows far longer than the random shapes reach, with many ties and a few NaN.
    let values: Vec<f64> = (0..997)
        .map(|i| {
            if i % 101 == 0 {
                f64::NAN
            } else {
                f64::from(i * 37 % 50)
            }
        })
        .collect();
    for k in [1, 13, 500, 996, 2000] {
        assert_eq!(
            check_top_k::<f32>(&[3, 997], &values, (View::Plain, 0), k),
            Ok(())
        );
        assert_eq!(
            check_top_k::<f64>(&[997, 3], &values, (View::Reversed, 0), k),
            Ok(())
        );
    }
}

#[test]
fn deep_top_k_mask_runs_on_host_copy() {
    let _serial = serial();
    // Eight axes reversed: without the last one, seven axes remain that no merging joins.
    let order: Vec<usize> = (0..8).rev().collect();
    let base = Tensor::<f32>::arange(0.0, 256.0, 1.0)
        .unwrap()
        .reshape(&[2; 8])
        .unwrap()
        .map(|x| (x * 7.0) % 5.0);
    let host = base.permute(&order).unwrap();
    let on_device = base.to_device(&device()).unwrap().permute(&order).unwrap();
    let fallbacks = topk_fallbacks();
    let got = on_device.top_k_mask(1).unwrap();
    assert_eq!(topk_fallbacks(), fallbacks + 1);
    assert_eq!(
        same_result(&got, &host.top_k_mask(1).unwrap(), EXACT),
        Ok(())
    );
}
