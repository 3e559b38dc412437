//! Recurrent cells and the layer that unrolls them over a sequence.
//!
//! Three cells share the [`RecurrentCell`] trait and PyTorch's parameter layout and names:
//!
//! | cell | gates (in order) | state |
//! |---|---|---|
//! | [`RnnCell`] | one tanh block | h |
//! | [`GruCell`] | r (reset), z (update), n (candidate), reset applied after the matmul | h |
//! | [`LstmCell`] | i (input), f (forget), g (cell candidate), o (output) | h, c |
//!
//! Each cell has `weight_ih` `[gates * hidden_size, input_size]`, `weight_hh`
//! `[gates * hidden_size, hidden_size]`, and optionally `bias_ih` and `bias_hh`
//! `[gates * hidden_size]`, so a state dict maps one to one onto `torch.nn.LSTMCell` and friends.
//! Initialisation follows Keras: Glorot-uniform input weights, orthogonal recurrent weights,
//! zero biases, and the LSTM forget-gate bias at 1 (in `bias_ih`).
//!
//! Each cell offers two paths that compute the same values up to rounding. Both evaluate
//! sigmoid and tanh with the SIMD polynomials of `tensor` (at most 2 ulp from the standard
//! library in `f32`).
//!
//! - [`RecurrentCell::step`] records one time step from ordinary tape operations; use it in
//!   custom loops, and read it as the reference implementation of the equations;
//! - [`RecurrentCell::forward_sequence`] runs all steps as one fused tape node with a
//!   hand-written backward pass (see `sequence.rs` and `bptt.rs`); [`Recurrent`] uses it.

mod bptt;
mod gru;
mod layer;
mod lstm;
mod pool;
mod rows;
mod sequence;
mod simple;
mod step;

pub use gru::GruCell;
pub use layer::{Gru, Lstm, Recurrent, RecurrentConfig, RecurrentOutput, Rnn};
pub use lstm::LstmCell;
pub use simple::RnnCell;

use autodiff::{Tape, Var};
use rand::RngCore;
use tensor::{Element, Tensor};

use self::sequence::{run_sequence, SequenceInputs};
use self::step::StepKernel;
use crate::init::{glorot_uniform, orthogonal};
use crate::module::join_name;
use crate::{NnError, Param, Result};

/// The state a cell carries from one step to the next.
#[derive(Clone)]
pub struct CellState<T: Element = f32> {
    /// Hidden state h, `[batch, hidden_size]`.
    pub h: Var<T>,
    /// Memory cell c, `[batch, hidden_size]`, for the LSTM only.
    pub c: Option<Var<T>>,
}

/// A recurrent cell: one time step of an RNN, GRU or LSTM.
pub trait RecurrentCell<T: Element> {
    /// Creates a cell with Keras-style initial weights (see the module doc).
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] when a size is zero.
    fn new(
        input_size: usize,
        hidden_size: usize,
        bias: bool,
        rng: &mut dyn RngCore,
    ) -> Result<Self>
    where
        Self: Sized;

    /// Returns the weights.
    fn params(&self) -> &CellParams<T>;

    /// Returns the weights mutably.
    fn params_mut(&mut self) -> &mut CellParams<T>;

    /// Returns true when the state has a memory cell c besides h.
    fn has_cell_state(&self) -> bool;

    /// Returns the zero state for `batch` sequences, as untracked constants.
    fn zero_state(&self, tape: &Tape<T>, batch: usize) -> CellState<T> {
        let shape = [batch, self.params().hidden_size];
        CellState {
            h: tape.constant(Tensor::zeros(&shape)),
            c: self
                .has_cell_state()
                .then(|| tape.constant(Tensor::zeros(&shape))),
        }
    }

    /// Records one time step: `x` is `[batch, input_size]`, the state `[batch, hidden_size]`.
    ///
    /// # Errors
    /// An error naming the cell when a shape does not fit or a state part is missing.
    fn step(&self, tape: &Tape<T>, x: &Var<T>, state: &CellState<T>) -> Result<CellState<T>>;

    /// Runs all steps of a time-major input `[steps * batch, input_size]` from `state` as one
    /// fused node and returns `[states, steps, batch, hidden_size]`, where the first block holds
    /// h_1..h_T and, for the LSTM, the second holds c_1..c_T.
    ///
    /// # Errors
    /// An error naming the cell when a shape does not fit.
    fn forward_sequence(
        &self,
        tape: &Tape<T>,
        x: &Var<T>,
        steps: usize,
        state: &CellState<T>,
    ) -> Result<Var<T>>;
}

/// The weights of a cell with `gates` gate blocks, in PyTorch's layout.
#[derive(Clone, Debug)]
pub struct CellParams<T: Element = f32> {
    /// Input weight, `[gates * hidden_size, input_size]`.
    pub weight_ih: Param<T>,
    /// Recurrent weight, `[gates * hidden_size, hidden_size]`.
    pub weight_hh: Param<T>,
    /// Input bias, `[gates * hidden_size]`.
    pub bias_ih: Option<Param<T>>,
    /// Recurrent bias, `[gates * hidden_size]`.
    pub bias_hh: Option<Param<T>>,
    /// Features per input step.
    pub input_size: usize,
    /// Features of the hidden state.
    pub hidden_size: usize,
    /// Number of gate blocks.
    pub gates: usize,
}

impl<T: Element> CellParams<T> {
    /// Draws Keras-style initial weights: Glorot-uniform `weight_ih`, orthogonal `weight_hh`,
    /// zero biases.
    pub(crate) fn new(
        op: &'static str,
        gates: usize,
        input_size: usize,
        hidden_size: usize,
        bias: bool,
        rng: &mut dyn RngCore,
    ) -> Result<Self> {
        if input_size == 0 || hidden_size == 0 {
            return Err(NnError::invalid(
                op,
                format!(
                    "input_size and hidden_size must be >= 1, got {input_size} and {hidden_size}"
                ),
            ));
        }
        let width = gates * hidden_size;
        let zeros = || Param::new(Tensor::zeros(&[width]));
        Ok(CellParams {
            weight_ih: Param::new(glorot_uniform(&[width, input_size], rng)?),
            weight_hh: Param::new(orthogonal(&[width, hidden_size], 1.0, rng)?),
            bias_ih: bias.then(zeros),
            bias_hh: bias.then(zeros),
            input_size,
            hidden_size,
            gates,
        })
    }

    /// Appends the parameters as `{prefix}.weight_ih{suffix}` and so on.
    pub(crate) fn collect<'a>(
        &'a self,
        prefix: &str,
        suffix: &str,
        out: &mut Vec<(String, &'a Param<T>)>,
    ) {
        out.push((
            join_name(prefix, &format!("weight_ih{suffix}")),
            &self.weight_ih,
        ));
        out.push((
            join_name(prefix, &format!("weight_hh{suffix}")),
            &self.weight_hh,
        ));
        if let Some(b) = &self.bias_ih {
            out.push((join_name(prefix, &format!("bias_ih{suffix}")), b));
        }
        if let Some(b) = &self.bias_hh {
            out.push((join_name(prefix, &format!("bias_hh{suffix}")), b));
        }
    }

    /// Mutable version of [`CellParams::collect`].
    pub(crate) fn collect_mut<'a>(
        &'a mut self,
        prefix: &str,
        suffix: &str,
        out: &mut Vec<(String, &'a mut Param<T>)>,
    ) {
        out.push((
            join_name(prefix, &format!("weight_ih{suffix}")),
            &mut self.weight_ih,
        ));
        out.push((
            join_name(prefix, &format!("weight_hh{suffix}")),
            &mut self.weight_hh,
        ));
        if let Some(b) = &mut self.bias_ih {
            out.push((join_name(prefix, &format!("bias_ih{suffix}")), b));
        }
        if let Some(b) = &mut self.bias_hh {
            out.push((join_name(prefix, &format!("bias_hh{suffix}")), b));
        }
    }

    /// Checks that `x` is `[rows, input_size]` and the state `[batch, hidden_size]`.
    pub(crate) fn check_step(&self, op: &'static str, x: &Var<T>, h: &Var<T>) -> Result<()> {
        let batch = x.shape().first().copied().unwrap_or(0);
        if x.shape() != [batch, self.input_size] {
            return Err(NnError::ShapeMismatch {
                op,
                expected: format!("[batch, {}] for the input", self.input_size),
                got: x.shape().to_vec(),
            });
        }
        if h.shape() != [batch, self.hidden_size] {
            return Err(NnError::ShapeMismatch {
                op,
                expected: format!("[{batch}, {}] for the state", self.hidden_size),
                got: h.shape().to_vec(),
            });
        }
        Ok(())
    }

    /// Records `x W_ih^T + b_ih`, `[rows, gates * hidden_size]`.
    pub(crate) fn project_input(&self, tape: &Tape<T>, x: &Var<T>) -> Result<Var<T>> {
        affine(tape, x, &self.weight_ih, self.bias_ih.as_ref())
    }

    /// Records `h W_hh^T + b_hh`, `[batch, gates * hidden_size]`.
    pub(crate) fn project_hidden(&self, tape: &Tape<T>, h: &Var<T>) -> Result<Var<T>> {
        affine(tape, h, &self.weight_hh, self.bias_hh.as_ref())
    }

    /// Records `x W_ih^T` without the bias, `[rows, gates * hidden_size]`; the fused sequence
    /// node adds `b_ih` itself.
    pub(crate) fn project_input_unbiased(&self, tape: &Tape<T>, x: &Var<T>) -> Result<Var<T>> {
        affine(tape, x, &self.weight_ih, None)
    }

    /// Returns `b_ih`, or a zero constant when the cell has no bias.
    pub(crate) fn input_bias(&self, tape: &Tape<T>) -> Var<T> {
        self.bias_or_zeros(tape, self.bias_ih.as_ref())
    }

    /// Returns `b_hh`, or a zero constant when the cell has no bias.
    pub(crate) fn recurrent_bias(&self, tape: &Tape<T>) -> Var<T> {
        self.bias_or_zeros(tape, self.bias_hh.as_ref())
    }

    /// Returns the bias as a variable, or a zero constant `[gates * hidden_size]`.
    fn bias_or_zeros(&self, tape: &Tape<T>, bias: Option<&Param<T>>) -> Var<T> {
        match bias {
            Some(b) => b.var(tape),
            None => tape.constant(Tensor::zeros(&[self.gates * self.hidden_size])),
        }
    }

    /// Runs kernel `K` over all steps of `x` (`[steps * batch, input_size]`, time-major) from
    /// `state`, as one fused node (see `sequence.rs`).
    pub(crate) fn run_fused<K: StepKernel<T>>(
        &self,
        tape: &Tape<T>,
        name: &'static str,
        x: &Var<T>,
        steps: usize,
        state: &CellState<T>,
    ) -> Result<Var<T>> {
        let inputs = SequenceInputs {
            x_proj: &self.project_input_unbiased(tape, x)?,
            weight_hh: &self.weight_hh.var(tape),
            bias_ih: &self.input_bias(tape),
            bias_hh: &self.recurrent_bias(tape),
            h0: &state.h,
            c0: if K::HAS_CELL {
                Some(require_cell(name, state)?)
            } else {
                None
            },
            steps,
        };
        run_sequence::<T, K>(tape, name, inputs)
    }
}

/// Records `x W^T + b` for a PyTorch-layout weight `[out, in]`.
pub(crate) fn affine<T: Element>(
    tape: &Tape<T>,
    x: &Var<T>,
    weight: &Param<T>,
    bias: Option<&Param<T>>,
) -> Result<Var<T>> {
    let product = x.matmul(&weight.var(tape).t()?)?;
    match bias {
        Some(b) => Ok(product.add(&b.var(tape))?),
        None => Ok(product),
    }
}

/// Returns gate block `k` (`[batch, hidden]`) of a `[batch, gates * hidden]` variable.
pub(crate) fn gate<T: Element>(pre: &Var<T>, k: usize, hidden: usize) -> Result<Var<T>> {
    Ok(pre.narrow(1, k * hidden, hidden)?)
}

/// Returns the memory cell of a state, or an error naming the cell when it is missing.
pub(crate) fn require_cell<'a, T: Element>(
    op: &'static str,
    state: &'a CellState<T>,
) -> Result<&'a Var<T>> {
    state.c.as_ref().ok_or_else(|| {
        NnError::invalid(
            op,
            "the state has no memory cell c; start from `zero_state`",
        )
    })
}
