//! [`EnnLayer`]: the ENN cell unrolled over a sequence, as an `nn::Module` that owns its
//! parameters.
//!
//! Parameters and their names (the same names key optimizer state and checkpoints):
//!
//! | name | shape | initialiser |
//! |---|---|---|
//! | `encoder.weight`, `encoder.bias` | `[h, d]`, `[h]` | He-normal, zeros |
//! | `encoder_norm.weight`, `encoder_norm.bias` | `[h]`, `[h]` | ones, zeros |
//! | `memory` | `[m, h]` | Glorot-uniform |
//! | `integrator.weight`, `integrator.bias` | `[3h, 3h]`, `[3h]` | He-normal, zeros |
//! | `output.weight`, `output.bias` | `[h, 3h]`, `[h]` | He-normal, zeros |
//! | `output_norm.weight`, `output_norm.bias` | `[h]`, `[h]` | ones, zeros |
//! | `pool.weight`, `pool.bias` (attention pooling only) | `[h]`, `[1]` | Glorot-uniform, zeros |
//!
//! Linear weights are stored `[out, in]` as in `nn::Linear`; the cell reads them transposed
//! (a view, no copy). The initial state and the trace noise come from the layer's own seeded
//! generator, so two layers built from the same seed compute the same function.

use std::cell::RefCell;

use autodiff::{Tape, Var};
use nn::module::join_name;
use nn::{Init, Linear, LinearConfig, Module, Param};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use tensor::{Element, Tensor};

use crate::cell::{unroll, EnnState, EnnWeights};
use crate::monitor::MemorySnapshot;
use crate::pooling::attention_pool;
use crate::{EngramConfig, EngramError, Result};

/// The output of an [`EnnLayer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EnnOutput {
    /// The output of the last step, `[B, h]` (the reference classifier).
    #[default]
    Last,
    /// The output of every step, `[B, T, h]`.
    Sequence,
    /// Attention pooling over the steps, `[B, h]`.
    AttentionPool,
}

/// The result of one unrolled run.
pub struct EnnRun<T: Element> {
    /// The output chosen by [`EnnOutput`].
    pub output: Var<T>,
    /// Attention of every step, `[B, m]` each.
    pub attention: Vec<Var<T>>,
    /// The state after the last step.
    pub state: EnnState<T>,
}

/// A learned scale and shift `(weight, bias)` after a layer norm, `[h]` each.
type NormParams<T> = Option<(Param<T>, Param<T>)>;

/// The ENN cell unrolled over `[B, T, d]` sequences.
#[derive(Debug)]
pub struct EnnLayer<T: Element = f32> {
    config: EngramConfig,
    output_mode: EnnOutput,
    encoder: Linear<T>,
    encoder_norm: NormParams<T>,
    memory: Param<T>,
    integrator: Linear<T>,
    output: Linear<T>,
    output_norm: NormParams<T>,
    pool: Option<(Param<T>, Param<T>)>,
    /// Draws the initial state and the trace noise; behind a `RefCell` because `forward` takes
    /// `&self`.
    rng: RefCell<StdRng>,
}

impl<T: Element> EnnLayer<T> {
    /// Builds the layer with weights drawn from `rng`; the layer's own generator for state and
    /// noise is seeded from `rng` too.
    ///
    /// # Errors
    /// [`EngramError::InvalidConfig`] for an invalid configuration.
    pub fn new(
        config: &EngramConfig,
        output_mode: EnnOutput,
        rng: &mut dyn RngCore,
    ) -> Result<Self> {
        config.validate()?;
        let (d, h, m) = (config.input_size, config.hidden_size, config.memory_size);
        let linear = |in_features, out_features, rng: &mut dyn RngCore| {
            let linear_config = LinearConfig {
                in_features,
                out_features,
                weight_init: Init::HeNormal,
                ..LinearConfig::default()
            };
            Linear::new(&linear_config, rng)
        };
        let norm = || {
            config.layer_norm.then(|| {
                (
                    Param::new(Tensor::ones(&[h])),
                    Param::new(Tensor::zeros(&[h])),
                )
            })
        };
        let encoder = linear(d, h, rng)?;
        let memory = Param::new(Init::GlorotUniform.build(&[m, h], rng)?);
        let integrator = linear(3 * h, 3 * h, rng)?;
        let output = linear(3 * h, h, rng)?;
        let pool = match output_mode {
            EnnOutput::AttentionPool => {
                let w = Init::GlorotUniform
                    .build(&[h, 1], rng)?
                    .reshape(&[h as isize])?;
                Some((Param::new(w), Param::new(Tensor::zeros(&[1]))))
            }
            _ => None,
        };
        Ok(EnnLayer {
            config: config.clone(),
            output_mode,
            encoder,
            encoder_norm: norm(),
            memory,
            integrator,
            output,
            output_norm: norm(),
            pool,
            rng: RefCell::new(StdRng::seed_from_u64(rng.next_u64())),
        })
    }

    /// Returns the configuration.
    pub fn config(&self) -> &EngramConfig {
        &self.config
    }

    /// Returns what the layer outputs.
    pub fn output_mode(&self) -> EnnOutput {
        self.output_mode
    }

    /// Restarts the generator of the initial state and the noise from `seed`.
    pub fn reseed(&self, seed: u64) {
        *self.rng.borrow_mut() = StdRng::seed_from_u64(seed);
    }

    /// Binds every cell parameter on `tape`, in the `[in, out]` layout of the equations.
    ///
    /// # Errors
    /// Autodiff errors from the transposed views.
    pub fn weights(&self, tape: &Tape<T>) -> Result<EnnWeights<T>> {
        let bias = |linear: &Linear<T>| {
            let bias = linear
                .bias()
                .expect("ENN linear layers are built with a bias");
            bias.var(tape)
        };
        let norm =
            |params: &NormParams<T>| params.as_ref().map(|(w, b)| (w.var(tape), b.var(tape)));
        Ok(EnnWeights {
            encoder_weight: self.encoder.weight().var(tape).t()?,
            encoder_bias: bias(&self.encoder),
            encoder_norm: norm(&self.encoder_norm),
            memory: self.memory.var(tape),
            integrator_weight: self.integrator.weight().var(tape).t()?,
            integrator_bias: bias(&self.integrator),
            output_weight: self.output.weight().var(tape).t()?,
            output_bias: bias(&self.output),
            output_norm: norm(&self.output_norm),
        })
    }

    /// Runs the layer over `input` (`[B, T, d]`) from a fresh initial state.
    ///
    /// # Errors
    /// [`EngramError::Shape`] when `input` is not `[B, T, d]` with `T >= 1`.
    pub fn run(&self, tape: &Tape<T>, input: &Var<T>) -> Result<EnnRun<T>> {
        let shape = input.shape();
        let d = self.config.input_size;
        if shape.len() != 3 || shape[2] != d || shape[0] == 0 || shape[1] == 0 {
            let expected = format!("[batch >= 1, time >= 1, {d}]");
            return Err(EngramError::shape("EnnLayer::forward", expected, shape));
        }
        let weights = self.weights(tape)?;
        let mut rng = self.rng.borrow_mut();
        let device = input.value().device();
        let state = EnnState::initial_on(&self.config, tape, shape[0], &mut *rng, &device)?;
        let run = unroll(&self.config, &weights, input, state, Some(&mut *rng))?;

        let output = match (&self.output_mode, &self.pool) {
            (EnnOutput::Last, _) => run.outputs.last().expect("T >= 1 was checked").clone(),
            (EnnOutput::Sequence, _) => Var::stack(&run.outputs.iter().collect::<Vec<_>>(), 1)?,
            (EnnOutput::AttentionPool, Some((w, b))) => {
                let sequence = Var::stack(&run.outputs.iter().collect::<Vec<_>>(), 1)?;
                attention_pool(&sequence, &w.var(tape), &b.var(tape))?.0
            }
            (EnnOutput::AttentionPool, None) => {
                unreachable!("the pooling parameters exist whenever the output mode pools")
            }
        };
        Ok(EnnRun {
            output,
            attention: run.attention,
            state: run.state,
        })
    }

    /// Runs `input` without recording gradients and returns the final trace and the attention
    /// of every step, for the memory monitor.
    ///
    /// # Errors
    /// As [`EnnLayer::run`].
    pub fn memory_snapshot(&self, input: &Tensor<T>) -> Result<MemorySnapshot> {
        let tape = Tape::new();
        // The input comes from host data; the run happens where the parameters are.
        let input = input.to_device(&self.memory.value().device())?;
        let run = tape.no_grad(|| self.run(&tape, &tape.constant(input)))?;
        let steps: Vec<Tensor<T>> = run.attention.iter().map(|a| a.value().clone()).collect();
        let attention = Tensor::stack(&steps.iter().collect::<Vec<_>>(), 1)?;
        Ok(MemorySnapshot {
            trace: run.state.trace.value().cast::<f32>(),
            attention: attention.cast::<f32>(),
        })
    }

    fn norm_entries<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<T>)>) {
        let norms = [
            ("encoder_norm", &self.encoder_norm),
            ("output_norm", &self.output_norm),
        ];
        for (name, params) in norms {
            if let Some((w, b)) = params {
                out.push((join_name(prefix, &format!("{name}.weight")), w));
                out.push((join_name(prefix, &format!("{name}.bias")), b));
            }
        }
    }
}

impl<T: Element> Module<T> for EnnLayer<T> {
    /// Maps `[B, T, d]` to `[B, h]` (last step or attention pooling) or `[B, T, h]` (every step).
    fn forward(&self, tape: &Tape<T>, input: &Var<T>) -> nn::Result<Var<T>> {
        Ok(self.run(tape, input)?.output)
    }

    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<T>)>) {
        self.encoder
            .collect_params(&join_name(prefix, "encoder"), out);
        self.norm_entries(prefix, out);
        out.push((join_name(prefix, "memory"), &self.memory));
        self.integrator
            .collect_params(&join_name(prefix, "integrator"), out);
        self.output
            .collect_params(&join_name(prefix, "output"), out);
        if let Some((w, b)) = &self.pool {
            out.push((join_name(prefix, "pool.weight"), w));
            out.push((join_name(prefix, "pool.bias"), b));
        }
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<T>)>,
    ) {
        self.encoder
            .collect_params_mut(&join_name(prefix, "encoder"), out);
        let norms = [
            ("encoder_norm", &mut self.encoder_norm),
            ("output_norm", &mut self.output_norm),
        ];
        for (name, params) in norms {
            if let Some((w, b)) = params {
                out.push((join_name(prefix, &format!("{name}.weight")), w));
                out.push((join_name(prefix, &format!("{name}.bias")), b));
            }
        }
        out.push((join_name(prefix, "memory"), &mut self.memory));
        self.integrator
            .collect_params_mut(&join_name(prefix, "integrator"), out);
        self.output
            .collect_params_mut(&join_name(prefix, "output"), out);
        if let Some((w, b)) = &mut self.pool {
            out.push((join_name(prefix, "pool.weight"), w));
            out.push((join_name(prefix, "pool.bias"), b));
        }
    }
}
