//! Matrix products of tensors on an OpenCL device: the device side of [`crate::matmul::gemm`]
//! and [`Tensor::matmul`]. Both run the kernel of `gemm.rs` and leave the result on the
//! device, so a chain of products copies nothing back to the host.
//!
//! Device buffers are written once (see [`ClStorage`]), so `gemm` on a device tensor `c` does
//! not change `c`'s buffer: it writes `alpha * A B + beta * C` into a new contiguous buffer and
//! makes `c` a handle to it.

use std::sync::Arc;

use super::gemm::{launch_gemm, DeviceMatrix, GEMM_SOURCE};
use super::{ClStorage, OpenClDevice};
use crate::storage::Storage;
use crate::{Element, Layout, Result, Tensor, TensorError};

/// Name under which the GEMM program is cached on each device.
const PROGRAM_NAME: &str = "gemm.cl";

/// Returns the OpenCL storage of `t`, or a [`TensorError::DeviceMismatch`] naming `op` when
/// `t` is in host memory while `other` is on a device.
fn cl_storage<'t, T: Element>(
    op: &'static str,
    t: &'t Tensor<T>,
    other: &Tensor<T>,
) -> Result<&'t Arc<ClStorage<T>>> {
    match t.storage_enum() {
        Storage::OpenCl(storage) => Ok(storage),
        Storage::Host(_) => Err(TensorError::DeviceMismatch {
            op,
            lhs: t.device().to_string(),
            rhs: other.device().to_string(),
        }),
    }
}

/// Checks that two storages sit on the same opened device.
fn same_device<T: Element>(op: &'static str, lhs: &ClStorage<T>, rhs: &ClStorage<T>) -> Result<()> {
    if lhs.device().same_device(rhs.device()) {
        return Ok(());
    }
    Err(TensorError::DeviceMismatch {
        op,
        lhs: lhs.device().to_string(),
        rhs: rhs.device().to_string(),
    })
}

/// Returns the matrix at `offset` inside `storage` with the last two strides of `t`.
fn matrix_at<'s, T: Element>(
    storage: &'s ClStorage<T>,
    t: &Tensor<T>,
    offset: usize,
) -> DeviceMatrix<'s, T> {
    let rank = t.rank();
    DeviceMatrix {
        buffer: storage.buffer(),
        offset,
        row_stride: t.strides()[rank - 2],
        col_stride: t.strides()[rank - 1],
    }
}

/// Builds (or fetches from the device's cache) the GEMM program for `T`.
fn program<T: Element>(device: &OpenClDevice) -> Result<ocl::Program> {
    device.program(PROGRAM_NAME, GEMM_SOURCE, T::DTYPE)
}

/// Computes `c = alpha * A B + beta * c` for 2-D tensors on one OpenCL device; the shapes were
/// checked by the caller. `c` becomes a contiguous `m x n` tensor in a new device buffer.
///
/// # Errors
/// [`TensorError::DeviceMismatch`] when an operand is in host memory or on another device,
/// [`TensorError::OpenCl`] when the device fails to build, allocate or launch.
pub(crate) fn gemm_opencl<T: Element>(
    alpha: T,
    a: &Tensor<T>,
    b: &Tensor<T>,
    beta: T,
    c: &mut Tensor<T>,
) -> Result<()> {
    let op = "gemm";
    let a_storage = cl_storage(op, a, b)?;
    let b_storage = cl_storage(op, b, a)?;
    let c_storage = cl_storage(op, c, a)?;
    same_device(op, a_storage, b_storage)?;
    same_device(op, a_storage, c_storage)?;

    let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[1]);
    let device = a_storage.device();
    let out = ClStorage::uninit(device, m * n)?;
    let out_matrix = DeviceMatrix {
        buffer: out.buffer(),
        offset: 0,
        row_stride: n as isize,
        col_stride: 1,
    };
    launch_gemm(
        device.queue(),
        &program::<T>(device)?,
        (m, k, n),
        alpha,
        matrix_at(a_storage, a, a.offset()),
        matrix_at(b_storage, b, b.offset()),
        beta,
        matrix_at(c_storage, c, c.offset()),
        out_matrix,
    )?;

    *c = Tensor::from_storage_enum(Storage::OpenCl(Arc::new(out)), Layout::contiguous(&[m, n]));
    Ok(())
}

/// Multiplies `lhs` (`[batch.., m, k]`) by `rhs` (`[batch.., k, n]`) on their OpenCL device,
/// both already broadcast to the same batch axes, into a new contiguous `[batch.., m, n]`
/// tensor on that device. One kernel runs per batch entry.
///
/// # Errors
/// [`TensorError::DeviceMismatch`] when an operand is in host memory or on another device,
/// [`TensorError::OpenCl`] when the device fails to build, allocate or launch.
pub(crate) fn matmul_opencl<T: Element>(lhs: &Tensor<T>, rhs: &Tensor<T>) -> Result<Tensor<T>> {
    let op = "matmul";
    let lhs_storage = cl_storage(op, lhs, rhs)?;
    let rhs_storage = cl_storage(op, rhs, lhs)?;
    same_device(op, lhs_storage, rhs_storage)?;

    let rank = lhs.rank();
    let batch_shape = &lhs.shape()[..rank - 2];
    let (m, k, n) = (
        lhs.shape()[rank - 2],
        lhs.shape()[rank - 1],
        rhs.shape()[rank - 1],
    );
    let batches: usize = batch_shape.iter().product();
    let device = lhs_storage.device();
    let out = ClStorage::uninit(device, batches * m * n)?;
    let program = program::<T>(device)?;

    for batch in 0..batches {
        let lhs_offset = batch_offset(lhs, batch);
        let rhs_offset = batch_offset(rhs, batch);
        let out_matrix = DeviceMatrix {
            buffer: out.buffer(),
            offset: batch * m * n,
            row_stride: n as isize,
            col_stride: 1,
        };
        launch_gemm(
            device.queue(),
            &program,
            (m, k, n),
            T::ONE,
            matrix_at(lhs_storage, lhs, lhs_offset),
            matrix_at(rhs_storage, rhs, rhs_offset),
            T::ZERO,
            out_matrix,
            out_matrix,
        )?;
    }

    let shape = [batch_shape, &[m, n]].concat();
    Ok(Tensor::from_storage_enum(
        Storage::OpenCl(Arc::new(out)),
        Layout::contiguous(&shape),
    ))
}

/// Returns the storage position of matrix number `batch` (row-major over the batch axes) of
/// a tensor of rank at least 2.
fn batch_offset<T: Element>(t: &Tensor<T>, batch: usize) -> usize {
    let rank = t.rank();
    let mut remaining = batch;
    let mut offset = t.offset() as isize;
    for axis in (0..rank - 2).rev() {
        let size = t.shape()[axis];
        offset += (remaining % size) as isize * t.strides()[axis];
        remaining /= size;
    }
    // A valid layout never addresses a negative position.
    offset as usize
}
