//! Tensors on OpenCL devices (only with the `opencl` cargo feature).
//!
//! # Devices and storage
//!
//! [`OpenClDevice`] opens one device of one platform: [`OpenClDevice::new`] takes the two
//! indices, [`OpenClDevice::from_env`] reads them from `TENSOR_OPENCL_DEVICE` (`0:0` by
//! default), and [`OpenClDevice::list`] shows what exists. A tensor moves to the device with
//! [`Tensor::to_device`](crate::Tensor::to_device) and back with
//! [`Tensor::to_host`](crate::Tensor::to_host); its elements then sit in a [`ClStorage`], an
//! OpenCL buffer that is written once and never changed.
//!
//! # Transfers
//!
//! [`transfer_stats`] counts every copy between host and device, so a test can check that a
//! chain of device operations copies nothing back.

mod device;
pub(crate) mod dispatch;
pub(crate) mod elementwise;
mod index;
mod launch;
mod layout;
pub(crate) mod reduce;
mod softmax;
mod storage;
mod transfer;

pub use device::{DeviceInfo, OpenClDevice, DEVICE_ENV_VAR};
pub use storage::ClStorage;
pub use transfer::{reset_transfer_stats, transfer_stats, TransferStats};

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
