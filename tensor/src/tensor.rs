//! The [`Tensor`] type: a [`Layout`] over reference-counted storage, its constructors and
//! accessors. Views live in `view.rs`, operations under `ops/`.

use std::sync::Arc;

use crate::shape::{contiguous_strides, num_elements};
use crate::storage::Storage;
use crate::strided::{for_each_run, StridedIter};
use crate::{DType, Element, Layout, Result, TensorError};

/// An n-dimensional array of `T` (default `f32`).
///
/// A tensor is a cheap handle: cloning it, and every view operation (`transpose`, `narrow`,
/// `broadcast_to`, ...), shares the same storage and only builds a new [`Layout`]. Storage is
/// immutable while shared; the `*_mut` accessors copy it first when another handle still refers
/// to it (copy on write), so a view never changes behind its source's back.
#[derive(Clone)]
pub struct Tensor<T: Element = f32> {
    storage: Storage<T>,
    layout: Layout,
}

impl<T: Element> Tensor<T> {
    // ---- construction ----

    /// Creates a tensor from row-major data and a shape.
    ///
    /// # Errors
    /// [`TensorError::ElementCount`] when `data.len()` is not the product of `shape`.
    pub fn from_vec(data: Vec<T>, shape: &[usize]) -> Result<Self> {
        let expected = num_elements(shape);
        if data.len() != expected {
            return Err(TensorError::ElementCount {
                op: "from_vec",
                len: data.len(),
                shape: shape.to_vec(),
                expected,
            });
        }
        Ok(Tensor {
            storage: Storage::Host(Arc::new(data)),
            layout: Layout::contiguous(shape),
        })
    }

    /// Creates a tensor by copying row-major data from a slice.
    pub fn from_slice(data: &[T], shape: &[usize]) -> Result<Self> {
        Self::from_vec(data.to_vec(), shape)
    }

    /// Creates a tensor over existing storage with an explicit layout.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when the layout reaches outside the storage.
    pub fn from_storage(storage: Arc<Vec<T>>, layout: Layout) -> Result<Self> {
        if let Some((_, end)) = layout.storage_span() {
            if end > storage.len() {
                return Err(TensorError::invalid(
                    "from_storage",
                    format!(
                        "layout {:?} with strides {:?} and offset {} reaches position {} but the storage holds {} elements",
                        layout.shape(),
                        layout.strides(),
                        layout.offset(),
                        end - 1,
                        storage.len()
                    ),
                ));
            }
        }
        Ok(Tensor {
            storage: Storage::Host(storage),
            layout,
        })
    }

    /// Creates a 0-dimensional tensor holding one value.
    pub fn scalar(value: T) -> Self {
        Tensor {
            storage: Storage::Host(Arc::new(vec![value])),
            layout: Layout::contiguous(&[]),
        }
    }

    /// Creates a tensor filled with `value`.
    pub fn full(shape: &[usize], value: T) -> Self {
        Tensor {
            storage: Storage::Host(Arc::new(vec![value; num_elements(shape)])),
            layout: Layout::contiguous(shape),
        }
    }

    /// Creates a tensor of zeros.
    pub fn zeros(shape: &[usize]) -> Self {
        Self::full(shape, T::ZERO)
    }

    /// Creates a tensor of ones.
    pub fn ones(shape: &[usize]) -> Self {
        Self::full(shape, T::ONE)
    }

    /// Creates a zero tensor with the shape of `self`.
    pub fn zeros_like(&self) -> Self {
        Self::zeros(self.shape())
    }

    /// Creates the 1-D tensor `[start, start + step, ...]` of values below `end` (above `end`
    /// for a negative step), as NumPy's `arange`.
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] for a zero or non-finite step.
    pub fn arange(start: T, end: T, step: T) -> Result<Self> {
        if step == T::ZERO || !step.is_finite() || !start.is_finite() || !end.is_finite() {
            return Err(TensorError::invalid(
                "arange",
                format!(
                    "start {start}, end {end} and step {step} must be finite and step non-zero"
                ),
            ));
        }
        let count = ((end - start) / step).to_f64().ceil().max(0.0) as usize;
        let data = (0..count)
            .map(|i| start + T::from_usize(i) * step)
            .collect();
        Self::from_vec(data, &[count])
    }

    /// Creates `count` evenly spaced values from `start` to `end`, both included.
    pub fn linspace(start: T, end: T, count: usize) -> Self {
        let data: Vec<T> = match count {
            0 => Vec::new(),
            1 => vec![start],
            _ => {
                let step = (end - start) / T::from_usize(count - 1);
                (0..count)
                    .map(|i| {
                        if i == count - 1 {
                            end
                        } else {
                            start + T::from_usize(i) * step
                        }
                    })
                    .collect()
            }
        };
        Tensor {
            layout: Layout::contiguous(&[data.len()]),
            storage: Storage::Host(Arc::new(data)),
        }
    }

    /// Creates the `n x n` identity matrix.
    pub fn eye(n: usize) -> Self {
        let mut data = vec![T::ZERO; n * n];
        for i in 0..n {
            data[i * n + i] = T::ONE;
        }
        Tensor {
            storage: Storage::Host(Arc::new(data)),
            layout: Layout::contiguous(&[n, n]),
        }
    }

    // ---- accessors ----

    /// The size of each axis.
    pub fn shape(&self) -> &[usize] {
        self.layout.shape()
    }

    /// The size of one axis (negative axes count from the end).
    pub fn dim(&self, axis: isize) -> Result<usize> {
        let a = crate::shape::normalize_axis("dim", axis, self.rank())?;
        Ok(self.shape()[a])
    }

    /// The step in storage of each axis, in elements (negative for reversed axes, 0 for
    /// broadcast axes).
    pub fn strides(&self) -> &[isize] {
        self.layout.strides()
    }

    /// The storage position of the first element.
    pub fn offset(&self) -> usize {
        self.layout.offset()
    }

    /// Shape, strides and offset together.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The number of axes.
    pub fn rank(&self) -> usize {
        self.layout.rank()
    }

    /// The number of elements.
    pub fn num_elements(&self) -> usize {
        self.layout.num_elements()
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        T::DTYPE
    }

    /// The whole underlying storage, including elements this view does not see.
    ///
    /// For a tensor on an OpenCL device this is a host copy of the device buffer, downloaded on
    /// first access and then shared.
    ///
    /// # Panics
    /// When downloading a device buffer fails (the device was lost); [`Tensor::to_host`]
    /// returns that failure as an error instead.
    pub fn storage(&self) -> &[T] {
        self.storage.host()
    }

    /// The shared storage handle, for building views with [`Tensor::from_storage`].
    ///
    /// For a tensor on an OpenCL device this is the host copy described at
    /// [`Tensor::storage`], so a tensor built from it lives in host memory.
    pub fn storage_arc(&self) -> &Arc<Vec<T>> {
        self.storage.host()
    }

    /// Returns the storage, host or device, for the device code.
    pub(crate) fn storage_enum(&self) -> &Storage<T> {
        &self.storage
    }

    /// Builds a tensor over `storage` with `layout`; the caller guarantees the layout fits.
    #[cfg(feature = "opencl")]
    pub(crate) fn from_storage_enum(storage: Storage<T>, layout: Layout) -> Tensor<T> {
        Tensor { storage, layout }
    }

    /// True when both tensors are views of the same storage.
    pub fn shares_storage(&self, other: &Tensor<T>) -> bool {
        self.storage.ptr_eq(&other.storage)
    }

    /// True when the elements are in row-major order with no gaps.
    pub fn is_contiguous(&self) -> bool {
        self.layout.is_contiguous()
    }

    /// The elements as one slice in row-major order, when the tensor is contiguous.
    pub fn as_slice(&self) -> Option<&[T]> {
        if !self.is_contiguous() {
            return None;
        }
        // An empty view may keep an offset past the end of its storage (narrowing at the end).
        if self.num_elements() == 0 {
            return Some(&[]);
        }
        let start = self.offset();
        Some(&self.storage()[start..start + self.num_elements()])
    }

    /// Returns a contiguous tensor with the same values: `self` (shared) when it already is,
    /// otherwise a row-major copy.
    pub fn contiguous(&self) -> Tensor<T> {
        if self.is_contiguous() {
            return self.clone();
        }
        #[cfg(feature = "opencl")]
        if !self.is_on_host() {
            let copy = crate::opencl::elementwise::UnaryOp::Copy;
            return crate::opencl::dispatch::unary(self, Some(copy), |host| host.contiguous());
        }
        Tensor {
            storage: Storage::Host(Arc::new(self.to_vec())),
            layout: Layout::contiguous(self.shape()),
        }
    }

    /// Copies the elements into a `Vec` in row-major order.
    pub fn to_vec(&self) -> Vec<T> {
        if let Some(slice) = self.as_slice() {
            return slice.to_vec();
        }
        let mut out = Vec::with_capacity(self.num_elements());
        let data = self.storage();
        for_each_run(&self.layout, |start, len, step| {
            if step == 1 {
                out.extend_from_slice(&data[start..start + len]);
            } else {
                let mut p = start as isize;
                for _ in 0..len {
                    out.push(data[p as usize]);
                    p += step;
                }
            }
        });
        out
    }

    /// Returns the value of a tensor with exactly one element (of any rank).
    ///
    /// # Errors
    /// [`TensorError::InvalidArgument`] when the tensor contains zero or several elements.
    pub fn to_scalar(&self) -> Result<T> {
        if self.num_elements() != 1 {
            return Err(TensorError::invalid(
                "to_scalar",
                format!("expected exactly one element, got shape {:?}", self.shape()),
            ));
        }
        Ok(self.storage()[self.offset()])
    }

    /// Reads one element by its multi-index.
    ///
    /// # Errors
    /// [`TensorError::RankMismatch`] or [`TensorError::IndexOutOfRange`] for a bad index.
    pub fn get(&self, index: &[usize]) -> Result<T> {
        if index.len() != self.rank() {
            return Err(TensorError::invalid(
                "get",
                format!(
                    "index {index:?} has {} entries but the shape {:?} has {} axes",
                    index.len(),
                    self.shape(),
                    self.rank()
                ),
            ));
        }
        for (axis, (&i, &size)) in index.iter().zip(self.shape()).enumerate() {
            if i >= size {
                return Err(TensorError::IndexOutOfRange {
                    op: "get",
                    index: i as isize,
                    axis,
                    size,
                });
            }
        }
        Ok(self.storage()[self.layout.position(index)])
    }

    /// Iterates over the storage positions of the elements in row-major order.
    pub fn positions(&self) -> StridedIter {
        StridedIter::new(&self.layout)
    }

    /// Iterates over the values in row-major order.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        let data = self.storage();
        self.positions().map(move |p| data[p])
    }

    // ---- mutation (copy on write) ----

    /// Makes `self` contiguous, starting at offset 0 and the sole owner of its storage, then
    /// returns the elements as one mutable slice in row-major order. Copies only when the storage
    /// is shared, offset, or not in row-major order, so other handles never see the change.
    ///
    /// A tensor on an OpenCL device is first downloaded and becomes a host tensor: mutable
    /// access always happens in host memory. Move it back with [`Tensor::to_device`].
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        let exact = self.is_on_host()
            && self.is_contiguous()
            && self.offset() == 0
            && self.storage().len() == self.num_elements();
        if !exact {
            *self = Tensor {
                storage: Storage::Host(Arc::new(self.to_vec())),
                layout: Layout::contiguous(self.shape()),
            };
        }
        match &mut self.storage {
            Storage::Host(data) => Arc::make_mut(data).as_mut_slice(),
            #[cfg(feature = "opencl")]
            Storage::OpenCl(_) => unreachable!("as_mut_slice moved the tensor to host memory"),
        }
    }

    /// Swaps the layout for another over the same storage; used by the view functions.
    pub(crate) fn with_layout(&self, layout: Layout) -> Tensor<T> {
        Tensor {
            storage: self.storage.clone(),
            layout,
        }
    }

    /// Converts every element to another element type.
    ///
    /// A tensor on an OpenCL device is converted there by a kernel, and the result stays on
    /// that device. A view with more than six axes after merging is converted on the host and
    /// the result uploaded. When `U` is `f64` and the device lacks `cl_khr_fp64`, the
    /// conversion runs on the host and the result stays in host memory.
    ///
    /// # Panics
    /// For a tensor on an OpenCL device, when the device fails (see [`Tensor::storage`]).
    pub fn cast<U: Element>(&self) -> Tensor<U> {
        #[cfg(feature = "opencl")]
        if !self.is_on_host() {
            return match crate::opencl::dispatch::cast(self, Tensor::cast_on_host) {
                Ok(out) => out,
                Err(e) => panic!("cast on an OpenCL device failed: {e}"),
            };
        }
        self.cast_on_host()
    }

    /// Converts every element on the host into a contiguous host tensor.
    fn cast_on_host<U: Element>(&self) -> Tensor<U> {
        let data = self.iter().map(|v| U::from_f64(v.to_f64())).collect();
        Tensor {
            storage: Storage::Host(Arc::new(data)),
            layout: Layout::contiguous(self.shape()),
        }
    }

    /// Builds a tensor of the given shape from a contiguous data vector without checks; used by
    /// kernels that computed the length themselves.
    pub(crate) fn from_parts_unchecked(data: Vec<T>, shape: &[usize]) -> Tensor<T> {
        debug_assert_eq!(data.len(), num_elements(shape), "kernel output length");
        Tensor {
            storage: Storage::Host(Arc::new(data)),
            layout: Layout::from_parts(shape.to_vec(), contiguous_strides(shape), 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_vec_checks_length() {
        let err = Tensor::<f32>::from_vec(vec![1.0; 5], &[2, 3]).unwrap_err();
        assert!(matches!(
            err,
            TensorError::ElementCount {
                len: 5,
                expected: 6,
                ..
            }
        ));
    }

    #[test]
    fn arange_and_linspace() {
        assert_eq!(
            Tensor::<f64>::arange(0.0, 1.0, 0.25).unwrap().to_vec(),
            vec![0.0, 0.25, 0.5, 0.75]
        );
        assert_eq!(
            Tensor::<f64>::linspace(0.0, 1.0, 3).to_vec(),
            vec![0.0, 0.5, 1.0]
        );
        assert!(Tensor::<f32>::arange(0.0, 1.0, 0.0).is_err());
    }

    #[test]
    fn as_mut_slice_copies_when_shared() {
        let a = Tensor::<f32>::zeros(&[3]);
        let mut b = a.clone();
        b.as_mut_slice()[0] = 1.0;
        assert_eq!(a.to_vec(), vec![0.0, 0.0, 0.0]);
        assert_eq!(b.to_vec(), vec![1.0, 0.0, 0.0]);
        assert!(!a.shares_storage(&b));
    }

    #[test]
    fn empty_view_at_end_of_storage() {
        let t = Tensor::<f32>::zeros(&[4, 0]).narrow(0, 2, 2).unwrap();
        assert_eq!(t.to_vec(), Vec::<f32>::new());
        let u = Tensor::<f32>::zeros(&[3]).narrow(0, 3, 0).unwrap();
        assert_eq!(u.to_vec(), Vec::<f32>::new());
    }

    #[test]
    fn from_storage_rejects_out_of_bounds() {
        let t = Tensor::<f32>::zeros(&[4]);
        let layout = Layout::from_parts(vec![3], vec![2], 0);
        assert!(Tensor::from_storage(t.storage_arc().clone(), layout).is_err());
    }
}
