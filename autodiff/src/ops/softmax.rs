//! `softmax` and `log_softmax` along one axis, each as one node with a closed-form rule.
//!
//! With `y = softmax(x)` along an axis, the Jacobian is `diag(y) - y y^T`, so the
//! vector-Jacobian product is `y * (g - sum(g * y))`, one sum per slice along the axis. For
//! `y = log_softmax(x)` it is `g - softmax(x) * sum(g)`.

use super::record_unary;
use crate::{Result, Var};
use tensor::Element;

impl<T: Element> Var<T> {
    /// Normalises `exp(x)` to sum to 1 along `axis`.
    pub fn softmax(&self, axis: isize) -> Result<Var<T>> {
        let y = self.value().softmax(axis)?;
        let saved = y.clone();
        // dx = y * (g - sum_axis(g * y))
        record_unary("softmax", self, y, move |g| {
            let dot = g.mul(&saved)?.sum(&[axis], true)?;
            Ok(saved.mul(&g.sub(&dot)?)?)
        })
    }

    /// Computes `x - logsumexp(x)` along `axis`, the logarithm of [`Var::softmax`].
    pub fn log_softmax(&self, axis: isize) -> Result<Var<T>> {
        let y = self.value().log_softmax(axis)?;
        let saved = y.clone();
        // dx = g - exp(y) * sum_axis(g)
        record_unary("log_softmax", self, y, move |g| {
            let total = g.sum(&[axis], true)?;
            Ok(g.sub(&saved.exp().mul(&total)?)?)
        })
    }
}
