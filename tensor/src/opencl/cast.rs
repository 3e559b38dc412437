//! Host side of `kernels/cast.cl`: converting a device tensor to another element type.

use super::launch::{enqueue, kernel_builder, output_tensor, CAST};
use super::layout::{coalesce, encode};
use super::ClStorage;
use crate::{DType, Element, Result, Tensor};

/// Converts `x` (whose storage is `src`) to element type `U` into a contiguous tensor on the
/// same device. Returns `None` when either type is `f64` and the device lacks `cl_khr_fp64`,
/// or when the layout has more than six axes after merging.
pub(crate) fn cast<T: Element, U: Element>(
    x: &Tensor<T>,
    src: &ClStorage<T>,
) -> Result<Option<Tensor<U>>> {
    let device = src.device();
    let uses_f64 = T::DTYPE == DType::F64 || U::DTYPE == DType::F64;
    if uses_f64 && !device.supports_f64() {
        return Ok(None);
    }
    let (shape, [strides]) = coalesce(x.shape(), [x.strides()]);
    let Some(layout) = encode(&shape, &strides, x.offset()) else {
        return Ok(None);
    };

    let n = x.num_elements();
    let out = ClStorage::<U>::uninit(device, n)?;
    if n > 0 {
        let program =
            device.program_with_types(CAST.name, CAST.text, U::DTYPE, &[("S", T::DTYPE)])?;
        let mut builder = kernel_builder(device, &program, "cast_elements", n);
        builder
            .arg(out.buffer())
            .arg(src.buffer())
            .arg(layout)
            .arg(n as i64);
        // SAFETY: work-item i reads position i of `x`'s layout, which lies inside `src`, and
        // writes out[i] with i < n.
        unsafe { enqueue("cast", &builder)? };
    }
    Ok(Some(output_tensor(out, x.shape())))
}
