//! Tensor operations, one file per family.

pub mod index;
pub mod join;
pub mod reduce;
mod reduce_kernels;
mod reduce_plan;
mod reduce_simd;
pub mod softmax;
