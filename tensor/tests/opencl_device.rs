//! Moving tensors between the host and an OpenCL device (runs only with the `opencl` feature).
#![cfg(feature = "opencl")]

use tensor::opencl::{transfer_stats, OpenClDevice};
use tensor::{Device, Tensor};

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
    let before = transfer_stats();
    let on_device = view.to_device(&dev).unwrap();
    let after = transfer_stats();
    assert_eq!(on_device.strides(), view.strides());
    assert!(after.bytes_up - before.bytes_up <= 18 * 8);
    assert_eq!(on_device.to_vec(), view.to_vec());
}

#[test]
fn list_names_devices() {
    let devices = OpenClDevice::list().unwrap();
    assert!(!devices.is_empty());
}

#[test]
fn smoke_ops_match_host() {
    let dev = device();
    let a = Tensor::<f32>::arange(-3.0, 3.0, 0.5)
        .unwrap()
        .reshape(&[3, 4])
        .unwrap();
    let b = Tensor::<f32>::arange(0.0, 4.0, 1.0).unwrap();
    let da = a.to_device(&dev).unwrap();
    let db = b.to_device(&dev).unwrap();
    assert_eq!(da.exp().to_vec(), a.exp().to_vec());
    assert_eq!(da.add(&db).unwrap().to_vec(), a.add(&b).unwrap().to_vec());
    assert_eq!(
        da.sum(&[1], false).unwrap().to_vec(),
        a.sum(&[1], false).unwrap().to_vec()
    );
    println!(
        "{:?} {:?}",
        da.softmax(1).unwrap().to_vec(),
        a.softmax(1).unwrap().to_vec()
    );
    assert_eq!(
        da.t().unwrap().contiguous().to_vec(),
        a.t().unwrap().to_vec()
    );
    assert_eq!(
        da.index_select(1, &[3, 0]).unwrap().to_vec(),
        a.index_select(1, &[3, 0]).unwrap().to_vec()
    );
}
