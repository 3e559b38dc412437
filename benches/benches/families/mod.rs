//! One module per op family.

pub mod elementwise;
pub mod matmul;
#[cfg(feature = "opencl")]
pub mod opencl;
pub mod reduce;
pub mod training;
