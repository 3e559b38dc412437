//! The error type of the crate: every fallible layer, loss, optimizer and checkpoint function
//! returns [`Result`].

use std::path::PathBuf;

use autodiff::AutodiffError;
use tensor::TensorError;

/// A shorthand for `Result<T, NnError>`.
pub type Result<T> = std::result::Result<T, NnError>;

/// Everything that can go wrong while building, training or saving a model. Each variant names
/// the operation and the values involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NnError {
    // ---- errors from the layers below ----
    /// A tensor operation failed.
    #[error(transparent)]
    Tensor(#[from] TensorError),
    /// Recording an operation or running the backward pass failed.
    #[error(transparent)]
    Autodiff(#[from] AutodiffError),

    // ---- configuration and input ----
    /// A configuration value or argument is outside its valid range.
    #[error("{op}: {message}")]
    InvalidArgument {
        /// The operation or constructor that failed.
        op: &'static str,
        /// The problem and the fix.
        message: String,
    },
    /// A tensor has a shape the operation cannot use.
    #[error("{op}: expected shape {expected}, got {got:?}")]
    ShapeMismatch {
        /// The operation that failed.
        op: &'static str,
        /// The expected shape, as text (for example `"[batch, 28]"`).
        expected: String,
        /// The shape that was passed.
        got: Vec<usize>,
    },

    // ---- training ----
    /// A gradient contains NaN or an infinity, so the update was not applied.
    #[error("{op}: the gradient of parameter `{name}` is not finite (global norm {norm}); the update was skipped, lower the learning rate or check the loss for overflow")]
    NonFiniteGradient {
        /// The operation that detected it.
        op: &'static str,
        /// The first parameter whose gradient is not finite.
        name: String,
        /// The global gradient norm that was computed.
        norm: f64,
    },

    // ---- checkpoints ----
    /// Reading or writing a checkpoint file failed.
    #[error("{op}: {path}: {source}")]
    Io {
        /// The operation that failed.
        op: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A checkpoint file is not valid safetensors data.
    #[error("{op}: {path} is not a valid safetensors file: {message}")]
    CorruptCheckpoint {
        /// The operation that failed.
        op: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The problem found in the file.
        message: String,
    },
    /// A checkpoint does not match the model or optimizer it is loaded into. Every mismatch is
    /// listed, one per line, so a single load reports all of them.
    #[error("{op}: the checkpoint does not match ({} problems):\n  {}", mismatches.len(), mismatches.join("\n  "))]
    CheckpointMismatch {
        /// The operation that failed.
        op: &'static str,
        /// One line per mismatching, missing or unexpected entry, each naming the entry.
        mismatches: Vec<String>,
    },
}

impl NnError {
    /// Builds an [`NnError::InvalidArgument`] from any message.
    pub fn invalid(op: &'static str, message: impl Into<String>) -> Self {
        NnError::InvalidArgument {
            op,
            message: message.into(),
        }
    }
}
