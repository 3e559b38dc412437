//! Host side of `kernels/topk.cl`: top_k_mask along the last axis.

use super::launch::{enqueue, kernel_builder, output_tensor, program, TOPK};
use super::layout::{coalesce, encode};
use super::ClStorage;
use crate::{Element, Result, Tensor};

/// Runs top_k_mask of `x`, whose storage is `src`, into a contiguous tensor on the same
/// device. Returns `None` when the layout without its last axis has more than six axes after
/// merging.
pub(crate) fn top_k_mask<T: Element>(
    x: &Tensor<T>,
    src: &ClStorage<T>,
    k: usize,
) -> Result<Option<Tensor<T>>> {
    // A rank-0 tensor is one row of one element, so it gets a last axis of size 1.
    let (row_shape, row_strides, len, stride) = match x.shape().split_last() {
        Some((&len, row_shape)) => {
            let (&stride, row_strides) = x.strides().split_last().expect("strides match shape");
            (row_shape, row_strides, len, stride)
        }
        None => (x.shape(), x.strides(), 1, 0),
    };
    let (shape_c, [strides_c]) = coalesce(row_shape, [row_strides]);
    let Some(rows) = encode(&shape_c, &strides_c, x.offset()) else {
        return Ok(None);
    };

    let n = x.num_elements();
    let device = src.device();
    let out = ClStorage::uninit(device, n)?;
    if n > 0 {
        let program = program::<T>(device, &TOPK)?;
        let mut builder = kernel_builder(device, &program, "top_k_mask", n);
        builder
            .arg(out.buffer())
            .arg(src.buffer())
            .arg(rows)
            .arg(len as i64)
            .arg(stride as i64)
            .arg(k.min(len) as i64)
            .arg(n as i64);
        // SAFETY: n > 0 means len > 0. Work-item o reads the columns 0..len of row o / len,
        // positions of `x`'s layout that lie inside `src`, and writes out[o] with o < n.
        unsafe { enqueue("top_k_mask", &builder)? };
    }
    Ok(Some(output_tensor(out, x.shape())))
}
