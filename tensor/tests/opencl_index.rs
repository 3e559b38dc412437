//! Indexing kernels on OpenCL (index_select, gather, scatter_add) against the host
//! implementation, on random shapes, axes, indices and views. Runs only with the `opencl`
//! feature.
//!
//! Tolerances: index_select and gather copy values, so they must match exactly. scatter_add
//! adds the terms of each output element in the host's order, so it must match exactly too.
#![cfg(feature = "opencl")]

mod opencl_common;

use opencl_common::*;
use proptest::prelude::*;
use tensor::{Element, Indices, Tensor};

/// Generates a shape of rank 1 to 4 with sizes 0 to 5.
fn shape_with_axes() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(prop_oneof![1 => Just(0usize), 8 => 1usize..6], 1..5)
}

/// How the `src` of scatter_add is laid out: views that keep its shape.
#[derive(Clone, Copy, Debug)]
enum SourceView {
    /// Contiguous.
    Plain,
    /// Reversed along one axis (a negative stride).
    Flipped,
    /// Made with the axes in reverse order and permuted back (transposed strides).
    Transposed,
    /// One axis of size 1 broadcast to its size (a zero stride).
    Broadcast,
    /// A narrowed range of a tensor one longer along one axis (an offset).
    Narrowed,
}

/// Generates a [`SourceView`].
fn source_view() -> impl Strategy<Value = SourceView> {
    prop_oneof![
        Just(SourceView::Plain),
        Just(SourceView::Flipped),
        Just(SourceView::Transposed),
        Just(SourceView::Broadcast),
        Just(SourceView::Narrowed),
    ]
}

/// Makes a tensor of `shape` laid out as `kind` along axis `seed % rank`, on the host and the
/// same view on the device.
fn shaped<T: Element>(
    shape: &[usize],
    values: &[f64],
    kind: SourceView,
    seed: usize,
) -> (Tensor<T>, Tensor<T>) {
    let rank = shape.len();
    let axis = seed % rank;
    let make = |base_shape: &[usize], view: &dyn Fn(&Tensor<T>) -> Tensor<T>| {
        let base = filled::<T>(base_shape, values);
        let on_device = base.to_device(&device()).unwrap();
        (view(&base), view(&on_device))
    };
    match kind {
        SourceView::Plain => make(shape, &|t| t.clone()),
        SourceView::Flipped => make(shape, &|t| t.flip(axis as isize).unwrap()),
        SourceView::Transposed => {
            let reversed: Vec<usize> = shape.iter().rev().copied().collect();
            let order: Vec<usize> = (0..rank).rev().collect();
            make(&reversed, &|t| t.permute(&order).unwrap())
        }
        SourceView::Broadcast => {
            let mut narrow_shape = shape.to_vec();
            narrow_shape[axis] = 1;
            make(&narrow_shape, &|t| t.broadcast_to(shape).unwrap())
        }
        SourceView::Narrowed => {
            let mut long_shape = shape.to_vec();
            long_shape[axis] += 1;
            make(&long_shape, &|t| {
                t.narrow(axis as isize, 1, shape[axis]).unwrap()
            })
        }
    }
}

/// Runs scatter_add on a view of `self` with an index that may be shorter than `self` on the
/// other axes and a `src` that may be longer than the index, on the host and on the device.
#[allow(clippy::too_many_arguments)]
fn check_scatter_add<T: Element>(
    shape: &[usize],
    values: &[f64],
    (view, seed): (View, u32),
    axis_seed: usize,
    shrink: u8,
    grow: u8,
    picks: &[usize],
    src_view: SourceView,
) -> Result<(), String> {
    let dst = apply_view(&filled::<T>(shape, values), view, seed);
    let dst_device = apply_view(
        &filled::<T>(shape, values).to_device(&device()).unwrap(),
        view,
        seed,
    );
    let rank = dst.rank();
    let axis = axis_seed % rank;
    let size = dst.shape()[axis];

    // Along the other axes the index is at most as long as `self`. Along `axis` it has any
    // length, except where `self` is empty there, because no index value would fit.
    let index_shape: Vec<usize> = (0..rank)
        .map(|a| {
            let s = dst.shape()[a];
            if a == axis {
                if size == 0 {
                    0
                } else {
                    (shrink as usize) % 5
                }
            } else {
                s - (shrink >> a & 1) as usize * s.div_ceil(2)
            }
        })
        .collect();
    let count: usize = index_shape.iter().product();
    let index_values: Vec<usize> = (0..count)
        .map(|i| picks[i % picks.len()] % size.max(1))
        .collect();
    let index = Indices::new(index_values, &index_shape).unwrap();

    // `src` is at least as long as the index along every axis.
    let src_shape: Vec<usize> = index_shape
        .iter()
        .enumerate()
        .map(|(a, &s)| s + (grow >> a & 1) as usize)
        .collect();
    let src_values: Vec<f64> = values.iter().map(|v| v * 0.75 - 0.5).collect();
    let (src, src_device) = shaped::<T>(&src_shape, &src_values, src_view, seed as usize);

    let want = dst.scatter_add(axis as isize, &index, &src).unwrap();
    let got = dst_device
        .scatter_add(axis as isize, &index, &src_device)
        .unwrap();
    same_result(&got, &want, EXACT).map_err(|e| {
        format!(
            "scatter_add of {src_shape:?} into {:?} along {axis} with index {index_shape:?}: {e}",
            dst.shape()
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn index_select_matches_host(
        shape in nonempty_shape(), values in values(), view in view(),
        axis in any::<usize>(), picks in prop::collection::vec(any::<usize>(), 0..7)
    ) {
        let host = apply_view(&filled::<f32>(&shape, &values), view.0, view.1);
        let on_device =
            apply_view(&filled::<f32>(&shape, &values).to_device(&device()).unwrap(), view.0, view.1);
        let axis = axis % host.rank();
        let size = host.shape()[axis];
        let indices: Vec<usize> = if size == 0 { vec![] } else { picks.iter().map(|p| p % size).collect() };
        let got = on_device.index_select(axis as isize, &indices).unwrap();
        let want = host.index_select(axis as isize, &indices).unwrap();
        prop_assert_eq!(same_result(&got, &want, EXACT), Ok(()));
    }

    #[test]
    fn gather_matches_host(
        shape in nonempty_shape(), values in values(), view in view(),
        axis in any::<usize>(), shrink in any::<u8>(), picks in prop::collection::vec(any::<usize>(), 1..16)
    ) {
        let host = apply_view(&filled::<f64>(&shape, &values), view.0, view.1);
        let on_device =
            apply_view(&filled::<f64>(&shape, &values).to_device(&device()).unwrap(), view.0, view.1);
        let axis = axis % host.rank();
        let size = host.shape()[axis];
        // The index may be shorter than the source along every axis, and any length along `axis`.
        let index_shape: Vec<usize> = host.shape().iter().enumerate().map(|(a, &s)| {
            if a == axis { 1 + (shrink as usize) % 4 } else { s - (shrink >> a & 1) as usize * s / 2 }
        }).collect();
        let count: usize = index_shape.iter().product();
        prop_assume!(size > 0 || count == 0);
        let values: Vec<usize> = (0..count).map(|i| picks[i % picks.len()] % size.max(1)).collect();
        let index = Indices::new(values, &index_shape).unwrap();
        let got = on_device.gather(axis as isize, &index).unwrap();
        let want = host.gather(axis as isize, &index).unwrap();
        prop_assert_eq!(same_result(&got, &want, EXACT), Ok(()));
    }

    #[test]
    fn scatter_add_f32_matches_host(
        shape in shape_with_axes(), values in values(), view in view(), axis in any::<usize>(),
        shrink in any::<u8>(), grow in any::<u8>(),
        picks in prop::collection::vec(any::<usize>(), 1..16), src_view in source_view()
    ) {
        let result = check_scatter_add::<f32>(
            &shape, &values, view, axis, shrink, grow, &picks, src_view,
        );
        prop_assert_eq!(result, Ok(()));
    }

    #[test]
    fn scatter_add_f64_matches_host(
        shape in shape_with_axes(), values in values(), view in view(), axis in any::<usize>(),
        shrink in any::<u8>(), grow in any::<u8>(),
        picks in prop::collection::vec(any::<usize>(), 1..16), src_view in source_view()
    ) {
        let result = check_scatter_add::<f64>(
            &shape, &values, view, axis, shrink, grow, &picks, src_view,
        );
        prop_assert_eq!(result, Ok(()));
    }
}

#[test]
fn scatter_add_accumulates_repeats() {
    // Each column adds both src rows into row 0 or row 2 of `dst`, and columns 2 and 3 add a
    // NaN and an infinity there.
    let dst = Tensor::<f32>::ones(&[3, 4]);
    let src = Tensor::from_slice(
        &[1.0f32, 2.0, 3.0, 4.0, 10.0, 20.0, f32::NAN, f32::INFINITY],
        &[2, 4],
    )
    .unwrap();
    let index = Indices::new(vec![2, 0, 2, 0, 2, 0, 0, 0], &[2, 4]).unwrap();
    let want = dst.scatter_add(0, &index, &src).unwrap();
    let got = dst
        .to_device(&device())
        .unwrap()
        .scatter_add(0, &index, &src.to_device(&device()).unwrap())
        .unwrap();
    assert_eq!(same_result(&got, &want, EXACT), Ok(()));
    let got = got.to_vec();
    assert_eq!(got[8], 12.0, "row 2, column 0: 1 + 1 + 10");
    assert_eq!(got[1], 23.0, "row 0, column 1: 1 + 2 + 20");
    assert!(got[2].is_nan(), "row 0, column 2: the NaN");
    assert_eq!(got[3], f32::INFINITY);
}

#[test]
fn scatter_add_deep_layout_matches_host() {
    // Seven axes exceed the kernels' six, so this runs on host copies.
    let dst = Tensor::<f64>::zeros(&[2; 7]);
    let src = Tensor::<f64>::arange(0.0, 128.0, 1.0)
        .unwrap()
        .reshape(&[2; 7])
        .unwrap();
    let index = Indices::new((0..128).map(|i| (i / 3) % 2).collect(), &[2; 7]).unwrap();
    let want = dst.scatter_add(3, &index, &src).unwrap();
    let got = dst
        .to_device(&device())
        .unwrap()
        .scatter_add(3, &index, &src.to_device(&device()).unwrap())
        .unwrap();
    assert_eq!(same_result(&got, &want, EXACT), Ok(()));
}

#[test]
fn scatter_add_rejects_mixed_devices() {
    let dst = Tensor::<f32>::zeros(&[2, 2]).to_device(&device()).unwrap();
    let src = Tensor::<f32>::ones(&[2, 2]);
    let index = Indices::new(vec![0, 1, 1, 0], &[2, 2]).unwrap();
    let message = dst.scatter_add(1, &index, &src).unwrap_err().to_string();
    assert!(message.contains("scatter_add"), "{message}");
    assert!(message.contains("different devices"), "{message}");
}
