//! Times elementwise operations against plain scalar loops, on one rayon thread and on the
//! default pool, for a range of sizes. The figures choose the threading threshold in
//! `ops/parallel.rs` and check that no operation is slower than a plain loop.
//!
//! Run with `cargo run --release -p tensor --example elementwise_timing`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tensor::Tensor;

/// Returns the shortest time per call over 15 batches of `runs` calls of `f`. On a shared
/// machine the shortest batch is the one least disturbed by other processes.
fn best_time(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    (0..15)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..runs {
                f();
            }
            start.elapsed() / runs as u32
        })
        .min()
        .expect("at least one batch")
}

/// Nanoseconds per element of the median call.
fn per_element(duration: Duration, len: usize) -> f64 {
    duration.as_nanos() as f64 / len as f64
}

fn main() {
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    println!(
        "{:>9} {:>8} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} | {:>7} {:>7} | {:>7} {:>7} {:>7}",
        "size",
        "",
        "loop",
        "1 thr",
        "pool",
        "exp loop",
        "1 thr",
        "pool",
        "t(x) 1",
        "pool",
        "strided",
        "1 thr",
        "pool"
    );
    for exponent in [10, 12, 13, 14, 15, 16, 17, 18, 20, 22] {
        let len = 1usize << exponent;
        let a: Vec<f32> = (0..len).map(|i| (i % 97) as f32 * 0.01 - 0.4).collect();
        let b: Vec<f32> = (0..len).map(|i| (i % 89) as f32 * 0.02 + 0.1).collect();
        let ta = Tensor::from_slice(&a, &[len]).unwrap();
        let tb = Tensor::from_slice(&b, &[len]).unwrap();
        let side = 1usize << (exponent / 2);
        let square = Tensor::from_slice(&a[..side * side], &[side, side]).unwrap();
        let transposed = square.t().unwrap();
        let runs = (1 << 22) / len + 2;

        let add_loop = best_time(runs, || {
            let out: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
            black_box(out);
        });
        let add_one = one_thread.install(|| best_time(runs, || drop(black_box(ta.add(&tb)))));
        let add_pool = best_time(runs, || drop(black_box(ta.add(&tb))));

        let exp_loop = best_time(runs, || {
            let out: Vec<f32> = a.iter().map(|x| x.exp()).collect();
            black_box(out);
        });
        let exp_one = one_thread.install(|| best_time(runs, || drop(black_box(ta.exp()))));
        let exp_pool = best_time(runs, || drop(black_box(ta.exp())));
        let tanh_one = one_thread.install(|| best_time(runs, || drop(black_box(ta.tanh()))));
        let tanh_pool = best_time(runs, || drop(black_box(ta.tanh())));

        // A transposed square matrix: every run has step `side`.
        let strided_loop = best_time(runs, || {
            let mut out = Vec::with_capacity(side * side);
            for j in 0..side {
                for i in 0..side {
                    out.push(a[i * side + j] * 2.0);
                }
            }
            black_box(out);
        });
        let strided_one =
            one_thread.install(|| best_time(runs, || drop(black_box(transposed.mul_scalar(2.0)))));
        let strided_pool = best_time(runs, || drop(black_box(transposed.mul_scalar(2.0))));

        let n = side * side;
        println!(
            "{len:>9} {:>8} | {:>7.3} {:>7.3} {:>7.3} | {:>7.3} {:>7.3} {:>7.3} | {:>7.3} {:>7.3} | {:>7.3} {:>7.3} {:>7.3}",
            "ns/elem",
            per_element(add_loop, len),
            per_element(add_one, len),
            per_element(add_pool, len),
            per_element(exp_loop, len),
            per_element(exp_one, len),
            per_element(exp_pool, len),
            per_element(tanh_one, len),
            per_element(tanh_pool, len),
            per_element(strided_loop, n),
            per_element(strided_one, n),
            per_element(strided_pool, n),
        );
    }
}
