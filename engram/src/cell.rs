//! One step of the ENN cell on a tape (steps 2 to 8 of the equations in the crate doc; step 1,
//! the encoder, runs for all steps at once in `encoder.rs`).
//!
//! ```text
//! E     = M + s H                                   effective memory
//! a, r  = recall(l2_normalize(z), E)                attention and retrieved memory
//! h_new = LayerNorm(ReLU(ReLU([z, r, h] W_int + b_int) W_out + b_out)) * gamma + beta
//! H_new = update_trace(H, a, z)
//! ```
//!
//! The cell is generic over the element type so that f64 gradient checks run the same code as
//! f32 training. Weights are `[in, out]`, so a layer computes `x W + b`.

use autodiff::{Tape, Var};
use rand::Rng;
use tensor::{Device, Element, Tensor};

use crate::config::EngramConfig;
use crate::encoder::{EncodedSequence, EncoderWeights};
use crate::recall::{recall, Recall};
use crate::trace::{trace_shape, update_trace};
use crate::Result;

/// The cell's parameters as variables on one tape.
pub struct EnnWeights<T: Element> {
    /// Encoder `W`, `[d, h]`.
    pub encoder_weight: Var<T>,
    /// Encoder `b`, `[h]`.
    pub encoder_bias: Var<T>,
    /// Encoder layer norm `(gamma, beta)`, `[h]` each; `None` when layer norm is off.
    pub encoder_norm: Option<(Var<T>, Var<T>)>,
    /// Memory bank `M`, `[m, h]`.
    pub memory: Var<T>,
    /// Integrator `W_int`, `[3h, 3h]`.
    pub integrator_weight: Var<T>,
    /// Integrator `b_int`, `[3h]`.
    pub integrator_bias: Var<T>,
    /// Output layer `W_out`, `[3h, h]`.
    pub output_weight: Var<T>,
    /// Output layer `b_out`, `[h]`.
    pub output_bias: Var<T>,
    /// Output layer norm `(gamma, beta)`, `[h]` each; `None` when layer norm is off.
    pub output_norm: Option<(Var<T>, Var<T>)>,
}

impl<T: Element> EnnWeights<T> {
    /// The encoder's part of the weights.
    pub fn encoder(&self) -> EncoderWeights<'_, T> {
        EncoderWeights {
            weight: &self.encoder_weight,
            bias: &self.encoder_bias,
            norm: self.encoder_norm.as_ref().map(|(g, b)| (g, b)),
        }
    }
}

/// The recurrent state carried from step to step.
#[derive(Clone)]
pub struct EnnState<T: Element> {
    /// Hidden state, `[B, h]`.
    pub hidden: Var<T>,
    /// Hebbian trace, `[m, h]` (shared) or `[B, m, h]` (per sample).
    pub trace: Var<T>,
}

impl<T: Element> EnnState<T> {
    /// Draws the state at the start of a batch: every entry from `N(0, initial_state_std^2)`,
    /// or zeros when that deviation is 0. The state is a constant (no gradient).
    ///
    /// # Errors
    /// Tensor errors from drawing.
    pub fn initial<R: Rng + ?Sized>(
        config: &EngramConfig,
        tape: &Tape<T>,
        batch: usize,
        rng: &mut R,
    ) -> Result<Self> {
        Self::initial_on(config, tape, batch, rng, &Device::Cpu)
    }

    /// [`EnnState::initial`] with the state made on `device`: zeros are filled there, and
    /// drawn values (from the host generator, so every device gets the same numbers) are
    /// uploaded once each.
    ///
    /// # Errors
    /// Tensor errors from drawing or moving the state.
    pub fn initial_on<R: Rng + ?Sized>(
        config: &EngramConfig,
        tape: &Tape<T>,
        batch: usize,
        rng: &mut R,
        device: &Device,
    ) -> Result<Self> {
        let std = T::from_f64(f64::from(config.initial_state_std));
        let draw = |shape: &[usize], rng: &mut R| -> Result<Tensor<T>> {
            if config.initial_state_std == 0.0 {
                return Ok(Tensor::zeros_on(shape, device)?);
            }
            Ok(Tensor::rand_normal(shape, T::ZERO, std, rng)?.to_device(device)?)
        };
        let hidden = draw(&[batch, config.hidden_size], rng)?;
        let trace = draw(&trace_shape(config, batch), rng)?;
        Ok(EnnState {
            hidden: tape.constant(hidden),
            trace: tape.constant(trace),
        })
    }
}

/// What one step produces.
pub struct StepOutput<T: Element> {
    /// The new hidden state `h_new`, `[B, h]`, which is also the step's output.
    pub hidden: Var<T>,
    /// Attention over slots, `[B, m]`.
    pub attention: Var<T>,
    /// The new trace.
    pub trace: Var<T>,
}

/// Runs steps 2 to 8 for the encoded input `z` (`[B, h]`) from `state`. `noise`, when given,
/// has the trace's shape and is added to the Hebbian term.
///
/// # Errors
/// Tensor and autodiff errors for inconsistent shapes.
pub fn step<T: Element>(
    config: &EngramConfig,
    weights: &EnnWeights<T>,
    z: &Var<T>,
    state: &EnnState<T>,
    noise: Option<&Tensor<T>>,
) -> Result<StepOutput<T>> {
    let scalar = |v: f32| T::from_f64(f64::from(v));
    let hidden_size = config.hidden_size;

    // 2. effective memory
    let effective = weights
        .memory
        .add(&state.trace.mul_scalar(scalar(config.trace_scale))?)?;

    // 3.-5. cosine similarity, sharpened softmax, retrieval
    let z_normalized = z.l2_normalize(-1, scalar(config.cosine_eps))?;
    let inverse_temperature = T::ONE / scalar(config.effective_temperature());
    let Recall {
        attention,
        retrieved,
    } = recall(
        &z_normalized,
        &effective,
        scalar(config.cosine_eps),
        inverse_temperature,
        config.top_k,
    )?;

    // 6. integrator and output layer
    let joined = Var::cat(&[z, &retrieved, &state.hidden], -1)?;
    let integrated = joined
        .matmul(&weights.integrator_weight)?
        .add(&weights.integrator_bias)?
        .relu()?;
    let mut hidden = integrated
        .matmul(&weights.output_weight)?
        .add(&weights.output_bias)?
        .relu()?;
    if let Some((gamma, beta)) = &weights.output_norm {
        hidden = hidden
            .layer_norm(scalar(config.layer_norm_eps))?
            .mul(gamma)?
            .add(beta)?;
    }
    debug_assert_eq!(hidden.shape()[1], hidden_size, "output layer width");

    // 7. trace update
    let trace = update_trace(config, &state.trace, &attention, z, noise)?;
    Ok(StepOutput {
        hidden,
        attention,
        trace,
    })
}

/// Every step of one unrolled sequence.
pub struct Unrolled<T: Element> {
    /// `h_new` of each step, `[B, h]` each.
    pub outputs: Vec<Var<T>>,
    /// Attention of each step, `[B, m]` each.
    pub attention: Vec<Var<T>>,
    /// The state after the last step.
    pub state: EnnState<T>,
}

/// Unrolls the cell over `input` (`[B, T, d]`; a constant, or tracked when an earlier layer
/// such as an embedding produced it) from `state`: encodes every step in one pass,
/// then runs [`step`] for `t = 0..T`. When `noise_rng` is given and `noise_std > 0`, each
/// step's trace update gets fresh noise from it; otherwise the update has no noise.
///
/// # Errors
/// [`crate::EngramError::Shape`] when `input` is not `[B, T, d]`; tensor and autodiff errors.
pub fn unroll<T: Element, R: Rng + ?Sized>(
    config: &EngramConfig,
    weights: &EnnWeights<T>,
    input: &Var<T>,
    state: EnnState<T>,
    noise_rng: Option<&mut R>,
) -> Result<Unrolled<T>> {
    let eps = T::from_f64(f64::from(config.layer_norm_eps));
    let encoder = weights.encoder();
    let encoded = EncodedSequence::new(&encoder, input, eps)?;
    let steps = encoded.steps();
    let noise_std = T::from_f64(f64::from(config.noise_std));

    let mut unrolled = Unrolled {
        outputs: Vec::with_capacity(steps),
        attention: Vec::with_capacity(steps),
        state,
    };
    let device = input.value().device();
    // On an accelerator the noise of every step is drawn at once and uploaded in one copy, so
    // the steps copy nothing. The values equal step-by-step draws, because the generator
    // fills tensors in order. The host keeps one step's noise in memory at a time.
    let mut noise_rng = noise_rng.filter(|_| config.noise_std > 0.0);
    let trace_dims = unrolled.state.trace.shape().to_vec();
    let all_noise = match noise_rng.as_deref_mut() {
        Some(rng) if device != Device::Cpu => {
            let shape: Vec<usize> = std::iter::once(steps).chain(trace_dims.clone()).collect();
            Some(Tensor::rand_normal(&shape, T::ZERO, noise_std, rng)?.to_device(&device)?)
        }
        _ => None,
    };
    for t in 0..steps {
        let z = encoded.step(&encoder, t)?;
        let noise = match (&all_noise, noise_rng.as_deref_mut()) {
            (Some(all), _) => Some(all.select(0, t)?),
            (None, Some(rng)) => Some(Tensor::rand_normal(&trace_dims, T::ZERO, noise_std, rng)?),
            (None, None) => None,
        };
        let out = step(config, weights, &z, &unrolled.state, noise.as_ref())?;
        unrolled.state = EnnState {
            hidden: out.hidden.clone(),
            trace: out.trace,
        };
        unrolled.outputs.push(out.hidden);
        unrolled.attention.push(out.attention);
    }
    Ok(unrolled)
}
