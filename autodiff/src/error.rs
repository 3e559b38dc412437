//! The error type of the crate: every fallible operation on variables returns [`Result`].

use tensor::TensorError;

/// A shorthand for `Result<T, AutodiffError>`.
pub type Result<T> = std::result::Result<T, AutodiffError>;

/// Everything that can go wrong while recording or differentiating. Tensor errors (bad shapes,
/// bad axes) pass through unchanged in [`AutodiffError::Tensor`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AutodiffError {
    // ---- tensor operations ----
    /// A tensor operation failed while computing a value or a gradient.
    #[error(transparent)]
    Tensor(#[from] TensorError),

    // ---- backward pass ----
    /// `backward` needs a scalar output to seed with 1.
    #[error("backward: the output has shape {shape:?} with {count} elements; reduce it to one element (for example with `sum` or `mean`) or pass a seed gradient to `backward_with_seed`", count = shape.iter().product::<usize>())]
    NonScalarOutput {
        /// The shape of the output.
        shape: Vec<usize>,
    },
    /// The seed gradient does not have the output's shape.
    #[error("backward_with_seed: the seed has shape {seed:?} but the output has shape {output:?}; pass a seed of the output's shape")]
    SeedShape {
        /// The shape of the output.
        output: Vec<usize>,
        /// The shape of the seed.
        seed: Vec<usize>,
    },
    /// A backward rule returned the wrong number of gradients.
    #[error("{op}: the backward rule returned {got} gradients for {expected} inputs; return one entry (or `None`) per input")]
    GradientCount {
        /// The operation whose rule failed.
        op: &'static str,
        /// The number of inputs.
        expected: usize,
        /// The number of gradients returned.
        got: usize,
    },
    /// A backward rule returned a gradient whose shape differs from its input's shape.
    #[error("{op}: the backward rule returned a gradient of shape {got:?} for input {input} of shape {expected:?}; a gradient must have its input's shape")]
    GradientShape {
        /// The operation whose rule failed.
        op: &'static str,
        /// The position of the input in the operation's input list.
        input: usize,
        /// The input's shape.
        expected: Vec<usize>,
        /// The gradient's shape.
        got: Vec<usize>,
    },

    // ---- tape misuse ----
    /// A variable recorded before the last `Tape::clear` was used again.
    #[error("{op}: variable {id} was recorded before the tape was last cleared; create it again with `leaf`, `leaf_keyed` or `constant` after `clear`")]
    StaleVar {
        /// The operation that received the variable.
        op: &'static str,
        /// The variable's id.
        id: u64,
    },
    /// Two tracked variables of one operation belong to different tapes.
    #[error("{op}: tracked inputs belong to different tapes; record every variable of one computation on the same tape, or `detach` the foreign one")]
    ForeignVar {
        /// The operation that received the variables.
        op: &'static str,
    },
    /// An operation was recorded while the same tape ran `backward`.
    #[error("{op}: the tape is running a backward pass; backward rules must compute with tensors, not record new variables")]
    TapeBusy {
        /// The operation that tried to record.
        op: &'static str,
    },
    /// An argument is invalid for a reason the other variants do not cover.
    #[error("{op}: {message}")]
    InvalidArgument {
        /// The operation that failed.
        op: &'static str,
        /// The problem and how to fix it.
        message: String,
    },
}

impl AutodiffError {
    /// Builds an [`AutodiffError::InvalidArgument`] from any message.
    pub fn invalid(op: &'static str, message: impl Into<String>) -> Self {
        AutodiffError::InvalidArgument {
            op,
            message: message.into(),
        }
    }
}
