//! Times elementwise operations against plain scalar loops that compute the same values, to
//! check that no layout is slower than the loop a user would write by hand.
//!
//! Run with `cargo run --release -p tensor --example elementwise_timing`. Each row prints
//! nanoseconds per output element for the plain loop and for the tensor operation (threads as
//! configured in `ops/parallel.rs`).

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

/// Prints one row: the plain loop and the tensor operation, in nanoseconds per element.
fn report(name: &str, len: usize, plain: Duration, tensor: Duration) {
    let per_element = |d: Duration| d.as_nanos() as f64 / len as f64;
    println!(
        "{name:<28} {len:>9} {:>9.3} {:>9.3} {:>7.2}x",
        per_element(plain),
        per_element(tensor),
        plain.as_secs_f64() / tensor.as_secs_f64()
    );
}

fn main() {
    println!(
        "{:<28} {:>9} {:>9} {:>9} {:>8}",
        "operation (f32)", "elements", "loop ns", "tensor ns", "speedup"
    );
    for side in [64usize, 256, 1024] {
        let len = side * side;
        let runs = (1 << 22) / len + 2;
        let a: Vec<f32> = (0..len).map(|i| (i % 97) as f32 * 0.01 - 0.4).collect();
        let b: Vec<f32> = (0..len).map(|i| (i % 89) as f32 * 0.02 + 0.1).collect();
        let row: Vec<f32> = b[..side].to_vec();
        let ta = Tensor::from_slice(&a, &[side, side]).unwrap();
        let tb = Tensor::from_slice(&b, &[side, side]).unwrap();
        let trow = Tensor::from_slice(&row, &[side]).unwrap();
        let ta_t = ta.t().unwrap();

        let plain = best_time(runs, || {
            let out: Vec<f32> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
            black_box(out);
        });
        let op = best_time(runs, || drop(black_box(ta.add(&tb))));
        report("add contiguous", len, plain, op);

        let plain = best_time(runs, || {
            let out: Vec<f32> = a
                .iter()
                .enumerate()
                .map(|(i, x)| x + row[i % side])
                .collect();
            black_box(out);
        });
        let op = best_time(runs, || drop(black_box(ta.add(&trow))));
        report("add row broadcast", len, plain, op);

        let plain = best_time(runs, || {
            let mut out = Vec::with_capacity(len);
            for j in 0..side {
                for i in 0..side {
                    out.push(a[i * side + j] + b[j * side + i]);
                }
            }
            black_box(out);
        });
        let op = best_time(runs, || drop(black_box(ta_t.add(&tb))));
        report("add transposed lhs", len, plain, op);

        let plain = best_time(runs, || {
            let out: Vec<f32> = a.iter().map(|x| x * 1.5).collect();
            black_box(out);
        });
        let op = best_time(runs, || drop(black_box(ta.mul_scalar(1.5))));
        report("mul_scalar", len, plain, op);

        let plain = best_time(runs, || {
            let out: Vec<f32> = a.iter().map(|x| x.max(0.0)).collect();
            black_box(out);
        });
        let op = best_time(runs, || drop(black_box(ta.relu())));
        report("relu", len, plain, op);

        let plain = best_time(runs, || {
            let out: Vec<f32> = a.iter().map(|x| x.exp()).collect();
            black_box(out);
        });
        let op = best_time(runs, || drop(black_box(ta.exp())));
        report("exp", len, plain, op);

        let plain = best_time(runs, || {
            let out: Vec<f32> = a.iter().map(|x| x.tanh()).collect();
            black_box(out);
        });
        let op = best_time(runs, || drop(black_box(ta.tanh())));
        report("tanh", len, plain, op);

        let plain = best_time(runs, || {
            let out: Vec<f32> = a.iter().map(|&x| 1.0 / (1.0 + (-x).exp())).collect();
            black_box(out);
        });
        let op = best_time(runs, || drop(black_box(ta.sigmoid())));
        report("sigmoid", len, plain, op);

        let plain = best_time(runs, || {
            let mut out = Vec::with_capacity(len);
            for j in 0..side {
                for i in 0..side {
                    out.push(a[i * side + j].tanh());
                }
            }
            black_box(out);
        });
        let op = best_time(runs, || drop(black_box(ta_t.tanh())));
        report("tanh transposed", len, plain, op);

        let plain = best_time(runs, || {
            let out: Vec<f32> = a
                .iter()
                .zip(&b)
                .map(|(x, y)| if x < y { 1.0 } else { 0.0 })
                .collect();
            black_box(out);
        });
        let op = best_time(runs, || drop(black_box(ta.lt(&tb))));
        report("lt", len, plain, op);

        let mut target = a.clone();
        let plain = best_time(runs, || {
            for (t, y) in target.iter_mut().zip(&b) {
                *t += 0.001 * y;
            }
            black_box(&target);
        });
        let mut tensor_target = ta.contiguous();
        let op = best_time(runs, || {
            tensor_target.scaled_add_inplace(0.001, &tb).unwrap();
            black_box(&tensor_target);
        });
        report("scaled_add_inplace", len, plain, op);
    }
}
