//! Views: reshape, permute, transpose, narrow, slice, flip, select, broadcast, squeeze,
//! unsqueeze, flatten. The forward pass builds a view without copying. The backward pass sends
//! the gradient back through the inverse view. Where the view drops elements (narrow, slice,
//! select) it scatters the gradient into zeros, and where the view repeats them (broadcast) it
//! sums the copies.

use tensor::{Element, Tensor};

use super::record_unary;
use crate::broadcast::{scatter_view_grad, sum_to_shape};
use crate::{Result, Var};

impl<T: Element> Var<T> {
    /// Gives the value a new shape (a view when the strides allow, else a copy); one entry may
    /// be `-1`. See [`Tensor::reshape`].
    pub fn reshape(&self, shape: &[isize]) -> Result<Var<T>> {
        let output = self.value().reshape(shape)?;
        self.record_reshape("reshape", output)
    }

    /// Like [`Var::reshape`] with a `usize` shape.
    pub fn reshape_to(&self, shape: &[usize]) -> Result<Var<T>> {
        let output = self.value().reshape_to(shape)?;
        self.record_reshape("reshape", output)
    }

    /// Views the value with a new shape without copying; see [`Tensor::view`].
    pub fn view(&self, shape: &[isize]) -> Result<Var<T>> {
        let output = self.value().view(shape)?;
        self.record_reshape("view", output)
    }

    /// Merges all axes into one.
    pub fn flatten(&self) -> Result<Var<T>> {
        let output = self.value().flatten()?;
        self.record_reshape("flatten", output)
    }

    /// Removes `axis`, which must have size 1.
    pub fn squeeze(&self, axis: isize) -> Result<Var<T>> {
        let output = self.value().squeeze(axis)?;
        self.record_reshape("squeeze", output)
    }

    /// Inserts an axis of size 1 at `axis`.
    pub fn unsqueeze(&self, axis: isize) -> Result<Var<T>> {
        let output = self.value().unsqueeze(axis)?;
        self.record_reshape("unsqueeze", output)
    }

    /// Records any view that keeps the row-major order of the elements.
    fn record_reshape(&self, op: &'static str, output: Tensor<T>) -> Result<Var<T>> {
        let input_shape = self.shape().to_vec();
        // d reshape(x) / dx: the identity on elements, so reshape the gradient back.
        record_unary(op, self, output, move |grad| {
            Ok(grad.reshape_to(&input_shape)?)
        })
    }

    /// Reorders the axes: axis `i` of the result is axis `order[i]` of `self`.
    pub fn permute(&self, order: &[usize]) -> Result<Var<T>> {
        let output = self.value().permute(order)?;
        let mut inverse = vec![0; order.len()];
        for (i, &axis) in order.iter().enumerate() {
            inverse[axis] = i;
        }
        // The gradient of a permutation is the inverse permutation of the gradient.
        record_unary("permute", self, output, move |grad| {
            Ok(grad.permute(&inverse)?)
        })
    }

    /// Swaps two axes.
    pub fn transpose(&self, axis0: isize, axis1: isize) -> Result<Var<T>> {
        let output = self.value().transpose(axis0, axis1)?;
        // A swap is its own inverse.
        record_unary("transpose", self, output, move |grad| {
            Ok(grad.transpose(axis0, axis1)?)
        })
    }

    /// Swaps the last two axes (the matrix transpose).
    pub fn t(&self) -> Result<Var<T>> {
        let output = self.value().t()?;
        record_unary("t", self, output, |grad| Ok(grad.t()?))
    }

    /// Reverses `axis`.
    pub fn flip(&self, axis: isize) -> Result<Var<T>> {
        let output = self.value().flip(axis)?;
        record_unary("flip", self, output, move |grad| Ok(grad.flip(axis)?))
    }

    /// Keeps `len` elements of `axis` starting at `start`.
    pub fn narrow(&self, axis: isize, start: usize, len: usize) -> Result<Var<T>> {
        let output = self.value().narrow(axis, start, len)?;
        let input_shape = self.shape().to_vec();
        // Elements outside the window get gradient 0.
        record_unary("narrow", self, output, move |grad| {
            scatter_view_grad("narrow", &input_shape, |b| b.narrow(axis, start, len), grad)
        })
    }

    /// Keeps elements `start, start + step, ...` before `end` along `axis`; see
    /// [`Tensor::slice`].
    pub fn slice(&self, axis: isize, start: usize, end: usize, step: isize) -> Result<Var<T>> {
        let output = self.value().slice(axis, start, end, step)?;
        let input_shape = self.shape().to_vec();
        // Elements the slice skips get gradient 0.
        record_unary("slice", self, output, move |grad| {
            scatter_view_grad(
                "slice",
                &input_shape,
                |b| b.slice(axis, start, end, step),
                grad,
            )
        })
    }

    /// Fixes `axis` to `index`, removing that axis.
    pub fn select(&self, axis: isize, index: usize) -> Result<Var<T>> {
        let output = self.value().select(axis, index)?;
        let input_shape = self.shape().to_vec();
        // Only the selected row receives the gradient.
        record_unary("select", self, output, move |grad| {
            scatter_view_grad("select", &input_shape, |b| b.select(axis, index), grad)
        })
    }

    /// Expands to `shape` by broadcasting; the gradient sums over the repeated elements.
    pub fn broadcast_to(&self, shape: &[usize]) -> Result<Var<T>> {
        let output = self.value().broadcast_to(shape)?;
        let input_shape = self.shape().to_vec();
        // Each input element feeds every copy, so its gradient is the sum over the copies.
        record_unary("broadcast_to", self, output, move |grad| {
            sum_to_shape(grad, &input_shape)
        })
    }

    /// Another name for [`Var::broadcast_to`], as in PyTorch.
    pub fn expand(&self, shape: &[usize]) -> Result<Var<T>> {
        self.broadcast_to(shape)
    }

    /// Returns a variable whose value is a contiguous copy (or `self`'s value when already
    /// contiguous); the gradient passes through unchanged.
    pub fn contiguous(&self) -> Result<Var<T>> {
        let output = self.value().contiguous();
        record_unary("contiguous", self, output, |grad| Ok(grad.clone()))
    }
}
