//! Tensor operations, one file per family.

pub mod index;
pub mod join;
pub mod reduce;
mod reduce_kernels;
pub mod softmax;
