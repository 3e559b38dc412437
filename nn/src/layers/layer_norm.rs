//! Layer normalisation (Ba et al., 2016) over the last axis:
//! y = (x - mean) / sqrt(var + eps) * weight + bias, with the population variance.

use autodiff::{Tape, Var};
use tensor::{Element, Tensor};

use crate::module::join_name;
use crate::{Module, NnError, Param, Result};

/// Settings of [`LayerNorm`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerNormConfig {
    /// Size of the normalised last axis; must be >= 1. Default 0 (must be set).
    pub size: usize,
    /// Added to the variance before the square root. Default 1e-5 (PyTorch; Keras uses 1e-3).
    pub eps: f64,
    /// Whether to learn `weight` (init 1) and `bias` (init 0). Default true.
    pub affine: bool,
}

impl Default for LayerNormConfig {
    fn default() -> Self {
        LayerNormConfig {
            size: 0,
            eps: 1e-5,
            affine: true,
        }
    }
}

/// Normalises each row of the last axis to mean 0 and variance 1, then scales and shifts.
#[derive(Clone, Debug)]
pub struct LayerNorm<T: Element = f32> {
    weight: Option<Param<T>>,
    bias: Option<Param<T>>,
    size: usize,
    eps: f64,
}

impl<T: Element> LayerNorm<T> {
    /// Creates the layer.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] for a zero size or an eps that is not positive and finite.
    pub fn new(config: &LayerNormConfig) -> Result<Self> {
        if config.size == 0 || !config.eps.is_finite() || config.eps <= 0.0 {
            return Err(NnError::invalid(
                "LayerNorm::new",
                format!("needs size >= 1 and a positive finite eps, got {config:?}"),
            ));
        }
        let (weight, bias) = match config.affine {
            true => (
                Some(Param::new(Tensor::ones(&[config.size]))),
                Some(Param::new(Tensor::zeros(&[config.size]))),
            ),
            false => (None, None),
        };
        Ok(LayerNorm {
            weight,
            bias,
            size: config.size,
            eps: config.eps,
        })
    }
}

impl<T: Element> Module<T> for LayerNorm<T> {
    /// Maps `[..., size]` to the same shape.
    fn forward(&self, tape: &Tape<T>, input: &Var<T>) -> Result<Var<T>> {
        if input.shape().last() != Some(&self.size) {
            return Err(NnError::ShapeMismatch {
                op: "LayerNorm::forward",
                expected: format!("[..., {}]", self.size),
                got: input.shape().to_vec(),
            });
        }
        let mut y = input.layer_norm(T::from_f64(self.eps))?;
        if let (Some(w), Some(b)) = (&self.weight, &self.bias) {
            y = y.mul(&w.var(tape))?.add(&b.var(tape))?;
        }
        Ok(y)
    }

    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<T>)>) {
        if let (Some(w), Some(b)) = (&self.weight, &self.bias) {
            out.push((join_name(prefix, "weight"), w));
            out.push((join_name(prefix, "bias"), b));
        }
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<T>)>,
    ) {
        if let (Some(w), Some(b)) = (&mut self.weight, &mut self.bias) {
            out.push((join_name(prefix, "weight"), w));
            out.push((join_name(prefix, "bias"), b));
        }
    }
}
