//! Tensors on an OpenCL device (feature `opencl`).
//!
//! `gemm.rs` holds the matrix product, with its kernel source in `kernels/gemm.cl`.

// Until device tensors dispatch to it, only the tests call the launcher.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) mod gemm;
#[cfg(test)]
mod gemm_tests;
