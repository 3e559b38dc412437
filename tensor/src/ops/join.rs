//! Joining tensors (`cat`, `stack`) and cutting them apart (`split`, `split_sizes`, `chunk`).
//!
//! `cat` and `stack` copy into a new contiguous tensor. The cutting operations return views
//! that share storage with `self`, built with [`Tensor::narrow`].

use crate::ops::index::{row_major, split_at_axis};
use crate::shape::normalize_axis;
use crate::{Element, Result, Tensor, TensorError};

impl<T: Element> Tensor<T> {
    /// Concatenates tensors along an existing `axis`.
    ///
    /// All tensors need the same rank and the same sizes on every axis but `axis`. The output's
    /// size along `axis` is the sum of theirs.
    ///
    /// ```
    /// use tensor::{tensor, Tensor};
    ///
    /// let a: Tensor<f32> = tensor!([[1.0, 2.0]]);
    /// let b: Tensor<f32> = tensor!([[3.0, 4.0], [5.0, 6.0]]);
    /// let c = Tensor::cat(&[&a, &b], 0)?;
    /// assert_eq!(c.shape(), &[3, 2]);
    /// let parts = c.split_sizes(0, &[1, 2])?;
    /// assert_eq!(parts[1].to_vec(), b.to_vec());
    /// # Ok::<(), tensor::TensorError>(())
    /// ```
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] for an empty list, [`TensorError::InvalidAxis`] for a bad
    /// axis (a scalar has none) and [`TensorError::ShapeMismatch`] when the shapes disagree.
    pub fn cat(tensors: &[&Tensor<T>], axis: isize) -> Result<Tensor<T>> {
        let first = tensors.first().ok_or_else(|| {
            TensorError::invalid("cat", "needs at least one tensor to concatenate")
        })?;
        let axis = normalize_axis("cat", axis, first.rank())?;
        for t in &tensors[1..] {
            let same_rank = t.rank() == first.rank();
            let fits = same_rank
                && (0..first.rank()).all(|d| d == axis || t.shape()[d] == first.shape()[d]);
            if !fits {
                return Err(TensorError::ShapeMismatch {
                    op: "cat",
                    lhs: first.shape().to_vec(),
                    rhs: t.shape().to_vec(),
                    hint: "tensors must have the same rank and sizes on every axis but `axis`",
                });
            }
        }

        let mut out_shape = first.shape().to_vec();
        out_shape[axis] = tensors.iter().map(|t| t.shape()[axis]).sum();

        #[cfg(feature = "opencl")]
        if let Some(out) = crate::opencl::dispatch::cat(tensors, axis, &out_shape, |host| {
            let refs: Vec<&Tensor<T>> = host.iter().collect();
            Tensor::cat(&refs, axis as isize)
        })? {
            return Ok(out);
        }

        let (outer, _, inner) = split_at_axis(&out_shape, axis);
        let slices: Vec<_> = tensors.iter().map(|t| row_major(t)).collect();

        // Row-major order: for each outer position, each tensor's block along `axis` in turn.
        let mut out = Vec::with_capacity(out_shape.iter().product());
        for o in 0..outer {
            for (t, data) in tensors.iter().zip(&slices) {
                let block = t.shape()[axis] * inner;
                out.extend_from_slice(&data[o * block..(o + 1) * block]);
            }
        }
        Ok(Tensor::from_parts_unchecked(out, &out_shape))
    }

    /// Stacks tensors of one shape along a new `axis` (from `-(rank + 1)` to `rank`).
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] for an empty list, [`TensorError::InvalidAxis`] for a bad
    /// axis and [`TensorError::ShapeMismatch`] when the shapes differ.
    pub fn stack(tensors: &[&Tensor<T>], axis: isize) -> Result<Tensor<T>> {
        let first = tensors
            .first()
            .ok_or_else(|| TensorError::invalid("stack", "needs at least one tensor to stack"))?;
        let axis = normalize_axis("stack", axis, first.rank() + 1)?;
        if let Some(t) = tensors.iter().find(|t| t.shape() != first.shape()) {
            return Err(TensorError::ShapeMismatch {
                op: "stack",
                lhs: first.shape().to_vec(),
                rhs: t.shape().to_vec(),
                hint: "every tensor must have the same shape",
            });
        }
        let expanded = tensors
            .iter()
            .map(|t| t.unsqueeze(axis as isize))
            .collect::<Result<Vec<_>>>()?;
        let refs: Vec<&Tensor<T>> = expanded.iter().collect();
        Tensor::cat(&refs, axis as isize)
    }

    /// Cuts `self` along `axis` into views of `split_size` elements; the last one is shorter
    /// when the size does not divide evenly. An axis of size 0 gives one empty view.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] for a bad axis and [`TensorError::InvalidArgument`] when
    /// `split_size` is 0.
    pub fn split(&self, axis: isize, split_size: usize) -> Result<Vec<Tensor<T>>> {
        let resolved = normalize_axis("split", axis, self.rank())?;
        if split_size == 0 {
            return Err(TensorError::invalid(
                "split",
                "split_size is 0; pass a positive size",
            ));
        }
        let size = self.shape()[resolved];
        if size == 0 {
            return Ok(vec![self.clone()]);
        }
        let sizes: Vec<usize> = (0..size)
            .step_by(split_size)
            .map(|start| split_size.min(size - start))
            .collect();
        self.split_sizes(axis, &sizes)
    }

    /// Cuts `self` along `axis` into views of the given sizes, which must add up to the size of
    /// `axis`.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] for a bad axis and [`TensorError::InvalidArgument`] when the
    /// sizes do not add up.
    pub fn split_sizes(&self, axis: isize, sizes: &[usize]) -> Result<Vec<Tensor<T>>> {
        let resolved = normalize_axis("split_sizes", axis, self.rank())?;
        let size = self.shape()[resolved];
        let total: usize = sizes.iter().sum();
        if total != size {
            return Err(TensorError::invalid(
                "split_sizes",
                format!(
                    "sizes {sizes:?} add up to {total} but axis {axis} of shape {:?} has size {size}",
                    self.shape()
                ),
            ));
        }
        let mut start = 0;
        let mut parts = Vec::with_capacity(sizes.len());
        for &len in sizes {
            parts.push(self.narrow(axis, start, len)?);
            start += len;
        }
        Ok(parts)
    }

    /// Cuts `self` along `axis` into at most `chunks` views of `ceil(size / chunks)` elements,
    /// as `torch.chunk`; fewer views come back when the size runs out first.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] for a bad axis and [`TensorError::InvalidArgument`] when
    /// `chunks` is 0.
    pub fn chunk(&self, chunks: usize, axis: isize) -> Result<Vec<Tensor<T>>> {
        let resolved = normalize_axis("chunk", axis, self.rank())?;
        if chunks == 0 {
            return Err(TensorError::invalid(
                "chunk",
                "chunks is 0; pass a positive number of chunks",
            ));
        }
        let size = self.shape()[resolved];
        let split_size = size.div_ceil(chunks).max(1);
        self.split(axis, split_size)
    }
}
