//! In-place elementwise updates: `add_inplace`, `scaled_add_inplace`, `mul_scalar_inplace` and
//! `map_inplace`.
//!
//! They write through [`Tensor::as_mut_slice`], which copies the storage first when another
//! handle (a clone or a view) still shares it, so no other tensor observes the change. After the
//! call `self` is contiguous. The right-hand tensor broadcasts to the shape of `self`; the shape
//! of `self` never changes.

use super::binary::Add;
use super::kernel::{simd_binary_slices, BinaryKernel, FnUnary, UnaryKernel};
use super::parallel::fill_chunks;
use super::scalar::MulScalar;
use super::simd::{splat_param, Vector, VectorBinary};
use super::walk::ZipPlan;
use crate::{Element, Layout, Result, Tensor, TensorError};

/// a + alpha * b, rounded as a multiplication followed by an addition (no fused multiply-add),
/// so every code path gives the same bits.
pub(crate) struct ScaledAdd<T>(pub T);

impl<T: Element> BinaryKernel<T> for ScaledAdd<T> {
    #[inline]
    fn apply(&self, a: T, b: T) -> T {
        a + self.0 * b
    }

    simd_binary_slices!();

    #[cfg(feature = "opencl")]
    fn device_op(&self) -> Option<crate::opencl::elementwise::BinaryOp<T>> {
        Some(crate::opencl::elementwise::BinaryOp::ScaledAdd(self.0))
    }
}

impl<T: Element> VectorBinary for ScaledAdd<T> {
    #[inline(always)]
    fn vector<V: Vector>(&self, a: V, b: V) -> V {
        a + splat_param::<V, T>(self.0) * b
    }
}

/// Broadcasts `other` to the shape of `target`, or explains why it cannot.
fn broadcast_operand<T: Element>(
    op: &'static str,
    target: &Tensor<T>,
    other: &Tensor<T>,
) -> Result<Layout> {
    other
        .layout()
        .broadcast_to(target.shape())
        .map_err(|_| TensorError::ShapeMismatch {
            op,
            lhs: target.shape().to_vec(),
            rhs: other.shape().to_vec(),
            hint: "the right-hand shape must broadcast to the left-hand shape, which an in-place update keeps",
        })
}

/// Replaces every element `x` of `target` with `kernel.apply(x, y)`, where `y` is the matching
/// element of `other` broadcast to the shape of `target`.
fn zip_inplace<T: Element>(
    op: &'static str,
    target: &mut Tensor<T>,
    other: &Tensor<T>,
    kernel: &impl BinaryKernel<T>,
) -> Result<()> {
    let layout = broadcast_operand(op, target, other)?;
    #[cfg(feature = "opencl")]
    if !target.is_on_host() || !other.is_on_host() {
        // Device buffers never change after they are written, so the update goes to a new
        // buffer that replaces the old one; other handles keep the old values, as with copy
        // on write. The shape check above keeps the shape of `target`.
        *target = super::binary::binary_op(op, target, other, kernel)?;
        return Ok(());
    }
    let plan = ZipPlan::new([&layout]);
    let [step] = plan.run_steps();
    let src = other.storage();

    let dst = target.as_mut_slice();
    fill_chunks(dst, kernel.cost(), |first, chunk| {
        plan.for_segments(first, first + chunk.len(), |at, [start], len| {
            let piece = &mut chunk[at - first..at - first + len];
            if step == 1 {
                kernel.apply_inplace(piece, &src[start..start + len]);
            } else {
                let mut position = start as isize;
                for d in piece {
                    *d = kernel.apply(*d, src[position as usize]);
                    position += step;
                }
            }
        });
    });
    Ok(())
}

/// Replaces every element `x` of `target` with `kernel.apply(x)`.
fn map_inplace_with<T: Element>(target: &mut Tensor<T>, kernel: &impl UnaryKernel<T>) {
    #[cfg(feature = "opencl")]
    if !target.is_on_host() {
        // As in `zip_inplace`: the result goes to a new device buffer.
        *target = super::unary::unary_op(target, kernel);
        return;
    }
    let dst = target.as_mut_slice();
    fill_chunks(dst, kernel.cost(), |_, chunk| {
        kernel.apply_slice_inplace(chunk)
    });
}

impl<T: Element> Tensor<T> {
    /// Adds `other` to `self` in place (`self += other`), with `other` broadcast to the shape
    /// of `self`.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`] when `other` does not broadcast to the shape of `self`;
    /// `self` is then unchanged.
    pub fn add_inplace(&mut self, other: &Tensor<T>) -> Result<()> {
        zip_inplace("add_inplace", self, other, &Add)
    }

    /// Adds `alpha * other` to `self` in place (`self += alpha * other`, the BLAS axpy update),
    /// with `other` broadcast to the shape of `self`. Optimisers use it for parameter updates.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`] when `other` does not broadcast to the shape of `self`;
    /// `self` is then unchanged.
    pub fn scaled_add_inplace(&mut self, alpha: T, other: &Tensor<T>) -> Result<()> {
        zip_inplace("scaled_add_inplace", self, other, &ScaledAdd(alpha))
    }

    /// Multiplies every element of `self` by `s` in place.
    pub fn mul_scalar_inplace(&mut self, s: T) {
        map_inplace_with(self, &MulScalar(s));
    }

    /// Replaces every element `x` of `self` with `f(x)` in place. `f` may run on several
    /// threads at once for large tensors.
    pub fn map_inplace(&mut self, f: impl Fn(T) -> T + Sync + Send) {
        map_inplace_with(self, &FnUnary(f));
    }
}
