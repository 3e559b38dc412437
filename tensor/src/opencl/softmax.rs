//! Host side of `kernels/softmax.cl`: softmax and log_softmax along one axis.

use super::launch::{enqueue, kernel_builder, output_tensor, program, SOFTMAX};
use super::layout::{coalesce, encode};
use super::ClStorage;
use crate::shape::num_elements;
use crate::{Element, Result, Tensor};

/// Runs softmax (`log_form == false`) or log_softmax along the normalised `axis` of `x`, whose
/// storage is `src`.
pub(crate) fn softmax<T: Element>(
    x: &Tensor<T>,
    src: &ClStorage<T>,
    axis: usize,
    log_form: bool,
) -> Result<Option<Tensor<T>>> {
    let mut lane_shape = x.shape().to_vec();
    let mut lane_strides = x.strides().to_vec();
    let len = lane_shape.remove(axis);
    let stride = lane_strides.remove(axis);
    let inner = num_elements(&x.shape()[axis + 1..]);
    let lanes = num_elements(&lane_shape);

    let (shape_c, [strides_c]) = coalesce(&lane_shape, [&lane_strides]);
    let Some(lane_layout) = encode(&shape_c, &strides_c, x.offset()) else {
        return Ok(None);
    };
    let device = src.device();
    let out = ClStorage::uninit(device, x.num_elements())?;
    if x.num_elements() > 0 {
        let name = if log_form { "log_softmax" } else { "softmax" };
        let program = program::<T>(device, &SOFTMAX)?;
        let mut builder = kernel_builder(device, &program, name, lanes);
        builder
            .arg(out.buffer())
            .arg(src.buffer())
            .arg(lane_layout)
            .arg(len as i64)
            .arg(stride as i64)
            .arg(inner as i64)
            .arg(lanes as i64);
        // SAFETY: lane l reads positions of `x`'s layout (lane start plus j * stride for
        // j < len), which lie inside `src`, and writes the output positions of its own lane,
        // all below outer * len * inner = num_elements.
        unsafe { enqueue(name, &builder)? };
    }
    Ok(Some(output_tensor(out, x.shape())))
}
