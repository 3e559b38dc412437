//! `enn train --device`: training the ENN on an OpenCL device gives the CPU run's figures,
//! and device names that cannot be opened are rejected with a clear message.
//!
//! The OpenCL run needs the `opencl` feature and an OpenCL runtime such as PoCL.

mod cli_common;

use std::path::Path;
use std::process::Output;

use cli_common::{enn_in, stderr};
#[cfg(feature = "opencl")]
use serde_json::Value;

/// Trains a tiny ENN for two epochs on associative recall on `device`, writing into `out`.
fn train_on(device: &str, out: &Path) -> Output {
    let out_arg = out.to_str().expect("temporary paths are UTF-8");
    let args = [
        "train",
        "--model",
        "enn",
        "--dataset",
        "assoc-recall",
        "--limit-train",
        "128",
        "--limit-eval",
        "64",
        "--batch-size",
        "32",
        "--hidden",
        "16",
        "--memory",
        "8",
        "--seed",
        "7",
        "--epochs",
        "2",
        "--device",
        device,
        "--out",
        out_arg,
    ];
    enn_in(&args, out)
}

#[test]
fn unknown_device_is_rejected() {
    let out = tempfile::tempdir().unwrap();
    let output = train_on("gpu", out.path());
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("--device"), "{message}");
    assert!(message.contains("opencl:PLATFORM:DEVICE"), "{message}");
}

#[cfg(not(feature = "opencl"))]
#[test]
fn opencl_without_the_feature_is_rejected() {
    let out = tempfile::tempdir().unwrap();
    let output = train_on("opencl", out.path());
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("--features engram/opencl"), "{message}");
}

/// Reads `[train_loss, eval_loss, eval_accuracy]` of every epoch from `results.json`.
#[cfg(feature = "opencl")]
fn epoch_figures(out: &Path) -> Vec<[f64; 3]> {
    let text = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    let results: Value = serde_json::from_str(&text).expect("valid JSON");
    results["runs"][0]["epochs"]
        .as_array()
        .expect("a list of epochs")
        .iter()
        .map(|e| {
            [
                e["train_loss"].as_f64().unwrap(),
                e["eval_loss"].as_f64().unwrap(),
                e["eval_accuracy"].as_f64().unwrap(),
            ]
        })
        .collect()
}

#[cfg(feature = "opencl")]
#[test]
fn opencl_training_matches_cpu() {
    let (cpu_out, device_out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let cpu = train_on("cpu", cpu_out.path());
    assert!(cpu.status.success(), "{}", stderr(&cpu));
    let device = train_on("opencl", device_out.path());
    assert!(device.status.success(), "{}", stderr(&device));

    let (expected, found) = (
        epoch_figures(cpu_out.path()),
        epoch_figures(device_out.path()),
    );
    assert_eq!(found.len(), 2);
    // Same seed and data; only float rounding differs between the devices.
    for (epoch, (f, e)) in found.iter().zip(&expected).enumerate() {
        for (what, (a, b)) in ["train loss", "eval loss"].iter().zip(f.iter().zip(e)) {
            assert!(
                (a - b).abs() <= 1e-3 * b.abs(),
                "epoch {}: {what} {a} on the device, {b} on the CPU",
                epoch + 1
            );
        }
        assert!(
            (f[2] - e[2]).abs() <= 1.0 / 64.0 + 1e-9,
            "epoch {}: accuracy {} on the device, {} on the CPU",
            epoch + 1,
            f[2],
            e[2]
        );
    }
    // The checkpoint and the memory pictures were written from device tensors.
    assert!(device_out.path().join("checkpoint.safetensors").is_file());
}
