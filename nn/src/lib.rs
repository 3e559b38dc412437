//! Neural-network building blocks on top of `tensor` and `autodiff`: layers, recurrent cells,
//! losses, optimizers, schedules and safetensors checkpoints, with PyTorch's semantics and
//! parameter names so results and weights compare with published ones.
//!
//! # A training step
//!
//! ```text
//! let tape = Tape::new();
//! let logits = model.forward(&tape, &tape.constant(x))?;      // record the forward pass
//! let loss = cross_entropy(&logits, &y, &Default::default())?;
//! let grads = tape.backward(&loss)?;                           // gradients by parameter key
//! let mut params = model.param_grads(&grads);
//! clip_grad_norm(&mut params, 1.0)?;                           // optional
//! optimizer.step(&mut params)?;
//! tape.clear();                                                // reuse the tape next step
//! ```
//!
//! `nn/examples/classifier.rs` runs this end to end.
//!
//! # Where to look
//!
//! - [`Module`] and [`ModuleExt`]: forward, named parameters, train/eval, state dicts.
//! - [`layers`]: [`Linear`], [`Embedding`], [`LayerNorm`], [`Dropout`], [`Activation`],
//!   [`Sequential`].
//! - [`rnn`]: [`RnnCell`], [`GruCell`], [`LstmCell`] and the stacked [`Recurrent`] layer.
//! - [`loss`]: cross-entropy (ignore index, label smoothing), NLL, MSE, accuracy, perplexity.
//! - [`optim`]: SGD (momentum, Nesterov), Adam, AdamW, RMSprop, global-norm clipping.
//! - [`schedule`] and [`early_stopping`]: learning-rate schedules and stopping.
//! - [`init`]: Glorot-uniform, He-normal, orthogonal and constant initialisers, all seeded.
//! - [`checkpoint`]: save and load [`StateDict`]s as safetensors files.
//!
//! Every fallible function returns [`Result`] with an [`NnError`] that names the operation and
//! the values involved.

#![warn(missing_docs)]

pub mod checkpoint;
pub mod early_stopping;
pub mod error;
pub mod init;
pub mod layers;
pub mod loss;
mod loss_device;
pub mod module;
pub mod optim;
pub mod param;
pub mod rnn;
pub mod schedule;
pub mod state;

pub use checkpoint::{load_checkpoint, load_safetensors, save_checkpoint, save_safetensors};
pub use early_stopping::{EarlyStopping, StopDecision};
pub use error::{NnError, Result};
pub use init::Init;
pub use layers::{
    Activation, Dropout, Embedding, EmbeddingConfig, LayerNorm, LayerNormConfig, Linear,
    LinearConfig, Sequential,
};
pub use loss::{accuracy, cross_entropy, mse_loss, nll_loss, perplexity, CrossEntropyOptions};
pub use module::{Module, ModuleExt};
pub use optim::{
    Adam, AdamConfig, AdamW, AdamWConfig, Optimizer, ParamGrad, RmsProp, RmsPropConfig, Sgd,
    SgdConfig,
};
pub use param::Param;
pub use rnn::{
    CellState, Gru, GruCell, Lstm, LstmCell, Recurrent, RecurrentCell, RecurrentConfig,
    RecurrentOutput, Rnn, RnnCell,
};
pub use schedule::{CosineLr, LrSchedule, ReduceOnPlateau, ReduceOnPlateauConfig, StepLr};
pub use state::StateDict;

/// Settings of an [`Lstm`].
pub type LstmConfig = RecurrentConfig;
/// Settings of a [`Gru`].
pub type GruConfig = RecurrentConfig;
/// Settings of an [`Rnn`].
pub type RnnConfig = RecurrentConfig;
