//! Tape-based reverse-mode automatic differentiation over the `tensor` crate.
//!
//! (Walkthrough follows once the elementwise operations are in place.)

mod broadcast;
mod check;
mod dot;
mod error;
mod grads;
mod ops;
mod tape;
mod var;

pub use broadcast::sum_to_shape;
pub use check::{assert_gradients_close, check_gradients, GradCheckReport, WorstElement, STEP};
pub use error::{AutodiffError, Result};
pub use grads::Gradients;
pub use tape::Tape;
pub use var::Var;
