//! The SIMD microkernels, chosen at run time.

use super::kernel::Kernel;

/// Returns the SIMD kernels for `f32` this CPU can run, fastest first.
pub(crate) fn available_f32() -> Vec<Kernel<f32>> {
    Vec::new()
}

/// Returns the SIMD kernels for `f64` this CPU can run, fastest first.
pub(crate) fn available_f64() -> Vec<Kernel<f64>> {
    Vec::new()
}
