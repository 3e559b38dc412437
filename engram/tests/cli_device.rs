//! `enn train --device`: training the ENN on an OpenCL device gives the CPU run's figures,
//! and device names that cannot be opened are rejected with a clear message.
//!
//! The OpenCL run needs the `opencl` feature and an OpenCL runtime such as PoCL.

mod cli_common;

use std::path::Path;
use std::process::Output;

#[cfg(feature = "opencl")]
use cli_common::{epoch_figures, read_json};
use cli_common::{stderr, train_tiny};

/// Trains a tiny ENN for two epochs on associative recall on `device`, writing into `out`.
fn train_on(device: &str, out: &Path) -> Output {
    train_tiny("enn", out, "2", &["--device", device])
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
fn opencl_without_feature_is_rejected() {
    let out = tempfile::tempdir().unwrap();
    let output = train_on("opencl", out.path());
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("--features engram/opencl"), "{message}");
}

#[cfg(feature = "opencl")]
#[test]
fn opencl_training_matches_cpu() {
    let (cpu_out, device_out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let cpu = train_on("cpu", cpu_out.path());
    assert!(cpu.status.success(), "{}", stderr(&cpu));
    let device = train_on("opencl", device_out.path());
    assert!(device.status.success(), "{}", stderr(&device));

    let expected = epoch_figures(&read_json(&cpu_out.path().join("results.json")));
    let found = epoch_figures(&read_json(&device_out.path().join("results.json")));
    assert_eq!(found.len(), 2);
    // Same seed and data, so only float rounding differs between the devices.
    for (epoch, (f, e)) in found.iter().zip(&expected).enumerate() {
        for (name, (a, b)) in ["train loss", "eval loss"].iter().zip(f.iter().zip(e)) {
            assert!(
                (a - b).abs() <= 1e-3 * b.abs(),
                "epoch {}: {name} {a} on the device, {b} on the CPU",
                epoch + 1
            );
        }
        // At most one of the 64 evaluation examples may flip.
        assert!(
            (f[2] - e[2]).abs() <= 1.0 / 64.0 + 1e-9,
            "epoch {}: accuracy {} on the device, {} on the CPU",
            epoch + 1,
            f[2],
            e[2]
        );
    }
    // The checkpoint was written from device tensors.
    assert!(device_out.path().join("checkpoint.safetensors").is_file());
}
