//! Writing through a view without mutation: [`Tensor::view_scatter`] returns a copy of a tensor
//! in which the elements that one view selects hold new values.
//!
//! It is the out-of-place form of assigning to a slice (`y = x.copy(); y[1:3] = src` in
//! NumPy), and what the gradient of a view needs: the gradient of `x.narrow(..)` is zeros with
//! the output gradient written into the narrowed window.

use crate::strided::for_each_run;
use crate::{Element, Layout, Result, Tensor, TensorError};

impl<T: Element> Tensor<T> {
    /// Returns a contiguous copy of `self` in which the elements that `view` selects are
    /// replaced by `src`.
    ///
    /// `view` receives a contiguous tensor of `self`'s shape and must return a view of it built
    /// with the view methods (`narrow`, `slice`, `select`, `permute`, `t`, `flip`, `squeeze`,
    /// a `reshape` that does not copy, or a chain of these). `src` must have the view's shape
    /// and is read through its own layout, so it may be a view too. Runs on the device of
    /// `self` and `src`, as a kernel on OpenCL.
    ///
    /// ```
    /// use tensor::{tensor, Tensor};
    ///
    /// let x = Tensor::<f32>::zeros(&[2, 3]);
    /// let row: Tensor<f32> = tensor!([7.0, 8.0]);
    /// // Write [7, 8] into columns 1 and 2 of row 1.
    /// let y = x.view_scatter(&row, |t| t.select(0, 1)?.narrow(0, 1, 2))?;
    /// assert_eq!(y.to_vec(), vec![0.0, 0.0, 0.0, 0.0, 7.0, 8.0]);
    /// # Ok::<(), tensor::TensorError>(())
    /// ```
    ///
    /// # Errors
    /// - the errors of `view`;
    /// - [`TensorError::ShapeMismatch`] when `src`'s shape differs from the view's;
    /// - [`TensorError::InvalidArgument`] when `view` returns a copy instead of a view, or a
    ///   view that selects an element more than once (a broadcast axis), because the written
    ///   value would then be ambiguous;
    /// - [`TensorError::DeviceMismatch`] when `self` and `src` are on different devices.
    pub fn view_scatter(
        &self,
        src: &Tensor<T>,
        view: impl FnOnce(&Tensor<T>) -> Result<Tensor<T>>,
    ) -> Result<Tensor<T>> {
        let layout = checked_view_layout(self.shape(), src.shape(), view)?;

        #[cfg(feature = "opencl")]
        if let Some(out) = crate::opencl::dispatch::view_scatter(self, &layout, src, |b, s| {
            Ok(scatter_on_host(b, &layout, s))
        })? {
            return Ok(out);
        }
        Ok(scatter_on_host(self, &layout, src))
    }
}

/// Applies `view` to a zero tensor of `shape` and returns the view's layout after checking
/// that it is a view of that tensor, selects no element twice and has `src_shape`.
fn checked_view_layout<T: Element>(
    shape: &[usize],
    src_shape: &[usize],
    view: impl FnOnce(&Tensor<T>) -> Result<Tensor<T>>,
) -> Result<Layout> {
    // Zeros are allocated as zeroed pages, which the OS maps lazily, so the probe costs
    // little even for a large shape.
    let probe = Tensor::<T>::zeros(shape);
    let viewed = view(&probe)?;
    if !viewed.shares_storage(&probe) {
        return Err(TensorError::invalid(
            "view_scatter",
            "the view function returned a copy, not a view of its argument; build it from \
             view methods such as narrow, select, slice, permute or flip",
        ));
    }
    let layout = viewed.layout().clone();
    let repeats = layout
        .shape()
        .iter()
        .zip(layout.strides())
        .any(|(&size, &stride)| size > 1 && stride == 0);
    if repeats {
        return Err(TensorError::invalid(
            "view_scatter",
            format!(
                "the view (shape {:?}, strides {:?}) selects some elements more than once, so \
                 the value to write there is ambiguous; use a view without broadcast axes",
                layout.shape(),
                layout.strides()
            ),
        ));
    }
    if layout.shape() != src_shape {
        return Err(TensorError::ShapeMismatch {
            op: "view_scatter",
            lhs: layout.shape().to_vec(),
            rhs: src_shape.to_vec(),
            hint: "src must have the shape of the view it is written into",
        });
    }
    Ok(layout)
}

/// Copies `base` on the host and writes `src` at the positions of `layout`.
fn scatter_on_host<T: Element>(base: &Tensor<T>, layout: &Layout, src: &Tensor<T>) -> Tensor<T> {
    let mut out = base.contiguous().to_vec();
    let values = src.to_vec();
    let mut next = 0;
    for_each_run(layout, |start, len, step| {
        let mut position = start as isize;
        for &value in &values[next..next + len] {
            out[position as usize] = value;
            position += step;
        }
        next += len;
    });
    Tensor::from_parts_unchecked(out, base.shape())
}

#[cfg(test)]
mod tests {
    use crate::{tensor, Tensor, TensorError};

    fn base() -> Tensor<f32> {
        Tensor::arange(0.0, 6.0, 1.0)
            .unwrap()
            .reshape(&[2, 3])
            .unwrap()
    }

    #[test]
    fn writes_into_a_narrowed_window() {
        let src: Tensor<f32> = tensor!([[10.0], [20.0]]);
        let out = base().view_scatter(&src, |t| t.narrow(1, 2, 1)).unwrap();
        assert_eq!(out.to_vec(), vec![0.0, 1.0, 10.0, 3.0, 4.0, 20.0]);
    }

    #[test]
    fn writes_through_transposed_and_flipped_views() {
        // t() of [2, 3] is [3, 2]; flipping its axis 0 reverses the columns of the base.
        let src: Tensor<f32> = tensor!([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        let out = base().view_scatter(&src, |t| t.t()?.flip(0)).unwrap();
        assert_eq!(out.to_vec(), vec![5.0, 3.0, 1.0, 6.0, 4.0, 2.0]);
    }

    #[test]
    fn source_view_keeps_input() {
        let input = base();
        let src = Tensor::<f32>::full(&[1], 9.0).broadcast_to(&[3]).unwrap();
        let out = input.view_scatter(&src, |t| t.select(0, 0)).unwrap();
        assert_eq!(out.to_vec(), vec![9.0, 9.0, 9.0, 3.0, 4.0, 5.0]);
        assert_eq!(input.to_vec(), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
    }

    #[test]
    fn refuses_copies_repeats_and_wrong_shapes() {
        let row: Tensor<f32> = tensor!([1.0, 2.0, 3.0]);
        let copy = base().view_scatter(&row, |t| Ok(t.select(0, 0)?.contiguous().add_scalar(1.0)));
        assert!(
            matches!(copy, Err(TensorError::InvalidArgument { .. })),
            "{copy:?}"
        );
        let square = Tensor::<f32>::zeros(&[2, 3]);
        let repeat = Tensor::<f32>::zeros(&[3]).view_scatter(&square, |t| t.broadcast_to(&[2, 3]));
        assert!(
            matches!(repeat, Err(TensorError::InvalidArgument { .. })),
            "{repeat:?}"
        );
        let shape = base().view_scatter(&row, |t| t.narrow(1, 0, 2));
        assert!(
            matches!(shape, Err(TensorError::ShapeMismatch { .. })),
            "{shape:?}"
        );
    }
}
