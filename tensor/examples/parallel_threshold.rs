//! Finds the output size from which elementwise kernels gain from rayon threads: times `add`
//! (a cheap, memory-bound kernel) and `exp` (a costly, compute-bound one) inside a one-thread
//! pool and inside the default pool, for sizes 2^11 to 2^22.
//!
//! The kernels only use threads above `PARALLEL_MIN_ELEMENTS` and
//! `PARALLEL_MIN_ELEMENTS_COSTLY`, so set both constants in `src/ops/parallel.rs` to 0 before
//! running `cargo run --release -p tensor --example parallel_threshold`. The sizes where the
//! pool column beats the one-thread column are the candidates for the thresholds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use tensor::Tensor;

/// Returns the shortest time per call over 15 batches of `runs` calls of `f`.
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

fn main() {
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    println!(
        "rayon threads in the default pool: {}",
        rayon::current_num_threads()
    );
    println!(
        "{:>9} | {:>10} {:>10} | {:>10} {:>10}",
        "size", "add 1 thr", "add pool", "exp 1 thr", "exp pool"
    );
    for exponent in 11..=22 {
        let len = 1usize << exponent;
        let a: Vec<f32> = (0..len).map(|i| (i % 97) as f32 * 0.01 - 0.4).collect();
        let ta = Tensor::from_slice(&a, &[len]).unwrap();
        let tb = ta.mul_scalar(0.5);
        let runs = (1 << 21) / len + 2;

        let add_one = one_thread.install(|| best_time(runs, || drop(black_box(ta.add(&tb)))));
        let add_pool = best_time(runs, || drop(black_box(ta.add(&tb))));
        let exp_one = one_thread.install(|| best_time(runs, || drop(black_box(ta.exp()))));
        let exp_pool = best_time(runs, || drop(black_box(ta.exp())));
        println!(
            "{len:>9} | {:>10.1?} {:>10.1?} | {:>10.1?} {:>10.1?}",
            add_one, add_pool, exp_one, exp_pool
        );
    }
}
