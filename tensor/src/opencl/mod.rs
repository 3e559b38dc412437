//! Tensors on OpenCL devices (only with the `opencl` cargo feature).
//!
//! # Devices and storage
//!
//! [`OpenClDevice`] opens one device of one platform: [`OpenClDevice::new`] takes the two
//! indices, [`OpenClDevice::from_env`] reads them from `TENSOR_OPENCL_DEVICE` (`0:0` by
//! default), and [`OpenClDevice::list`] shows what exists. When no platform or device exists,
//! these return [`TensorError::OpenCl`](crate::TensorError::OpenCl) saying so.
//!
//! A tensor moves to the device with [`Tensor::to_device`](crate::Tensor::to_device) and back
//! with [`Tensor::to_host`](crate::Tensor::to_host). On the device its elements sit in a
//! [`ClStorage`], an OpenCL buffer that is written once and never changed, plus a host copy
//! made the first time host code reads it ([`Tensor::storage`](crate::Tensor::storage),
//! `to_vec`, `iter`, printing). Views (`t`, `narrow`, `flip`, `broadcast_to`, ...) only change
//! the layout, on a device as on the host.
//!
//! ```
//! use tensor::opencl::OpenClDevice;
//! use tensor::{tensor, Device, Tensor};
//!
//! let device = Device::OpenCl(OpenClDevice::from_env()?);
//! let x: Tensor<f32> = tensor!([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
//! let on_device = x.to_device(&device)?;
//! let probabilities = on_device.t()?.softmax(0)?; // runs as OpenCL kernels
//! assert_eq!(probabilities.device(), device);
//! let back = probabilities.to_host()?;
//! assert!(back.is_on_host());
//! // Each of the two columns of the transpose sums to 1.
//! assert!((back.sum(&[], false)?.to_scalar()? - 2.0).abs() < 1e-5);
//! # Ok::<(), tensor::TensorError>(())
//! ```
//!
//! # Which operations run on the device
//!
//! An operation whose inputs are all on one OpenCL device runs there and returns a tensor on
//! that device. Inputs on different devices (host and device included) give
//! [`TensorError::DeviceMismatch`](crate::TensorError::DeviceMismatch).
//!
//! Kernels (in `kernels/*.cl`, for `f32`, and for `f64` where the device has `cl_khr_fp64`):
//!
//! - unary: `neg abs exp ln sqrt recip tanh sigmoid relu square powf clamp`, unary `-`;
//! - scalar: `add_scalar sub_scalar mul_scalar div_scalar rsub_scalar`, `tensor op scalar`;
//! - binary with broadcasting: `add sub mul div maximum minimum pow`, the operators
//!   `+ - * /`, the comparisons `eq ne lt le gt ge`, and `where_cond`;
//! - in place: `add_inplace scaled_add_inplace mul_scalar_inplace` (into a new buffer that
//!   replaces the old one, see below);
//! - reductions over any axes: `sum mean max min var logsumexp`, and `sum_all mean_all`
//!   through them;
//! - `softmax log_softmax`, `index_select gather scatter_add`, `top_k_mask`, and
//!   `contiguous` (so `reshape`, which copies through it);
//! - `cast` between `f32` and `f64`, and to the same type;
//! - `cat stack`, `view_scatter`, and `full_on zeros_on ones_on` (a fill kernel, so a zero
//!   gradient or a seed never comes from host memory);
//! - `mul_derivative`, the backward rules of `sqrt recip tanh sigmoid relu abs square powf
//!   clamp`, which the tape uses instead of closures;
//! - `matmul` (batched and broadcast, one launch per batch entry) and `gemm`, on any strides.
//!
//! That is enough for a whole training step of the ENN classifier (forward, cross-entropy,
//! backward through time, optimizer update) to run on the device with no copy back to the
//! host. What the host draws or reads still goes up once per step: the batch, the targets
//! (as indices), and the random initial state, noise and dropout masks (drawn on the host so
//! that every device gets the same numbers). [`host_fallbacks`] lists what ran on the host in
//! a step of your own.
//!
//! Every other operation falls back to the host: its inputs are downloaded (once per
//! buffer), the host code runs, and the result is uploaded to the device. This covers
//! `map zip_map map_inplace`, whose closures only run on the host, and the operations above
//! on views with more than six axes after merging (`index_select gather scatter_add` do not
//! merge axes). On a device without `cl_khr_fp64`, `cast::<f64>` converts on the host and
//! returns a tensor in host memory. `argmax` and `argmin` read the host copy and return
//! [`Indices`](crate::Indices) in host memory.
//!
//! # Mutation
//!
//! Device buffers never change after they are written. In-place operations on a device tensor
//! compute into a new buffer and replace the tensor's storage, so other handles keep the old
//! values, as copy on write does on the host. [`Tensor::as_mut_slice`](crate::Tensor::as_mut_slice)
//! downloads a device tensor and turns it into a host tensor.
//!
//! # Failures
//!
//! Operations that return `Result` report device failures (allocation, launch, transfer) as
//! [`TensorError::OpenCl`](crate::TensorError::OpenCl). Operations that return a plain
//! tensor (the unary functions, `contiguous`, `cast`) and the host accessors panic on such a
//! failure, because they have no error to return; [`Tensor::to_host`](crate::Tensor::to_host)
//! is the fallible way to read a device tensor.
//!
//! # Transfers
//!
//! [`transfer_stats`] counts every copy between host and device, so a test can check that a
//! chain of device operations copies nothing back.
//!
//! # Kernels
//!
//! `gemm.rs` launches the matrix product, whose kernel source and a guide to its tiling are in
//! `kernels/gemm.cl`; `matmul.rs` runs it for device tensors.

mod cast;
pub(crate) mod copy;
mod device;
pub(crate) mod dispatch;
pub(crate) mod elementwise;
pub(crate) mod gemm;
#[cfg(test)]
mod gemm_tests;
mod index;
mod launch;
mod layout;
pub(crate) mod matmul;
pub(crate) mod reduce;
mod softmax;
mod storage;
mod topk;
mod transfer;

pub use device::{DeviceInfo, OpenClDevice, DEVICE_ENV_VAR};
pub use storage::ClStorage;
pub use transfer::{host_fallbacks, reset_transfer_stats, transfer_stats, TransferStats};

use crate::storage::Storage;
use crate::{Element, Tensor};

impl<T: Element> Tensor<T> {
    /// Returns the OpenCL storage when the tensor lives on an OpenCL device.
    pub(crate) fn cl_storage(&self) -> Option<&std::sync::Arc<ClStorage<T>>> {
        match self.storage_enum() {
            Storage::OpenCl(data) => Some(data),
            Storage::Host(_) => None,
        }
    }
}
