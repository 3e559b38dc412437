//! Building and running kernels: the kernel sources, the output buffer and the launch.

use std::sync::Arc;

use ocl::{Kernel, Program};

use super::device::{cl_error, OpenClDevice};
use super::ClStorage;
use crate::storage::Storage;
use crate::{Element, Layout, Result, Tensor};

/// A kernel file: its name (the key of the program cache) and its full source, which starts
/// with the shared helpers of `strided.cl`.
pub(crate) struct Source {
    pub(crate) name: &'static str,
    pub(crate) text: &'static str,
}

/// Elementwise unary, binary and selection kernels.
pub(crate) const ELEMENTWISE: Source = Source {
    name: "elementwise.cl",
    text: concat!(
        include_str!("kernels/strided.cl"),
        include_str!("kernels/elementwise.cl")
    ),
};

/// Reductions along any set of axes.
pub(crate) const REDUCE: Source = Source {
    name: "reduce.cl",
    text: concat!(
        include_str!("kernels/strided.cl"),
        include_str!("kernels/reduce.cl")
    ),
};

/// softmax and log_softmax along one axis.
pub(crate) const SOFTMAX: Source = Source {
    name: "softmax.cl",
    text: concat!(
        include_str!("kernels/strided.cl"),
        include_str!("kernels/softmax.cl")
    ),
};

/// index_select and gather.
pub(crate) const INDEX: Source = Source {
    name: "index.cl",
    text: concat!(
        include_str!("kernels/strided.cl"),
        include_str!("kernels/index.cl")
    ),
};

/// Filling a buffer and copying views into positions of another buffer.
pub(crate) const COPY: Source = Source {
    name: "copy.cl",
    text: concat!(
        include_str!("kernels/strided.cl"),
        include_str!("kernels/copy.cl")
    ),
};

/// Conversion between element types (built with two type macros, see `cast.rs`).
pub(crate) const CAST: Source = Source {
    name: "cast.cl",
    text: concat!(
        include_str!("kernels/strided.cl"),
        include_str!("kernels/cast.cl")
    ),
};

/// top_k_mask along the last axis.
pub(crate) const TOPK: Source = Source {
    name: "topk.cl",
    text: concat!(
        include_str!("kernels/strided.cl"),
        include_str!("kernels/topk.cl")
    ),
};

/// Returns the program of `source` for element type `T` on `device`, built on first use.
pub(crate) fn program<T: Element>(device: &OpenClDevice, source: &Source) -> Result<Program> {
    device.program(source.name, source.text, T::DTYPE)
}

/// Work-items per work-group for every launch.
///
/// A fixed size, with the global size rounded up to a multiple of it, means one compiled
/// variant per kernel. PoCL 3.1 compiles a kernel again for every new work-group size, so
/// letting the driver pick the size from the element count made the tests about 30 times
/// slower. The kernels skip the work-items past `n`.
const WORK_GROUP_SIZE: usize = 64;

/// Starts a kernel builder for `name` over `n` work-items (rounded up to whole work-groups)
/// on the device's queue.
pub(crate) fn kernel_builder<'b>(
    device: &OpenClDevice,
    program: &'b Program,
    name: &'static str,
    n: usize,
) -> ocl::builders::KernelBuilder<'b> {
    let local = WORK_GROUP_SIZE.min(device.max_work_group_size()).max(1);
    let mut builder = Kernel::builder();
    builder
        .program(program)
        .name(name)
        .queue(device.queue().clone())
        .global_work_size(n.div_ceil(local) * local)
        .local_work_size(local);
    builder
}

/// Builds and enqueues a kernel whose arguments are set.
///
/// # Safety
/// The kernel must only read inside its input buffers and write inside its output buffer for
/// the `n` work-items it was given.
pub(crate) unsafe fn enqueue(
    op: &'static str,
    builder: &ocl::builders::KernelBuilder,
) -> Result<()> {
    let kernel = builder.build().map_err(|e| cl_error(op, e))?;
    // SAFETY: the caller guarantees that every access of the kernel stays inside its buffers.
    unsafe { kernel.enq() }.map_err(|e| cl_error(op, e))
}

/// Wraps a filled output buffer as a contiguous tensor of `shape`.
pub(crate) fn output_tensor<T: Element>(storage: ClStorage<T>, shape: &[usize]) -> Tensor<T> {
    Tensor::from_storage_enum(
        Storage::OpenCl(Arc::new(storage)),
        Layout::contiguous(shape),
    )
}
