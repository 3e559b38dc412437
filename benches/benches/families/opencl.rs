//! The OpenCL device for the `opencl` entries of the other families (feature `opencl`).
//!
//! Each entry uploads its operands before the timed loop and calls `finish` on the device's
//! queue inside it, so a measurement covers the kernels, not only their enqueueing. The
//! device is the one `TENSOR_OPENCL_DEVICE` names (`PLATFORM:DEVICE`, default `0:0`).

use std::sync::OnceLock;

use tensor::opencl::OpenClDevice;
use tensor::{DType, Device, Element, Tensor};

/// Returns the device for `T`, or `None` (after printing why, once) when no OpenCL device
/// opens or it lacks `f64` support for an `f64` benchmark.
pub fn device_for<T: Element>() -> Option<Device> {
    static DEVICE: OnceLock<Option<OpenClDevice>> = OnceLock::new();
    let device = DEVICE.get_or_init(|| match OpenClDevice::from_env() {
        Ok(device) => {
            eprintln!("opencl benchmarks run on {device}");
            Some(device)
        }
        Err(e) => {
            eprintln!("opencl benchmarks skipped: {e}");
            None
        }
    });
    let device = device.as_ref()?;
    if T::DTYPE == DType::F64 && !device.supports_f64() {
        return None;
    }
    Some(Device::OpenCl(device.clone()))
}

/// Copies `x` to `device` (outside any timed loop).
pub fn upload<T: Element>(x: &Tensor<T>, device: &Device) -> Tensor<T> {
    x.to_device(device)
        .expect("the device has memory for the benchmark operands")
}

/// Blocks until every command enqueued on `device` has finished.
pub fn finish(device: &Device) {
    if let Device::OpenCl(device) = device {
        device
            .queue()
            .finish()
            .expect("the OpenCL queue finishes without error");
    }
}
