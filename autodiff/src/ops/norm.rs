//! Normalisations, each as one fused node: `l2_normalize` along an axis and `layer_norm`
//! over the last axis.
//!
//! **l2_normalize.** `y = x / max(||x||, eps)` with `||x||` the Euclidean norm along the
//! axis (PyTorch's `F.normalize`). Where `||x|| > eps` the rule is
//! `dx = (g - y * sum(g * y)) / ||x||`; where the norm is clamped to `eps` the divisor is a
//! constant and `dx = g / eps`. A zero vector therefore gets a finite gradient.
//!
//! **layer_norm.** `y = (x - mean) / sqrt(var + eps)` over the last axis, without a learned
//! scale or shift (layers add those). With `r = 1 / sqrt(var + eps)` and means taken over the
//! last axis, `dx = r * (g - mean(g) - y * mean(g * y))`.

use tensor::{Element, Tensor};

use super::record_unary;
use crate::{AutodiffError, Result, Var};

impl<T: Element> Var<T> {
    /// Divides each slice along `axis` by its Euclidean norm, or by `eps` when the norm is
    /// smaller (so a zero slice stays zero instead of becoming NaN).
    ///
    /// # Errors
    /// [`AutodiffError::InvalidArgument`] unless `eps > 0`, and tensor errors for a bad axis.
    pub fn l2_normalize(&self, axis: isize, eps: T) -> Result<Var<T>> {
        if eps.is_nan() || eps <= T::ZERO {
            return Err(AutodiffError::invalid(
                "l2_normalize",
                format!("eps must be positive, got {eps}"),
            ));
        }
        let x = self.value();
        let norm = x.square().sum(&[axis], true)?.sqrt();
        let divisor = norm.clamp(eps, T::INFINITY)?;
        let y = x.div(&divisor)?;

        // 1 where the norm exceeds eps (the divisor depends on x), 0 where it was clamped.
        // The comparison with a one-element tensor made on x's device keeps this on a device.
        let unclamped = norm.gt(&Tensor::full_on(&[], eps, &x.device())?)?;
        let saved = y.clone();
        // dx = (g - y * sum(g * y) * [norm > eps]) / max(norm, eps)
        record_unary("l2_normalize", self, y, move |g| {
            let dot = g.mul(&saved)?.sum(&[axis], true)?.mul(&unclamped)?;
            Ok(g.sub(&saved.mul(&dot)?)?.div(&divisor)?)
        })
    }

    /// Normalises the last axis to zero mean and unit variance: `(x - mean) / sqrt(var + eps)`
    /// with the population variance.
    ///
    /// # Errors
    /// [`AutodiffError::InvalidArgument`] for a scalar input or `eps < 0`.
    pub fn layer_norm(&self, eps: T) -> Result<Var<T>> {
        if self.rank() == 0 {
            return Err(AutodiffError::invalid(
                "layer_norm",
                "needs at least one axis to normalise; got a scalar",
            ));
        }
        if eps.is_nan() || eps < T::ZERO {
            return Err(AutodiffError::invalid(
                "layer_norm",
                format!("eps must be >= 0, got {eps}"),
            ));
        }
        let x = self.value();
        let mean = x.mean(&[-1], true)?;
        let rstd = x.var(&[-1], true)?.add_scalar(eps).sqrt().recip();
        let y = x.sub(&mean)?.mul(&rstd)?;

        let saved = y.clone();
        // dx = r * (g - mean(g) - y * mean(g * y))
        record_unary("layer_norm", self, y, move |g| {
            let g_mean = g.mean(&[-1], true)?;
            let gy_mean = g.mul(&saved)?.mean(&[-1], true)?;
            let inner = g.sub(&g_mean)?.sub(&saved.mul(&gy_mean)?)?;
            Ok(inner.mul(&rstd)?)
        })
    }
}
