//! The OpenCL GEMM: `D = alpha * A B + beta * C` on device buffers, with the kernel in
//! `kernels/gemm.cl` (read its header first: it explains the tiling).
//!
//! [`launch_gemm`] takes each matrix as a buffer plus an offset and a row and a column stride,
//! exactly as the CPU GEMM reads host memory, so transposed, sliced and reversed views run
//! without a copy. It checks that every addressed element lies inside its buffer before it
//! enqueues the kernel, because an out-of-range read on a device is undefined behaviour rather
//! than an error.

use ocl::{Buffer, Kernel, Program, Queue};

use super::device::cl_error;
use crate::{Element, Result, TensorError};

/// OpenCL C source of the GEMM kernel.
pub(crate) const GEMM_SOURCE: &str = include_str!("kernels/gemm.cl");

/// Name of the kernel function in [`GEMM_SOURCE`].
pub(crate) const GEMM_KERNEL: &str = "gemm";

/// Rows and columns of C computed by one work-group (`TILE_M`, `TILE_N` in the kernel).
const TILE: usize = 64;

/// Work-items along each axis of a work-group (`GROUP_X`, `GROUP_Y` in the kernel).
const GROUP: usize = 16;

/// A matrix inside a device buffer: element `(i, j)` lives at
/// `offset + i * row_stride + j * col_stride` (strides in elements, possibly negative or zero).
#[derive(Clone, Copy, Debug)]
pub(crate) struct DeviceMatrix<'a, T: Element> {
    /// The buffer holding the elements.
    pub buffer: &'a Buffer<T>,
    /// Position of element `(0, 0)`.
    pub offset: usize,
    /// Elements between `(i, j)` and `(i + 1, j)`.
    pub row_stride: isize,
    /// Elements between `(i, j)` and `(i, j + 1)`.
    pub col_stride: isize,
}

impl<T: Element> DeviceMatrix<'_, T> {
    /// Checks that every element of a `rows x cols` matrix lies inside the buffer.
    fn check_span(&self, name: &str, rows: usize, cols: usize) -> Result<()> {
        if rows == 0 || cols == 0 {
            return Ok(());
        }
        let mut low = self.offset as i128;
        let mut high = self.offset as i128;
        for (size, stride) in [(rows, self.row_stride), (cols, self.col_stride)] {
            let reach = (size as i128 - 1) * stride as i128;
            if reach < 0 {
                low += reach;
            } else {
                high += reach;
            }
        }
        let len = self.buffer.len() as i128;
        if low < 0 || high >= len {
            return Err(TensorError::invalid(
                "gemm_opencl",
                format!(
                    "matrix {name} ({rows} x {cols}, offset {}, strides [{}, {}]) reaches positions {low}..={high} of a buffer of {len} elements; pass a view that fits its buffer",
                    self.offset, self.row_stride, self.col_stride
                ),
            ));
        }
        Ok(())
    }
}

/// Enqueues `D = alpha * A B + beta * C` on `queue` for an `m x k` matrix `a`, a `k x n`
/// matrix `b` and `m x n` matrices `c` and `d`, with the GEMM kernel of `program` (built from
/// [`GEMM_SOURCE`] with the element type `T` defined as the macro `T`).
///
/// The call returns once the kernel is enqueued; commands later enqueued on the same in-order
/// queue see the result. When `beta` is zero the values of `c` are not read, so `c` may be
/// `d` itself.
///
/// The caller must pass a `d` whose elements are pairwise distinct (no zero or overlapping
/// strides) and that shares no element with `a` or `b`. `d` must also be either exactly `c`
/// (same buffer and layout, for an in-place update) or disjoint from it. Otherwise work-items
/// race.
///
/// # Errors
/// [`TensorError::InvalidArgument`] when a matrix reaches outside its buffer, and
/// [`TensorError::OpenCl`] when the OpenCL runtime fails to create or enqueue the kernel.
// The argument list mirrors BLAS `?gemm`, which readers know.
#[allow(clippy::too_many_arguments)]
pub(crate) fn launch_gemm<T: Element>(
    queue: &Queue,
    program: &Program,
    (m, k, n): (usize, usize, usize),
    alpha: T,
    a: DeviceMatrix<'_, T>,
    b: DeviceMatrix<'_, T>,
    beta: T,
    c: DeviceMatrix<'_, T>,
    d: DeviceMatrix<'_, T>,
) -> Result<()> {
    a.check_span("A", m, k)?;
    b.check_span("B", k, n)?;
    c.check_span("C", m, n)?;
    d.check_span("D", m, n)?;
    if m == 0 || n == 0 {
        // OpenCL rejects a launch with no work-items, and D has no element to write.
        return Ok(());
    }

    // One work-group of GROUP x GROUP work-items per TILE x TILE tile of D; x runs over columns.
    let global = [n.div_ceil(TILE) * GROUP, m.div_ceil(TILE) * GROUP];
    let as_long = |value: usize| value as i64;
    let kernel = Kernel::builder()
        .program(program)
        .name(GEMM_KERNEL)
        .queue(queue.clone())
        .global_work_size(global)
        .local_work_size([GROUP, GROUP])
        .arg(as_long(m))
        .arg(as_long(n))
        .arg(as_long(k))
        .arg(alpha)
        .arg(a.buffer)
        .arg(as_long(a.offset))
        .arg(a.row_stride as i64)
        .arg(a.col_stride as i64)
        .arg(b.buffer)
        .arg(as_long(b.offset))
        .arg(b.row_stride as i64)
        .arg(b.col_stride as i64)
        .arg(beta)
        .arg(c.buffer)
        .arg(as_long(c.offset))
        .arg(c.row_stride as i64)
        .arg(c.col_stride as i64)
        .arg(d.buffer)
        .arg(as_long(d.offset))
        .arg(d.row_stride as i64)
        .arg(d.col_stride as i64)
        .build()
        .map_err(|e| cl_error("gemm_opencl", e))?;
    // SAFETY: the spans of A, B, C and D were checked against their buffers above, the
    // argument types match the kernel signature, and the caller guarantees that D does not
    // alias itself, A or B, and is C or disjoint from it.
    unsafe { kernel.enq() }.map_err(|e| cl_error("gemm_opencl", e))?;
    Ok(())
}
