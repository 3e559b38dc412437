//! Layouts: how a logical n-dimensional index maps to a position in flat storage, and every view
//! operation as a pure function from one layout to another.
//!
//! A layout is a shape, one stride per axis and an offset. The element at index `[i0, i1, ...]`
//! lives at storage position `offset + i0 * strides[0] + i1 * strides[1] + ...`.
//!
//! Design decision: strides are **signed** (`isize`). A negative stride walks an axis backwards,
//! so reversing an axis ([`Layout::flip`]) or slicing with a negative step is a view, never a
//! copy. A stride of 0 repeats one element along an axis; this is how broadcasting
//! ([`Layout::broadcast_to`]) expands a tensor without allocating. Strides are counted in
//! elements, not bytes.
//!
//! Because these functions only compute new layouts, views never copy data: the tensor that owns
//! the storage hands the same storage to the view with the new layout.

use crate::shape::{contiguous_strides, normalize_axis, num_elements};
use crate::{Result, TensorError};

/// Shape, strides and offset of a tensor over its storage.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Layout {
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
}

impl Layout {
    /// Creates a row-major contiguous layout starting at offset 0.
    pub fn contiguous(shape: &[usize]) -> Self {
        Layout {
            shape: shape.to_vec(),
            strides: contiguous_strides(shape),
            offset: 0,
        }
    }

    /// Creates a layout from its parts. The caller guarantees that every reachable position is
    /// inside the storage; [`Layout::storage_span`] computes the range to check.
    pub fn from_parts(shape: Vec<usize>, strides: Vec<isize>, offset: usize) -> Self {
        debug_assert_eq!(shape.len(), strides.len(), "one stride per axis");
        Layout {
            shape,
            strides,
            offset,
        }
    }

    /// The size of each axis.
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The step in storage, in elements, of each axis.
    pub fn strides(&self) -> &[isize] {
        &self.strides
    }

    /// The storage position of the first element.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The number of axes.
    pub fn rank(&self) -> usize {
        self.shape.len()
    }

    /// The number of elements (1 for a scalar, 0 when any axis has size 0).
    pub fn num_elements(&self) -> usize {
        num_elements(&self.shape)
    }

    /// True when the elements are laid out in row-major order with no gaps, so that the tensor
    /// covers `offset..offset + num_elements` of its storage in order. Axes of size 1 may have
    /// any stride.
    pub fn is_contiguous(&self) -> bool {
        let mut expected = 1isize;
        for (&size, &stride) in self.shape.iter().zip(&self.strides).rev() {
            if size == 0 {
                return true;
            }
            if size != 1 && stride != expected {
                return false;
            }
            expected *= size as isize;
        }
        true
    }

    /// Returns the lowest and one-past-highest storage positions the layout can reach, or `None`
    /// for an empty tensor.
    pub fn storage_span(&self) -> Option<(usize, usize)> {
        if self.num_elements() == 0 {
            return None;
        }
        let mut low = self.offset as isize;
        let mut high = self.offset as isize;
        for (&size, &stride) in self.shape.iter().zip(&self.strides) {
            let reach = (size as isize - 1) * stride;
            if reach < 0 {
                low += reach;
            } else {
                high += reach;
            }
        }
        Some((low as usize, high as usize + 1))
    }

    /// Returns the storage position of one multi-index, without bounds checks on the index.
    pub fn position(&self, index: &[usize]) -> usize {
        let mut position = self.offset as isize;
        for (&i, &stride) in index.iter().zip(&self.strides) {
            position += i as isize * stride;
        }
        position as usize
    }

    /// Reorders the axes: axis `i` of the result is axis `order[i]` of `self`.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] unless `order` is a permutation of `0..rank`.
    pub fn permute(&self, order: &[usize]) -> Result<Layout> {
        let rank = self.rank();
        let mut seen = vec![false; rank];
        let valid = order.len() == rank
            && order.iter().all(|&axis| {
                let fresh = axis < rank && !seen[axis];
                if fresh {
                    seen[axis] = true;
                }
                fresh
            });
        if !valid {
            return Err(TensorError::invalid(
                "permute",
                format!(
                    "{order:?} is not a permutation of the {rank} axes of shape {:?}",
                    self.shape
                ),
            ));
        }
        Ok(Layout {
            shape: order.iter().map(|&a| self.shape[a]).collect(),
            strides: order.iter().map(|&a| self.strides[a]).collect(),
            offset: self.offset,
        })
    }

    /// Swaps two axes (negative axes count from the end).
    pub fn transpose(&self, axis0: isize, axis1: isize) -> Result<Layout> {
        let a = normalize_axis("transpose", axis0, self.rank())?;
        let b = normalize_axis("transpose", axis1, self.rank())?;
        let mut out = self.clone();
        out.shape.swap(a, b);
        out.strides.swap(a, b);
        Ok(out)
    }

    /// Keeps `len` elements of `axis` starting at `start`.
    ///
    /// # Errors
    /// [`TensorError::IndexOutOfRange`] when `start + len` exceeds the axis size.
    pub fn narrow(&self, axis: isize, start: usize, len: usize) -> Result<Layout> {
        self.slice(axis, start, start + len, 1)
    }

    /// Keeps the elements `start, start + step, ...` below `end` along `axis`, as Python's
    /// `a[start:end:step]` with a positive step. A negative step walks backwards from `start`
    /// down to `end`, excluding `end`. To walk back to the first element, pass `usize::MAX` as
    /// `end`, which stands for Python's `-1` there.
    ///
    /// # Errors
    /// [`TensorError::IndexOutOfRange`] for bounds outside the axis and
    /// [`TensorError::InvalidArgument`] for a zero step.
    pub fn slice(&self, axis: isize, start: usize, end: usize, step: isize) -> Result<Layout> {
        let axis = normalize_axis("slice", axis, self.rank())?;
        let size = self.shape[axis];
        if step == 0 {
            return Err(TensorError::invalid("slice", "step must not be zero"));
        }
        let len = if step > 0 {
            if start > size || end > size {
                let index = if start > size { start } else { end } as isize;
                return Err(TensorError::IndexOutOfRange {
                    op: "slice",
                    index,
                    axis,
                    size,
                });
            }
            end.saturating_sub(start).div_ceil(step as usize)
        } else {
            if start >= size {
                return Err(TensorError::IndexOutOfRange {
                    op: "slice",
                    index: start as isize,
                    axis,
                    size,
                });
            }
            // `end == usize::MAX` stands for "past the first element".
            let stop = if end == usize::MAX { -1 } else { end as isize };
            ((start as isize - stop).max(0) as usize).div_ceil(step.unsigned_abs())
        };
        let mut out = self.clone();
        if len > 0 {
            out.offset = (self.offset as isize + start as isize * self.strides[axis]) as usize;
        }
        out.shape[axis] = len;
        out.strides[axis] = self.strides[axis] * step;
        Ok(out)
    }

    /// Reverses the order of elements along `axis` by negating its stride.
    pub fn flip(&self, axis: isize) -> Result<Layout> {
        let a = normalize_axis("flip", axis, self.rank())?;
        if self.shape[a] == 0 {
            return Ok(self.clone());
        }
        self.slice(axis, self.shape[a] - 1, usize::MAX, -1)
    }

    /// Removes `axis` by fixing its index to `index`; the result has one axis fewer.
    pub fn select(&self, axis: isize, index: usize) -> Result<Layout> {
        let a = normalize_axis("select", axis, self.rank())?;
        if index >= self.shape[a] {
            return Err(TensorError::IndexOutOfRange {
                op: "select",
                index: index as isize,
                axis: a,
                size: self.shape[a],
            });
        }
        let mut out = self.clone();
        out.offset = (self.offset as isize + index as isize * self.strides[a]) as usize;
        out.shape.remove(a);
        out.strides.remove(a);
        Ok(out)
    }

    /// Expands the layout to `target` by the broadcasting rule: new leading axes and axes of
    /// size 1 get stride 0, so one element is seen many times.
    ///
    /// # Errors
    /// [`TensorError::ShapeMismatch`] when the shape cannot broadcast to `target`.
    pub fn broadcast_to(&self, target: &[usize]) -> Result<Layout> {
        let mismatch = || TensorError::ShapeMismatch {
            op: "broadcast_to",
            lhs: self.shape.clone(),
            rhs: target.to_vec(),
            hint: "each size must equal the target size or be 1, aligned from the right",
        };
        if target.len() < self.rank() {
            return Err(mismatch());
        }
        let lead = target.len() - self.rank();
        let mut strides = vec![0isize; target.len()];
        for (i, &size) in self.shape.iter().enumerate() {
            let want = target[lead + i];
            if size == want {
                strides[lead + i] = self.strides[i];
            } else if size != 1 {
                return Err(mismatch());
            }
        }
        Ok(Layout {
            shape: target.to_vec(),
            strides,
            offset: self.offset,
        })
    }

    /// Removes `axis`, which must have size 1.
    pub fn squeeze(&self, axis: isize) -> Result<Layout> {
        let a = normalize_axis("squeeze", axis, self.rank())?;
        if self.shape[a] != 1 {
            return Err(TensorError::invalid(
                "squeeze",
                format!(
                    "axis {a} of shape {:?} has size {}, not 1",
                    self.shape, self.shape[a]
                ),
            ));
        }
        let mut out = self.clone();
        out.shape.remove(a);
        out.strides.remove(a);
        Ok(out)
    }

    /// Removes every axis of size 1.
    pub fn squeeze_all(&self) -> Layout {
        let (shape, strides) = self
            .shape
            .iter()
            .zip(&self.strides)
            .filter(|(&size, _)| size != 1)
            .map(|(&size, &stride)| (size, stride))
            .unzip();
        Layout {
            shape,
            strides,
            offset: self.offset,
        }
    }

    /// Inserts an axis of size 1 at position `axis` (in `-(rank+1)..=rank`).
    pub fn unsqueeze(&self, axis: isize) -> Result<Layout> {
        let a = normalize_axis("unsqueeze", axis, self.rank() + 1)?;
        let mut out = self.clone();
        // Any stride works for a size-1 axis; this one keeps a contiguous layout contiguous.
        let stride = if a < self.rank() {
            self.strides[a] * self.shape[a] as isize
        } else {
            1
        };
        out.shape.insert(a, 1);
        out.strides.insert(a, stride);
        Ok(out)
    }

    /// Reinterprets the elements, in row-major order, with a new shape without copying.
    ///
    /// This works whenever each group of old axes that merges or splits into new axes is
    /// itself contiguous in memory (the rule PyTorch's `view` uses).
    ///
    /// # Errors
    /// [`TensorError::ElementCount`] when the element counts differ and
    /// [`TensorError::InvalidView`] when the strides make a copy unavoidable.
    pub fn view(&self, target: &[usize]) -> Result<Layout> {
        let count = self.num_elements();
        if num_elements(target) != count {
            return Err(TensorError::ElementCount {
                op: "view",
                len: count,
                shape: target.to_vec(),
                expected: num_elements(target),
            });
        }
        if self.is_contiguous() || count == 0 {
            return Ok(Layout {
                shape: target.to_vec(),
                strides: contiguous_strides(target),
                offset: self.offset,
            });
        }
        match view_strides(&self.shape, &self.strides, target) {
            Some(strides) => Ok(Layout {
                shape: target.to_vec(),
                strides,
                offset: self.offset,
            }),
            None => Err(TensorError::InvalidView {
                op: "view",
                shape: self.shape.clone(),
                strides: self.strides.clone(),
                target: target.to_vec(),
            }),
        }
    }
}

/// Computes strides for viewing `(shape, strides)` as `target`, or `None` when impossible.
///
/// Old axes are grouped into runs that are contiguous with each other (stride of axis i equals
/// stride of axis i+1 times its size). Each run behaves like one flat axis, and new axes are
/// carved out of it from the right.
fn view_strides(shape: &[usize], strides: &[isize], target: &[usize]) -> Option<Vec<isize>> {
    // Drop size-1 axes: their strides are irrelevant and would break runs.
    let old: Vec<(usize, isize)> = shape
        .iter()
        .zip(strides)
        .filter(|(&s, _)| s != 1)
        .map(|(&s, &t)| (s, t))
        .collect();
    let mut out = vec![0isize; target.len()];
    let mut new_axis = target.len();
    let mut old_axis = old.len();
    while old_axis > 0 {
        // Find the run of old axes [run_start, old_axis) that are mutually contiguous.
        let mut run_start = old_axis - 1;
        while run_start > 0 && old[run_start - 1].1 == old[run_start].1 * old[run_start].0 as isize
        {
            run_start -= 1;
        }
        let run_size: usize = old[run_start..old_axis].iter().map(|p| p.0).product();
        let mut stride = old[old_axis - 1].1;
        let mut covered = 1usize;
        // Carve new axes out of this run, from the innermost outwards.
        while covered < run_size {
            if new_axis == 0 {
                return None;
            }
            new_axis -= 1;
            out[new_axis] = stride;
            stride *= target[new_axis] as isize;
            covered *= target[new_axis];
        }
        if covered != run_size {
            return None;
        }
        old_axis = run_start;
    }
    // Remaining new axes must all have size 1; give them a harmless stride.
    for i in 0..new_axis {
        if target[i] != 1 {
            return None;
        }
        out[i] = 1;
    }
    // Size-1 new axes inside a run got a stride already; that is fine.
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_is_not_contiguous() {
        let l = Layout::contiguous(&[2, 3]).transpose(0, 1).unwrap();
        assert_eq!(l.shape(), &[3, 2]);
        assert_eq!(l.strides(), &[1, 3]);
        assert!(!l.is_contiguous());
    }

    #[test]
    fn narrow_moves_offset() {
        let l = Layout::contiguous(&[4, 5]).narrow(1, 2, 3).unwrap();
        assert_eq!(l.offset(), 2);
        assert_eq!(l.shape(), &[4, 3]);
        assert!(Layout::contiguous(&[4, 5]).narrow(1, 3, 3).is_err());
    }

    #[test]
    fn slice_with_step_and_flip() {
        let l = Layout::contiguous(&[10]).slice(0, 1, 8, 3).unwrap();
        assert_eq!((l.shape()[0], l.strides()[0], l.offset()), (3, 3, 1));
        let f = Layout::contiguous(&[4]).flip(0).unwrap();
        assert_eq!((f.shape()[0], f.strides()[0], f.offset()), (4, -1, 3));
        assert_eq!(f.storage_span(), Some((0, 4)));
    }

    #[test]
    fn view_of_transposed_splits_run() {
        // [6, 4] transposed is [4, 6] with strides [1, 4]; splitting the second axis into
        // [2, 3] keeps it a view, merging both axes does not.
        let t = Layout::contiguous(&[6, 4]).transpose(0, 1).unwrap();
        let v = t.view(&[4, 2, 3]).unwrap();
        assert_eq!(v.strides(), &[1, 12, 4]);
        assert!(t.view(&[24]).is_err());
    }

    #[test]
    fn broadcast_uses_zero_stride() {
        let b = Layout::contiguous(&[3, 1])
            .broadcast_to(&[2, 3, 4])
            .unwrap();
        assert_eq!(b.strides(), &[0, 1, 0]);
        assert!(Layout::contiguous(&[3]).broadcast_to(&[4]).is_err());
    }
}
