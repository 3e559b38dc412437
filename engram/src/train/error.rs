//! Errors of the training loop and of the files it reads and writes.

use std::path::PathBuf;

/// Result of the training loop's functions.
pub type Result<T> = std::result::Result<T, TrainError>;

/// Everything that can stop a training, evaluation or reporting run.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    // --- Options ---
    /// An option has a value the run cannot use.
    #[error("invalid value {value} for {option}: {reason}")]
    InvalidOption {
        /// The option's name as the user writes it, for example `--holdout`.
        option: &'static str,
        /// The rejected value.
        value: String,
        /// Reason for the rejection and the value to use instead.
        reason: String,
    },

    // --- Data ---
    /// A data set's directory does not exist.
    #[error("{dataset}: data directory {} not found; {hint}", path.display())]
    MissingDataDir {
        /// Data set name as given on the command line.
        dataset: &'static str,
        /// The directory that was looked for.
        path: PathBuf,
        /// Source of the files.
        hint: String,
    },
    /// A data set's files are missing or malformed.
    #[error("{dataset}: {message}")]
    Data {
        /// Data set name as given on the command line.
        dataset: &'static str,
        /// Problem description, naming the file, and the fix.
        message: String,
    },

    // --- Training ---
    /// A model's output or a batch does not have the expected shape or values.
    #[error("{op}: {message}")]
    InvalidInput {
        /// The operation that failed.
        op: &'static str,
        /// Expected and found shape or values.
        message: String,
    },
    /// The training loss became NaN or infinite.
    #[error(
        "{model}: the training loss became {loss} at epoch {epoch}, step {step}; training stopped \
         and the last good checkpoint was kept. Try a lower --lr or a smaller --clip-norm"
    )]
    NonFiniteLoss {
        /// Model name.
        model: String,
        /// Epoch number, counted from 1.
        epoch: usize,
        /// Step within the epoch, counted from 1.
        step: usize,
        /// The non-finite value.
        loss: f64,
    },
    /// The gradient's global norm became NaN or infinite.
    #[error(
        "{model}: the gradient norm became {norm} at epoch {epoch}, step {step}; training stopped \
         and the last good checkpoint was kept. Try a lower --lr or a smaller --clip-norm"
    )]
    NonFiniteGradient {
        /// Model name.
        model: String,
        /// Epoch number, counted from 1.
        epoch: usize,
        /// Step within the epoch, counted from 1.
        step: usize,
        /// The non-finite norm.
        norm: f64,
    },
    /// Ctrl-C stopped the run after a finished step.
    #[error("interrupted by Ctrl-C; {}", match checkpoint {
        Some(path) => format!("{} holds the last step, continue with --resume", path.display()),
        None => "this run writes no checkpoint".to_owned(),
    })]
    Interrupted {
        /// The checkpoint written at the interruption, if the run has one.
        checkpoint: Option<PathBuf>,
    },
    /// A checkpoint does not fit the requested run.
    #[error("checkpoint {}: {message}", path.display())]
    Checkpoint {
        /// Checkpoint file.
        path: PathBuf,
        /// Mismatch description and the fix.
        message: String,
    },
    /// A piece the run needs is not available in this build.
    #[error("{what} is not available: {reason}")]
    Unavailable {
        /// The missing piece.
        what: String,
        /// Why, and what to do.
        reason: String,
    },

    // --- Files and lower layers ---
    /// Reading or writing a file failed.
    #[error("failed to {action} {}: {source}", path.display())]
    Io {
        /// Action that failed, for example "write".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Encoding or decoding JSON failed.
    #[error("JSON error in {}: {source}", path.display())]
    Json {
        /// The file being encoded or decoded.
        path: PathBuf,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A tensor operation failed.
    #[error(transparent)]
    Tensor(#[from] tensor::TensorError),
    /// A differentiable operation or the backward pass failed.
    #[error(transparent)]
    Autodiff(#[from] autodiff::AutodiffError),
    /// An optimizer, loss or checkpoint operation failed.
    #[error(transparent)]
    Nn(#[from] nn::NnError),
    /// A model, monitor or picture operation failed.
    #[error(transparent)]
    Engram(#[from] crate::EngramError),
}

impl TrainError {
    /// Builds an [`TrainError::Io`] for `action` on `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TrainError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
