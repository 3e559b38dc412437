//! The optimizer updates for parameters that live on an accelerator.
//!
//! The host updates walk each parameter as one mutable slice, which a device tensor does not
//! have. These forms write the same formulas as whole-tensor operations (`mul_scalar_inplace`,
//! `scaled_add_inplace`, `sqrt`, `div`, ...), each of which runs as a kernel on the device of
//! the parameter, so an update copies nothing to the host. Results agree with the host updates
//! up to rounding: a few products are grouped differently.

use tensor::{Element, Tensor};

use crate::Result;

/// Returns `g + wd p`, or `g` itself when there is no weight decay.
fn decayed<T: Element>(grad: &Tensor<T>, value: &Tensor<T>, wd: T) -> Result<Tensor<T>> {
    if wd == T::ZERO {
        return Ok(grad.clone());
    }
    Ok(grad.add(&value.mul_scalar(wd))?)
}

/// SGD: `v = mu v + g; p -= lr (g + mu v)` with Nesterov, `p -= lr v` without, and
/// `p -= lr g` when `velocity` is `None` (no momentum).
pub(crate) fn sgd<T: Element>(
    value: &mut Tensor<T>,
    grad: &Tensor<T>,
    velocity: Option<&mut Tensor<T>>,
    (lr, mu, wd, nesterov): (T, T, T, bool),
) -> Result<()> {
    let g = decayed(grad, value, wd)?;
    let Some(v) = velocity else {
        value.scaled_add_inplace(-lr, &g)?;
        return Ok(());
    };
    v.mul_scalar_inplace(mu);
    v.add_inplace(&g)?;
    if nesterov {
        value.scaled_add_inplace(-lr, &g.add(&v.mul_scalar(mu))?)?;
    } else {
        value.scaled_add_inplace(-lr, v)?;
    }
    Ok(())
}

/// The settings of one Adam step: betas, eps, weight decay added to the gradient, the step
/// size `lr / (1 - beta1^t)` and `1 / sqrt(1 - beta2^t)`.
pub(crate) struct AdamStep<T> {
    pub beta1: T,
    pub beta2: T,
    pub eps: T,
    pub weight_decay: T,
    pub step_size: T,
    pub inv_sqrt_c2: T,
}

/// Adam: `m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// p -= step_size m / (sqrt(v) inv_sqrt_c2 + eps)`.
pub(crate) fn adam<T: Element>(
    value: &mut Tensor<T>,
    grad: &Tensor<T>,
    m: &mut Tensor<T>,
    v: &mut Tensor<T>,
    s: &AdamStep<T>,
) -> Result<()> {
    let g = decayed(grad, value, s.weight_decay)?;
    m.mul_scalar_inplace(s.beta1);
    m.scaled_add_inplace(T::ONE - s.beta1, &g)?;
    v.mul_scalar_inplace(s.beta2);
    v.scaled_add_inplace(T::ONE - s.beta2, &g.square())?;
    let denominator = v.sqrt().mul_scalar(s.inv_sqrt_c2).add_scalar(s.eps);
    value.scaled_add_inplace(-s.step_size, &m.div(&denominator)?)?;
    Ok(())
}

/// RMSprop: `s = alpha s + (1 - alpha) g^2; b = mu b + g / (sqrt(s) + eps); p -= lr b`.
pub(crate) fn rmsprop<T: Element>(
    value: &mut Tensor<T>,
    grad: &Tensor<T>,
    [s, b]: [&mut Tensor<T>; 2],
    (lr, alpha, eps, mu, wd): (T, T, T, T, T),
) -> Result<()> {
    let g = decayed(grad, value, wd)?;
    s.mul_scalar_inplace(alpha);
    s.scaled_add_inplace(T::ONE - alpha, &g.square())?;
    b.mul_scalar_inplace(mu);
    b.add_inplace(&g.div(&s.sqrt().add_scalar(eps))?)?;
    value.scaled_add_inplace(-lr, b)?;
    Ok(())
}
