//! Times the reduction kernels: first the SIMD row sum against a plain scalar loop on one
//! thread, then reductions and softmax on one thread and on all of rayon's threads, for inputs
//! around the size where threading starts to pay.
//!
//! Run with `cargo run --release -p tensor --example reduce_timing`. To find where threads
//! start to pay, set `PARALLEL_THRESHOLD` and `PARALLEL_THRESHOLD_EXP` in
//! `src/ops/reduce_plan.rs` to 0 first, so that every size takes the threaded path. Otherwise
//! sizes below the thresholds run on one thread in both columns.

use std::time::{Duration, Instant};

use tensor::Tensor;

/// A timed operation on the input built for one size.
type Operation<'a> = Box<dyn Fn() + Sync + 'a>;

/// Returns the fastest of `repeats` runs of `f`, which is the least disturbed by other load.
fn fastest(repeats: usize, mut f: impl FnMut()) -> Duration {
    (0..repeats)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .expect("repeats is positive")
}

/// Compares the row sum with a scalar loop over the same values, both on one thread.
fn simd_against_scalar(single: &rayon::ThreadPool) {
    println!("{:>10} {:>12} {:>12}", "elements", "scalar loop", "sum");
    for elements in [1000, 100_000, 1_000_000] {
        let data: Vec<f32> = (0..elements).map(|i| (i % 17) as f32 * 0.1).collect();
        let t = Tensor::from_vec(data.clone(), &[elements]).expect("the data fills the shape");
        let repeats = (50_000_000 / elements).clamp(5, 2000);
        let scalar = fastest(repeats, || {
            let mut total = 0.0f32;
            for &x in std::hint::black_box(&data) {
                total += x;
            }
            std::hint::black_box(total);
        });
        let simd = single.install(|| {
            fastest(repeats, || {
                std::hint::black_box(t.sum_all());
            })
        });
        println!("{elements:>10} {scalar:>12.2?} {simd:>12.2?}");
    }
    println!();
}

fn main() {
    let single = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool can always be built");
    simd_against_scalar(&single);
    println!("threads: {}", rayon::current_num_threads());
    println!(
        "{:>10} {:>22} {:>12} {:>12}",
        "elements", "operation", "1 thread", "all"
    );

    let width = 256;
    for elements in [16384, 32768, 65536, 131072, 1 << 20, 1 << 21, 1 << 22] {
        let rows = elements / width;
        let data: Vec<f32> = (0..elements).map(|i| (i % 17) as f32 * 0.1).collect();
        let t = Tensor::from_vec(data, &[rows, width]).expect("the data fills the shape");
        let repeats = (20_000_000 / elements).clamp(5, 2000);

        let operations: [(&str, Operation); 4] = [
            (
                "sum rows [r, 256] -> r",
                Box::new(|| drop(t.sum(&[1], false))),
            ),
            (
                "sum cols [r, 256] -> 256",
                Box::new(|| drop(t.sum(&[0], false))),
            ),
            (
                "logsumexp rows",
                Box::new(|| drop(t.logsumexp(&[1], false))),
            ),
            ("softmax last axis", Box::new(|| drop(t.softmax(-1)))),
        ];
        for (name, op) in &operations {
            let one = single.install(|| fastest(repeats, op));
            let all = fastest(repeats, op);
            println!("{elements:>10} {name:>22} {one:>12.2?} {all:>12.2?}");
        }
    }
}
