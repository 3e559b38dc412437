//! Criterion benchmarks, one module per op family: `cargo bench -p benches`.
//!
//! Group names read `family/dtype/shape`; throughput is in elements, or in floating-point
//! operations when the group name contains `flop`.

use criterion::{criterion_group, criterion_main};

mod families;

criterion_group!(
    benches,
    families::matmul::bench,
    families::elementwise::bench,
    families::reduce::bench,
    families::training::bench
);
criterion_main!(benches);
