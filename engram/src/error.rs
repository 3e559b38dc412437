//! The error type of the crate: every fallible function returns [`Result`].

use std::path::PathBuf;

use autodiff::AutodiffError;
use nn::NnError;
use tensor::TensorError;

/// A shorthand for `Result<T, EngramError>`.
pub type Result<T> = std::result::Result<T, EngramError>;

/// Everything that can go wrong when building, running or monitoring a model. Each variant names
/// the operation or setting and the values involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngramError {
    // ---- configuration ----
    /// A configuration value is outside its valid range.
    #[error("invalid configuration: `{field}` = {value} but {requirement}")]
    InvalidConfig {
        /// The name of the configuration field.
        field: &'static str,
        /// The rejected value, as text.
        value: String,
        /// What the field must satisfy.
        requirement: &'static str,
    },
    /// A model name that the factory does not know.
    #[error("unknown model `{name}`; expected one of enn, rnn, gru, lstm")]
    UnknownModel {
        /// The name that was passed.
        name: String,
    },

    // ---- shapes ----
    /// An input has the wrong shape for the operation.
    #[error("{op}: expected shape {expected}, got {got:?}")]
    Shape {
        /// The operation that failed.
        op: &'static str,
        /// The shape the operation needs, in words (for example `[batch, time, 28]`).
        expected: String,
        /// The shape that was passed.
        got: Vec<usize>,
    },

    // ---- lower layers ----
    /// A tensor operation failed.
    #[error(transparent)]
    Tensor(#[from] TensorError),
    /// Recording or differentiating an operation failed.
    #[error(transparent)]
    Autodiff(#[from] AutodiffError),
    /// A layer, loss or optimizer failed.
    #[error(transparent)]
    Nn(#[from] NnError),

    // ---- files ----
    /// Reading or writing a file failed.
    #[error("{op}: cannot write {path}: {source}")]
    Io {
        /// The operation that failed.
        op: &'static str,
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Encoding a record as JSON failed.
    #[error("{op}: JSON encoding failed: {source}")]
    Json {
        /// The operation that failed.
        op: &'static str,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// Encoding a picture as PNG failed.
    #[error("{op}: PNG encoding of {path} failed: {source}")]
    Png {
        /// The operation that failed.
        op: &'static str,
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: png::EncodingError,
    },
}

impl EngramError {
    /// Builds an [`EngramError::InvalidConfig`].
    pub fn config(field: &'static str, value: impl ToString, requirement: &'static str) -> Self {
        EngramError::InvalidConfig {
            field,
            value: value.to_string(),
            requirement,
        }
    }

    /// Builds an [`EngramError::Shape`].
    pub fn shape(op: &'static str, expected: impl Into<String>, got: &[usize]) -> Self {
        EngramError::Shape {
            op,
            expected: expected.into(),
            got: got.to_vec(),
        }
    }
}

/// Lets `nn::Module::forward`, which returns `NnError`, report errors of this crate: errors of
/// the lower layers pass through unchanged, the others become `NnError::InvalidArgument` with
/// their message.
impl From<EngramError> for NnError {
    fn from(err: EngramError) -> Self {
        match err {
            EngramError::Nn(err) => err,
            EngramError::Tensor(err) => NnError::Tensor(err),
            EngramError::Autodiff(err) => NnError::Autodiff(err),
            other => NnError::invalid("engram", other.to_string()),
        }
    }
}
