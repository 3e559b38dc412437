//! [`ClStorage`]: the elements of a tensor in an OpenCL buffer, plus a host copy made on first
//! host access.

use std::sync::{Arc, OnceLock};

use ocl::Buffer;

use super::device::{cl_error, OpenClDevice};
use super::transfer::{count_download, count_upload};
use crate::{Element, Result};

/// A device buffer of `len` elements and a lazily filled host mirror.
///
/// Design decision: a buffer is written once, when it is created (by an upload or as the
/// output of a kernel), and never changes afterwards. That is what makes the mirror safe: once
/// downloaded it stays equal to the buffer, so host accessors ([`crate::Tensor::storage`],
/// iteration, every operation without a kernel) download at most once per buffer. Code that
/// wants to write into an existing buffer must own it alone (`Arc::get_mut`) and call
/// [`ClStorage::invalidate_mirror`] afterwards.
pub struct ClStorage<T: Element> {
    buffer: Buffer<T>,
    /// Number of elements. The buffer has room for at least one element even when this is 0,
    /// OpenCL does not allow empty buffers.
    len: usize,
    device: OpenClDevice,
    mirror: OnceLock<Arc<Vec<T>>>,
}

impl<T: Element> ClStorage<T> {
    /// Allocates an uninitialised buffer of `len` elements for a kernel to fill.
    pub(crate) fn uninit(device: &OpenClDevice, len: usize) -> Result<Self> {
        let buffer = Buffer::<T>::builder()
            .queue(device.queue().clone())
            .len(len.max(1))
            .build()
            .map_err(|e| cl_error("allocate device buffer", e))?;
        Ok(ClStorage {
            buffer,
            len,
            device: device.clone(),
            mirror: OnceLock::new(),
        })
    }

    /// Copies `data` to a new buffer on `device` (counted as one upload).
    pub(crate) fn upload(device: &OpenClDevice, data: &[T]) -> Result<Self> {
        let storage = Self::uninit(device, data.len())?;
        if !data.is_empty() {
            storage
                .buffer
                .write(data)
                .enq()
                .map_err(|e| cl_error("upload", e))?;
            count_upload(std::mem::size_of_val(data));
        }
        Ok(storage)
    }

    /// Returns the OpenCL buffer (at least one element long, see [`ClStorage::len`]).
    pub fn buffer(&self) -> &Buffer<T> {
        &self.buffer
    }

    /// Returns the number of elements.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns true when the storage contains no elements.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Returns the device that stores the buffer.
    pub fn device(&self) -> &OpenClDevice {
        &self.device
    }

    /// Returns the host copy of the buffer, downloading it on first call (one download).
    ///
    /// # Errors
    /// [`crate::TensorError::OpenCl`] when the read fails (for example the device was lost).
    pub fn host(&self) -> Result<&Arc<Vec<T>>> {
        if let Some(mirror) = self.mirror.get() {
            return Ok(mirror);
        }
        let mut data = vec![T::ZERO; self.len];
        if self.len > 0 {
            self.buffer
                .read(&mut data)
                .enq()
                .map_err(|e| cl_error("download", e))?;
            count_download(self.len * std::mem::size_of::<T>());
        }
        // Another thread may have filled the mirror meanwhile; both copies are equal.
        Ok(self.mirror.get_or_init(|| Arc::new(data)))
    }

    /// Forgets the host copy after the buffer was written in place.
    pub fn invalidate_mirror(&mut self) {
        self.mirror = OnceLock::new();
    }
}
