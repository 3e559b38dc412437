//! Joining and splitting: `cat`, `stack`, `split`, `split_sizes`, `chunk`.
//!
//! `cat` hands each input the slice of the gradient where its values landed; `stack` is `cat`
//! of inputs with a new axis. The splitting functions return `narrow` views, whose gradients
//! scatter back into the source, and a source used by several pieces sums their gradients.

use tensor::shape::normalize_axis;
use tensor::{Element, Tensor};

use crate::{AutodiffError, Result, Tape, Var};

impl<T: Element> Var<T> {
    /// Concatenates variables along an existing `axis`.
    ///
    /// # Errors
    /// [`AutodiffError::InvalidArgument`] for an empty list, and tensor errors for shapes
    /// that differ outside `axis`.
    pub fn cat(vars: &[&Var<T>], axis: isize) -> Result<Var<T>> {
        if vars.is_empty() {
            return Err(AutodiffError::invalid("cat", "needs at least one variable"));
        }
        let values: Vec<&Tensor<T>> = vars.iter().map(|v| v.value()).collect();
        let output = Tensor::cat(&values, axis)?;
        let axis = normalize_axis("cat", axis, vars[0].rank())?;
        let sizes: Vec<usize> = vars.iter().map(|v| v.shape()[axis]).collect();
        // d cat(x_1, ..., x_n)/dx_i selects the i-th block of the gradient
        Tape::record("cat", vars, output, move |g, tracked| {
            let mut grads = Vec::with_capacity(sizes.len());
            let mut start = 0;
            for (&size, &needed) in sizes.iter().zip(tracked) {
                grads.push(if needed {
                    Some(g.narrow(axis as isize, start, size)?)
                } else {
                    None
                });
                start += size;
            }
            Ok(grads)
        })
    }

    /// Stacks variables of one shape along a new `axis`.
    ///
    /// # Errors
    /// [`AutodiffError::InvalidArgument`] for an empty list, and tensor errors for shapes
    /// that differ.
    pub fn stack(vars: &[&Var<T>], axis: isize) -> Result<Var<T>> {
        if vars.is_empty() {
            return Err(AutodiffError::invalid(
                "stack",
                "needs at least one variable",
            ));
        }
        let values: Vec<&Tensor<T>> = vars.iter().map(|v| v.value()).collect();
        let output = Tensor::stack(&values, axis)?;
        let axis = normalize_axis("stack", axis, vars[0].rank() + 1)?;
        let count = vars.len();
        // d stack(x_1, ..., x_n)/dx_i selects index i of the new axis
        Tape::record("stack", vars, output, move |g, tracked| {
            (0..count)
                .map(|i| {
                    if tracked[i] {
                        Ok(Some(g.select(axis as isize, i)?))
                    } else {
                        Ok(None)
                    }
                })
                .collect()
        })
    }

    /// Splits along `axis` into pieces of `split_size` (the last may be shorter).
    ///
    /// # Errors
    /// [`AutodiffError::InvalidArgument`] for a zero `split_size`, and tensor errors for a bad
    /// axis.
    pub fn split(&self, axis: isize, split_size: usize) -> Result<Vec<Var<T>>> {
        if split_size == 0 {
            return Err(AutodiffError::invalid(
                "split",
                "split_size must be at least 1",
            ));
        }
        let size = self.value().dim(axis)?;
        let sizes: Vec<usize> = (0..size)
            .step_by(split_size)
            .map(|start| split_size.min(size - start))
            .collect();
        self.split_sizes(axis, &sizes)
    }

    /// Splits along `axis` into pieces of the given sizes, which must add up to the axis size.
    ///
    /// # Errors
    /// [`AutodiffError::InvalidArgument`] when the sizes do not add up, and tensor errors for
    /// a bad axis.
    pub fn split_sizes(&self, axis: isize, sizes: &[usize]) -> Result<Vec<Var<T>>> {
        let size = self.value().dim(axis)?;
        let total: usize = sizes.iter().sum();
        if total != size {
            return Err(AutodiffError::invalid(
                "split_sizes",
                format!(
                    "sizes {sizes:?} add up to {total} but axis {axis} of shape {:?} has size {size}",
                    self.shape()
                ),
            ));
        }
        let mut pieces = Vec::with_capacity(sizes.len());
        let mut start = 0;
        for &len in sizes {
            pieces.push(self.narrow(axis, start, len)?);
            start += len;
        }
        Ok(pieces)
    }

    /// Splits along `axis` into `chunks` pieces of equal size (the last may be shorter), as
    /// PyTorch's `chunk`.
    ///
    /// # Errors
    /// [`AutodiffError::InvalidArgument`] for zero chunks, and tensor errors for a bad axis.
    pub fn chunk(&self, chunks: usize, axis: isize) -> Result<Vec<Var<T>>> {
        if chunks == 0 {
            return Err(AutodiffError::invalid("chunk", "chunks must be at least 1"));
        }
        let size = self.value().dim(axis)?;
        self.split(axis, size.div_ceil(chunks).max(1))
    }
}
