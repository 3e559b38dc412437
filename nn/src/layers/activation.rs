//! Elementwise activations as modules, for use inside [`Sequential`](super::Sequential).

use autodiff::{Tape, Var};
use tensor::Element;

use crate::{Module, Param, Result};

/// An elementwise nonlinearity without parameters; any input shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    /// max(x, 0); the gradient at 0 is 0.
    Relu,
    /// tanh(x).
    Tanh,
    /// 1 / (1 + e^-x).
    Sigmoid,
    /// x, unchanged.
    Identity,
}

impl<T: Element> Module<T> for Activation {
    fn forward(&self, _tape: &Tape<T>, input: &Var<T>) -> Result<Var<T>> {
        let output = match self {
            Activation::Relu => input.relu()?,
            Activation::Tanh => input.tanh()?,
            Activation::Sigmoid => input.sigmoid()?,
            Activation::Identity => input.clone(),
        };
        Ok(output)
    }

    fn collect_params<'a>(&'a self, _prefix: &str, _out: &mut Vec<(String, &'a Param<T>)>) {}

    fn collect_params_mut<'a>(
        &'a mut self,
        _prefix: &str,
        _out: &mut Vec<(String, &'a mut Param<T>)>,
    ) {
    }
}
