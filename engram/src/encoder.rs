//! The input encoder of the ENN cell, `z = LayerNorm(ReLU(x W + b)) * gamma + beta`, computed
//! for every time step in one matmul and handed out one step at a time.
//!
//! The encoder does not depend on the recurrent state, so [`EncodedSequence::new`] runs it
//! once over the whole `[B, T, d]` input (one `[T B, d] x [d, h]` matmul, one ReLU, one layer
//! norm). [`EncodedSequence::step`] then records step `t` on the tape as one fused node whose
//! backward rule, for the output gradient `g` of that step, is
//!
//! ```text
//! dgamma = sum_b g * y                     dbeta = sum_b g
//! gy     = g * gamma
//! du     = rstd * (gy - mean(gy) - y * mean(gy * y))     (layer norm, means over units)
//! dp     = du * [p > 0]                                  (ReLU)
//! dW     = x_t^T dp                         db    = sum_b dp
//! ```
//!
//! with `p = x_t W + b`, `u = ReLU(p)`, `y = (u - mean u) * rstd`, `rstd = 1 / sqrt(var u + eps)`.
//! Recording per step keeps each step's gradient `[B, h]`: slicing one `[B, T, h]` variable
//! would make every step's backward pass write a full `[B, T, h]` gradient.
//!
//! When the input itself takes a gradient (an embedding output, for example), each step's node
//! also returns `dx_t = dp W^T`, placed at step `t` of a zero `[B, T, d]` tensor.

use autodiff::Var;
use tensor::ops::derivative::Derivative;
use tensor::{Element, Tensor};

use crate::{EngramError, Result};

/// The encoder parameters, as variables.
pub struct EncoderWeights<'a, T: Element> {
    /// `W`, `[d, h]`.
    pub weight: &'a Var<T>,
    /// `b`, `[h]`.
    pub bias: &'a Var<T>,
    /// `(gamma, beta)` of the layer norm, `[h]` each; `None` when the layer norm is off.
    pub norm: Option<(&'a Var<T>, &'a Var<T>)>,
}

/// The encoder's values for every step of one sequence batch, time-major.
pub struct EncodedSequence<T: Element> {
    /// The input variable when it takes a gradient, `[B, T, d]`.
    tracked_input: Option<Var<T>>,
    /// Input, `[T, B, d]`, contiguous.
    inputs: Tensor<T>,
    /// `p = x W + b`, `[T, B, h]`.
    pre_activation: Tensor<T>,
    /// Normalised activation `y` (or the ReLU output when the norm is off), `[T, B, h]`.
    normalized: Tensor<T>,
    /// `1 / sqrt(var + eps)` per row, `[T, B, 1]`; `None` when the norm is off.
    inverse_std: Option<Tensor<T>>,
    /// Encoder output `z`, `[T, B, h]`.
    output: Tensor<T>,
}

impl<T: Element> EncodedSequence<T> {
    /// Runs the encoder over `input` (`[B, T, d]`) for all steps at once.
    ///
    /// # Errors
    /// [`EngramError::Shape`] when `input` is not `[B, T, d]` with `d` the encoder's input size.
    pub fn new(weights: &EncoderWeights<'_, T>, input: &Var<T>, eps: T) -> Result<Self> {
        let tracked_input = input.requires_grad().then(|| input.clone());
        let input = input.value();
        let input_size = weights.weight.shape()[0];
        let shape = input.shape();
        if shape.len() != 3 || shape[2] != input_size {
            let expected = format!("[batch, time, {input_size}]");
            return Err(EngramError::shape("EncodedSequence::new", expected, shape));
        }
        let (batch, steps) = (shape[0], shape[1]);
        let hidden = weights.weight.shape()[1];

        // Time-major, so step t is the contiguous block of rows t B .. (t + 1) B.
        let inputs = input.permute(&[1, 0, 2])?.contiguous();
        let flat = inputs.reshape(&[(steps * batch) as isize, input_size as isize])?;
        let pre_activation = flat
            .matmul(weights.weight.value())?
            .add(weights.bias.value())?;
        let activation = pre_activation.relu();

        let (normalized, inverse_std, output) = match weights.norm {
            Some((gamma, beta)) => {
                let mean = activation.mean(&[-1], true)?;
                let inverse_std = activation.var(&[-1], true)?.add_scalar(eps).sqrt().recip();
                let normalized = activation.sub(&mean)?.mul(&inverse_std)?;
                let output = normalized.mul(gamma.value())?.add(beta.value())?;
                (normalized, Some(inverse_std), output)
            }
            None => (activation.clone(), None, activation),
        };
        let time_major = |t: Tensor<T>, width: usize| {
            t.reshape(&[steps as isize, batch as isize, width as isize])
        };
        Ok(EncodedSequence {
            tracked_input,
            inputs,
            pre_activation: time_major(pre_activation, hidden)?,
            normalized: time_major(normalized, hidden)?,
            inverse_std: inverse_std.map(|s| time_major(s, 1)).transpose()?,
            output: time_major(output, hidden)?,
        })
    }

    /// Returns the number of time steps.
    pub fn steps(&self) -> usize {
        self.output.shape()[0]
    }

    /// Records step `t` on the tape and returns `z_t`, `[B, h]`.
    ///
    /// # Errors
    /// Tensor or autodiff errors, for example `t` out of range.
    pub fn step(&self, weights: &EncoderWeights<'_, T>, t: usize) -> Result<Var<T>> {
        let saved = StepTensors {
            x: self.inputs.select(0, t)?,
            p: self.pre_activation.select(0, t)?,
            y: self.normalized.select(0, t)?,
            rstd: self
                .inverse_std
                .as_ref()
                .map(|s| s.select(0, t))
                .transpose()?,
            gamma: weights.norm.map(|(gamma, _)| gamma.value().clone()),
            weight: weights.weight.value().clone(),
            input_shape: self.tracked_input.as_ref().map(|x| x.shape().to_vec()),
            t,
        };
        let z = self.output.select(0, t)?.contiguous();

        let mut inputs = vec![weights.weight, weights.bias];
        if let Some((gamma, beta)) = weights.norm {
            inputs.extend([gamma, beta]);
        }
        if let Some(x) = &self.tracked_input {
            inputs.push(x);
        }
        let tape = weights.weight.tape().clone();
        Ok(tape.custom_op("enn_encoder", &inputs, z, move |g| saved.backward(g))?)
    }
}

/// The tensors one step's backward rule needs.
struct StepTensors<T: Element> {
    x: Tensor<T>,
    p: Tensor<T>,
    y: Tensor<T>,
    rstd: Option<Tensor<T>>,
    gamma: Option<Tensor<T>>,
    weight: Tensor<T>,
    /// `[B, T, d]` when the input takes a gradient.
    input_shape: Option<Vec<usize>>,
    t: usize,
}

impl<T: Element> StepTensors<T> {
    /// Maps `dz_t` to the gradients of `W`, `b`, then `gamma` and `beta` when the layer norm
    /// is on, then the input when it is tracked.
    fn backward(&self, g: &Tensor<T>) -> autodiff::Result<Vec<Option<Tensor<T>>>> {
        let mut grads = Vec::with_capacity(5);
        let du = match (&self.gamma, &self.rstd) {
            (Some(gamma), Some(rstd)) => {
                let dgamma = g.mul(&self.y)?.sum(&[0], false)?;
                let dbeta = g.sum(&[0], false)?;
                let gy = g.mul(gamma)?;
                let gy_mean = gy.mean(&[-1], true)?;
                let gyy_mean = gy.mul(&self.y)?.mean(&[-1], true)?;
                let du = gy.sub(&gy_mean)?.sub(&self.y.mul(&gyy_mean)?)?.mul(rstd)?;
                grads.extend([Some(dgamma), Some(dbeta)]);
                du
            }
            _ => g.clone(),
        };
        // dp = du [p > 0], dW = x^T dp, db = sum_b dp
        let dp = du.mul_derivative(Derivative::Relu, &self.p)?;
        let dw = self.x.t()?.matmul(&dp)?;
        let db = dp.sum(&[0], false)?;
        grads.splice(0..0, [Some(dw), Some(db)]);
        if let Some(shape) = &self.input_shape {
            // dx_t = dp W^T, written into step t of a zero [B, T, d] gradient.
            let dx = dp.matmul(&self.weight.t()?)?;
            let zeros = Tensor::zeros_on(shape, &dx.device())?;
            let full = zeros.view_scatter(&dx, |t| t.select(1, self.t))?;
            grads.push(Some(full));
        }
        Ok(grads)
    }
}
