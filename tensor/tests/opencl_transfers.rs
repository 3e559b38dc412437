//! A chain of device operations copies nothing between host and device. This file contains a
//! single test because the transfer counters are global to the process. Runs only with the
//! `opencl` feature.
#![cfg(feature = "opencl")]

mod opencl_common;

use opencl_common::device;
use tensor::opencl::{reset_transfer_stats, transfer_stats, TransferStats};
use tensor::Tensor;

#[test]
fn device_chain_makes_no_host_copy() {
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
