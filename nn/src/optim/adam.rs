//! Adam (Kingma and Ba, 2015) with bias correction and optional L2 weight decay, with the
//! semantics of PyTorch's `torch.optim.Adam`.
//!
//! For each parameter p with gradient g at step t = 1, 2, ...:
//!
//! ```text
//! g  = g + wd p                          (L2 penalty, coupled with the gradient)
//! m  = b1 m + (1 - b1) g
//! v  = b2 v + (1 - b2) g^2
//! m^ = m / (1 - b1^t)                     (bias correction: m and v start at 0)
//! v^ = v / (1 - b2^t)
//! p  = p - lr m^ / (sqrt(v^) + eps)
//! ```
//!
//! [`AdamW`](super::AdamW) reuses [`adam_update`] with the decay applied to p directly.

use tensor::Element;

use super::on_device::{self, AdamStep};
use super::{check_hyper, check_shapes, contiguous_grad, Optimizer, ParamGrad, SlotMap};
use crate::{Result, StateDict};

/// Settings of [`Adam`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamConfig {
    /// Learning rate, > 0. Default 0.001.
    pub lr: f64,
    /// Decay of the first-moment average, in [0, 1). Default 0.9.
    pub beta1: f64,
    /// Decay of the second-moment average, in [0, 1). Default 0.999.
    pub beta2: f64,
    /// Added to the denominator for stability, > 0. Default 1e-8.
    pub eps: f64,
    /// L2 penalty added to the gradient, >= 0. Default 0.
    pub weight_decay: f64,
}

impl Default for AdamConfig {
    fn default() -> Self {
        AdamConfig {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }
}

impl AdamConfig {
    /// Checks every field, naming `op` in the error.
    pub(crate) fn validate(&self, op: &'static str) -> Result<()> {
        check_hyper(op, "lr", self.lr, f64::MIN_POSITIVE, f64::MAX)?;
        check_hyper(op, "beta1", self.beta1, 0.0, 1.0 - f64::EPSILON)?;
        check_hyper(op, "beta2", self.beta2, 0.0, 1.0 - f64::EPSILON)?;
        check_hyper(op, "eps", self.eps, f64::MIN_POSITIVE, f64::MAX)?;
        check_hyper(op, "weight_decay", self.weight_decay, 0.0, f64::MAX)
    }
}

/// The Adam optimizer (see the module doc for the update rule).
#[derive(Clone, Debug)]
pub struct Adam<T: Element = f32> {
    config: AdamConfig,
    state: SlotMap<T>,
}

pub(crate) const BUFFERS: [&str; 2] = ["m", "v"];

impl<T: Element> Adam<T> {
    /// Creates the optimizer.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`](crate::NnError::InvalidArgument) for a non-positive learning
    /// rate or eps, a beta outside [0, 1), or a negative weight decay.
    pub fn new(config: AdamConfig) -> Result<Self> {
        config.validate("Adam::new")?;
        Ok(Adam {
            config,
            state: SlotMap::default(),
        })
    }

    /// Returns the settings.
    pub fn config(&self) -> &AdamConfig {
        &self.config
    }
}

/// Runs the Adam moment update and parameter step on every parameter; `coupled_decay` adds
/// `weight_decay * p` to the gradient first (Adam), otherwise the caller decays p (AdamW).
pub(crate) fn adam_update<T: Element>(
    op: &'static str,
    config: &AdamConfig,
    coupled_decay: bool,
    state: &mut SlotMap<T>,
    params: &mut [ParamGrad<'_, T>],
) -> Result<()> {
    let (b1, b2) = (T::from_f64(config.beta1), T::from_f64(config.beta2));
    let eps = T::from_f64(config.eps);
    let wd = T::from_f64(if coupled_decay {
        config.weight_decay
    } else {
        0.0
    });
    for p in params.iter_mut() {
        let slot = state.next_step(op, &p.name, p.value, &BUFFERS)?;

        // Bias corrections in f64: b^t underflows gracefully and 1 - b^t stays accurate.
        let t = slot.step as i32;
        let correction1 = 1.0 - config.beta1.powi(t);
        let correction2 = 1.0 - config.beta2.powi(t);
        let step_size = T::from_f64(config.lr / correction1);
        let inv_sqrt_c2 = T::from_f64(1.0 / correction2.sqrt());

        let (m_buf, v_buf) = slot.buffers.split_at_mut(1);
        if !p.value.is_on_host() {
            let settings = AdamStep {
                beta1: b1,
                beta2: b2,
                eps,
                weight_decay: wd,
                step_size,
                inv_sqrt_c2,
            };
            on_device::adam(p.value, &p.grad, &mut m_buf[0], &mut v_buf[0], &settings)?;
            continue;
        }
        let grad = contiguous_grad(&p.grad);
        let g = grad
            .as_slice()
            .expect("contiguous_grad returns a contiguous tensor");
        let m = m_buf[0].as_mut_slice();
        let v = v_buf[0].as_mut_slice();
        let value = p.value.as_mut_slice();
        for (((x, mi), vi), &gi) in value.iter_mut().zip(m.iter_mut()).zip(v.iter_mut()).zip(g) {
            let gi = gi + wd * *x;
            *mi = b1 * *mi + (T::ONE - b1) * gi;
            *vi = b2 * *vi + (T::ONE - b2) * gi * gi;
            // lr m^ / (sqrt(v^) + eps) = (lr / c1) m / (sqrt(v) / sqrt(c2) + eps)
            *x -= step_size * *mi / (vi.sqrt() * inv_sqrt_c2 + eps);
        }
    }
    Ok(())
}

impl<T: Element> Optimizer<T> for Adam<T> {
    fn step(&mut self, params: &mut [ParamGrad<'_, T>]) -> Result<()> {
        check_shapes("Adam::step", params)?;
        self.state.check("Adam::step", params)?;
        adam_update("Adam::step", &self.config, true, &mut self.state, params)
    }

    fn learning_rate(&self) -> f64 {
        self.config.lr
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.config.lr = lr;
    }

    fn state_dict(&self) -> StateDict<T> {
        let mut out = StateDict::new();
        out.scalars.insert("lr".into(), self.config.lr);
        self.state.export(&BUFFERS, &mut out);
        out
    }

    fn load_state_dict(&mut self, state: &StateDict<T>) -> Result<()> {
        let lr = state.scalar("Adam::load_state_dict", "lr")?;
        self.state = SlotMap::import("Adam::load_state_dict", &BUFFERS, state)?;
        self.config.lr = lr;
        Ok(())
    }
}
