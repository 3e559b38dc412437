//! Keeping values and gradients on the device of the inputs.
//!
//! With the `opencl` feature of `tensor`, a tape may hold tensors on an OpenCL device. Most
//! tensor operations then run there and return device tensors. Some forward code and some
//! backward rules still compute on the host (rules written with `zip_map`, scatters through
//! views), and their results come back in host memory. Mixing host and device tensors in the
//! next operation would fail, so the recorder and the backward pass move every such result to
//! the device of the inputs. Each move is one upload, and the host computation before it
//! downloaded its inputs once per buffer; `tensor::opencl::transfer_stats` counts both.
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
