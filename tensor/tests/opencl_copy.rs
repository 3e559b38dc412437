//! The copy kernels on OpenCL against the host: `full_on`, `cat`, `stack` and `view_scatter`
//! on random shapes and views, zero sizes included. They move values without arithmetic, so
//! every result must match the host exactly, stay on the device, and copy nothing back to the
//! host. Runs only with the `opencl` feature.
#![cfg(feature = "opencl")]

mod opencl_common;

use opencl_common::*;
use proptest::prelude::*;
use tensor::{Element, Tensor};

/// Makes one tensor per entry of `lengths`, with that size along `axis` and `shape`'s sizes
/// elsewhere. Each is built on the host and viewed with `view`, on the host and the device.
fn cat_inputs<T: Element>(
    shape: &[usize],
    axis: usize,
    lengths: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
) -> (Vec<Tensor<T>>, Vec<Tensor<T>>) {
    let mut host = Vec::new();
    let mut on_device = Vec::new();
    for (k, &len) in lengths.iter().enumerate() {
        let mut part_shape = shape.to_vec();
        part_shape[axis] = len;
        let shifted: Vec<f64> = values.iter().map(|v| v + k as f64).collect();
        let base = filled::<T>(&part_shape, &shifted);
        // A view that keeps the shape: reversed axes then reversed back, or a flip.
        let (h, d) = match view {
            View::Plain | View::Broadcast | View::Narrow => {
                (base.clone(), base.to_device(&device()).unwrap())
            }
            _ => {
                let order: Vec<usize> = (0..base.rank()).rev().collect();
                let transposed = base.permute(&order).unwrap().contiguous();
                let back = |t: &Tensor<T>| t.permute(&order).unwrap();
                let flip_axis = seed as usize % base.rank();
                let h = back(&transposed).flip(flip_axis as isize).unwrap();
                let d = back(&transposed.to_device(&device()).unwrap())
                    .flip(flip_axis as isize)
                    .unwrap();
                (h, d)
            }
        };
        host.push(h);
        on_device.push(d);
    }
    (host, on_device)
}

fn check_cat<T: Element>(
    shape: &[usize],
    axis_seed: usize,
    lengths: &[usize],
    values: &[f64],
    view: (View, u32),
) -> Result<(), String> {
    let _serial = serial();
    let axis = axis_seed % shape.len();
    let (host, on_device) = cat_inputs::<T>(shape, axis, lengths, values, view);
    let host_refs: Vec<&Tensor<T>> = host.iter().collect();
    let device_refs: Vec<&Tensor<T>> = on_device.iter().collect();
    let want = Tensor::cat(&host_refs, axis as isize).unwrap();
    let (got, downloads) = counting_downloads(|| Tensor::cat(&device_refs, axis as isize));
    if downloads != 0 {
        return Err(format!("cat downloaded {downloads} times"));
    }
    same_result(&got.unwrap(), &want, EXACT).map_err(|e| format!("cat along {axis}: {e}"))?;

    if host.iter().all(|t| t.shape() == host[0].shape()) {
        let new_axis = (axis_seed / 3 % (shape.len() + 1)) as isize;
        let want = Tensor::stack(&host_refs, new_axis).unwrap();
        let (got, downloads) = counting_downloads(|| Tensor::stack(&device_refs, new_axis));
        if downloads != 0 {
            return Err(format!("stack downloaded {downloads} times"));
        }
        same_result(&got.unwrap(), &want, EXACT)
            .map_err(|e| format!("stack along {new_axis}: {e}"))?;
    }
    Ok(())
}

/// Builds one of the views that `view_scatter` accepts, picked by `kind` and placed by `seed`.
fn scatter_view<T: Element>(t: &Tensor<T>, kind: u8, seed: usize) -> tensor::Result<Tensor<T>> {
    let rank = t.rank();
    let axis = seed % rank;
    let size = t.shape()[axis];
    match kind % 4 {
        0 => {
            let start = seed / 7 % (size + 1);
            t.narrow(axis as isize, start, (seed / 11) % (size - start + 1))
        }
        1 if size > 0 => t.select(axis as isize, seed / 5 % size),
        2 if size > 0 => t.slice(axis as isize, size - 1, usize::MAX, -2),
        _ => {
            let order: Vec<usize> = (0..rank).rev().collect();
            t.permute(&order)?.flip(0)
        }
    }
}

fn check_view_scatter<T: Element>(
    shape: &[usize],
    values: &[f64],
    kind: u8,
    seed: usize,
) -> Result<(), String> {
    let _serial = serial();
    let base = filled::<T>(shape, values);
    let view_shape = scatter_view(&base, kind, seed).unwrap().shape().to_vec();
    let src_values: Vec<f64> = values.iter().map(|v| v * -2.0 + 0.5).collect();
    // The source is read through a transposed view, to test its layout too.
    let order: Vec<usize> = (0..view_shape.len()).rev().collect();
    let reversed: Vec<usize> = order.iter().map(|&a| view_shape[a]).collect();
    let src = filled::<T>(&reversed, &src_values).permute(&order).unwrap();
    let src_device = filled::<T>(&reversed, &src_values)
        .to_device(&device())
        .unwrap()
        .permute(&order)
        .unwrap();
    let base_device = base.to_device(&device()).unwrap();

    let want = base
        .view_scatter(&src, |t| scatter_view(t, kind, seed))
        .unwrap();
    let (got, downloads) = counting_downloads(|| {
        base_device.view_scatter(&src_device, |t| scatter_view(t, kind, seed))
    });
    if downloads != 0 {
        return Err(format!("view_scatter downloaded {downloads} times"));
    }
    same_result(&got.unwrap(), &want, EXACT)
        .map_err(|e| format!("view_scatter kind {kind} on {shape:?}: {e}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn cat_and_stack_match_host(
        shape in nonempty_shape(),
        axis_seed in 0usize..100,
        lengths in prop::collection::vec(0usize..5, 1..4),
        values in values(),
        view in view(),
    ) {
        prop_assert_eq!(check_cat::<f32>(&shape, axis_seed, &lengths, &values, view), Ok(()));
        prop_assert_eq!(check_cat::<f64>(&shape, axis_seed, &lengths, &values, view), Ok(()));
    }

    #[test]
    fn view_scatter_matches_host(
        shape in nonempty_shape(), values in values(), kind in any::<u8>(), seed in 0usize..1000
    ) {
        prop_assert_eq!(check_view_scatter::<f32>(&shape, &values, kind, seed), Ok(()));
        prop_assert_eq!(check_view_scatter::<f64>(&shape, &values, kind, seed), Ok(()));
    }

    #[test]
    fn full_on_device_matches_host(shape in shape(), value in -5.0f64..5.0) {
        let _serial = serial();
        let (got, downloads) = counting_downloads(|| Tensor::<f32>::full_on(&shape, value as f32, &device()));
        prop_assert_eq!(downloads, 0);
        prop_assert_eq!(same_result(&got.unwrap(), &Tensor::full(&shape, value as f32), EXACT), Ok(()));
    }
}

#[test]
fn cat_of_zero_sized_parts_stays_on_device() {
    let _serial = serial();
    let dev = device();
    let empty = Tensor::<f32>::zeros(&[2, 0]).to_device(&dev).unwrap();
    let full = Tensor::<f32>::ones(&[2, 3]).to_device(&dev).unwrap();
    let out = Tensor::cat(&[&empty, &full, &empty], 1).unwrap();
    assert_eq!(out.shape(), &[2, 3]);
    assert!(!out.is_on_host());
    assert_eq!(out.to_vec(), vec![1.0; 6]);
    let nothing = Tensor::cat(&[&empty, &empty], 1).unwrap();
    assert_eq!(nothing.shape(), &[2, 0]);
    assert!(!nothing.is_on_host());
}

#[test]
fn view_scatter_mixing_devices_is_an_error() {
    let on_device = Tensor::<f32>::zeros_on(&[2, 2], &device()).unwrap();
    let row = Tensor::<f32>::ones(&[2]);
    let err = on_device
        .view_scatter(&row, |t| t.select(0, 1))
        .unwrap_err();
    assert!(err.to_string().contains("view_scatter"), "{err}");
}
