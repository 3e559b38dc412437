//! Choosing where an operation runs when its inputs live on an OpenCL device.
//!
//! Every operation with an OpenCL path calls one function here before its host code. The rule:
//!
//! 1. all inputs in host memory: the function returns `None` and the host code runs;
//! 2. inputs on different devices (including host and device mixed): an error naming both;
//! 3. all inputs on one OpenCL device: the kernel runs when one exists and the layouts fit
//!    (at most six axes after merging). Otherwise the inputs are downloaded, the host code
//!    runs, and its result is uploaded to that device. Either way the result is on the device,
//!    except for a `cast` to `f64` on a device without `cl_khr_fp64` (see [`cast`]).

use super::elementwise::{self, BinaryOp, UnaryOp};
use super::reduce::{self as reduce_kernels, ReduceOp};
use super::{
    cast as cast_kernels, copy, index, softmax as softmax_kernels, topk, ClStorage, OpenClDevice,
};
use crate::{DType, Device, Element, Result, Tensor, TensorError};

/// Returns the OpenCL storage of a tensor that lives on a device.
fn cl<T: Element>(t: &Tensor<T>) -> Option<&ClStorage<T>> {
    t.cl_storage().map(|s| &**s)
}

/// Returns the one OpenCL device that stores every input, `None` when all are in host memory,
/// or [`TensorError::DeviceMismatch`] when they are spread over several devices.
pub(crate) fn common_device<T: Element>(
    op: &'static str,
    inputs: &[&Tensor<T>],
) -> Result<Option<OpenClDevice>> {
    let Some(first) = inputs.iter().find_map(|t| cl(t)) else {
        return Ok(None);
    };
    let device = first.device();
    let lead = inputs[0].device();
    for t in inputs {
        let same = cl(t).is_some_and(|s| s.device().same_device(device));
        if !same {
            // Name the first input's device, then the first device that differs from it, so
            // `host.add(&on_device)` reads "cpu and opencl" in argument order.
            let other = inputs
                .iter()
                .map(|t| t.device())
                .find(|d| *d != lead)
                .unwrap_or_else(|| t.device());
            return Err(TensorError::DeviceMismatch {
                op,
                lhs: lead.to_string(),
                rhs: other.to_string(),
            });
        }
    }
    Ok(Some(device.clone()))
}

/// Downloads `inputs`, runs `host` on the host copies and uploads its result to `device`;
/// counts the run under `op` in [`super::host_fallbacks`].
pub(crate) fn fallback<T: Element>(
    op: &'static str,
    device: &OpenClDevice,
    inputs: &[&Tensor<T>],
    host: impl FnOnce(&[Tensor<T>]) -> Result<Tensor<T>>,
) -> Result<Tensor<T>> {
    super::transfer::count_host_fallback(op);
    let copies = inputs
        .iter()
        .map(|t| t.to_host())
        .collect::<Result<Vec<_>>>()?;
    host(&copies)?.to_device(&Device::OpenCl(device.clone()))
}

/// Runs a unary operation on a device tensor: the kernel `op` when given, otherwise `host`.
///
/// # Panics
/// When the device fails (allocation, launch or transfer): the unary operations return a plain
/// tensor, so there is no error to return.
pub(crate) fn unary<T: Element>(
    x: &Tensor<T>,
    op: Option<UnaryOp<T>>,
    host: impl FnOnce(&Tensor<T>) -> Tensor<T>,
) -> Tensor<T> {
    let src = cl(x).expect("unary dispatch is only called for device tensors");
    let run = || -> Result<Tensor<T>> {
        if let Some(op) = op {
            if let Some(out) = elementwise::unary(x, src, op)? {
                return Ok(out);
            }
        }
        let name = op.map_or("map", UnaryOp::kernel_name);
        fallback(name, src.device(), &[x], |copies| Ok(host(&copies[0])))
    };
    match run() {
        Ok(out) => out,
        Err(e) => panic!("elementwise operation on an OpenCL device failed: {e}"),
    }
}

/// Runs a binary operation when either input is on a device; `None` when both are on the host.
pub(crate) fn binary<T: Element>(
    name: &'static str,
    lhs: &Tensor<T>,
    rhs: &Tensor<T>,
    op: Option<BinaryOp<T>>,
    host: impl FnOnce(&Tensor<T>, &Tensor<T>) -> Result<Tensor<T>>,
) -> Result<Option<Tensor<T>>> {
    let Some(device) = common_device(name, &[lhs, rhs])? else {
        return Ok(None);
    };
    if let (Some(op), Some(a), Some(b)) = (op, cl(lhs), cl(rhs)) {
        if let Some(out) = elementwise::binary(name, lhs, rhs, [a, b], op)? {
            return Ok(Some(out));
        }
    }
    fallback(name, &device, &[lhs, rhs], |c| host(&c[0], &c[1])).map(Some)
}

/// Runs `where_cond` when any input is on a device; `None` when all are on the host.
pub(crate) fn where_cond<T: Element>(
    inputs: [&Tensor<T>; 3],
    host: impl FnOnce(&Tensor<T>, &Tensor<T>, &Tensor<T>) -> Result<Tensor<T>>,
) -> Result<Option<Tensor<T>>> {
    let Some(device) = common_device("where_cond", &inputs)? else {
        return Ok(None);
    };
    if let (Some(m), Some(t), Some(f)) = (cl(inputs[0]), cl(inputs[1]), cl(inputs[2])) {
        if let Some(out) = elementwise::where_cond(inputs, [m, t, f])? {
            return Ok(Some(out));
        }
    }
    fallback("where_cond", &device, &inputs, |c| {
        host(&c[0], &c[1], &c[2])
    })
    .map(Some)
}

/// Runs a reduction of a device tensor over the sorted, distinct axes `reduced`: the kernel
/// `op` when given, otherwise `host`.
pub(crate) fn reduce<T: Element>(
    name: &'static str,
    x: &Tensor<T>,
    op: Option<ReduceOp>,
    reduced: &[usize],
    keepdim: bool,
    host: impl FnOnce(&Tensor<T>) -> Result<Tensor<T>>,
) -> Result<Tensor<T>> {
    let src = cl(x).expect("reduce dispatch is only called for device tensors");
    if let Some(op) = op {
        if let Some(out) = reduce_kernels::reduce(x, src, op, reduced, keepdim)? {
            return Ok(out);
        }
    }
    fallback(name, src.device(), &[x], |c| host(&c[0]))
}

/// Runs softmax or log_softmax of a device tensor along the normalised `axis`.
pub(crate) fn softmax<T: Element>(
    x: &Tensor<T>,
    axis: usize,
    log_form: bool,
    host: impl FnOnce(&Tensor<T>) -> Result<Tensor<T>>,
) -> Result<Tensor<T>> {
    let src = cl(x).expect("softmax dispatch is only called for device tensors");
    if let Some(out) = softmax_kernels::softmax(x, src, axis, log_form)? {
        return Ok(out);
    }
    let name = if log_form { "log_softmax" } else { "softmax" };
    fallback(name, src.device(), &[x], |c| host(&c[0]))
}

/// Runs index_select of a device tensor along the normalised `axis` with checked indices.
pub(crate) fn index_select<T: Element>(
    x: &Tensor<T>,
    axis: usize,
    indices: &[usize],
    host: impl FnOnce(&Tensor<T>) -> Result<Tensor<T>>,
) -> Result<Tensor<T>> {
    let src = cl(x).expect("index_select dispatch is only called for device tensors");
    if let Some(out) = index::index_select(x, src, axis, indices)? {
        return Ok(out);
    }
    fallback("index_select", src.device(), &[x], |c| host(&c[0]))
}

/// Runs gather of a device tensor along the normalised `axis` with a checked index.
pub(crate) fn gather<T: Element>(
    x: &Tensor<T>,
    axis: usize,
    values: &[usize],
    index_shape: &[usize],
    host: impl FnOnce(&Tensor<T>) -> Result<Tensor<T>>,
) -> Result<Tensor<T>> {
    let src = cl(x).expect("gather dispatch is only called for device tensors");
    if let Some(out) = index::gather(x, src, axis, values, index_shape)? {
        return Ok(out);
    }
    fallback("gather", src.device(), &[x], |c| host(&c[0]))
}

/// Runs top_k_mask of a device tensor along its last axis.
pub(crate) fn top_k_mask<T: Element>(
    x: &Tensor<T>,
    k: usize,
    host: impl FnOnce(&Tensor<T>) -> Result<Tensor<T>>,
) -> Result<Tensor<T>> {
    let src = cl(x).expect("top_k_mask dispatch is only called for device tensors");
    if let Some(out) = topk::top_k_mask(x, src, k)? {
        return Ok(out);
    }
    fallback("top_k_mask", src.device(), &[x], |c| host(&c[0]))
}

/// Concatenates tensors along the normalised `axis` when any is on a device; `None` when all
/// are on the host. `out_shape` is the checked output shape.
pub(crate) fn cat<T: Element>(
    tensors: &[&Tensor<T>],
    axis: usize,
    out_shape: &[usize],
    host: impl FnOnce(&[Tensor<T>]) -> Result<Tensor<T>>,
) -> Result<Option<Tensor<T>>> {
    let Some(device) = common_device("cat", tensors)? else {
        return Ok(None);
    };
    if let Some(out) = copy::cat(&device, tensors, axis, out_shape)? {
        return Ok(Some(out));
    }
    fallback("cat", &device, tensors, host).map(Some)
}

/// Runs `view_scatter` when `base` or `src` is on a device; `None` when both are on the host.
/// `view` is the checked layout of the view over a contiguous tensor of `base`'s shape.
pub(crate) fn view_scatter<T: Element>(
    base: &Tensor<T>,
    view: &crate::Layout,
    src: &Tensor<T>,
    host: impl FnOnce(&Tensor<T>, &Tensor<T>) -> Result<Tensor<T>>,
) -> Result<Option<Tensor<T>>> {
    let Some(device) = common_device("view_scatter", &[base, src])? else {
        return Ok(None);
    };
    if let Some(out) = copy::view_scatter(&device, base, view, src)? {
        return Ok(Some(out));
    }
    fallback("view_scatter", &device, &[base, src], |c| {
        host(&c[0], &c[1])
    })
    .map(Some)
}

/// Runs scatter_add along the normalised `axis` when `dst` or `src` is on a device; `None`
/// when both are on the host. The index values and shapes are already checked.
pub(crate) fn scatter_add<T: Element>(
    dst: &Tensor<T>,
    src: &Tensor<T>,
    axis: usize,
    values: &[usize],
    index_shape: &[usize],
    host: impl FnOnce(&Tensor<T>, &Tensor<T>) -> Result<Tensor<T>>,
) -> Result<Option<Tensor<T>>> {
    let Some(device) = common_device("scatter_add", &[dst, src])? else {
        return Ok(None);
    };
    if let (Some(d), Some(s)) = (cl(dst), cl(src)) {
        if let Some(out) = index::scatter_add(dst, d, src, s, axis, values, index_shape)? {
            return Ok(Some(out));
        }
    }
    fallback("scatter_add", &device, &[dst, src], |c| host(&c[0], &c[1])).map(Some)
}

/// Converts a device tensor to element type `U`: with the kernel when the device supports both
/// types and the layout fits, otherwise with `host` on a host copy. The host result goes back
/// to the device, unless `U` is `f64` and the device lacks `cl_khr_fp64`, so it stays in host
/// memory.
pub(crate) fn cast<T: Element, U: Element>(
    x: &Tensor<T>,
    host: impl FnOnce(&Tensor<T>) -> Tensor<U>,
) -> Result<Tensor<U>> {
    let src = cl(x).expect("cast dispatch is only called for device tensors");
    if let Some(out) = cast_kernels::cast(x, src)? {
        return Ok(out);
    }
    super::transfer::count_host_fallback("cast");
    let device = src.device();
    let converted = host(&x.to_host()?);
    if U::DTYPE == DType::F64 && !device.supports_f64() {
        return Ok(converted);
    }
    converted.to_device(&Device::OpenCl(device.clone()))
}
