//! Reductions over a set of axes: `sum`, `mean`, `max`, `min`, `var`, `logsumexp`. An empty
//! `axes` slice reduces over every axis; `keepdim` keeps reduced axes with size 1.
//!
//! Every rule first reshapes the output gradient `g` to the kept-dimension shape, so it
//! broadcasts against the input, then multiplies by the local derivative.
//!
//! Tie rule for `max` and `min`: when several elements share the extreme value, the gradient is
//! split evenly among them (each gets `g / count`), as PyTorch's `amax` does. The result is the
//! same whichever of the tied elements the forward pass met first.

use tensor::shape::normalize_axes;
use tensor::{Element, Tensor};

use super::record_unary;
use crate::{Result, Var};

/// The axes of a reduction, resolved once for the forward and the backward pass.
#[derive(Clone)]
struct Reduction {
    /// The input's shape.
    input_shape: Vec<usize>,
    /// The input's shape with every reduced axis set to 1.
    kept_shape: Vec<usize>,
    /// The reduced axes as signed axes for the tensor calls.
    axes: Vec<isize>,
    /// The number of input elements that reduce into one output element.
    count: usize,
}

impl Reduction {
    fn new(op: &'static str, input_shape: &[usize], axes: &[isize]) -> Result<Self> {
        let resolved = normalize_axes(op, axes, input_shape.len())?;
        let kept_shape = input_shape
            .iter()
            .enumerate()
            .map(|(i, &size)| if resolved.contains(&i) { 1 } else { size })
            .collect();
        let count = resolved.iter().map(|&a| input_shape[a]).product();
        Ok(Reduction {
            input_shape: input_shape.to_vec(),
            kept_shape,
            axes: resolved.iter().map(|&a| a as isize).collect(),
            count,
        })
    }

    /// Reshapes an output-shaped tensor (with or without kept axes) to the kept shape.
    fn kept<T: Element>(&self, t: &Tensor<T>) -> Result<Tensor<T>> {
        Ok(t.reshape_to(&self.kept_shape)?)
    }

    /// Broadcasts an output-shaped tensor over the input's shape.
    fn expand<T: Element>(&self, t: &Tensor<T>) -> Result<Tensor<T>> {
        Ok(self.kept(t)?.broadcast_to(&self.input_shape)?)
    }

    /// Returns the resolved axes. An empty list (rank-0 input) means "every axis" to the tensor
    /// calls, which is the right reduction for a scalar, so it is passed on unchanged.
    fn axes(&self) -> &[isize] {
        &self.axes
    }
}

impl<T: Element> Var<T> {
    /// Sums over `axes` (all axes when empty).
    pub fn sum(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let r = Reduction::new("sum", self.shape(), axes)?;
        let y = self.value().sum(r.axes(), keepdim)?;
        // d sum(x)/dx_i = 1
        record_unary("sum", self, y, move |g| r.expand(g))
    }

    /// Averages over `axes` (all axes when empty).
    pub fn mean(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let r = Reduction::new("mean", self.shape(), axes)?;
        let y = self.value().mean(r.axes(), keepdim)?;
        let scale = T::ONE / T::from_usize(r.count);
        // d mean(x)/dx_i = 1/N
        record_unary("mean", self, y, move |g| r.expand(&g.mul_scalar(scale)))
    }

    /// Takes the maximum over `axes`; tied maxima share the gradient evenly.
    pub fn max(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let r = Reduction::new("max", self.shape(), axes)?;
        let y = self.value().max(r.axes(), keepdim)?;
        self.record_extreme("max", r, y)
    }

    /// Takes the minimum over `axes`; tied minima share the gradient evenly.
    pub fn min(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let r = Reduction::new("min", self.shape(), axes)?;
        let y = self.value().min(r.axes(), keepdim)?;
        self.record_extreme("min", r, y)
    }

    fn record_extreme(&self, op: &'static str, r: Reduction, y: Tensor<T>) -> Result<Var<T>> {
        let x = self.value().clone();
        let extreme = r.kept(&y)?;
        // d max(x)/dx_i = [x_i = max] / (number of elements equal to the max)
        record_unary(op, self, y, move |g| {
            let mask = x.eq(&extreme)?;
            let count = mask.sum(r.axes(), true)?;
            Ok(mask.mul(&r.kept(g)?.div(&count)?)?)
        })
    }

    /// Takes the population variance over `axes` (dividing by N, NumPy's default).
    pub fn var(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let r = Reduction::new("var", self.shape(), axes)?;
        let x = self.value().clone();
        let y = x.var(r.axes(), keepdim)?;
        let scale = T::from_f64(2.0) / T::from_usize(r.count);
        // d var(x)/dx_i = 2 (x_i - mean) / N
        record_unary("var", self, y, move |g| {
            let centered = x.sub(&x.mean(r.axes(), true)?)?;
            Ok(centered.mul(&r.kept(g)?.mul_scalar(scale))?)
        })
    }

    /// Computes `ln(sum(exp(x)))` over `axes` without overflow.
    pub fn logsumexp(&self, axes: &[isize], keepdim: bool) -> Result<Var<T>> {
        let r = Reduction::new("logsumexp", self.shape(), axes)?;
        let x = self.value().clone();
        let y = x.logsumexp(r.axes(), keepdim)?;
        let y_kept = r.kept(&y)?;
        // d lse(x)/dx_i = exp(x_i - lse(x)), the softmax of x
        record_unary("logsumexp", self, y, move |g| {
            let softmax = x.sub(&y_kept)?.exp();
            Ok(softmax.mul(&r.kept(g)?)?)
        })
    }
}
