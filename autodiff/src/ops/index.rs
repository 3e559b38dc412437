//! Indexing: `index_select`, `gather` and `scatter_add`. The indices are constants; gradients
//! flow to the values only.
//!
//! `gather` and `scatter_add` are each other's adjoints: the gradient of a gather scatters the
//! output gradient back (adding where an index repeats), and the gradient of a scatter gathers
//! it. `index_select` is a gather whose index repeats along every other axis.

use tensor::shape::normalize_axis;
use tensor::{Element, Indices, Tensor};

use super::record_unary;
use crate::broadcast::scatter_view_grad;
use crate::{Result, Tape, Var};

/// Copies an index tensor so a backward rule can own it.
fn copy_indices(index: &Indices) -> Result<Indices> {
    Ok(Indices::new(index.as_slice().to_vec(), index.shape())?)
}

/// Builds the index of shape `shape` whose entry at `[.., j, ..]` (position `j` on `axis`) is
/// `indices[j]`: the `gather` index equivalent to `index_select(axis, indices)`.
fn spread_indices(indices: &[usize], shape: &[usize], axis: usize) -> Result<Indices> {
    let inner: usize = shape[axis + 1..].iter().product();
    let count: usize = shape.iter().product();
    let along = shape[axis].max(1);
    let data = (0..count)
        .map(|element| indices[(element / inner.max(1)) % along])
        .collect();
    Ok(Indices::new(data, shape)?)
}

impl<T: Element> Var<T> {
    /// Picks the entries `indices` along `axis` (repeats allowed).
    pub fn index_select(&self, axis: isize, indices: &[usize]) -> Result<Var<T>> {
        let output = self.value().index_select(axis, indices)?;
        let axis_index = normalize_axis("index_select", axis, self.rank())?;
        let input_shape = self.shape().to_vec();
        let indices = indices.to_vec();
        // dx[.., i, ..] = sum of g[.., j, ..] over j with indices[j] = i
        record_unary("index_select", self, output, move |g| {
            let spread = spread_indices(&indices, g.shape(), axis_index)?;
            Ok(Tensor::zeros_on(&input_shape, &g.device())?.scatter_add(axis, &spread, g)?)
        })
    }

    /// Gathers values along `axis` at `index`, as `torch.gather`: the output has the index's
    /// shape.
    pub fn gather(&self, axis: isize, index: &Indices) -> Result<Var<T>> {
        let output = self.value().gather(axis, index)?;
        let input_shape = self.shape().to_vec();
        let index = copy_indices(index)?;
        // dx = scatter_add(zeros, index, g): each gathered element returns its gradient
        record_unary("gather", self, output, move |g| {
            Ok(Tensor::zeros_on(&input_shape, &g.device())?.scatter_add(axis, &index, g)?)
        })
    }

    /// Returns a copy of `self` with `src` added at `index` along `axis`, as
    /// `torch.scatter_add`. Only the part of `src` that `index` covers is used.
    pub fn scatter_add(&self, axis: isize, index: &Indices, src: &Var<T>) -> Result<Var<T>> {
        let output = self.value().scatter_add(axis, index, src.value())?;
        let src_shape = src.shape().to_vec();
        let index = copy_indices(index)?;
        // d/dself = g, d/dsrc = gather(g, index) (0 where src is not covered by the index)
        Tape::record("scatter_add", &[self, src], output, move |g, tracked| {
            let g_src = if tracked[1] {
                let gathered = g.gather(axis, &index)?;
                Some(pad_with_zeros(&gathered, &src_shape)?)
            } else {
                None
            };
            Ok(vec![Some(g.clone()), g_src])
        })
    }
}

/// Places `t` at the start of every axis of a zero tensor of `shape` (each `t` size is at most
/// the `shape` size).
fn pad_with_zeros<T: Element>(t: &Tensor<T>, shape: &[usize]) -> Result<Tensor<T>> {
    if t.shape() == shape {
        return Ok(t.clone());
    }
    let sizes = t.shape().to_vec();
    scatter_view_grad(
        "scatter_add",
        shape,
        |base| {
            let mut view = base.clone();
            for (axis, &len) in sizes.iter().enumerate() {
                view = view.narrow(axis as isize, 0, len)?;
            }
            Ok(view)
        },
        t,
    )
}
