//! Tensor operations, one file per family.
//!
//! Elementwise operations: `unary.rs` (functions of one tensor), `binary.rs` (two tensors with
//! broadcasting), `scalar.rs` (a tensor and a number), `compare.rs` (masks and `where_cond`),
//! `inplace.rs` (updates through copy on write), `arith.rs` (the `+ - * /` operators) and
//! `slices.rs` (sigmoid and tanh on plain slices, for fused kernels in other crates). They
//! share the kernel traits in `kernel.rs`, the layout walker in `walk.rs`, the SIMD kernels in
//! `simd/` and the threading rule in `parallel.rs`.
//!
//! Reductions and friends: `reduce.rs` (sum, mean, max, min, var, logsumexp, argmax, argmin),
//! `softmax.rs`, `index.rs` (index_select, gather, scatter_add, one_hot and the [`index::Indices`]
//! type), `topk.rs` (top_k_mask) and `join.rs` (cat, stack, split, chunk). The reductions are planned in
//! `reduce_plan.rs` and run by the row and column kernels of `reduce_kernels.rs`, whose SIMD
//! parts live in `reduce_simd.rs`.

pub mod arith;
pub mod binary;
pub mod compare;
pub mod derivative;
mod exp_simd;
pub mod index;
pub mod inplace;
pub mod join;
pub(crate) mod kernel;
pub mod parallel;
pub mod reduce;
mod reduce_kernels;
mod reduce_plan;
mod reduce_simd;
pub mod scalar;
pub(crate) mod simd;
pub mod slices;
pub mod softmax;
pub mod topk;
pub mod unary;
pub mod view_scatter;
pub(crate) mod walk;
