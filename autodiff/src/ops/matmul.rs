//! Matrix product with `numpy.matmul` semantics: 2-D, batched with broadcast batch axes, and
//! 1-D operands promoted to a row (left) or a column (right) and squeezed afterwards.
//!
//! For `Y = A B` with `A: [..., m, k]` and `B: [..., k, n]`, the gradients are
//! `dA = G B^T` and `dB = A^T G`, each summed over the batch axes its operand was broadcast
//! along. The transposes are views, so no operand is copied before the product.

use tensor::{Element, Tensor};

use crate::broadcast::sum_to_shape;
use crate::{Result, Tape, Var};

impl<T: Element> Var<T> {
    /// Returns the matrix product `self @ rhs` as `numpy.matmul` defines it.
    ///
    /// # Errors
    /// [`AutodiffError::Tensor`](crate::AutodiffError::Tensor) for scalar operands, inner
    /// sizes that differ, or batch shapes that do not broadcast.
    pub fn matmul(&self, rhs: &Var<T>) -> Result<Var<T>> {
        match (self.rank(), rhs.rank()) {
            // [k] @ [k] -> scalar.
            (1, 1) => self
                .unsqueeze(0)?
                .matmul_nd(&rhs.unsqueeze(1)?)?
                .reshape_to(&[]),
            // [k] @ [..., k, n] -> [..., n].
            (1, r) if r >= 2 => self.unsqueeze(0)?.matmul_nd(rhs)?.squeeze(-2),
            // [..., m, k] @ [k] -> [..., m].
            (r, 1) if r >= 2 => self.matmul_nd(&rhs.unsqueeze(1)?)?.squeeze(-1),
            // Everything else, including the scalar operands that `Tensor::matmul` rejects.
            _ => self.matmul_nd(rhs),
        }
    }

    /// Records a product of operands of rank 2 or more.
    fn matmul_nd(&self, rhs: &Var<T>) -> Result<Var<T>> {
        let (a, b) = (self.value().clone(), rhs.value().clone());
        let y = a.matmul(&b)?;
        // dA = G B^T, dB = A^T G (then summed over broadcast batch axes)
        Tape::record("matmul", &[self, rhs], y, move |g, tracked| {
            let ga = if tracked[0] {
                Some(sum_to_shape(&g.matmul(&b.t()?)?, a.shape())?)
            } else {
                None
            };
            let gb = if tracked[1] {
                Some(rhs_grad(&a, &b, g)?)
            } else {
                None
            };
            Ok(vec![ga, gb])
        })
    }
}

/// Returns `dB = A^T G` summed to `B`'s shape. When `B` is one matrix shared by a batch of `A`
/// (the common `x @ W` of a layer), the batch is folded into the rows so one product replaces
/// a batched product followed by a sum.
fn rhs_grad<T: Element>(a: &Tensor<T>, b: &Tensor<T>, g: &Tensor<T>) -> Result<Tensor<T>> {
    if b.rank() == 2 && a.rank() > 2 {
        let k = a.shape()[a.rank() - 1];
        let n = g.shape()[g.rank() - 1];
        let rows_a = a.reshape(&[-1, k as isize])?;
        let rows_g = g.reshape(&[-1, n as isize])?;
        return Ok(rows_a.t()?.matmul(&rows_g)?);
    }
    sum_to_shape(&a.t()?.matmul(g)?, b.shape())
}
