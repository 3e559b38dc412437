//! Operations without an OpenCL kernel on device tensors: they run on host copies and upload
//! their result, so each must match the host and return a tensor on the device. Runs only
//! with the `opencl` feature.
#![cfg(feature = "opencl")]

mod opencl_common;

use opencl_common::*;
use tensor::Tensor;

/// Returns a 3 x 4 matrix with distinct values, on the host and on the device.
fn matrix() -> (Tensor<f32>, Tensor<f32>) {
    let host = Tensor::<f32>::arange(-2.0, 4.0, 0.5)
        .unwrap()
        .reshape(&[3, 4])
        .unwrap();
    let on_device = host.to_device(&device()).unwrap();
    (host, on_device)
}

#[test]
fn closures_run_on_host_copies() {
    let (h, d) = matrix();
    let f = |x: f32| x * x - 1.0;
    assert_eq!(same_result(&d.map(f), &h.map(f), EXACT), Ok(()));
    let g = |a: f32, b: f32| a.max(b) * 2.0;
    let got = d.zip_map(&d.t().unwrap().t().unwrap(), g).unwrap();
    assert_eq!(same_result(&got, &h.zip_map(&h, g).unwrap(), EXACT), Ok(()));
}

#[test]
fn index_reductions_match_host() {
    let (h, d) = matrix();
    assert_eq!(d.argmax(1, false).unwrap(), h.argmax(1, false).unwrap());
    assert_eq!(d.argmin(0, true).unwrap(), h.argmin(0, true).unwrap());
    assert_eq!(d.mean_all(), h.mean_all());
}

#[test]
fn deep_cat_runs_on_host_copies() {
    // Seven axes that no merging can join (every axis reversed), beyond the kernels' six.
    let order: Vec<usize> = (0..7).rev().collect();
    let base = Tensor::<f32>::arange(0.0, 128.0, 1.0)
        .unwrap()
        .reshape(&[2; 7])
        .unwrap();
    let h = base.permute(&order).unwrap();
    let d = base.to_device(&device()).unwrap().permute(&order).unwrap();
    let got = Tensor::cat(&[&d, &d.narrow(3, 1, 1).unwrap()], 3).unwrap();
    let want = Tensor::cat(&[&h, &h.narrow(3, 1, 1).unwrap()], 3).unwrap();
    assert_eq!(same_result(&got, &want, EXACT), Ok(()));
}

#[test]
fn split_returns_device_views() {
    let (h, d) = matrix();
    let parts = d.split(1, 3).unwrap();
    assert_eq!(parts[1].to_vec(), h.split(1, 3).unwrap()[1].to_vec());
    assert!(!parts[1].is_on_host());
}

#[test]
fn matmul_and_gemm_match_host() {
    let (h, d) = matrix();
    let got = d.matmul(&d.t().unwrap()).unwrap();
    assert_eq!(
        same_result(&got, &h.matmul(&h.t().unwrap()).unwrap(), EXACT),
        Ok(())
    );

    let mut c_host = Tensor::<f32>::ones(&[3, 3]);
    let mut c_device = c_host.to_device(&device()).unwrap();
    tensor::matmul::gemm(0.5, &h, &h.t().unwrap(), 2.0, &mut c_host).unwrap();
    tensor::matmul::gemm(0.5, &d, &d.t().unwrap(), 2.0, &mut c_device).unwrap();
    assert_eq!(same_result(&c_device, &c_host, EXACT), Ok(()));
    let err = tensor::matmul::gemm(1.0, &h, &d.t().unwrap(), 0.0, &mut c_device);
    assert!(err.is_err(), "host and device operands must be rejected");
}

#[test]
fn views_copies_and_accessors_match_host() {
    let (h, d) = matrix();
    let got = d.t().unwrap().reshape(&[2, 6]).unwrap();
    assert_eq!(
        same_result(&got, &h.t().unwrap().reshape(&[2, 6]).unwrap(), EXACT),
        Ok(())
    );
    assert_eq!(d.get(&[2, 1]).unwrap(), h.get(&[2, 1]).unwrap());
    assert_eq!(d.iter().collect::<Vec<_>>(), h.to_vec());
    assert_eq!(format!("{d:?}"), format!("{h:?}"));
}

#[test]
fn mutable_access_moves_to_host() {
    let (h, d) = matrix();
    let mut m = d.clone();
    m.as_mut_slice()[0] = 100.0;
    assert!(m.is_on_host());
    assert_eq!(m.get(&[0, 0]).unwrap(), 100.0);
    // The device tensor it came from is unchanged.
    assert_eq!(d.to_vec(), h.to_vec());
}
