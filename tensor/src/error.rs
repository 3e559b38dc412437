//! The error type of the crate: every fallible tensor operation returns [`Result`].

use crate::DType;

/// A shorthand for `Result<T, TensorError>`.
pub type Result<T> = std::result::Result<T, TensorError>;

/// Everything that can go wrong in a tensor operation. Each variant names the operation and the
/// values involved, so a message can be acted on without a debugger.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TensorError {
    // ---- shapes ----
    /// Two shapes that must be equal or broadcastable are not.
    #[error("{op}: shapes {lhs:?} and {rhs:?} are not compatible; {hint}")]
    ShapeMismatch {
        /// The operation that failed.
        op: &'static str,
        /// Shape of the left operand.
        lhs: Vec<usize>,
        /// Shape of the right operand.
        rhs: Vec<usize>,
        /// What the operation expects.
        hint: &'static str,
    },
    /// A buffer's length does not match the number of elements of the requested shape.
    #[error("{op}: {len} elements cannot fill shape {shape:?}, which needs {expected}")]
    ElementCount {
        /// The operation that failed.
        op: &'static str,
        /// Number of elements supplied.
        len: usize,
        /// The requested shape.
        shape: Vec<usize>,
        /// Number of elements the shape needs.
        expected: usize,
    },
    /// An operation needs a particular rank.
    #[error("{op}: expected a tensor of rank {expected}, got shape {shape:?} (rank {})", shape.len())]
    RankMismatch {
        /// The operation that failed.
        op: &'static str,
        /// Rank the operation needs, as text (for example `"2"` or `"at least 1"`).
        expected: &'static str,
        /// The shape that was passed.
        shape: Vec<usize>,
    },

    // ---- axes and indices ----
    /// An axis is outside `-rank..rank`.
    #[error("{op}: axis {axis} is out of range for a tensor of rank {rank} (valid axes: -{rank}..{rank})")]
    InvalidAxis {
        /// The operation that failed.
        op: &'static str,
        /// The axis that was passed.
        axis: isize,
        /// The rank of the tensor.
        rank: usize,
    },
    /// The same axis appears twice where axes must be distinct.
    #[error("{op}: axis {axis} appears more than once in {axes:?}")]
    RepeatedAxis {
        /// The operation that failed.
        op: &'static str,
        /// The repeated axis.
        axis: usize,
        /// The axes that were passed.
        axes: Vec<isize>,
    },
    /// An index is outside the size of its dimension.
    #[error("{op}: index {index} is out of range for dimension {axis} of size {size}")]
    IndexOutOfRange {
        /// The operation that failed.
        op: &'static str,
        /// The index that was passed.
        index: isize,
        /// The axis it indexes.
        axis: usize,
        /// The size of that axis.
        size: usize,
    },

    // ---- views ----
    /// A view cannot be expressed with strides over the existing storage.
    #[error("{op}: cannot view shape {shape:?} with strides {strides:?} as {target:?} without a copy; call `reshape` (which copies when needed) or `contiguous()` first")]
    InvalidView {
        /// The operation that failed.
        op: &'static str,
        /// The source shape.
        shape: Vec<usize>,
        /// The source strides.
        strides: Vec<isize>,
        /// The requested shape.
        target: Vec<usize>,
    },
    /// An argument is invalid for a reason the other variants do not cover.
    #[error("{op}: {message}")]
    InvalidArgument {
        /// The operation that failed.
        op: &'static str,
        /// What is wrong and what to do.
        message: String,
    },

    // ---- types and devices ----
    /// An operation met an element type it does not support.
    #[error("{op}: expected element type {expected}, got {got}")]
    DTypeMismatch {
        /// The operation that failed.
        op: &'static str,
        /// The type the operation needs.
        expected: DType,
        /// The type that was passed.
        got: DType,
    },
    /// The inputs of one operation live on different devices.
    #[error("{op}: the inputs are on different devices ({lhs} and {rhs}); move them to one device with `to_device` first")]
    DeviceMismatch {
        /// The operation that failed.
        op: &'static str,
        /// The device of the first input.
        lhs: String,
        /// The device of the other input.
        rhs: String,
    },
    /// The OpenCL driver reported an error: no platform or device, a failed program build
    /// (the message contains the compiler log), or a failed allocation, transfer or launch.
    #[error("{op}: OpenCL error: {message}")]
    OpenCl {
        /// The operation that failed.
        op: &'static str,
        /// The driver's message and what to do.
        message: String,
    },
    /// A feature needed by the operation was not compiled in.
    #[error("{op}: this build of `tensor` was compiled without the `{feature}` feature; rebuild with `--features tensor/{feature}`")]
    FeatureDisabled {
        /// The operation that failed.
        op: &'static str,
        /// The missing cargo feature.
        feature: &'static str,
    },
}

impl TensorError {
    /// Builds an [`TensorError::InvalidArgument`] from any message.
    pub fn invalid(op: &'static str, message: impl Into<String>) -> Self {
        TensorError::InvalidArgument {
            op,
            message: message.into(),
        }
    }
}
