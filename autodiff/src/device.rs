//! Keeping values and gradients on the device of the inputs.
//!
//! With the `opencl` feature of `tensor`, a tape may hold tensors on an OpenCL device. The
//! backward rules of this crate are written with tensor operations that have device kernels
//! (named derivative rules instead of closures, `view_scatter` for views, `zeros_on` for
//! fresh zeros), so gradients stay on the device. A custom operation whose rule computes on
//! the host still works. The recorder and the backward pass move every result that came back
//! in host memory to the device of the inputs, because mixing host and device tensors in the
//! next operation would fail. Each move is one upload; `tensor::opencl::transfer_stats` and
//! `tensor::opencl::host_fallbacks` show them.
//!
//! Without the feature every tensor is on the CPU and these functions return their input.

use tensor::{Device, Element, Tensor};

use crate::Result;

/// Returns the first device other than the CPU among `tensors`, if any.
pub(crate) fn accelerator<'t, T: Element + 't>(
    tensors: impl IntoIterator<Item = &'t Tensor<T>>,
) -> Option<Device> {
    tensors
        .into_iter()
        .map(Tensor::device)
        .find(|device| *device != Device::Cpu)
}

/// Moves `value` to `device` when it lives elsewhere (one upload from host memory).
///
/// # Errors
/// [`crate::AutodiffError::Tensor`] when the transfer fails.
pub(crate) fn move_to<T: Element>(value: Tensor<T>, device: Option<&Device>) -> Result<Tensor<T>> {
    match device {
        Some(device) if value.device() != *device => Ok(value.to_device(device)?),
        _ => Ok(value),
    }
}
