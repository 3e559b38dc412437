//! Times a few operations on the host and on an OpenCL device, interleaved so that both see
//! the same machine load, and prints the median of each.
//!
//! Run with `cargo run --release -p tensor --features opencl --example opencl_timing`; pick
//! the device with `TENSOR_OPENCL_DEVICE=PLATFORM:DEVICE`. Device times include waiting for
//! the queue to finish, but not transfers: inputs are uploaded before timing starts and
//! results stay on the device.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tensor::opencl::OpenClDevice;
use tensor::{Device, Result, Tensor};

/// Number of interleaved host and device runs per operation.
const RUNS: usize = 11;

type Op = fn(&Tensor<f32>, &Tensor<f32>) -> Result<Tensor<f32>>;

/// Returns the median of `times`.
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() -> Result<()> {
    let opened = OpenClDevice::from_env()?;
    println!("device: {opened}");
    let device = Device::OpenCl(opened.clone());

    let (rows, cols) = (1024, 1024);
    let x = Tensor::<f32>::linspace(-4.0, 4.0, rows * cols).reshape_to(&[rows, cols])?;
    let bias = Tensor::<f32>::linspace(-1.0, 1.0, cols);
    let (x_device, bias_device) = (x.to_device(&device)?, bias.to_device(&device)?);

    let ops: [(&str, Op); 5] = [
        ("exp", |x, _| Ok(x.exp())),
        ("add (broadcast row)", |x, b| x.add(b)),
        ("sum over last axis", |x, _| x.sum(&[1], false)),
        ("softmax over last axis", |x, _| x.softmax(1)),
        ("transpose + contiguous", |x, _| Ok(x.t()?.contiguous())),
    ];
    println!("{rows} x {cols} f32, median of {RUNS} interleaved runs");
    println!("{:<24} {:>12} {:>12}", "operation", "host", "device");
    for (name, op) in ops {
        // One warm-up call each: the device builds its program here.
        black_box(op(&x, &bias)?);
        black_box(op(&x_device, &bias_device)?);
        opened.queue().finish().expect("the queue finishes");
        let (mut host_times, mut device_times) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let start = Instant::now();
            black_box(op(&x, &bias)?);
            host_times.push(start.elapsed());

            let start = Instant::now();
            black_box(op(&x_device, &bias_device)?);
            opened.queue().finish().expect("the queue finishes");
            device_times.push(start.elapsed());
        }
        println!(
            "{name:<24} {:>12?} {:>12?}",
            median(host_times),
            median(device_times)
        );
    }
    Ok(())
}
