//! [`Tensor::matmul`]: NumPy's `matmul` rules on top of the GEMM.
//!
//! - 2-D x 2-D is the matrix product `[m, k] x [k, n] -> [m, n]`.
//! - A 1-D left operand `[k]` acts as a row `[1, k]` and a 1-D right operand `[k]` as a column
//!   `[k, 1]`. The added axis is removed from the result, so vector x vector is a 0-D scalar.
//! - Axes before the last two are batch axes and broadcast by the NumPy rule:
//!   `[2, 1, m, k] x [3, k, n] -> [2, 3, m, n]`. Broadcast operands are views with stride 0, so
//!   no batch is copied.
//!
//! Batches of large matrices run one after another, each product using every thread. Batches of
//! small matrices run in parallel, one product per task, because one small product cannot keep
//! several threads busy.

use rayon::prelude::*;

use super::gemm::{gemm_raw, threads_for, Dims};
use super::kernel;
use super::raw::{MatMutPtr, MatPtr};
use crate::shape::broadcast_shapes;
use crate::{Element, Layout, Result, Tensor, TensorError};

impl<T: Element> Tensor<T> {
    /// Returns the matrix product of `self` and `rhs` with NumPy's `matmul` rules: 1-D, 2-D and
    /// batched operands, batch axes broadcast.
    ///
    /// Shapes: `[..., m, k] x [..., k, n] -> [broadcast(...), m, n]`; a 1-D left operand `[k]`
    /// drops the `m` axis of the result and a 1-D right operand `[k]` drops the `n` axis.
    /// Operands may be any views and are never copied; the result is a new contiguous tensor.
    /// When an operand is on an OpenCL device, both must be on that device, the product runs
    /// there and the result stays there.
    ///
    /// # Errors
    /// [`TensorError::RankMismatch`] for a 0-D operand, [`TensorError::ShapeMismatch`] when the
    /// inner sizes differ or the batch axes do not broadcast. With the `opencl` feature,
    /// `TensorError::DeviceMismatch` when the operands are on different devices and
    /// `TensorError::OpenCl` when the device fails.
    ///
    /// ```
    /// use tensor::{tensor, Tensor};
    ///
    /// let a: Tensor<f32> = tensor!([[1.0, 2.0], [3.0, 4.0]]);
    /// let v: Tensor<f32> = tensor!([1.0, 1.0]);
    /// assert_eq!(a.matmul(&v)?.to_vec(), vec![3.0, 7.0]);
    /// assert_eq!(a.matmul(&a.t()?)?.to_vec(), vec![5.0, 11.0, 11.0, 25.0]);
    /// # Ok::<(), tensor::TensorError>(())
    /// ```
    pub fn matmul(&self, rhs: &Tensor<T>) -> Result<Tensor<T>> {
        for operand in [self.shape(), rhs.shape()] {
            if operand.is_empty() {
                return Err(TensorError::RankMismatch {
                    op: "matmul",
                    expected: "at least 1",
                    shape: operand.to_vec(),
                });
            }
        }
        // Promote vectors to matrices; remember which axes to drop at the end.
        let lhs_vector = self.rank() == 1;
        let rhs_vector = rhs.rank() == 1;
        let lhs = if lhs_vector {
            self.unsqueeze(0)?
        } else {
            self.clone()
        };
        let rhs_m = if rhs_vector {
            rhs.unsqueeze(1)?
        } else {
            rhs.clone()
        };
        let (m, k) = last_two(lhs.shape());
        let (k_rhs, n) = last_two(rhs_m.shape());
        if k != k_rhs {
            return Err(TensorError::ShapeMismatch {
                op: "matmul",
                lhs: self.shape().to_vec(),
                rhs: rhs.shape().to_vec(),
                hint: "the last axis of the left operand must equal the second-to-last axis of the right operand (the only axis of a 1-D operand)",
            });
        }

        // Broadcast the batch axes; views only.
        let lhs_batch = &lhs.shape()[..lhs.rank() - 2];
        let rhs_batch = &rhs_m.shape()[..rhs_m.rank() - 2];
        let batch = broadcast_shapes("matmul", lhs_batch, rhs_batch).map_err(|_| {
            TensorError::ShapeMismatch {
                op: "matmul",
                lhs: self.shape().to_vec(),
                rhs: rhs.shape().to_vec(),
                hint: "the batch axes (all but the last two) must broadcast: equal sizes or 1, aligned from the right",
            }
        })?;
        let lhs = lhs.broadcast_to(&[batch.as_slice(), &[m, k]].concat())?;
        let rhs_m = rhs_m.broadcast_to(&[batch.as_slice(), &[k, n]].concat())?;

        let mut shape = batch.clone();
        if !lhs_vector {
            shape.push(m);
        }
        if !rhs_vector {
            shape.push(n);
        }

        // Operands on an OpenCL device multiply there; the result stays on the device.
        #[cfg(feature = "opencl")]
        if !(lhs.is_on_host() && rhs_m.is_on_host()) {
            let product = crate::opencl::matmul::matmul_opencl(&lhs, &rhs_m)?;
            return Ok(product.with_layout(Layout::contiguous(&shape)));
        }

        let mut data = vec![T::ZERO; batch.iter().product::<usize>() * m * n];
        run_batches(&lhs, &rhs_m, Dims { m, k, n }, &mut data);
        Ok(Tensor::from_parts_unchecked(data, &shape))
    }
}

/// Returns the sizes of the last two axes of a shape of rank at least 2.
fn last_two(shape: &[usize]) -> (usize, usize) {
    let r = shape.len();
    (shape[r - 2], shape[r - 1])
}

/// Runs every batch of `lhs x rhs` (both already broadcast to the same batch shape) into the
/// contiguous output `out`.
fn run_batches<T: Element>(lhs: &Tensor<T>, rhs: &Tensor<T>, dims: Dims, out: &mut [T]) {
    let tile = dims.m * dims.n;
    if tile == 0 {
        return;
    }
    let kernel = kernel::select::<T>();
    let available = rayon::current_num_threads();
    let per_product = threads_for(dims, available);
    let batches = out.len() / tile;
    let lhs_offsets = batch_offsets(lhs.layout());
    let rhs_offsets = batch_offsets(rhs.layout());

    let run_one = |(index, c): (usize, &mut [T]), threads: usize| {
        let a = matrix_at(lhs, lhs_offsets[index]);
        let b = matrix_at(rhs, rhs_offsets[index]);
        let c_ptr = MatMutPtr {
            ptr: c.as_mut_ptr(),
            rs: dims.n as isize,
            cs: 1,
        };
        // SAFETY: the offsets address matrices inside each operand's storage (the layouts were
        // built by `broadcast_to` from valid tensors), and `c` is one exclusive m x n chunk of
        // a fresh buffer.
        unsafe { gemm_raw(&kernel, dims, T::ONE, a, b, T::ZERO, c_ptr, threads) };
    };
    let total = Dims {
        m: dims.m * batches,
        ..dims
    };
    if per_product == 1 && batches > 1 && threads_for(total, available) > 1 {
        out.par_chunks_mut(tile)
            .enumerate()
            .for_each(|item| run_one(item, 1));
    } else {
        out.chunks_mut(tile)
            .enumerate()
            .for_each(|item| run_one(item, per_product));
    }
}

/// Returns the strided pointer to the matrix of `t` whose element `(0, 0)` is at `offset`.
fn matrix_at<T: Element>(t: &Tensor<T>, offset: usize) -> MatPtr<T> {
    let r = t.rank();
    MatPtr {
        ptr: t.storage().as_ptr().wrapping_add(offset),
        rs: t.strides()[r - 2],
        cs: t.strides()[r - 1],
    }
}

/// Returns the storage offset of element `(0, 0)` of every matrix in a batched layout, in
/// row-major order of the batch axes.
fn batch_offsets(layout: &Layout) -> Vec<usize> {
    let r = layout.rank();
    let batch_shape = &layout.shape()[..r - 2];
    let batch_strides = &layout.strides()[..r - 2];
    let count: usize = batch_shape.iter().product();
    let mut offsets = Vec::with_capacity(count);
    let mut index = vec![0usize; batch_shape.len()];
    let mut position = layout.offset() as isize;
    for _ in 0..count {
        offsets.push(position as usize);
        // Advance the batch index like an odometer.
        for axis in (0..batch_shape.len()).rev() {
            index[axis] += 1;
            position += batch_strides[axis];
            if index[axis] < batch_shape[axis] {
                break;
            }
            position -= batch_strides[axis] * batch_shape[axis] as isize;
            index[axis] = 0;
        }
    }
    offsets
}
