//! Elementwise benchmarks: `{add,mul,exp,tanh,tanh-derivative}/{f32,f64}/{shape}`, throughput
//! in output elements.
//!
//! Each group runs our op on a contiguous operand (`ours`) and on a transposed view of the same
//! size (`ours-transposed`). Next to them runs a scalar twin, a plain loop over a `Vec` in
//! row-major order (`scalar`) or in the transposed view's order (`scalar-transposed`). The gap between the
//! twins shows what SIMD and threads buy, and what a strided walk costs.
//!
//! With the feature `opencl`, every group also runs the op on tensors already on the OpenCL
//! device (`opencl`), timed up to the end of the kernel; f64 groups only when the device has
//! `cl_khr_fp64`.

use criterion::{black_box, Criterion, Throughput};
use tensor::ops::derivative::Derivative;
use tensor::{Element, Tensor};

/// Matrix shapes `[rows, cols]`; the odd one leaves partial vectors at the end of each row.
pub const SHAPES: [[usize; 2]; 3] = [[256, 256], [1024, 1024], [127, 1031]];

/// Returns deterministic values in [-1, 1).
pub fn values<T: Element>(len: usize, seed: usize) -> Vec<T> {
    (0..len)
        .map(|i| T::from_f64(((i * 7919 + seed * 104_729) % 2000) as f64 / 1000.0 - 1.0))
        .collect()
}

/// Evaluates `f` at every storage position of a row-major `rows x cols` matrix, in the order of
/// its transposed view (column by column).
fn transposed_order<T>(rows: usize, cols: usize, f: impl Fn(usize) -> T) -> Vec<T> {
    let mut out = Vec::with_capacity(rows * cols);
    for j in 0..cols {
        for i in 0..rows {
            out.push(f(i * cols + j));
        }
    }
    out
}

fn bench_unary<T: Element>(
    c: &mut Criterion,
    name: &str,
    op: fn(&Tensor<T>) -> Tensor<T>,
    scalar: fn(T) -> T,
) {
    for [rows, cols] in SHAPES {
        let data: Vec<T> = values(rows * cols, 1);
        let x = Tensor::from_slice(&data, &[rows, cols]).expect("rows * cols values");
        let xt = x.t().expect("2-D");
        let mut group = c.benchmark_group(format!("{name}/{}/{rows}x{cols}", T::DTYPE));
        group.throughput(Throughput::Elements((rows * cols) as u64));
        group.bench_function("ours", |b| b.iter(|| op(black_box(&x))));
        group.bench_function("ours-transposed", |b| b.iter(|| op(black_box(&xt))));
        #[cfg(feature = "opencl")]
        if let Some(device) = super::opencl::device_for::<T>() {
            let x = super::opencl::upload(&x, &device);
            group.bench_function("opencl", |b| {
                b.iter(|| {
                    let y = op(black_box(&x));
                    super::opencl::finish(&device);
                    y
                })
            });
        }
        group.bench_function("scalar", |b| {
            b.iter(|| {
                black_box(&data)
                    .iter()
                    .map(|&v| scalar(v))
                    .collect::<Vec<T>>()
            })
        });
        group.bench_function("scalar-transposed", |b| {
            b.iter(|| transposed_order(rows, cols, |p| scalar(black_box(&data)[p])))
        });
        group.finish();
    }
}

fn bench_binary<T: Element>(
    c: &mut Criterion,
    name: &str,
    op: fn(&Tensor<T>, &Tensor<T>) -> tensor::Result<Tensor<T>>,
    scalar: fn(T, T) -> T,
) {
    for [rows, cols] in SHAPES {
        let lhs_data: Vec<T> = values(rows * cols, 1);
        let rhs_data: Vec<T> = values(rows * cols, 2);
        let lhs = Tensor::from_slice(&lhs_data, &[rows, cols]).expect("rows * cols values");
        let rhs = Tensor::from_slice(&rhs_data, &[rows, cols]).expect("rows * cols values");
        let (lhs_t, rhs_t) = (lhs.t().expect("2-D"), rhs.t().expect("2-D"));
        let mut group = c.benchmark_group(format!("{name}/{}/{rows}x{cols}", T::DTYPE));
        group.throughput(Throughput::Elements((rows * cols) as u64));
        group.bench_function("ours", |b| b.iter(|| op(black_box(&lhs), black_box(&rhs))));
        #[cfg(feature = "opencl")]
        if let Some(device) = super::opencl::device_for::<T>() {
            let lhs = super::opencl::upload(&lhs, &device);
            let rhs = super::opencl::upload(&rhs, &device);
            group.bench_function("opencl", |b| {
                b.iter(|| {
                    let y = op(black_box(&lhs), black_box(&rhs));
                    super::opencl::finish(&device);
                    y
                })
            });
        }
        group.bench_function("ours-transposed", |b| {
            b.iter(|| op(black_box(&lhs_t), black_box(&rhs_t)))
        });
        group.bench_function("scalar", |b| {
            b.iter(|| {
                black_box(&lhs_data)
                    .iter()
                    .zip(black_box(&rhs_data))
                    .map(|(&x, &y)| scalar(x, y))
                    .collect::<Vec<T>>()
            })
        });
        group.bench_function("scalar-transposed", |b| {
            b.iter(|| {
                transposed_order(rows, cols, |p| scalar(black_box(&lhs_data)[p], rhs_data[p]))
            })
        });
        group.finish();
    }
}

/// Registers every elementwise benchmark.
pub fn bench(c: &mut Criterion) {
    bench_binary::<f32>(c, "add", |a, b| a.add(b), |x, y| x + y);
    bench_binary::<f32>(c, "mul", |a, b| a.mul(b), |x, y| x * y);
    bench_unary::<f32>(c, "exp", Tensor::exp, f32::exp);
    bench_unary::<f32>(c, "tanh", Tensor::tanh, f32::tanh);
    // The backward rule of tanh in one pass, g (1 - y^2), as the tape runs it.
    bench_binary::<f32>(
        c,
        "tanh-derivative",
        |g, y| g.mul_derivative(Derivative::Tanh, y),
        |g, y| g * (1.0 - y * y),
    );
    bench_binary::<f64>(c, "add", |a, b| a.add(b), |x, y| x + y);
    bench_unary::<f64>(c, "exp", Tensor::exp, f64::exp);
}
