//! The optimizers and the cross-entropy on an OpenCL device against the host: three updates of
//! every optimizer, and the loss and its gradient, with their copies to the host counted.
//!
//! Needs an OpenCL runtime (for example PoCL); the device comes from `TENSOR_OPENCL_DEVICE`
//! (`PLATFORM:DEVICE`, default `0:0`). Run with `cargo test -p nn --features opencl`.
#![cfg(feature = "opencl")]

use std::sync::Mutex;

use autodiff::Tape;
use nn::optim::clip_grad_norm;
use nn::{
    cross_entropy, Adam, AdamConfig, AdamW, AdamWConfig, CrossEntropyOptions, Optimizer, ParamGrad,
    RmsProp, RmsPropConfig, Sgd, SgdConfig,
};
use tensor::opencl::{transfer_stats, OpenClDevice};
use tensor::{Device, Tensor};

/// Relative tolerance of f32 results that group a few products differently from the host.
const RTOL: f32 = 1e-5;

/// Serialises the tests: the transfer counters are global, so a test running next to another
/// would count its copies.
static COUNTERS: Mutex<()> = Mutex::new(());

fn device() -> Device {
    Device::OpenCl(OpenClDevice::from_env().expect("an OpenCL device (PoCL on the CPU will do)"))
}

/// Builds a deterministic 3 x 4 tensor with values of both signs, shifted by `shift`.
fn values(shift: f32) -> Tensor<f32> {
    let data = (0..12)
        .map(|i| ((i * 7 % 12) as f32 - 5.5) * 0.3 + shift)
        .collect();
    Tensor::from_vec(data, &[3, 4]).unwrap()
}

fn assert_close(got: &Tensor<f32>, want: &Tensor<f32>, label: &str) {
    let (got, want) = (got.to_vec(), want.to_vec());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let bound = RTOL * w.abs().max(1.0);
        assert!(
            (g - w).abs() <= bound,
            "{label}, element {i}: device {g}, host {w}"
        );
    }
}

/// Runs three updates with the same gradients on `device`; returns the parameter and the
/// downloads made during the updates.
fn three_updates(optimizer: &mut dyn Optimizer<f32>, device: &Device) -> (Tensor<f32>, u64) {
    let mut value = values(0.0).to_device(device).unwrap();
    let grads: Vec<Tensor<f32>> = (0..3)
        .map(|k| values(k as f32 * 0.4 - 0.2).to_device(device).unwrap())
        .collect();
    let before = transfer_stats().downloads;
    for grad in grads {
        let mut params = [ParamGrad {
            name: "w".into(),
            value: &mut value,
            grad,
        }];
        optimizer.step(&mut params).unwrap();
    }
    let downloads = transfer_stats().downloads - before;
    assert_eq!(value.device(), *device, "the parameter stays on its device");
    (value, downloads)
}

/// Makes a fresh optimizer (host and device runs must not share state).
type MakeOptimizer = Box<dyn Fn() -> Box<dyn Optimizer<f32>>>;

/// Lists every optimizer with settings that use each of its terms.
fn optimizers() -> Vec<(&'static str, MakeOptimizer)> {
    vec![
        (
            "sgd",
            Box::new(|| {
                Box::new(
                    Sgd::new(SgdConfig {
                        lr: 0.1,
                        ..Default::default()
                    })
                    .unwrap(),
                )
            }),
        ),
        (
            "sgd nesterov",
            Box::new(|| {
                let config = SgdConfig {
                    lr: 0.1,
                    momentum: 0.9,
                    nesterov: true,
                    weight_decay: 0.01,
                };
                Box::new(Sgd::new(config).unwrap())
            }),
        ),
        (
            "adam",
            Box::new(|| {
                let config = AdamConfig {
                    lr: 0.01,
                    weight_decay: 0.1,
                    ..Default::default()
                };
                Box::new(Adam::new(config).unwrap())
            }),
        ),
        (
            "adamw",
            Box::new(|| Box::new(AdamW::new(AdamWConfig::default()).unwrap())),
        ),
        (
            "rmsprop",
            Box::new(|| {
                let config = RmsPropConfig {
                    momentum: 0.5,
                    weight_decay: 0.01,
                    ..Default::default()
                };
                Box::new(RmsProp::new(config).unwrap())
            }),
        ),
    ]
}

#[test]
fn optimizers_update_device_parameters_like_the_host() {
    let _serial = COUNTERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let device = device();
    for (name, make) in optimizers() {
        let (host, _) = three_updates(make().as_mut(), &Device::Cpu);
        let (on_device, downloads) = three_updates(make().as_mut(), &device);
        assert_eq!(downloads, 0, "{name}: downloads during the updates");
        assert_close(&on_device, &host, name);
    }
}

#[test]
fn cross_entropy_device_matches_host() {
    let _serial = COUNTERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let device = device();
    let targets = [2, 0, 3];
    for (label_smoothing, ignore_index) in [(0.0, None), (0.1, Some(0)), (0.0, Some(3))] {
        let options = CrossEntropyOptions {
            ignore_index,
            label_smoothing,
        };
        let run = |device: &Device| {
            let tape = Tape::new();
            let logits = tape.leaf(values(0.1).to_device(device).unwrap());
            let before = transfer_stats().downloads;
            let loss = cross_entropy(&logits, &targets, &options).unwrap();
            let grads = tape.backward(&loss).unwrap();
            let grad = grads.get(&logits).unwrap().clone();
            let downloads = transfer_stats().downloads - before;
            (loss.value().to_host().unwrap(), grad, downloads)
        };
        let (host_loss, host_grad, _) = run(&Device::Cpu);
        let (loss, grad, downloads) = run(&device);
        let case = format!("smoothing {label_smoothing}, ignore {ignore_index:?}");
        assert_eq!(
            downloads, 0,
            "{case}: downloads in the loss and its gradient"
        );
        assert_eq!(
            grad.device(),
            device,
            "{case}: the gradient stays on the device"
        );
        assert_close(&loss, &host_loss, &format!("{case}: loss"));
        assert_close(&grad, &host_grad, &format!("{case}: gradient"));
    }
}

#[test]
fn clipping_scales_device_gradients_in_place() {
    let _serial = COUNTERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let device = device();
    let clip = |device: &Device| {
        let (mut a, mut b) = (values(0.0), values(1.0));
        let mut params = [
            ParamGrad {
                name: "a".into(),
                value: &mut a,
                grad: values(0.5).to_device(device).unwrap(),
            },
            ParamGrad {
                name: "b".into(),
                value: &mut b,
                grad: values(-2.0).to_device(device).unwrap(),
            },
        ];
        let before = transfer_stats().downloads;
        let norm = clip_grad_norm(&mut params, 1.0).unwrap();
        let downloads = transfer_stats().downloads - before;
        let grads: Vec<Tensor<f32>> = params.iter().map(|p| p.grad.clone()).collect();
        (norm, grads, downloads)
    };
    let (host_norm, host_grads, _) = clip(&Device::Cpu);
    let (norm, grads, downloads) = clip(&device);
    // One read of the total; the scaling itself runs on the device.
    assert_eq!(downloads, 1, "downloads while clipping");
    assert!(
        (norm - host_norm).abs() <= 1e-5 * host_norm,
        "norm: device {norm}, host {host_norm}"
    );
    for (g, h) in grads.iter().zip(&host_grads) {
        assert_eq!(
            g.device(),
            device,
            "the clipped gradient stays on the device"
        );
        assert_close(g, h, "clipped gradient");
    }
}
