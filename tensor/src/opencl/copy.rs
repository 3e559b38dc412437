//! Host side of `kernels/copy.cl`: device tensors filled with one value, `cat`, and
//! `view_scatter` (a copy of a tensor with the elements of one view replaced).
//!
//! A copy of a view `src` into positions of the output is planned as two layouts of the same
//! shape: one over the output buffer and one over `src`'s storage. [`coalesce`] merges their
//! axes, so most copies fit the kernels' six axes. The functions return `Ok(None)` when a copy
//! still has more, and the caller runs the host code.

use ocl::prm::Long16;

use super::launch::{enqueue, kernel_builder, output_tensor, program, COPY};
use super::layout::{coalesce, encode};
use super::{ClStorage, OpenClDevice};
use crate::shape::num_elements;
use crate::{Element, Layout, Result, Tensor};

/// One copy: `len` elements of a view of `source` to positions of the output.
struct Piece<'a, T: Element> {
    dst: Long16,
    src: Long16,
    source: &'a ClStorage<T>,
    len: usize,
}

/// Plans the copy of the device tensor `src` into the positions that `dst` (a layout of
/// `src`'s shape over the output buffer) reaches. Returns `None` when it needs more than six
/// axes.
fn plan<'a, T: Element>(dst: &Layout, src: &'a Tensor<T>) -> Option<Piece<'a, T>> {
    let source = src.cl_storage()?;
    let (shape, [dst_strides, src_strides]) = coalesce(src.shape(), [dst.strides(), src.strides()]);
    Some(Piece {
        dst: encode(&shape, &dst_strides, dst.offset())?,
        src: encode(&shape, &src_strides, src.offset())?,
        source,
        len: src.num_elements(),
    })
}

/// Runs the planned copies into `out`, in order.
fn run<T: Element>(
    device: &OpenClDevice,
    out: &ClStorage<T>,
    copies: &[Piece<'_, T>],
) -> Result<()> {
    let program = program::<T>(device, &COPY)?;
    for copy in copies.iter().filter(|c| c.len > 0) {
        let mut builder = kernel_builder(device, &program, "copy_strided", copy.len);
        builder
            .arg(out.buffer())
            .arg(copy.dst)
            .arg(copy.source.buffer())
            .arg(copy.src)
            .arg(copy.len as i64);
        // SAFETY: `dst` is a view of a contiguous layout whose element count is `out`'s
        // length, so every position it reaches lies inside `out`. `src` is the layout of a
        // tensor over `source`, and work-items stop at `len`.
        unsafe { enqueue("copy_strided", &builder)? };
    }
    Ok(())
}

/// Returns a contiguous tensor of `shape` on `device` whose elements are all `value`.
pub(crate) fn full<T: Element>(
    device: &OpenClDevice,
    shape: &[usize],
    value: T,
) -> Result<Tensor<T>> {
    let n = num_elements(shape);
    let out = ClStorage::uninit(device, n)?;
    if n > 0 {
        let program = program::<T>(device, &COPY)?;
        let mut builder = kernel_builder(device, &program, "fill", n);
        builder.arg(out.buffer()).arg(value).arg(n as i64);
        // SAFETY: work-item i writes out[i] with i < n, and `out` has n elements.
        unsafe { enqueue("fill", &builder)? };
    }
    Ok(output_tensor(out, shape))
}

/// Concatenates device tensors along the normalised `axis` into a tensor of `out_shape`;
/// the caller has checked the shapes and that every input is on `device`.
pub(crate) fn cat<T: Element>(
    device: &OpenClDevice,
    tensors: &[&Tensor<T>],
    axis: usize,
    out_shape: &[usize],
) -> Result<Option<Tensor<T>>> {
    let out_layout = Layout::contiguous(out_shape);
    let mut copies = Vec::with_capacity(tensors.len());
    let mut start = 0;
    for t in tensors {
        let len = t.shape()[axis];
        let dst = out_layout.narrow(axis as isize, start, len)?;
        start += len;
        match plan(&dst, t) {
            Some(copy) => copies.push(copy),
            None => return Ok(None),
        }
    }
    let out = ClStorage::uninit(device, num_elements(out_shape))?;
    run(device, &out, &copies)?;
    Ok(Some(output_tensor(out, out_shape)))
}

/// Returns a contiguous copy of `base` in which the positions that `view` (a layout over a
/// contiguous tensor of `base`'s shape, reaching no position twice) reaches hold `src`.
pub(crate) fn view_scatter<T: Element>(
    device: &OpenClDevice,
    base: &Tensor<T>,
    view: &Layout,
    src: &Tensor<T>,
) -> Result<Option<Tensor<T>>> {
    let whole = Layout::contiguous(base.shape());
    let (Some(first), Some(second)) = (plan(&whole, base), plan(view, src)) else {
        return Ok(None);
    };
    let out = ClStorage::uninit(device, base.num_elements())?;
    run(device, &out, &[first, second])?;
    Ok(Some(output_tensor(out, base.shape())))
}
