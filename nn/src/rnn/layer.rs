//! [`Recurrent`]: a stack of recurrent cells unrolled over a `[batch, time, features]` input.
//!
//! Each layer runs as one fused tape node (see `sequence.rs`): the input projection for all
//! time steps is one matmul, the steps run inside the node, and the backward pass is written by
//! hand. Layer k > 0 reads the hidden states of layer k - 1.
//!
//! ```text
//! x [batch, steps, input_size]
//!   -> time-major [steps * batch, input_size]
//!   -> layer 0 -> h [steps, batch, hidden_size] -> layer 1 -> ... -> last layer
//!   -> RecurrentOutput::Sequence: [batch, steps, hidden_size]
//!      RecurrentOutput::Last:     [batch, hidden_size] (h at the last step)
//! ```

use autodiff::{Tape, Var};
use rand::RngCore;
use tensor::Element;

use super::{CellState, GruCell, LstmCell, RecurrentCell, RnnCell};
use crate::{Module, NnError, Param, Result};

/// The output choice of a [`Recurrent`] layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RecurrentOutput {
    /// The hidden state at every step, `[batch, steps, hidden_size]` (Keras
    /// `return_sequences=True`, PyTorch's `output`).
    #[default]
    Sequence,
    /// The hidden state at the last step, `[batch, hidden_size]`.
    Last,
}

/// Settings of a [`Recurrent`] layer (also named [`LstmConfig`](crate::LstmConfig),
/// [`GruConfig`](crate::GruConfig) and [`RnnConfig`](crate::RnnConfig)).
///
/// Set the sizes and keep the rest at their defaults:
/// `RecurrentConfig { input_size: 28, hidden_size: 128, ..Default::default() }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecurrentConfig {
    /// Features per input step; must be >= 1. Default 0 (must be set).
    pub input_size: usize,
    /// Features of the hidden state; must be >= 1. Default 0 (must be set).
    pub hidden_size: usize,
    /// Stacked layers; must be >= 1. Default 1.
    pub num_layers: usize,
    /// Whether the cells have `bias_ih` and `bias_hh`. Default true.
    pub bias: bool,
    /// Whole sequence or last step. Default [`RecurrentOutput::Sequence`].
    pub output: RecurrentOutput,
}

impl Default for RecurrentConfig {
    fn default() -> Self {
        RecurrentConfig {
            input_size: 0,
            hidden_size: 0,
            num_layers: 1,
            bias: true,
            output: RecurrentOutput::Sequence,
        }
    }
}

/// Stacked recurrent layers over cells of type `C`.
#[derive(Clone, Debug)]
pub struct Recurrent<T: Element, C: RecurrentCell<T>> {
    layers: Vec<C>,
    config: RecurrentConfig,
    _element: std::marker::PhantomData<T>,
}

/// A stacked LSTM.
pub type Lstm<T = f32> = Recurrent<T, LstmCell<T>>;
/// A stacked GRU (reset-after).
pub type Gru<T = f32> = Recurrent<T, GruCell<T>>;
/// A stacked tanh RNN.
pub type Rnn<T = f32> = Recurrent<T, RnnCell<T>>;

impl<T: Element, C: RecurrentCell<T>> Recurrent<T, C> {
    /// Creates the layers with Keras-style initial weights drawn from `rng`.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] when a size or `num_layers` is zero.
    pub fn new(config: &RecurrentConfig, rng: &mut dyn RngCore) -> Result<Self> {
        if config.num_layers == 0 {
            return Err(NnError::invalid(
                "Recurrent::new",
                "num_layers must be >= 1",
            ));
        }
        let mut layers = Vec::with_capacity(config.num_layers);
        for k in 0..config.num_layers {
            let input_size = if k == 0 {
                config.input_size
            } else {
                config.hidden_size
            };
            layers.push(C::new(input_size, config.hidden_size, config.bias, rng)?);
        }
        Ok(Recurrent {
            layers,
            config: *config,
            _element: std::marker::PhantomData,
        })
    }

    /// Returns the settings.
    pub fn config(&self) -> &RecurrentConfig {
        &self.config
    }

    /// Returns the cells, one per layer.
    pub fn cells(&self) -> &[C] {
        &self.layers
    }

    /// Returns the cells mutably.
    pub fn cells_mut(&mut self) -> &mut [C] {
        &mut self.layers
    }

    /// Runs every layer over `x` `[batch, steps, input_size]` from `initial` (one state per
    /// layer, zeros when `None`), and returns the output chosen in the config together with the
    /// final state of each layer.
    ///
    /// # Errors
    /// [`NnError::ShapeMismatch`] when `x` is not `[batch, steps >= 1, input_size]`, and
    /// [`NnError::InvalidArgument`] when `initial` does not hold one state per layer.
    pub fn forward_with_state(
        &self,
        tape: &Tape<T>,
        x: &Var<T>,
        initial: Option<&[CellState<T>]>,
    ) -> Result<(Var<T>, Vec<CellState<T>>)> {
        let op = "Recurrent::forward";
        let &[batch, steps, features] = x.shape() else {
            return Err(NnError::ShapeMismatch {
                op,
                expected: format!("[batch, steps, {}]", self.config.input_size),
                got: x.shape().to_vec(),
            });
        };
        if features != self.config.input_size || steps == 0 || batch == 0 {
            return Err(NnError::ShapeMismatch {
                op,
                expected: format!("[batch >= 1, steps >= 1, {}]", self.config.input_size),
                got: x.shape().to_vec(),
            });
        }
        if let Some(states) = initial {
            if states.len() != self.layers.len() {
                return Err(NnError::invalid(
                    op,
                    format!(
                        "expected {} initial states (one per layer), got {}",
                        self.layers.len(),
                        states.len()
                    ),
                ));
            }
        }

        let rows = (steps * batch) as isize;
        let mut input = x.permute(&[1, 0, 2])?.reshape(&[rows, features as isize])?;
        let mut finals = Vec::with_capacity(self.layers.len());
        let mut sequence = None;
        for (k, cell) in self.layers.iter().enumerate() {
            let state = match initial {
                Some(states) => states[k].clone(),
                None => cell.zero_state(tape, batch),
            };
            let out = cell.forward_sequence(tape, &input, steps, &state)?;
            let h_seq = out.select(0, 0)?;
            let c_last = if cell.has_cell_state() {
                Some(out.select(0, 1)?.select(0, steps - 1)?)
            } else {
                None
            };
            finals.push(CellState {
                h: h_seq.select(0, steps - 1)?,
                c: c_last,
            });
            input = h_seq.reshape(&[rows, self.config.hidden_size as isize])?;
            sequence = Some(h_seq);
        }

        let output = match self.config.output {
            RecurrentOutput::Sequence => sequence
                .expect("num_layers >= 1 is checked in new")
                .permute(&[1, 0, 2])?,
            RecurrentOutput::Last => finals
                .last()
                .expect("num_layers >= 1 is checked in new")
                .h
                .clone(),
        };
        Ok((output, finals))
    }
}

impl<T: Element, C: RecurrentCell<T>> Module<T> for Recurrent<T, C> {
    /// Maps `[batch, steps, input_size]` to `[batch, steps, hidden_size]` or
    /// `[batch, hidden_size]` (see [`RecurrentOutput`]), from a zero initial state.
    fn forward(&self, tape: &Tape<T>, input: &Var<T>) -> Result<Var<T>> {
        Ok(self.forward_with_state(tape, input, None)?.0)
    }

    /// Names follow PyTorch's `nn.LSTM`: `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, ...
    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<T>)>) {
        for (k, cell) in self.layers.iter().enumerate() {
            cell.params().collect(prefix, &format!("_l{k}"), out);
        }
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<T>)>,
    ) {
        for (k, cell) in self.layers.iter_mut().enumerate() {
            cell.params_mut()
                .collect_mut(prefix, &format!("_l{k}"), out);
        }
    }
}
