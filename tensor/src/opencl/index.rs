//! Host side of `kernels/index.cl`: index_select, gather and scatter_add.
//!
//! The indices are uploaded as 64-bit integers (counted as an upload by the transfer
//! counters); the tensors are read in place through their layouts.

use ocl::Buffer;

use super::device::cl_error;
use super::launch::{enqueue, kernel_builder, output_tensor, program, INDEX};
use super::layout::encode;
use super::transfer::count_upload;
use super::{ClStorage, OpenClDevice};
use crate::shape::{contiguous_strides, num_elements};
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

/// Runs scatter_add along the normalised `axis` into a copy of `dst` (whose storage is
/// `dst_storage`), with an index of shape `index_shape`. The caller has checked the index
/// values and the shapes.
pub(crate) fn scatter_add<T: Element>(
    dst: &Tensor<T>,
    dst_storage: &ClStorage<T>,
    src: &Tensor<T>,
    src_storage: &ClStorage<T>,
    axis: usize,
    values: &[usize],
    index_shape: &[usize],
) -> Result<Option<Tensor<T>>> {
    let index_strides = contiguous_strides(index_shape);
    // `src` is read only where the index is, so its view is cut to the index shape.
    let (Some(dst_layout), Some(src_layout), Some(index_layout)) = (
        encode(dst.shape(), dst.strides(), dst.offset()),
        encode(index_shape, src.strides(), src.offset()),
        encode(index_shape, &index_strides, 0),
    ) else {
        return Ok(None);
    };
    let n = dst.num_elements();
    let device = dst_storage.device();
    let out = ClStorage::uninit(device, n)?;
    if n > 0 {
        let index_buffer = upload_indices(device, values)?;
        let program = program::<T>(device, &INDEX)?;
        let mut builder = kernel_builder(device, &program, "scatter_add", n);
        builder
            .arg(out.buffer())
            .arg(dst_storage.buffer())
            .arg(dst_layout)
            .arg(src_storage.buffer())
            .arg(src_layout)
            .arg(&index_buffer)
            .arg(index_layout)
            .arg(axis as i64)
            .arg(n as i64);
        // SAFETY: work-item o reads position o of `dst`'s layout, inside `dst_storage`. It
        // reads the index and `src` only at multi-indices inside the index shape, which is no
        // larger than `src` along any axis (checked by the caller), so those reads lie inside
        // `index_buffer` and `src_storage`; it writes out[o] with o < n.
        unsafe { enqueue("scatter_add", &builder)? };
    }
    Ok(Some(output_tensor(out, dst.shape())))
}
