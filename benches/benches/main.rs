//! Criterion benchmarks, one module per op family: `cargo bench -p benches`.
//!
//! Group names read `family/dtype/shape`; throughput is in elements, or in floating-point
//! operations when the group name contains `flop`.

use criterion::{criterion_group, criterion_main};

mod families;

// As in the `enn` tool: training steps free and reallocate many mid-sized buffers, which the
// system allocator hands back to the kernel each time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

criterion_group!(
    benches,
    families::matmul::bench,
    families::elementwise::bench,
    families::reduce::bench,
    families::training::bench
);
criterion_main!(benches);
