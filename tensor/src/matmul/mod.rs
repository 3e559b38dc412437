//! Matrix products: [`Tensor::matmul`] (NumPy's `matmul`, with batches and broadcasting) and
//! [`gemm`] (`C = alpha * A B + beta * C` into an existing matrix).
//!
//! Both run one packed, cache-blocked GEMM. Its parts, in reading order:
//!
//! - `gemm.rs`: the five loops that cut the product into cache-sized blocks, and the threads;
//! - `pack.rs`: copying blocks of A and B into the order the microkernel reads;
//! - `kernel.rs` and `kernel_simd.rs`: the microkernels, one per instruction set, chosen at run
//!   time;
//! - `small.rs`: plain loops for products too small to repay packing;
//! - `params.rs`: the block sizes and the size at which threads start to pay;
//! - `batched.rs`: batch dimensions and broadcasting for [`Tensor::matmul`];
//! - `prepacked.rs`: [`PackedRhs`] and [`gemm_prepacked`], for many products with one B.
//!
//! Operands may have any strides (transposed, sliced or reversed views): the kernels read them
//! through their strides while packing, so callers never copy.

mod batched;
mod buffer;
mod gemm;
mod kernel;
mod kernel_simd;
#[cfg(target_arch = "x86_64")]
mod kernel_x86;
mod pack;
#[cfg(target_arch = "x86_64")]
mod pack_x86;
mod params;
mod prepacked;
mod raw;
mod small;
#[cfg(test)]
mod tests;

pub use kernel::{available as available_kernels, select as select_kernel, Kernel};
pub use params::{
    BlockSizes, PACK_A_MIN_COLS, PARALLEL_MIN_MULADDS, PARALLEL_MIN_MULADDS_COLD, SMALL_MAX_MULADDS,
};
pub use prepacked::{gemm_prepacked, PackedRhs};

use self::gemm::{gemm_raw, threads_for, Dims};
use self::raw::{MatMutPtr, MatPtr};
use crate::{Element, Result, Tensor, TensorError};

/// Computes `C = alpha * A B + beta * C` for 2-D tensors `a` (`m x k`), `b` (`k x n`) and
/// `c` (`m x n`).
///
/// `a` and `b` may be any views; they are read through their strides. `c` is updated through
/// copy on write: when its storage is shared with another tensor or it is not a contiguous
/// row-major matrix, it first becomes a contiguous copy, so no other tensor observes the change.
/// When `beta` is zero, the old values of `c` are not read (NaN in `c` does not propagate).
/// Large products run on the current rayon thread pool.
///
/// When the operands are on an OpenCL device (all three on the same one), the product runs
/// there and `c` becomes a handle to a new contiguous device buffer holding the result.
///
/// # Errors
/// [`TensorError::RankMismatch`] when an operand is not 2-D and [`TensorError::ShapeMismatch`]
/// when the sizes do not chain (`a` is `m x k`, `b` must be `k x n`, `c` must be `m x n`).
/// With the `opencl` feature, `TensorError::DeviceMismatch` when the operands are on different
/// devices and `TensorError::OpenCl` when the device fails.
///
/// ```
/// use tensor::{tensor, Tensor};
///
/// let a: Tensor<f32> = tensor!([[1.0, 2.0], [3.0, 4.0]]);
/// let b: Tensor<f32> = Tensor::eye(2);
/// let mut c: Tensor<f32> = Tensor::ones(&[2, 2]);
/// // c = 2 * a * I + 1 * c
/// tensor::matmul::gemm(2.0, &a, &b, 1.0, &mut c)?;
/// assert_eq!(c.to_vec(), vec![3.0, 5.0, 7.0, 9.0]);
/// # Ok::<(), tensor::TensorError>(())
/// ```
pub fn gemm<T: Element>(
    alpha: T,
    a: &Tensor<T>,
    b: &Tensor<T>,
    beta: T,
    c: &mut Tensor<T>,
) -> Result<()> {
    for operand in [a.shape(), b.shape(), c.shape()] {
        if operand.len() != 2 {
            return Err(TensorError::RankMismatch {
                op: "gemm",
                expected: "2",
                shape: operand.to_vec(),
            });
        }
    }
    let dims = Dims {
        m: a.shape()[0],
        k: a.shape()[1],
        n: b.shape()[1],
    };
    if b.shape()[0] != dims.k {
        return Err(TensorError::ShapeMismatch {
            op: "gemm",
            lhs: a.shape().to_vec(),
            rhs: b.shape().to_vec(),
            hint: "the columns of A must equal the rows of B",
        });
    }
    if c.shape() != [dims.m, dims.n] {
        return Err(TensorError::ShapeMismatch {
            op: "gemm",
            lhs: vec![dims.m, dims.n],
            rhs: c.shape().to_vec(),
            hint: "C must have the rows of A and the columns of B",
        });
    }

    // Operands on an OpenCL device multiply there; `c` stays on the device.
    #[cfg(feature = "opencl")]
    if !(a.is_on_host() && b.is_on_host() && c.is_on_host()) {
        return crate::opencl::matmul::gemm_opencl(alpha, a, b, beta, c);
    }

    let kernel = kernel::select::<T>();
    let threads = threads_for(dims, rayon::current_num_threads());
    let a_ptr = mat_ptr(a);
    let b_ptr = mat_ptr(b);
    // `as_mut_slice` makes C contiguous, row-major and the only owner of its storage, so it
    // cannot overlap A or B.
    let c_data = c.as_mut_slice();
    let c_ptr = MatMutPtr {
        ptr: c_data.as_mut_ptr(),
        rs: dims.n as isize,
        cs: 1,
    };
    // SAFETY: A and B are valid views of their storage with the checked shapes, and C is a
    // distinct contiguous m x n buffer.
    unsafe { gemm_raw(&kernel, dims, alpha, a_ptr, b_ptr, beta, c_ptr, threads) };
    Ok(())
}

/// Returns the strided pointer to element `(0, 0)` of a 2-D tensor.
fn mat_ptr<T: Element>(t: &Tensor<T>) -> MatPtr<T> {
    MatPtr {
        ptr: t.storage().as_ptr().wrapping_add(t.offset()),
        rs: t.strides()[0],
        cs: t.strides()[1],
    }
}
