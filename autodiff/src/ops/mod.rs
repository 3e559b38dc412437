//! Differentiable operations on [`Var`], one file per family. Each file contains the forward
//! recording and the backward rules side by side, and every rule states its derivative in a
//! one-line comment.

mod binary;
mod elementwise;
mod index;
mod join;
mod matmul;
mod norm;
mod operators;
mod reduce;
mod softmax;
mod view;

use tensor::{Element, Tensor};

use crate::{Result, Tape, Var};

/// Records a one-input operation whose rule maps the output gradient to the input gradient.
pub(crate) fn record_unary<T: Element>(
    op: &'static str,
    input: &Var<T>,
    output: Tensor<T>,
    rule: impl Fn(&Tensor<T>) -> Result<Tensor<T>> + 'static,
) -> Result<Var<T>> {
    Tape::record(op, &[input], output, move |grad, _| {
        Ok(vec![Some(rule(grad)?)])
    })
}
