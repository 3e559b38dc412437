//! Moving tensors between the host and an OpenCL device (runs only with the `opencl` feature).
#![cfg(feature = "opencl")]

use tensor::opencl::OpenClDevice;
use tensor::{DType, Device, Tensor};

fn device() -> Device {
    Device::OpenCl(OpenClDevice::from_env().expect("an OpenCL device (PoCL on the CPU will do)"))
}

#[test]
fn round_trip_keeps_values() {
    let dev = device();
    let a = Tensor::<f32>::arange(0.0, 12.0, 1.0)
        .unwrap()
        .reshape(&[3, 4])
        .unwrap();
    let on_device = a.to_device(&dev).unwrap();
    assert!(!on_device.is_on_host());
    assert_eq!(on_device.device(), dev);
    let back = on_device.to_host().unwrap();
    assert!(back.is_on_host());
    assert_eq!(back.to_vec(), a.to_vec());
}

#[test]
fn view_upload_keeps_strides() {
    let dev = device();
    let a = Tensor::<f64>::arange(0.0, 20.0, 1.0)
        .unwrap()
        .reshape(&[4, 5])
        .unwrap();
    let view = a.narrow(1, 1, 3).unwrap().t().unwrap().flip(0).unwrap();
    let on_device = view.to_device(&dev).unwrap();
    assert_eq!(on_device.strides(), view.strides());
    // Only the span the view reaches is uploaded: columns 1..4 of rows 0..4, 18 elements.
    assert_eq!(on_device.storage().len(), 18);
    assert_eq!(on_device.to_vec(), view.to_vec());
}

#[test]
fn list_names_devices() {
    let devices = OpenClDevice::list().unwrap();
    assert!(!devices.is_empty());
}

#[test]
fn build_error_shows_compiler_log() {
    let opened = OpenClDevice::from_env().unwrap();
    let err = opened
        .program(
            "broken.cl",
            "__kernel void broken(__global T* out) { out[0] = missing; }",
            DType::F32,
        )
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("broken.cl"), "{message}");
    assert!(
        message.contains("missing"),
        "the compiler log should name the bad identifier: {message}"
    );
}

#[test]
fn missing_device_is_a_clear_error() {
    let err = OpenClDevice::new(0, 1000).unwrap_err().to_string();
    assert!(err.contains("device 1000 does not exist"), "{err}");
    let err = OpenClDevice::new(1000, 0).unwrap_err().to_string();
    assert!(err.contains("platform 1000 does not exist"), "{err}");
}
