//! Gradient clipping by global norm, as PyTorch's `clip_grad_norm_`.
//!
//! The global norm is the L2 norm of all gradients taken as one vector,
//! `N = sqrt(sum over parameters of sum(g^2))`. When `N > max_norm` every gradient is scaled by
//! `max_norm / N`, which keeps the update direction. A NaN or infinite norm is reported as
//! [`NnError::NonFiniteGradient`] naming the first offending parameter, and nothing is scaled:
//! applying such a step would overwrite the weights with NaN.

use tensor::Element;

use super::ParamGrad;
use crate::{NnError, Result};

/// Returns the global L2 norm of the gradients, accumulated in `f64`.
pub fn global_grad_norm<T: Element>(params: &[ParamGrad<'_, T>]) -> f64 {
    params
        .iter()
        .map(|p| p.grad.iter().map(|g| g.to_f64() * g.to_f64()).sum::<f64>())
        .sum::<f64>()
        .sqrt()
}

/// Scales the gradients so their global norm is at most `max_norm`, and returns the norm they
/// had before.
///
/// # Errors
/// [`NnError::InvalidArgument`] when `max_norm` is not positive and finite;
/// [`NnError::NonFiniteGradient`] when a gradient contains NaN or an infinity (no gradient is
/// changed then, and the caller should skip the optimizer step).
pub fn clip_grad_norm<T: Element>(params: &mut [ParamGrad<'_, T>], max_norm: f64) -> Result<f64> {
    if !max_norm.is_finite() || max_norm <= 0.0 {
        return Err(NnError::invalid(
            "clip_grad_norm",
            format!("max_norm must be positive and finite, got {max_norm}"),
        ));
    }

    let norm = global_grad_norm(params);
    if !norm.is_finite() {
        let name = params
            .iter()
            .find(|p| p.grad.iter().any(|g| !g.is_finite()))
            .map(|p| p.name.clone())
            // Squares of finite values can overflow to infinity even when every element is finite.
            .unwrap_or_else(|| "(all finite; the sum of squares overflowed)".to_string());
        return Err(NnError::NonFiniteGradient {
            op: "clip_grad_norm",
            name,
            norm,
        });
    }

    if norm > max_norm {
        let scale = T::from_f64(max_norm / norm);
        for p in params.iter_mut() {
            p.grad.as_mut_slice().iter_mut().for_each(|g| *g *= scale);
        }
    }
    Ok(norm)
}
