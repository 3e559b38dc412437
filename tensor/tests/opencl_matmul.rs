//! `Tensor::matmul` and `gemm` on an OpenCL device against the same calls on the CPU.
//!
//! Needs an OpenCL runtime (for example PoCL); the device comes from `TENSOR_OPENCL_DEVICE`
//! (`PLATFORM:DEVICE`, default `0:0`).
#![cfg(feature = "opencl")]

mod opencl_common;

use opencl_common::serial;
use tensor::opencl::{transfer_stats, OpenClDevice};
use tensor::{Device, Element, Tensor, TensorError};

/// Relative tolerance per unit of k for f32 (the rounding error of a dot product grows with
/// its length).
const F32_RTOL_PER_K: f64 = 1e-4;

fn device() -> Device {
    Device::OpenCl(OpenClDevice::from_env().expect("an OpenCL device opens (install PoCL)"))
}

/// Returns a tensor of `shape` with reproducible values in [-1, 1).
fn values<T: Element>(shape: &[usize], seed: usize) -> Tensor<T> {
    let len: usize = shape.iter().product();
    let data = (0..len)
        .map(|i| T::from_f64(((i * 7919 + seed * 104_729) % 2000) as f64 / 1000.0 - 1.0))
        .collect();
    Tensor::from_vec(data, shape).expect("data matches the shape")
}

fn assert_close<T: Element>(device: &Tensor<T>, cpu: &Tensor<T>, rtol: f64) {
    assert_eq!(device.shape(), cpu.shape(), "shapes");
    let device = device.to_host().expect("download").to_vec();
    for (i, (d, c)) in device.iter().zip(cpu.to_vec()).enumerate() {
        let (d, c) = (d.to_f64(), c.to_f64());
        let bound = rtol * c.abs().max(1.0);
        assert!(
            (d - c).abs() <= bound,
            "element {i}: device {d}, cpu {c}, bound {bound}"
        );
    }
}

#[test]
fn matmul_opencl_matches_cpu_on_batches_and_vectors() {
    let _guard = serial();
    let device = device();
    // (lhs shape, rhs shape): plain, broadcast batch axes, vector operands, odd sizes.
    let cases: [(&[usize], &[usize]); 6] = [
        (&[17, 257], &[257, 33]),
        (&[2, 1, 5, 7], &[3, 7, 4]),
        (&[7], &[7, 3]),
        (&[4, 7], &[7]),
        (&[9], &[9]),
        (&[2, 0, 3], &[3, 4]),
    ];
    for (lhs_shape, rhs_shape) in cases {
        let lhs = values::<f32>(lhs_shape, 1);
        let rhs = values::<f32>(rhs_shape, 2);
        let expected = lhs.matmul(&rhs).expect("cpu matmul");
        let lhs_device = lhs.to_device(&device).expect("upload");
        let rhs_device = rhs.to_device(&device).expect("upload");
        let product = lhs_device.matmul(&rhs_device).expect("device matmul");
        assert_eq!(
            product.device(),
            device,
            "{lhs_shape:?} x {rhs_shape:?} stays on the device"
        );
        let k = *lhs_shape.last().expect("rank at least 1");
        assert_close(&product, &expected, F32_RTOL_PER_K * k as f64);
    }
}

#[test]
fn matmul_opencl_reads_transposed_views() {
    let _guard = serial();
    let device = device();
    let a = values::<f32>(&[40, 30], 3)
        .to_device(&device)
        .expect("upload");
    let b = values::<f32>(&[50, 40], 4)
        .to_device(&device)
        .expect("upload");
    // A^T B^T with both operands transposed views of device buffers.
    let product = a
        .t()
        .expect("2-D")
        .matmul(&b.t().expect("2-D"))
        .expect("matmul");
    let a_host = a.to_host().expect("download");
    let b_host = b.to_host().expect("download");
    let expected = a_host
        .t()
        .expect("2-D")
        .matmul(&b_host.t().expect("2-D"))
        .expect("cpu");
    assert_close(&product, &expected, F32_RTOL_PER_K * 40.0);
}

#[test]
fn gemm_opencl_updates_device_output() {
    let _guard = serial();
    let device = device();
    let a = values::<f64>(&[6, 5], 5);
    let b = values::<f64>(&[5, 4], 6);
    let c = values::<f64>(&[4, 6], 7).t().expect("2-D");
    let mut expected = c.clone();
    tensor::matmul::gemm(0.5, &a, &b, -2.0, &mut expected).expect("cpu gemm");

    let Device::OpenCl(opened) = &device else {
        unreachable!("device() opens an OpenCL device")
    };
    if !opened.supports_f64() {
        return;
    }
    let a = a.to_device(&device).expect("upload");
    let b = b.to_device(&device).expect("upload");
    let mut c_device = c.to_device(&device).expect("upload");
    let c_before = c_device.clone();
    tensor::matmul::gemm(0.5, &a, &b, -2.0, &mut c_device).expect("device gemm");
    assert_eq!(c_device.device(), device);
    assert_close(&c_device, &expected, 1e-10);
    // Other handles to the old buffer keep the old values.
    assert_eq!(c_before.to_host().expect("download").to_vec(), c.to_vec());
}

#[test]
fn matmul_opencl_chain_downloads_nothing() {
    let _guard = serial();
    let device = device();
    let x = values::<f32>(&[8, 16], 8)
        .to_device(&device)
        .expect("upload");
    let w1 = values::<f32>(&[16, 32], 9)
        .to_device(&device)
        .expect("upload");
    let w2 = values::<f32>(&[32, 4], 10)
        .to_device(&device)
        .expect("upload");

    let before = transfer_stats();
    let hidden = x.matmul(&w1).expect("first product");
    let mut out = Tensor::<f32>::zeros(&[8, 4])
        .to_device(&device)
        .expect("upload");
    let uploads_before_gemm = transfer_stats().uploads;
    tensor::matmul::gemm(1.0, &hidden, &w2, 0.0, &mut out).expect("second product");
    let after = transfer_stats();
    assert_eq!(
        after.downloads, before.downloads,
        "no download between products"
    );
    assert_eq!(after.uploads, uploads_before_gemm, "gemm uploads nothing");

    let expected = x
        .to_host()
        .expect("download")
        .matmul(&w1.to_host().expect("download"))
        .expect("cpu")
        .matmul(&w2.to_host().expect("download"))
        .expect("cpu");
    assert_close(&out, &expected, F32_RTOL_PER_K * 48.0);
}

#[test]
fn matmul_opencl_rejects_mixed_devices() {
    let _guard = serial();
    let device = device();
    let on_device = values::<f32>(&[3, 3], 11)
        .to_device(&device)
        .expect("upload");
    let on_host = values::<f32>(&[3, 3], 12);
    let result = on_device.matmul(&on_host);
    assert!(
        matches!(result, Err(TensorError::DeviceMismatch { .. })),
        "got {result:?}"
    );
    let mut c = Tensor::<f32>::zeros(&[3, 3]);
    let result = tensor::matmul::gemm(1.0, &on_device, &on_device, 0.0, &mut c);
    assert!(
        matches!(result, Err(TensorError::DeviceMismatch { .. })),
        "got {result:?}"
    );
}
