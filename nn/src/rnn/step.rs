//! The per-step kernel interface of the fused sequence node: the elementwise part of one time
//! step of a cell, forward and backward.
//!
//! Every slice below is a contiguous block of `rows` batch rows; a slice of a cell without a
//! memory cell c (RNN, GRU) is empty. Rows are independent, which lets the sequence node give
//! each thread its own range of rows for the whole sequence.

use tensor::Element;

/// The inputs of one forward step.
pub(crate) struct StepInput<'a, T> {
    /// Input projection `x_t W_ih^T` without bias, `[rows, gates * hidden]`.
    pub x: &'a [T],
    /// Input bias `b_ih`, `[gates * hidden]`.
    pub bias_ih: &'a [T],
    /// Recurrent projection `h_{t-1} W_hh^T` without bias, `[rows, gates * hidden]`.
    pub hh: &'a [T],
    /// Recurrent bias `b_hh`, `[gates * hidden]`.
    pub bias_hh: &'a [T],
    /// Previous hidden state, `[rows, hidden]`.
    pub h_prev: &'a [T],
    /// Previous memory cell, `[rows, hidden]` or empty.
    pub c_prev: &'a [T],
}

/// The outputs of one forward step.
pub(crate) struct StepOutput<'a, T> {
    /// Values the backward pass needs, `[rows, saved * hidden]`.
    pub saved: &'a mut [T],
    /// New hidden state, `[rows, hidden]`.
    pub h: &'a mut [T],
    /// New memory cell, `[rows, hidden]` or empty.
    pub c: &'a mut [T],
}

/// The inputs of one backward step.
pub(crate) struct GradInput<'a, T> {
    /// Total gradient reaching h_t, `[rows, hidden]`.
    pub dh: &'a [T],
    /// The `saved` values of the forward step.
    pub saved: &'a [T],
    /// h_{t-1}, `[rows, hidden]`.
    pub h_prev: &'a [T],
    /// c_{t-1}, `[rows, hidden]` or empty.
    pub c_prev: &'a [T],
    /// h_t, `[rows, hidden]`.
    pub h: &'a [T],
}

/// The outputs of one backward step.
pub(crate) struct GradOutput<'a, T> {
    /// On entry the gradient reaching c_t from outside the cell, on return the gradient of
    /// c_{t-1}; `[rows, hidden]` or empty.
    pub dc: &'a mut [T],
    /// Gradient of the input projection, `[rows, gates * hidden]`; empty when
    /// [`StepKernel::DX_IS_DHH`] holds, because it then equals `dhh`.
    pub dx: &'a mut [T],
    /// Gradient of the recurrent projection `hh`, `[rows, gates * hidden]`.
    pub dhh: &'a mut [T],
    /// Gradient of h_{t-1} through paths that bypass `hh` (the GRU's z h_{t-1} term),
    /// `[rows, hidden]`. The kernel writes every value when [`StepKernel::DIRECT_PATH`]
    /// holds; otherwise the slice is empty.
    pub dh_prev: &'a mut [T],
}

/// The elementwise part of one time step of a cell, forward and backward.
pub(crate) trait StepKernel<T: Element> {
    /// Gate blocks per hidden unit (RNN 1, GRU 3, LSTM 4).
    const GATES: usize;
    /// True when the cell carries a memory cell c besides h (LSTM).
    const HAS_CELL: bool;
    /// Values saved per hidden unit and batch row for the backward pass.
    const SAVED: usize;
    /// True when the gradients of the input and the recurrent projection are equal (x and hh
    /// enter the cell only through their sum), so the kernel writes only `dhh`.
    const DX_IS_DHH: bool;
    /// True when h_{t-1} reaches h_t by a path that bypasses `hh`, so the kernel writes
    /// `dh_prev`.
    const DIRECT_PATH: bool;

    /// Computes h (and c) of one step and fills `saved`.
    fn forward(hidden: usize, input: StepInput<'_, T>, output: StepOutput<'_, T>);

    /// Maps the gradient of h_t (and c_t) to the gradients of the step's inputs.
    fn backward(hidden: usize, input: GradInput<'_, T>, output: GradOutput<'_, T>);
}
