//! Neural-network building blocks on top of `tensor`: weight initialisers, optimizers,
//! learning-rate schedules, early stopping and safetensors checkpoints.
//!
//! # Where to look
//!
//! - [`init`]: Glorot-uniform, He-normal, orthogonal and constant initialisers, all seeded.
//! - [`optim`]: SGD (momentum, Nesterov), Adam, AdamW, RMSprop, and global-norm clipping.
//! - [`schedule`]: step, cosine and reduce-on-plateau learning-rate schedules.
//! - [`early_stopping`]: stop when the validation loss stops improving.
//! - [`checkpoint`]: save and load [`StateDict`]s as safetensors files.
//!
//! Every fallible function returns [`Result`] with an [`NnError`] that names the operation and
//! the values involved.

#![warn(missing_docs)]

pub mod checkpoint;
pub mod early_stopping;
pub mod error;
pub mod init;
pub mod optim;
pub mod schedule;
pub mod state;

pub use checkpoint::{load_safetensors, save_safetensors};
pub use early_stopping::{EarlyStopping, StopDecision};
pub use error::{NnError, Result};
pub use init::Init;
pub use optim::{
    Adam, AdamConfig, AdamW, AdamWConfig, Optimizer, ParamGrad, RmsProp, RmsPropConfig, Sgd,
    SgdConfig,
};
pub use schedule::{CosineLr, LrSchedule, ReduceOnPlateau, ReduceOnPlateauConfig, StepLr};
pub use state::StateDict;
