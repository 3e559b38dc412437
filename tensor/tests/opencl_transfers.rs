//! Device operations copy nothing between host and device, and run no host fallback. Runs
//! only with the `opencl` feature.
//!
//! The transfer counters are global to the process, so every test here locks [`COUNTERS`]
//! before its first device operation.
#![cfg(feature = "opencl")]

mod opencl_common;

use opencl_common::*;
use proptest::prelude::*;
use tensor::opencl::{host_fallbacks, reset_transfer_stats, transfer_stats, TransferStats};
use tensor::{Element, Indices, Tensor};

/// Runs `op` with fresh counters and returns its result with the copies and host fallbacks
/// that it made.
fn counted<R>(op: impl FnOnce() -> R) -> (R, TransferStats, Vec<(&'static str, u64)>) {
    reset_transfer_stats();
    let out = op();
    (out, transfer_stats(), host_fallbacks())
}

/// Checks that an operation's result is on the device and that it copied nothing.
fn stayed_on_device<T: Element>(
    name: &str,
    out: &Tensor<T>,
    stats: TransferStats,
    fallbacks: &[(&'static str, u64)],
) -> Result<(), String> {
    if out.is_on_host() {
        return Err(format!("{name}: the result is in host memory"));
    }
    if stats != TransferStats::default() {
        return Err(format!("{name}: copied {stats:?}"));
    }
    if !fallbacks.is_empty() {
        return Err(format!("{name}: ran on the host: {fallbacks:?}"));
    }
    Ok(())
}

/// Runs var and logsumexp over `axes` of a device view and checks that neither copies.
fn check_var_logsumexp<T: Element>(
    shape: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
    mask: u8,
) -> Result<(), String> {
    let _guard = serial();
    let on_device = filled::<T>(shape, values).to_device(&device()).unwrap();
    let x = apply_view(&on_device, view, seed);
    let axes: Vec<isize> = (0..x.rank() as isize)
        .filter(|&a| mask >> a & 1 == 1)
        .collect();
    let (var, stats, fallbacks) = counted(|| x.var(&axes, mask & 0x80 != 0).unwrap());
    stayed_on_device("var", &var, stats, &fallbacks)?;
    let (logsumexp, stats, fallbacks) = counted(|| x.logsumexp(&axes, false).unwrap());
    stayed_on_device("logsumexp", &logsumexp, stats, &fallbacks)
}

/// Converts a device view to every element type and checks that no conversion copies.
fn check_cast<T: Element>(
    shape: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
) -> Result<(), String> {
    let _guard = serial();
    let on_device = filled::<T>(shape, values).to_device(&device()).unwrap();
    let x = apply_view(&on_device, view, seed);

    let (narrow, stats, fallbacks) = counted(|| x.cast::<f32>());
    stayed_on_device("cast to f32", &narrow, stats, &fallbacks)?;
    let (wide, stats, fallbacks) = counted(|| x.cast::<f64>());
    stayed_on_device("cast to f64", &wide, stats, &fallbacks)
}

/// Runs scatter_add on device views and checks that it uploads the index once (when the
/// output has elements) and downloads nothing.
fn check_scatter_add(
    shape: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
    axis_seed: usize,
    picks: &[usize],
) -> Result<(), String> {
    let _guard = serial();
    let dst = apply_view(
        &filled::<f32>(shape, values).to_device(&device()).unwrap(),
        view,
        seed,
    );
    let axis = axis_seed % dst.rank();
    let size = dst.shape()[axis];
    let index_shape = dst.shape().to_vec();
    let count: usize = index_shape.iter().product();
    let index_values = (0..count).map(|i| picks[i % picks.len()] % size).collect();
    let index = Indices::new(index_values, &index_shape).unwrap();
    let src = Tensor::<f32>::ones(&index_shape)
        .to_device(&device())
        .unwrap()
        .flip(axis as isize)
        .unwrap();

    let (out, stats, fallbacks) = counted(|| dst.scatter_add(axis as isize, &index, &src).unwrap());
    if out.is_on_host() {
        return Err("scatter_add: the result is in host memory".into());
    }
    let index_uploads = u64::from(dst.num_elements() > 0);
    if (stats.uploads, stats.downloads) != (index_uploads, 0) {
        return Err(format!("scatter_add: copied {stats:?}"));
    }
    if !fallbacks.is_empty() {
        return Err(format!("scatter_add: ran on the host: {fallbacks:?}"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn scatter_add_uploads_only_index(
        shape in nonempty_shape(), values in values(), view in view(), axis in any::<usize>(),
        picks in prop::collection::vec(any::<usize>(), 1..8)
    ) {
        prop_assert_eq!(check_scatter_add(&shape, &values, view, axis, &picks), Ok(()));
    }

    #[test]
    fn cast_copies_nothing(
        shape in shape(), values in values(), view in view(), is_f64 in any::<bool>()
    ) {
        let result = if is_f64 {
            check_cast::<f64>(&shape, &values, view)
        } else {
            check_cast::<f32>(&shape, &values, view)
        };
        prop_assert_eq!(result, Ok(()));
    }

    #[test]
    fn var_logsumexp_copy_nothing(
        shape in shape(), values in values(), view in view(), mask in any::<u8>(), is_f64 in any::<bool>()
    ) {
        let result = if is_f64 {
            check_var_logsumexp::<f64>(&shape, &values, view, mask)
        } else {
            check_var_logsumexp::<f32>(&shape, &values, view, mask)
        };
        prop_assert_eq!(result, Ok(()));
    }
}

#[test]
fn deep_cast_runs_on_host_copy() {
    let _guard = serial();
    // Seven axes that cannot merge exceed the kernels' six, so the conversion runs on the host.
    let host = Tensor::<f32>::arange(0.0, 128.0, 1.0)
        .unwrap()
        .reshape(&[2; 7])
        .unwrap();
    let order = [1, 0, 3, 2, 5, 4, 6];
    let view = host.to_device(&device()).unwrap().permute(&order).unwrap();

    let (wide, stats, fallbacks) = counted(|| view.cast::<f64>());
    assert!(!wide.is_on_host(), "the result goes back to the device");
    assert_eq!((stats.downloads, stats.uploads), (1, 1));
    assert_eq!(fallbacks, vec![("cast", 1)]);
    assert_eq!(
        wide.to_vec(),
        host.permute(&order).unwrap().cast::<f64>().to_vec()
    );
}

#[test]
fn device_chain_makes_no_host_copy() {
    let _guard = serial();
    let dev = device();
    let x = Tensor::<f32>::arange(0.0, 24.0, 1.0)
        .unwrap()
        .reshape(&[2, 3, 4])
        .unwrap();
    let bias = Tensor::<f32>::linspace(-1.0, 1.0, 4);
    let (x, bias) = (x.to_device(&dev).unwrap(), bias.to_device(&dev).unwrap());

    reset_transfer_stats();
    let h = x.mul_scalar(0.1).add(&bias).unwrap().tanh();
    let h = h.transpose(0, 2).unwrap().contiguous();
    let probabilities = h.softmax(-1).unwrap();
    let mask = probabilities
        .gt(&probabilities.mean(&[-1], true).unwrap())
        .unwrap();
    let picked = Tensor::where_cond(&mask, &probabilities, &h).unwrap();
    let mut total = picked.sum(&[0, 2], false).unwrap();
    total
        .scaled_add_inplace(2.0, &picked.max(&[0, 2], false).unwrap())
        .unwrap();
    assert_eq!(transfer_stats(), TransferStats::default());

    let values = total.to_host().unwrap();
    let stats = transfer_stats();
    assert_eq!((stats.uploads, stats.downloads), (0, 1));
    assert_eq!(stats.bytes_down, 3 * 4);
    assert_eq!(values.shape(), &[3]);
}
