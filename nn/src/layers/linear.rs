//! The fully connected layer y = x W^T + b, with W in PyTorch's `[out_features, in_features]`
//! layout.

use autodiff::{Tape, Var};
use rand::RngCore;
use tensor::Element;

use crate::module::join_name;
use crate::rnn::affine;
use crate::{Init, Module, NnError, Param, Result};

/// Settings of [`Linear`]. Set the sizes and keep the rest at their defaults:
/// `LinearConfig { in_features: 4, out_features: 2, ..Default::default() }`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearConfig {
    /// Features of each input row; must be >= 1. Default 0 (must be set).
    pub in_features: usize,
    /// Features of each output row; must be >= 1. Default 0 (must be set).
    pub out_features: usize,
    /// Whether the layer adds a bias. Default true.
    pub bias: bool,
    /// Initialiser of the weight. Default Glorot-uniform (Keras's default).
    pub weight_init: Init,
    /// Initialiser of the bias. Default zeros.
    pub bias_init: Init,
}

impl Default for LinearConfig {
    fn default() -> Self {
        LinearConfig {
            in_features: 0,
            out_features: 0,
            bias: true,
            weight_init: Init::GlorotUniform,
            bias_init: Init::Zeros,
        }
    }
}

/// A fully connected layer: `weight` `[out_features, in_features]`, `bias` `[out_features]`.
#[derive(Clone, Debug)]
pub struct Linear<T: Element = f32> {
    weight: Param<T>,
    bias: Option<Param<T>>,
}

impl<T: Element> Linear<T> {
    /// Creates the layer with weights drawn from `rng`.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] when a size is zero or an initialiser is invalid.
    pub fn new(config: &LinearConfig, rng: &mut dyn RngCore) -> Result<Self> {
        let (fan_in, fan_out) = (config.in_features, config.out_features);
        if fan_in == 0 || fan_out == 0 {
            return Err(NnError::invalid(
                "Linear::new",
                format!("in_features and out_features must be >= 1, got {fan_in} and {fan_out}"),
            ));
        }
        let weight = Param::new(config.weight_init.build(&[fan_out, fan_in], rng)?);
        let bias = match config.bias {
            true => Some(Param::new(config.bias_init.build(&[fan_out], rng)?)),
            false => None,
        };
        Ok(Linear { weight, bias })
    }

    /// Returns the weight `[out_features, in_features]`.
    pub fn weight(&self) -> &Param<T> {
        &self.weight
    }

    /// Returns the bias `[out_features]`, if any.
    pub fn bias(&self) -> Option<&Param<T>> {
        self.bias.as_ref()
    }
}

impl<T: Element> Module<T> for Linear<T> {
    /// Maps `[..., in_features]` to `[..., out_features]`; leading axes are flattened into one
    /// matmul and restored.
    fn forward(&self, tape: &Tape<T>, input: &Var<T>) -> Result<Var<T>> {
        let in_features = self.weight.shape()[1];
        let out_features = self.weight.shape()[0];
        let shape = input.shape().to_vec();
        if shape.last() != Some(&in_features) {
            return Err(NnError::ShapeMismatch {
                op: "Linear::forward",
                expected: format!("[..., {in_features}]"),
                got: shape,
            });
        }
        if shape.len() == 2 {
            return affine(tape, input, &self.weight, self.bias.as_ref());
        }

        let rows = input.reshape(&[-1, in_features as isize])?;
        let output = affine(tape, &rows, &self.weight, self.bias.as_ref())?;
        let mut out_shape: Vec<isize> = shape.iter().map(|&d| d as isize).collect();
        *out_shape
            .last_mut()
            .expect("the shape ends with in_features") = out_features as isize;
        Ok(output.reshape(&out_shape)?)
    }

    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<T>)>) {
        out.push((join_name(prefix, "weight"), &self.weight));
        if let Some(b) = &self.bias {
            out.push((join_name(prefix, "bias"), b));
        }
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<T>)>,
    ) {
        out.push((join_name(prefix, "weight"), &mut self.weight));
        if let Some(b) = &mut self.bias {
            out.push((join_name(prefix, "bias"), b));
        }
    }
}
