//! Integer index tensors ([`Indices`]) and the operations that read or write through them:
//! `index_select`, `gather`, `scatter_add` and `one_hot`.
//!
//! `gather` and `scatter_add` follow PyTorch. For a 3-D tensor and `axis = 1`:
//!
//! ```text
//! gather:       out[i][j][k]             = self[i][index[i][j][k]][k]
//! scatter_add:  out[i][index[i][j][k]][k] += src[i][j][k]
//! ```
//!
//! The index has the rank of `self`; along every other axis it may be shorter than `self`.

use std::borrow::Cow;

use crate::shape::{normalize_axis, num_elements};
use crate::{Element, Result, Tensor, TensorError};

/// An n-dimensional array of `usize` indices in row-major order, as returned by `argmax` and
/// taken by `gather` and `scatter_add`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indices {
    data: Vec<usize>,
    shape: Vec<usize>,
}

impl Indices {
    /// Creates indices from row-major data and a shape.
    ///
    /// # Errors
    /// [`TensorError::ElementCount`] when `data.len()` is not the product of `shape`.
    pub fn new(data: Vec<usize>, shape: &[usize]) -> Result<Self> {
        let expected = num_elements(shape);
        if data.len() != expected {
            return Err(TensorError::ElementCount {
                op: "Indices::new",
                len: data.len(),
                shape: shape.to_vec(),
                expected,
            });
        }
        Ok(Indices {
            data,
            shape: shape.to_vec(),
        })
    }

    /// Creates 1-D indices.
    pub fn from_vec(data: Vec<usize>) -> Self {
        let shape = vec![data.len()];
        Indices { data, shape }
    }

    /// Returns the size of each axis.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Returns the number of axes.
    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    /// Returns the number of indices.
    pub fn num_elements(&self) -> usize {
        self.data.len()
    }

    /// Returns the indices in row-major order.
    pub fn as_slice(&self) -> &[usize] {
        &self.data
    }

    /// Takes the indices out as a `Vec` in row-major order.
    pub fn into_vec(self) -> Vec<usize> {
        self.data
    }

    /// Converts the indices to a float tensor of the same shape (for example to compare
    /// predictions with labels).
    pub fn to_tensor<T: Element>(&self) -> Tensor<T> {
        let data = self.data.iter().map(|&i| T::from_usize(i)).collect();
        Tensor::from_parts_unchecked(data, &self.shape)
    }
}

/// Returns the elements in row-major order, borrowed when `tensor` is contiguous.
///
/// An empty tensor gives an empty slice without touching its storage, because an empty view
/// may have an offset past the end of its storage.
pub(crate) fn row_major<T: Element>(tensor: &Tensor<T>) -> Cow<'_, [T]> {
    if tensor.num_elements() == 0 {
        return Cow::Borrowed(&[]);
    }
    match tensor.as_slice() {
        Some(slice) => Cow::Borrowed(slice),
        None => Cow::Owned(tensor.to_vec()),
    }
}

/// Splits a shape around `axis` into (product before, size of axis, product after).
pub(crate) fn split_at_axis(shape: &[usize], axis: usize) -> (usize, usize, usize) {
    let outer = num_elements(&shape[..axis]);
    let inner = num_elements(&shape[axis + 1..]);
    (outer, shape[axis], inner)
}

/// Checks that `index` can address `target` along `axis` in `gather` and `scatter_add`: same
/// rank, and no longer than `target` along the other axes.
fn check_index_shape(
    op: &'static str,
    target: &[usize],
    index: &[usize],
    axis: usize,
) -> Result<()> {
    let fits = index.len() == target.len()
        && (0..target.len()).all(|d| d == axis || index[d] <= target[d]);
    if !fits {
        return Err(TensorError::ShapeMismatch {
            op,
            lhs: target.to_vec(),
            rhs: index.to_vec(),
            hint: "the index needs the rank of the tensor and may not be longer than it along any axis but `axis`",
        });
    }
    Ok(())
}

/// Returns an error for the first entry of `index` that is not below `size`.
fn check_in_range(op: &'static str, index: &[usize], axis: usize, size: usize) -> Result<()> {
    match index.iter().find(|&&i| i >= size) {
        Some(&i) => Err(TensorError::IndexOutOfRange {
            op,
            index: i as isize,
            axis,
            size,
        }),
        None => Ok(()),
    }
}

/// Calls `f(position in a row-major index tensor, its multi-index)` for every element of
/// `shape`, in row-major order.
fn for_each_index(shape: &[usize], mut f: impl FnMut(usize, &[usize])) {
    let count = num_elements(shape);
    let mut multi = vec![0usize; shape.len()];
    for flat in 0..count {
        f(flat, &multi);
        for axis in (0..shape.len()).rev() {
            multi[axis] += 1;
            if multi[axis] < shape[axis] {
                break;
            }
            multi[axis] = 0;
        }
    }
}

impl<T: Element> Tensor<T> {
    /// Picks the slices at `indices` along `axis`, in that order (repeats allowed).
    ///
    /// The output has the shape of `self` with size `indices.len()` along `axis`.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] for a bad axis and [`TensorError::IndexOutOfRange`] for an
    /// index not below the size of `axis`.
    pub fn index_select(&self, axis: isize, indices: &[usize]) -> Result<Tensor<T>> {
        let axis = normalize_axis("index_select", axis, self.rank())?;
        let (outer, size, inner) = split_at_axis(self.shape(), axis);
        check_in_range("index_select", indices, axis, size)?;
        #[cfg(feature = "opencl")]
        if !self.is_on_host() {
            return crate::opencl::dispatch::index_select(self, axis, indices, |host| {
                host.index_select(axis as isize, indices)
            });
        }

        let mut out_shape = self.shape().to_vec();
        out_shape[axis] = indices.len();
        let data = row_major(self);

        let mut out = Vec::with_capacity(outer * indices.len() * inner);
        for o in 0..outer {
            let block = &data[o * size * inner..(o + 1) * size * inner];
            for &i in indices {
                out.extend_from_slice(&block[i * inner..(i + 1) * inner]);
            }
        }
        Ok(Tensor::from_parts_unchecked(out, &out_shape))
    }

    /// Reads `self` at the positions given by `index` along `axis`, as `torch.gather`.
    ///
    /// The output has the shape of `index`. See the module doc for the formula.
    ///
    /// ```
    /// use tensor::{tensor, Indices, Tensor};
    ///
    /// // Pick one column per row, as a classification loss picks the target class.
    /// let scores: Tensor<f32> = tensor!([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]);
    /// let targets = Indices::new(vec![1, 0], &[2, 1])?;
    /// assert_eq!(scores.gather(1, &targets)?.to_vec(), vec![0.7, 0.5]);
    /// # Ok::<(), tensor::TensorError>(())
    /// ```
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] for a bad axis, [`TensorError::ShapeMismatch`] when the
    /// index rank differs or the index is longer than `self` along another axis, and
    /// [`TensorError::IndexOutOfRange`] for an index value not below the size of `axis`.
    pub fn gather(&self, axis: isize, index: &Indices) -> Result<Tensor<T>> {
        let axis = normalize_axis("gather", axis, self.rank())?;
        check_index_shape("gather", self.shape(), index.shape(), axis)?;
        check_in_range("gather", index.as_slice(), axis, self.shape()[axis])?;
        #[cfg(feature = "opencl")]
        if !self.is_on_host() {
            let values = index.as_slice();
            return crate::opencl::dispatch::gather(self, axis, values, index.shape(), |host| {
                host.gather(axis as isize, index)
            });
        }

        let storage = self.storage();
        let layout = self.layout();
        let values = index.as_slice();
        let mut out = Vec::with_capacity(index.num_elements());
        let mut position = vec![0usize; self.rank()];
        for_each_index(index.shape(), |flat, multi| {
            position.copy_from_slice(multi);
            position[axis] = values[flat];
            out.push(storage[layout.position(&position)]);
        });
        Ok(Tensor::from_parts_unchecked(out, index.shape()))
    }

    /// Returns a copy of `self` with each element of `src` added at the place `index` points
    /// to along `axis`, as `torch.scatter_add`; repeated places accumulate.
    ///
    /// `index` and `src` are read over the shape of `index`; `src` must be at least that large
    /// along every axis.
    ///
    /// # Errors
    /// [`TensorError::InvalidAxis`] for a bad axis, [`TensorError::ShapeMismatch`] for an index
    /// whose shape does not fit `self` or `src`, and [`TensorError::IndexOutOfRange`] for an
    /// index value not below the size of `axis`.
    pub fn scatter_add(&self, axis: isize, index: &Indices, src: &Tensor<T>) -> Result<Tensor<T>> {
        let axis = normalize_axis("scatter_add", axis, self.rank())?;
        check_index_shape("scatter_add", self.shape(), index.shape(), axis)?;
        let src_fits = src.rank() == index.rank()
            && src.shape().iter().zip(index.shape()).all(|(&s, &i)| i <= s);
        if !src_fits {
            return Err(TensorError::ShapeMismatch {
                op: "scatter_add",
                lhs: src.shape().to_vec(),
                rhs: index.shape().to_vec(),
                hint: "`src` needs the rank of the index and at least its size along every axis",
            });
        }
        check_in_range("scatter_add", index.as_slice(), axis, self.shape()[axis])?;
        #[cfg(feature = "opencl")]
        if let Some(out) = crate::opencl::dispatch::scatter_add(
            self,
            src,
            axis,
            index.as_slice(),
            index.shape(),
            |dst, src| dst.scatter_add(axis as isize, index, src),
        )? {
            return Ok(out);
        }

        let mut out = row_major(self).into_owned();
        let strides = crate::shape::contiguous_strides(self.shape());
        let src_storage = src.storage();
        let src_layout = src.layout();
        let values = index.as_slice();
        for_each_index(index.shape(), |flat, multi| {
            let mut target = 0isize;
            for (d, (&m, &stride)) in multi.iter().zip(&strides).enumerate() {
                let coordinate = if d == axis { values[flat] } else { m };
                target += coordinate as isize * stride;
            }
            out[target as usize] += src_storage[src_layout.position(multi)];
        });
        Ok(Tensor::from_parts_unchecked(out, self.shape()))
    }

    /// Builds a `[indices.len(), num_classes]` matrix whose row `r` is 1 at column
    /// `indices[r]` and 0 elsewhere.
    ///
    /// # Errors
    /// [`TensorError::IndexOutOfRange`] for an index not below `num_classes`.
    pub fn one_hot(indices: &[usize], num_classes: usize) -> Result<Tensor<T>> {
        check_in_range("one_hot", indices, 1, num_classes)?;
        let mut out = vec![T::ZERO; indices.len() * num_classes];
        for (row, &class) in indices.iter().enumerate() {
            out[row * num_classes + class] = T::ONE;
        }
        Ok(Tensor::from_parts_unchecked(
            out,
            &[indices.len(), num_classes],
        ))
    }
}
