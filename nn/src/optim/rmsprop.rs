//! RMSprop (Hinton, 2012 lecture notes) with optional momentum and L2 weight decay, with the
//! semantics of PyTorch's `torch.optim.RMSprop` (not centered).
//!
//! For each parameter p with gradient g:
//!
//! ```text
//! g = g + wd p
//! s = alpha s + (1 - alpha) g^2           (s starts at 0)
//! b = mu b + g / (sqrt(s) + eps)          (b starts at 0)
//! p = p - lr b
//! ```
//!
//! With `momentum = 0`, b is just g / (sqrt(s) + eps).

use tensor::Element;

use super::on_device;
use super::{check_hyper, check_shapes, contiguous_grad, Optimizer, ParamGrad, SlotMap};
use crate::{Result, StateDict};

/// Settings of [`RmsProp`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmsPropConfig {
    /// Learning rate, > 0. Default 0.01 (PyTorch's default).
    pub lr: f64,
    /// Decay of the squared-gradient average, in [0, 1). Default 0.99.
    pub alpha: f64,
    /// Added to the denominator for stability, > 0. Default 1e-8.
    pub eps: f64,
    /// Momentum factor mu in [0, 1). Default 0.
    pub momentum: f64,
    /// L2 penalty added to the gradient, >= 0. Default 0.
    pub weight_decay: f64,
}

impl Default for RmsPropConfig {
    fn default() -> Self {
        RmsPropConfig {
            lr: 0.01,
            alpha: 0.99,
            eps: 1e-8,
            momentum: 0.0,
            weight_decay: 0.0,
        }
    }
}

/// The RMSprop optimizer (see the module doc for the update rule).
#[derive(Clone, Debug)]
pub struct RmsProp<T: Element = f32> {
    config: RmsPropConfig,
    state: SlotMap<T>,
}

const BUFFERS: [&str; 2] = ["square_avg", "momentum"];

impl<T: Element> RmsProp<T> {
    /// Creates the optimizer.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`](crate::NnError::InvalidArgument) for a non-positive learning
    /// rate or eps, alpha or momentum outside [0, 1), or a negative weight decay.
    pub fn new(config: RmsPropConfig) -> Result<Self> {
        check_hyper("RmsProp::new", "lr", config.lr, f64::MIN_POSITIVE, f64::MAX)?;
        check_hyper(
            "RmsProp::new",
            "alpha",
            config.alpha,
            0.0,
            1.0 - f64::EPSILON,
        )?;
        check_hyper(
            "RmsProp::new",
            "eps",
            config.eps,
            f64::MIN_POSITIVE,
            f64::MAX,
        )?;
        check_hyper(
            "RmsProp::new",
            "momentum",
            config.momentum,
            0.0,
            1.0 - f64::EPSILON,
        )?;
        check_hyper(
            "RmsProp::new",
            "weight_decay",
            config.weight_decay,
            0.0,
            f64::MAX,
        )?;
        Ok(RmsProp {
            config,
            state: SlotMap::default(),
        })
    }

    /// Returns the settings.
    pub fn config(&self) -> &RmsPropConfig {
        &self.config
    }
}

impl<T: Element> Optimizer<T> for RmsProp<T> {
    fn step(&mut self, params: &mut [ParamGrad<'_, T>]) -> Result<()> {
        check_shapes("RmsProp::step", params)?;
        self.state.check("RmsProp::step", params)?;

        let lr = T::from_f64(self.config.lr);
        let alpha = T::from_f64(self.config.alpha);
        let eps = T::from_f64(self.config.eps);
        let mu = T::from_f64(self.config.momentum);
        let wd = T::from_f64(self.config.weight_decay);
        for p in params.iter_mut() {
            let slot = self
                .state
                .next_step("RmsProp::step", &p.name, p.value, &BUFFERS)?;

            let (s_buf, b_buf) = slot.buffers.split_at_mut(1);
            if !p.value.is_on_host() {
                let buffers = [&mut s_buf[0], &mut b_buf[0]];
                on_device::rmsprop(p.value, &p.grad, buffers, (lr, alpha, eps, mu, wd))?;
                continue;
            }
            let grad = contiguous_grad(&p.grad);
            let g = grad
                .as_slice()
                .expect("contiguous_grad returns a contiguous tensor");
            let s = s_buf[0].as_mut_slice();
            let b = b_buf[0].as_mut_slice();
            let value = p.value.as_mut_slice();
            for (((x, si), bi), &gi) in value.iter_mut().zip(s.iter_mut()).zip(b.iter_mut()).zip(g)
            {
                let gi = gi + wd * *x;
                *si = alpha * *si + (T::ONE - alpha) * gi * gi;
                *bi = mu * *bi + gi / (si.sqrt() + eps);
                *x -= lr * *bi;
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
        let lr = state.scalar("RmsProp::load_state_dict", "lr")?;
        self.state = SlotMap::import("RmsProp::load_state_dict", &BUFFERS, state)?;
        self.config.lr = lr;
        Ok(())
    }
}
