//! AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay, with the semantics of
//! PyTorch's `torch.optim.AdamW`.
//!
//! The decay shrinks the parameter directly instead of entering the gradient, so it is not
//! rescaled by the adaptive denominator:
//!
//! ```text
//! p = p - lr wd p                         (decoupled decay, before the Adam step)
//! p = p - lr m^ / (sqrt(v^) + eps)        (the Adam step of adam.rs without the L2 term)
//! ```

use tensor::Element;

use super::adam::{adam_update, BUFFERS};
use super::{check_shapes, AdamConfig, Optimizer, ParamGrad, SlotMap};
use crate::{Result, StateDict};

/// Settings of [`AdamW`]: the Adam settings with a default weight decay of 0.01.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamWConfig {
    /// Learning rate, > 0. Default 0.001.
    pub lr: f64,
    /// Decay of the first-moment average, in [0, 1). Default 0.9.
    pub beta1: f64,
    /// Decay of the second-moment average, in [0, 1). Default 0.999.
    pub beta2: f64,
    /// Added to the denominator for stability, > 0. Default 1e-8.
    pub eps: f64,
    /// Decoupled weight decay, >= 0. Default 0.01 (PyTorch's default).
    pub weight_decay: f64,
}

impl Default for AdamWConfig {
    fn default() -> Self {
        AdamWConfig {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.01,
        }
    }
}

impl From<AdamWConfig> for AdamConfig {
    fn from(c: AdamWConfig) -> Self {
        AdamConfig {
            lr: c.lr,
            beta1: c.beta1,
            beta2: c.beta2,
            eps: c.eps,
            weight_decay: c.weight_decay,
        }
    }
}

/// The AdamW optimizer (see the module doc for the update rule).
#[derive(Clone, Debug)]
pub struct AdamW<T: Element = f32> {
    config: AdamConfig,
    state: SlotMap<T>,
}

impl<T: Element> AdamW<T> {
    /// Creates the optimizer.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`](crate::NnError::InvalidArgument) for a non-positive learning
    /// rate or eps, a beta outside [0, 1), or a negative weight decay.
    pub fn new(config: AdamWConfig) -> Result<Self> {
        let config = AdamConfig::from(config);
        config.validate("AdamW::new")?;
        Ok(AdamW {
            config,
            state: SlotMap::default(),
        })
    }
}

impl<T: Element> Optimizer<T> for AdamW<T> {
    fn step(&mut self, params: &mut [ParamGrad<'_, T>]) -> Result<()> {
        check_shapes("AdamW::step", params)?;
        self.state.check("AdamW::step", params)?;

        let shrink = T::from_f64(1.0 - self.config.lr * self.config.weight_decay);
        for p in params.iter_mut() {
            // A whole-tensor operation, so that it also runs on a device.
            p.value.mul_scalar_inplace(shrink);
        }
        adam_update("AdamW::step", &self.config, false, &mut self.state, params)
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
        let lr = state.scalar("AdamW::load_state_dict", "lr")?;
        self.state = SlotMap::import("AdamW::load_state_dict", &BUFFERS, state)?;
        self.config.lr = lr;
        Ok(())
    }
}
