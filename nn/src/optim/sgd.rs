//! Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
//! with PyTorch's `torch.optim.SGD` semantics (no dampening).
//!
//! For each parameter p with gradient g, learning rate lr, momentum mu and weight decay wd:
//!
//! ```text
//! g = g + wd p
//! v = mu v + g                  (v starts at 0, so the first step has v = g)
//! p = p - lr v                  (classic momentum)
//! p = p - lr (g + mu v)         (Nesterov)
//! ```
//!
//! With `momentum = 0` this is plain gradient descent, p = p - lr g.

use tensor::Element;

use super::on_device;
use super::{check_hyper, check_shapes, contiguous_grad, Optimizer, ParamGrad, SlotMap};
use crate::{NnError, Result, StateDict};

/// Settings of [`Sgd`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SgdConfig {
    /// Learning rate, > 0. Default 0.01.
    pub lr: f64,
    /// Momentum factor mu in [0, 1). Default 0 (no momentum).
    pub momentum: f64,
    /// Use Nesterov momentum; needs `momentum > 0`. Default false.
    pub nesterov: bool,
    /// L2 penalty added to the gradient, >= 0. Default 0.
    pub weight_decay: f64,
}

impl Default for SgdConfig {
    fn default() -> Self {
        SgdConfig {
            lr: 0.01,
            momentum: 0.0,
            nesterov: false,
            weight_decay: 0.0,
        }
    }
}

/// Stochastic gradient descent (see the module doc for the update rule).
#[derive(Clone, Debug)]
pub struct Sgd<T: Element = f32> {
    config: SgdConfig,
    state: SlotMap<T>,
}

const BUFFERS: [&str; 1] = ["momentum"];

impl<T: Element> Sgd<T> {
    /// Creates the optimizer.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] for a non-positive learning rate, a momentum outside
    /// [0, 1), a negative weight decay, or Nesterov without momentum.
    pub fn new(config: SgdConfig) -> Result<Self> {
        check_hyper("Sgd::new", "lr", config.lr, f64::MIN_POSITIVE, f64::MAX)?;
        check_hyper(
            "Sgd::new",
            "momentum",
            config.momentum,
            0.0,
            1.0 - f64::EPSILON,
        )?;
        check_hyper(
            "Sgd::new",
            "weight_decay",
            config.weight_decay,
            0.0,
            f64::MAX,
        )?;
        if config.nesterov && config.momentum == 0.0 {
            return Err(NnError::invalid(
                "Sgd::new",
                "nesterov needs a momentum > 0",
            ));
        }
        Ok(Sgd {
            config,
            state: SlotMap::default(),
        })
    }

    /// Returns the settings.
    pub fn config(&self) -> &SgdConfig {
        &self.config
    }
}

impl<T: Element> Optimizer<T> for Sgd<T> {
    fn step(&mut self, params: &mut [ParamGrad<'_, T>]) -> Result<()> {
        check_shapes("Sgd::step", params)?;
        self.state.check("Sgd::step", params)?;

        let lr = T::from_f64(self.config.lr);
        let mu = T::from_f64(self.config.momentum);
        let wd = T::from_f64(self.config.weight_decay);
        let nesterov = self.config.nesterov;
        for p in params.iter_mut() {
            if !p.value.is_on_host() {
                let velocity = if self.config.momentum == 0.0 {
                    None
                } else {
                    let slot = self
                        .state
                        .next_step("Sgd::step", &p.name, p.value, &BUFFERS)?;
                    Some(&mut slot.buffers[0])
                };
                on_device::sgd(p.value, &p.grad, velocity, (lr, mu, wd, nesterov))?;
                continue;
            }
            let grad = contiguous_grad(&p.grad);
            let g = grad
                .as_slice()
                .expect("contiguous_grad returns a contiguous tensor");
            if self.config.momentum == 0.0 {
                for (x, &gi) in p.value.as_mut_slice().iter_mut().zip(g) {
                    *x -= lr * (gi + wd * *x);
                }
                continue;
            }
            let slot = self
                .state
                .next_step("Sgd::step", &p.name, p.value, &BUFFERS)?;
            let v = slot.buffers[0].as_mut_slice();
            let value = p.value.as_mut_slice();
            for ((x, vi), &gi) in value.iter_mut().zip(v.iter_mut()).zip(g) {
                let gi = gi + wd * *x;
                *vi = mu * *vi + gi;
                let update = if nesterov { gi + mu * *vi } else { *vi };
                *x -= lr * update;
            }
        }
        Ok(())
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
        let lr = state.scalar("Sgd::load_state_dict", "lr")?;
        self.state = SlotMap::import("Sgd::load_state_dict", &BUFFERS, state)?;
        self.config.lr = lr;
        Ok(())
    }
}
