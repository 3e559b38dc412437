//! Devices: where a tensor's storage lives, and moving tensors between them.
//!
//! Every tensor lives on one [`Device`]. [`Device::Cpu`] is host memory and always exists. With
//! the `opencl` feature, `Device::OpenCl` is a buffer on an OpenCL device, and operations on
//! such tensors run as OpenCL kernels where the crate has one (see the `opencl` module).

use std::fmt;

#[cfg(feature = "opencl")]
use crate::opencl::{ClStorage, OpenClDevice};
use crate::storage::Storage;
#[cfg(feature = "opencl")]
use crate::Layout;
use crate::{Element, Result, Tensor};
#[cfg(feature = "opencl")]
use std::sync::Arc;

/// The place where a tensor's elements are stored and its operations run.
#[derive(Clone, Debug)]
pub enum Device {
    /// Host memory; operations run on the CPU.
    Cpu,
    /// A buffer on an OpenCL device; operations run there when a kernel exists.
    #[cfg(feature = "opencl")]
    OpenCl(OpenClDevice),
}

impl PartialEq for Device {
    /// Two devices are equal when both are the CPU or both are the same opened OpenCL device.
    fn eq(&self, other: &Device) -> bool {
        match (self, other) {
            (Device::Cpu, Device::Cpu) => true,
            #[cfg(feature = "opencl")]
            (Device::OpenCl(a), Device::OpenCl(b)) => a.same_device(b),
            #[cfg(feature = "opencl")]
            _ => false,
        }
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Device::Cpu => f.write_str("cpu"),
            #[cfg(feature = "opencl")]
            Device::OpenCl(device) => fmt::Display::fmt(device, f),
        }
    }
}

impl<T: Element> Tensor<T> {
    /// Returns the device that stores this tensor.
    pub fn device(&self) -> Device {
        match self.storage_enum() {
            Storage::Host(_) => Device::Cpu,
            #[cfg(feature = "opencl")]
            Storage::OpenCl(data) => Device::OpenCl(data.device().clone()),
        }
    }

    /// Returns true when the elements are in host memory.
    pub fn is_on_host(&self) -> bool {
        matches!(self.storage_enum(), Storage::Host(_))
    }

    /// Creates a contiguous tensor of `shape` on `device` with every element `value`.
    ///
    /// On an OpenCL device a fill kernel writes the buffer, so nothing is copied from host
    /// memory. Use it to make zeros or ones next to device tensors.
    ///
    /// # Errors
    /// [`crate::TensorError::OpenCl`] when the device cannot allocate the buffer or run the
    /// kernel, or has no `cl_khr_fp64` for an `f64` tensor.
    pub fn full_on(shape: &[usize], value: T, device: &Device) -> Result<Tensor<T>> {
        match device {
            Device::Cpu => Ok(Tensor::full(shape, value)),
            #[cfg(feature = "opencl")]
            Device::OpenCl(target) => crate::opencl::copy::full(target, shape, value),
        }
    }

    /// Creates a tensor of zeros on `device`; see [`Tensor::full_on`].
    ///
    /// # Errors
    /// As [`Tensor::full_on`].
    pub fn zeros_on(shape: &[usize], device: &Device) -> Result<Tensor<T>> {
        Tensor::full_on(shape, T::ZERO, device)
    }

    /// Creates a tensor of ones on `device`; see [`Tensor::full_on`].
    ///
    /// # Errors
    /// As [`Tensor::full_on`].
    pub fn ones_on(shape: &[usize], device: &Device) -> Result<Tensor<T>> {
        Tensor::full_on(shape, T::ONE, device)
    }

    /// Returns a tensor with the same values and layout on `device`.
    ///
    /// A tensor already on `device` is returned as a shared handle. Moving to an OpenCL device
    /// uploads only the part of the storage that the layout reaches, so a view stays a view
    /// (same strides) of a smaller buffer. Moving between two OpenCL devices goes through host
    /// memory.
    ///
    /// # Errors
    /// [`crate::TensorError::OpenCl`] when the device cannot allocate or write the buffer or
    /// the read from the source device fails, and [`crate::TensorError::DTypeMismatch`] for an
    /// `f64` tensor on a device without `cl_khr_fp64`.
    pub fn to_device(&self, device: &Device) -> Result<Tensor<T>> {
        if self.device() == *device {
            return Ok(self.clone());
        }
        match device {
            Device::Cpu => self.to_host(),
            #[cfg(feature = "opencl")]
            Device::OpenCl(target) => self.upload_to(target),
        }
    }

    /// Returns a tensor with the same values and layout in host memory: `self` when it already
    /// is there, otherwise a tensor over the downloaded copy of the device buffer (the download
    /// happens once per buffer and is then shared).
    ///
    /// # Errors
    /// [`crate::TensorError::OpenCl`] when reading the device buffer fails.
    pub fn to_host(&self) -> Result<Tensor<T>> {
        match self.storage_enum() {
            Storage::Host(_) => Ok(self.clone()),
            #[cfg(feature = "opencl")]
            Storage::OpenCl(data) => {
                let mirror = Arc::clone(data.host()?);
                Ok(Tensor::from_storage_enum(
                    Storage::Host(mirror),
                    self.layout().clone(),
                ))
            }
        }
    }

    /// Uploads the span of storage that the layout reaches to `device`.
    #[cfg(feature = "opencl")]
    fn upload_to(&self, device: &OpenClDevice) -> Result<Tensor<T>> {
        if T::DTYPE == crate::DType::F64 && !device.supports_f64() {
            return Err(crate::TensorError::DTypeMismatch {
                op: "to_device",
                expected: crate::DType::F32,
                got: T::DTYPE,
            });
        }
        let host = self.to_host()?;
        let layout = self.layout();
        let (data, new_layout) = match layout.storage_span() {
            None => (&[][..], Layout::contiguous(layout.shape())),
            Some((low, high)) => (
                &host.storage()[low..high],
                Layout::from_parts(
                    layout.shape().to_vec(),
                    layout.strides().to_vec(),
                    layout.offset() - low,
                ),
            ),
        };
        let storage = ClStorage::upload(device, data)?;
        Ok(Tensor::from_storage_enum(
            Storage::OpenCl(Arc::new(storage)),
            new_layout,
        ))
    }
}
