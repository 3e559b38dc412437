//! Gradient clipping by global norm, as PyTorch's `clip_grad_norm_`.
//!
//! The global norm is the L2 norm of all gradients taken as one vector,
//! `N = sqrt(sum over parameters of sum(g^2))`. When `N > max_norm` every gradient is scaled by
//! `max_norm / N`, which keeps the update direction. A NaN or infinite norm is reported as
//! [`NnError::NonFiniteGradient`] naming the first offending parameter, and nothing is scaled:
//! applying such a step would overwrite the weights with NaN.

use tensor::{Element, Tensor};

use super::ParamGrad;
use crate::{NnError, Result};

/// Returns the global L2 norm of the gradients, accumulated in `f64` on the host.
///
/// Gradients on an accelerator are reduced there in their own element type, and only the
/// total is read back (one download). In f32, an element above about 1.8e19 then squares to
/// infinity, where the host's f64 sum would not.
pub fn global_grad_norm<T: Element>(params: &[ParamGrad<'_, T>]) -> f64 {
    if params.iter().any(|p| !p.grad.is_on_host()) {
        if let Ok(norm) = device_grad_norm(params) {
            return norm;
        }
    }
    params
        .iter()
        .map(|p| p.grad.iter().map(|g| g.to_f64() * g.to_f64()).sum::<f64>())
        .sum::<f64>()
        .sqrt()
}

/// Sums the squares of every gradient on its device and reads back the square root of the
/// total. Fails when the gradients are on different devices.
fn device_grad_norm<T: Element>(params: &[ParamGrad<'_, T>]) -> tensor::Result<f64> {
    let sums = params
        .iter()
        .map(|p| p.grad.square().sum(&[], false))
        .collect::<tensor::Result<Vec<Tensor<T>>>>()?;
    let refs: Vec<&Tensor<T>> = sums.iter().collect();
    let total = Tensor::stack(&refs, 0)?.sum(&[], false)?.to_host()?;
    Ok(total.to_scalar()?.to_f64().sqrt())
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
            // A whole-tensor operation, so that gradients on a device stay there.
            p.grad.mul_scalar_inplace(scale);
        }
    }
    Ok(norm)
}
