//! Benchmarks of the `tensor` kernels, and the shared pieces of the `gemm-compare` tool.
//!
//! - [`reference`](mod@reference): the baselines our GEMM is compared with (a naive triple loop and a
//!   cache-blocked scalar loop) and a wrapper around the `matrixmultiply` crate;
//! - [`shapes`]: the matrix shapes that training uses, with their transposed-operand forms;
//! - [`peak`]: a measurement of the machine's fused multiply-add peak, the ceiling for any GEMM;
//! - [`timing`]: median timing of repeated runs.
//!
//! The criterion benchmarks live in `benches/` (`cargo bench -p benches`), one module per op
//! family; `src/bin/gemm-compare.rs` prints GFLOP/s tables.

pub mod peak;
pub mod reference;
pub mod shapes;
pub mod timing;
