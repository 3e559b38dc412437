//! Host side of `kernels/index.cl`: index_select and gather.
//!
//! The indices are uploaded as 64-bit integers (counted as an upload by the transfer
//! counters); the source tensor is read in place through its layout.

use ocl::Buffer;

use super::device::cl_error;
use super::launch::{enqueue, kernel_builder, output_tensor, program, INDEX};
use super::layout::encode;
use super::transfer::count_upload;
use super::{ClStorage, OpenClDevice};
use crate::shape::num_elements;
use crate::{Element, Result, Tensor};

/// Uploads `indices` as a buffer of `long` (at least one element, as OpenCL needs).
fn upload_indices(device: &OpenClDevice, indices: &[usize]) -> Result<Buffer<i64>> {
    let values: Vec<i64> = if indices.is_empty() {
        vec![0]
    } else {
        indices.iter().map(|&i| i as i64).collect()
    };
    let buffer = Buffer::<i64>::builder()
        .queue(device.queue().clone())
        .len(values.len())
        .copy_host_slice(&values)
        .build()
        .map_err(|e| cl_error("upload indices", e))?;
    count_upload(std::mem::size_of_val(indices));
    Ok(buffer)
}

/// Runs index_select along the normalised `axis`; the indices are already checked.
pub(crate) fn index_select<T: Element>(
    x: &Tensor<T>,
    src: &ClStorage<T>,
    axis: usize,
    indices: &[usize],
) -> Result<Option<Tensor<T>>> {
    let Some(layout) = encode(x.shape(), x.strides(), x.offset()) else {
        return Ok(None);
    };
    let mut out_shape = x.shape().to_vec();
    out_shape[axis] = indices.len();
    let n = num_elements(&out_shape);
    let device = src.device();
    let out = ClStorage::uninit(device, n)?;
    if n > 0 {
        let index_buffer = upload_indices(device, indices)?;
        let program = program::<T>(device, &INDEX)?;
        let mut builder = kernel_builder(device, &program, "index_select", n);
        builder
            .arg(out.buffer())
            .arg(src.buffer())
            .arg(layout)
            .arg(&index_buffer)
            .arg(axis as i64)
            .arg(indices.len() as i64)
            .arg(n as i64);
        // SAFETY: every index is below the size of `axis` (checked by the caller), so each
        // read is a position of `x`'s layout inside `src`; work-item i writes out[i] < n.
        unsafe { enqueue("index_select", &builder)? };
    }
    Ok(Some(output_tensor(out, &out_shape)))
}

/// Runs gather along the normalised `axis` with an index of shape `index_shape`; the index
/// values and shape are already checked.
pub(crate) fn gather<T: Element>(
    x: &Tensor<T>,
    src: &ClStorage<T>,
    axis: usize,
    values: &[usize],
    index_shape: &[usize],
) -> Result<Option<Tensor<T>>> {
    let zeros = vec![0isize; index_shape.len()];
    let (Some(layout), Some(shape)) = (
        encode(x.shape(), x.strides(), x.offset()),
        encode(index_shape, &zeros, 0),
    ) else {
        return Ok(None);
    };
    let n = num_elements(index_shape);
    let device = src.device();
    let out = ClStorage::uninit(device, n)?;
    if n > 0 {
        let index_buffer = upload_indices(device, values)?;
        let program = program::<T>(device, &INDEX)?;
        let mut builder = kernel_builder(device, &program, "gather", n);
        builder
            .arg(out.buffer())
            .arg(src.buffer())
            .arg(layout)
            .arg(&index_buffer)
            .arg(shape)
            .arg(axis as i64)
            .arg(n as i64);
        // SAFETY: the index fits inside `x` along every other axis and its values are below
        // the size of `axis` (checked by the caller), so each read lies inside `src`.
        unsafe { enqueue("gather", &builder)? };
    }
    Ok(Some(output_tensor(out, index_shape)))
}
