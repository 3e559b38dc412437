//! Tensor storage: [`Storage`] is host memory, or an OpenCL buffer when the `opencl` feature
//! is on.
//!
//! Without the feature the enum has one variant, so every match on it compiles to nothing.

use std::sync::Arc;

#[cfg(feature = "opencl")]
use crate::opencl::ClStorage;
use crate::Element;

/// The flat elements behind a tensor, shared by every view of it.
pub(crate) enum Storage<T: Element> {
    /// Elements in host memory.
    Host(Arc<Vec<T>>),
    /// Elements in a buffer on an OpenCL device.
    #[cfg(feature = "opencl")]
    OpenCl(Arc<ClStorage<T>>),
}

impl<T: Element> Clone for Storage<T> {
    fn clone(&self) -> Self {
        match self {
            Storage::Host(data) => Storage::Host(Arc::clone(data)),
            #[cfg(feature = "opencl")]
            Storage::OpenCl(data) => Storage::OpenCl(Arc::clone(data)),
        }
    }
}

impl<T: Element> Storage<T> {
    /// Returns the elements in host memory, downloading a device buffer on first access.
    ///
    /// # Panics
    /// When reading a device buffer fails (the device was lost or ran out of memory); use
    /// [`crate::Tensor::to_host`] to get that failure as an error.
    #[inline]
    pub(crate) fn host(&self) -> &Arc<Vec<T>> {
        match self {
            Storage::Host(data) => data,
            #[cfg(feature = "opencl")]
            Storage::OpenCl(data) => match data.host() {
                Ok(mirror) => mirror,
                Err(e) => panic!("reading a tensor back from its OpenCL device failed: {e}"),
            },
        }
    }

    /// Returns true when both refer to the same storage.
    pub(crate) fn ptr_eq(&self, other: &Storage<T>) -> bool {
        match (self, other) {
            (Storage::Host(a), Storage::Host(b)) => Arc::ptr_eq(a, b),
            #[cfg(feature = "opencl")]
            (Storage::OpenCl(a), Storage::OpenCl(b)) => Arc::ptr_eq(a, b),
            #[cfg(feature = "opencl")]
            _ => false,
        }
    }
}
