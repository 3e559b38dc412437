//! Reduction benchmarks: `{sum,max}/{f32,f64}/{shape}` along each axis and
//! `softmax/{f32,f64}/{shape}` along the last axis, throughput in input elements.
//!
//! Each op runs next to a scalar twin: a plain loop over the row-major `Vec`, which walks
//! memory in order for the last axis and with a stride of one row for axis 0.
//!
//! With the feature `opencl`, the groups also run the op on tensors already on the OpenCL
//! device (`opencl-axis0`, `opencl-axis1`, `opencl`), timed up to the end of the kernel.

use criterion::{black_box, Criterion, Throughput};
use tensor::{Element, Tensor};

use super::elementwise::{values, SHAPES};

/// Reduces a row-major matrix with `cols` columns along `axis` with `combine`, starting from `init`.
fn scalar_reduce<T: Element>(
    data: &[T],
    cols: usize,
    axis: usize,
    init: T,
    combine: fn(T, T) -> T,
) -> Vec<T> {
    if axis == 0 {
        let mut out = vec![init; cols];
        for row in data.chunks_exact(cols) {
            for (acc, &v) in out.iter_mut().zip(row) {
                *acc = combine(*acc, v);
            }
        }
        out
    } else {
        data.chunks_exact(cols)
            .map(|row| row.iter().fold(init, |acc, &v| combine(acc, v)))
            .collect()
    }
}

/// Softmax of each row of a row-major matrix: `exp(x - max) / sum(exp(x - max))`.
fn scalar_softmax<T: Element>(data: &[T], cols: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(data.len());
    for row in data.chunks_exact(cols) {
        let max = row.iter().fold(T::NEG_INFINITY, |m, &v| m.max_of(v));
        let start = out.len();
        let mut total = T::ZERO;
        for &v in row {
            let e = (v - max).exp();
            total += e;
            out.push(e);
        }
        out[start..].iter_mut().for_each(|e| *e /= total);
    }
    out
}

fn bench_reduce<T: Element>(
    c: &mut Criterion,
    name: &str,
    op: fn(&Tensor<T>, isize) -> tensor::Result<Tensor<T>>,
    init: T,
    combine: fn(T, T) -> T,
) {
    for [rows, cols] in SHAPES {
        let data: Vec<T> = values(rows * cols, 3);
        let x = Tensor::from_slice(&data, &[rows, cols]).expect("rows * cols values");
        let mut group = c.benchmark_group(format!("{name}/{}/{rows}x{cols}", T::DTYPE));
        group.throughput(Throughput::Elements((rows * cols) as u64));
        for axis in [0usize, 1] {
            group.bench_function(format!("ours-axis{axis}"), |b| {
                b.iter(|| op(black_box(&x), axis as isize))
            });
            group.bench_function(format!("scalar-axis{axis}"), |b| {
                b.iter(|| scalar_reduce(black_box(&data), cols, axis, init, combine))
            });
            #[cfg(feature = "opencl")]
            if let Some(device) = super::opencl::device_for::<T>() {
                let x = super::opencl::upload(&x, &device);
                group.bench_function(format!("opencl-axis{axis}"), |b| {
                    b.iter(|| {
                        let y = op(black_box(&x), axis as isize);
                        super::opencl::finish(&device);
                        y
                    })
                });
            }
        }
        group.finish();
    }
}

fn bench_softmax<T: Element>(c: &mut Criterion) {
    for [rows, cols] in SHAPES {
        let data: Vec<T> = values(rows * cols, 4);
        let x = Tensor::from_slice(&data, &[rows, cols]).expect("rows * cols values");
        let mut group = c.benchmark_group(format!("softmax/{}/{rows}x{cols}", T::DTYPE));
        group.throughput(Throughput::Elements((rows * cols) as u64));
        group.bench_function("ours", |b| b.iter(|| black_box(&x).softmax(-1)));
        #[cfg(feature = "opencl")]
        if let Some(device) = super::opencl::device_for::<T>() {
            let x = super::opencl::upload(&x, &device);
            group.bench_function("opencl", |b| {
                b.iter(|| {
                    let y = black_box(&x).softmax(-1);
                    super::opencl::finish(&device);
                    y
                })
            });
        }
        group.bench_function("scalar", |b| {
            b.iter(|| scalar_softmax(black_box(&data), cols))
        });
        group.finish();
    }
}

/// Registers every reduction and softmax benchmark.
pub fn bench(c: &mut Criterion) {
    bench_reduce::<f32>(c, "sum", |x, axis| x.sum(&[axis], false), 0.0, |a, b| a + b);
    bench_reduce::<f32>(
        c,
        "max",
        |x, axis| x.max(&[axis], false),
        f32::NEG_INFINITY,
        Element::max_of,
    );
    bench_reduce::<f64>(c, "sum", |x, axis| x.sum(&[axis], false), 0.0, |a, b| a + b);
    bench_softmax::<f32>(c);
    bench_softmax::<f64>(c);
}
