//! Criterion benchmarks for the tensor kernels (not yet built).
