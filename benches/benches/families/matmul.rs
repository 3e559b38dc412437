//! Matrix product benchmarks: `matmul-flop/{f32,f64}/{shape}`, throughput in floating-point
//! operations (`2 m k n` per product).
//!
//! Each group compares, on the same operands:
//! - `naive`: the textbook triple loop (sizes up to 256 only, it is slow);
//! - `blocked`: a cache-blocked scalar loop (sizes up to 512);
//! - `ours-1t`: our GEMM on a one-thread rayon pool;
//! - `ours-rayon`: our GEMM on the global rayon pool (all cores);
//! - `matrixmultiply`: the `matrixmultiply` crate, with the thread count from
//!   `MATMUL_NUM_THREADS` (default: the number of physical cores), so it pairs with
//!   `ours-rayon`. Run with `MATMUL_NUM_THREADS=1` to pair it with `ours-1t`;
//! - `opencl` (feature `opencl`): [`Tensor::matmul`] on tensors already on the OpenCL device,
//!   timed up to the end of the kernel (queue finish).

use criterion::{black_box, Criterion, Throughput};

use benches::reference::{blocked, naive, MatRef, MatrixMultiply};
use benches::shapes::{training_shapes, MatmulShape};
use tensor::{Element, Tensor};

/// Square sizes; 257 is an odd size that leaves partial tiles on every edge.
const SQUARE_SIZES: [usize; 6] = [64, 128, 256, 257, 512, 1024];

/// Largest `m * k * n` the naive loop runs on.
const NAIVE_MAX_MULADDS: usize = 256 * 256 * 256;

/// Largest `m * k * n` the blocked scalar loop runs on.
const BLOCKED_MAX_MULADDS: usize = 512 * 512 * 512;

/// Operands of one product, as tensors (for ours) and as strided slices (for the baselines).
struct Operands<T: Element> {
    a_data: Vec<T>,
    b_data: Vec<T>,
    a: Tensor<T>,
    b: Tensor<T>,
    a_strides: (usize, usize),
    b_strides: (usize, usize),
}

fn operands<T: Element>(shape: MatmulShape) -> Operands<T> {
    let MatmulShape { m, k, n, .. } = shape;
    let (a_rows, a_cols) = if shape.a_transposed { (k, m) } else { (m, k) };
    let (b_rows, b_cols) = if shape.b_transposed { (n, k) } else { (k, n) };
    let fill = |len: usize, seed: usize| -> Vec<T> {
        (0..len)
            .map(|i| T::from_f64(((i * 7919 + seed) % 1000) as f64 / 500.0 - 1.0))
            .collect()
    };
    let a_data = fill(a_rows * a_cols, 1);
    let b_data = fill(b_rows * b_cols, 2);
    let a = Tensor::from_slice(&a_data, &[a_rows, a_cols]).expect("A has rows * cols elements");
    let b = Tensor::from_slice(&b_data, &[b_rows, b_cols]).expect("B has rows * cols elements");
    Operands {
        a: if shape.a_transposed {
            a.t().expect("2-D")
        } else {
            a
        },
        b: if shape.b_transposed {
            b.t().expect("2-D")
        } else {
            b
        },
        a_strides: if shape.a_transposed { (1, m) } else { (k, 1) },
        b_strides: if shape.b_transposed { (1, k) } else { (n, 1) },
        a_data,
        b_data,
    }
}

fn bench_shape<T: MatrixMultiply>(
    c: &mut Criterion,
    shape: MatmulShape,
    one_thread: &rayon::ThreadPool,
) {
    let MatmulShape { m, k, n, .. } = shape;
    let ops = operands::<T>(shape);
    let a_ref = MatRef {
        data: &ops.a_data,
        rs: ops.a_strides.0,
        cs: ops.a_strides.1,
    };
    let b_ref = MatRef {
        data: &ops.b_data,
        rs: ops.b_strides.0,
        cs: ops.b_strides.1,
    };
    let mut out = vec![T::ZERO; m * n];
    let mut c_tensor = Tensor::<T>::zeros(&[m, n]);
    let muladds = m * k * n;

    let mut group = c.benchmark_group(format!("matmul-flop/{}/{}", T::DTYPE, shape.label()));
    group.throughput(Throughput::Elements(shape.flops()));
    if muladds <= NAIVE_MAX_MULADDS {
        group.bench_function("naive", |bench| {
            bench.iter(|| naive(m, k, n, black_box(a_ref), black_box(b_ref), &mut out))
        });
    }
    if muladds <= BLOCKED_MAX_MULADDS {
        group.bench_function("blocked", |bench| {
            bench.iter(|| blocked(m, k, n, black_box(a_ref), black_box(b_ref), &mut out))
        });
    }
    let mut ours = || {
        tensor::matmul::gemm(
            T::ONE,
            black_box(&ops.a),
            black_box(&ops.b),
            T::ZERO,
            &mut c_tensor,
        )
        .expect("shapes chain")
    };
    group.bench_function("ours-1t", |bench| {
        one_thread.install(|| bench.iter(&mut ours))
    });
    group.bench_function("ours-rayon", |bench| bench.iter(&mut ours));
    group.bench_function("matrixmultiply", |bench| {
        bench.iter(|| T::matrixmultiply(m, k, n, black_box(a_ref), black_box(b_ref), &mut out))
    });
    #[cfg(feature = "opencl")]
    if let Some(device) = super::opencl::device_for::<T>() {
        let a = super::opencl::upload(&ops.a, &device);
        let b = super::opencl::upload(&ops.b, &device);
        group.bench_function("opencl", |bench| {
            bench.iter(|| {
                let product = black_box(&a).matmul(black_box(&b)).expect("shapes chain");
                super::opencl::finish(&device);
                product
            })
        });
    }
    group.finish();
}

/// Registers every matmul benchmark.
pub fn bench(c: &mut Criterion) {
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool starts");
    let mut shapes: Vec<MatmulShape> = SQUARE_SIZES
        .iter()
        .map(|&s| MatmulShape::square(s))
        .collect();
    shapes.extend(training_shapes());
    for &shape in &shapes {
        bench_shape::<f32>(c, shape, &one_thread);
    }
    for &shape in &shapes {
        bench_shape::<f64>(c, shape, &one_thread);
    }
}
