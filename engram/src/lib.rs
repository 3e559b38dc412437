//! The Engram Neural Network (ENN): a recurrent cell with an explicit memory matrix, a Hebbian
//! trace strengthened at every step, and recall by attention over memory slots; with RNN, GRU
//! and LSTM baselines in the same model API, and a monitor that makes the memory observable.
//!
//! The cell follows Szelogowski, "Hebbian Memory-Augmented Recurrent Networks: Engram Neurons in
//! Deep Learning" (arXiv 2507.21474), and its author's TensorFlow/Keras implementation.
//!
//! # The cell
//!
//! Sizes: input `d`, hidden `h`, memory slots `m`, batch `B`. Parameters: an input encoder
//! (Linear `d -> h`), a memory bank `M` (`[m, h]`, trainable), an integrator (Linear
//! `3h -> 3h`), an output layer (Linear `3h -> h`) and two layer norms. State: the hidden state
//! `h_prev` (`[B, h]`) and the Hebbian trace `H` (`[m, h]`, shared by the batch). At the start
//! of every batch both are drawn from `N(0, 0.01^2)`. One step, input `x` (`[B, d]`):
//!
//! ```text
//! 1. z      = LayerNorm(ReLU(encoder(x)))                              [B, h]
//! 2. E      = M + s H                       (effective memory)         [m, h]
//! 3. S      = cos(z_b, E_j) for every row b of z and j of E            [B, m]
//!             (rows L2-normalised with an epsilon: a zero row gives 0, not NaN)
//! 4. a      = softmax_j(S / tau_eff),  tau_eff = tau / (1 + 10 rho)    [B, m]
//! 5. r      = a E                       (retrieved memory)             [B, h]
//! 6. h_new  = LayerNorm(ReLU(output(ReLU(integrator([z, r, h_prev])))))  [B, h]
//! 7. H_new  = clip((1 - eta) H + eta (a^T z / B + noise), -c, c)        [m, h]
//!             (noise elementwise N(0, sigma^2))
//! 8. output h_new; carry (h_new, H_new) to the next step.
//! ```
//!
//! Defaults ([`EngramConfig::default`]): `h = 128`, `m = 64`, `eta = 0.05`, `s = 0.5`,
//! `tau = 1.5`, `rho = 0.1` (so `tau_eff = 0.75`), `c = 0.1`, `sigma = 0.001`, layer-norm
//! epsilon `1e-6`. Gradients flow through the whole unrolled sequence, including the trace; the
//! clip passes gradient only where the value lies inside `[-c, c]`.
//!
//! ```text
//!            x_t                                   h_prev ----------------+
//!             |                                                           |
//!        encoder, ReLU, LayerNorm                                         |
//!             |                                                           |
//!             z ----------+-----------------------------+                 |
//!             |           |                             |                 |
//!             |     cos(z, E) / tau_eff          a^T z / B + noise        |
//!             |           |                             |                 |
//!             |      softmax -> a ---------+---> (1-eta) H + eta (.)      |
//!             |           |                |            | clip [-c, c]    |
//!   M + s H = E ----> r = a E              |            v                 |
//!             |           |                |          H_new --> next step |
//!             +-----------+----------------------------------------------+
//!                         |
//!               concat [z, r, h_prev]
//!                         |
//!          integrator, ReLU, output, ReLU, LayerNorm
//!                         |
//!                       h_new --> output and next step
//! ```
//!
//! # Options beyond the reference
//!
//! Each is off by default, so the default configuration computes the published cell:
//! `top_k` recall (only the `k` most similar slots get attention), a per-sample trace
//! `[B, m, h]`, the Hebbian update as a local rule with no gradient, noise off
//! (`noise_std = 0`), and a zero initial state (`initial_state_std = 0`).
//!
//! # Models
//!
//! [`network::EnnLayer`] unrolls the cell over `[B, T, d]` and returns the last output, every
//! output or attention pooling over time. [`models`] wraps it and the RNN, GRU and LSTM
//! baselines behind one trait, [`models::SequenceModel`], and builds any of them by name with
//! [`models::build_model`].
//!
//! Parameter counts for the paper's MNIST configuration (input 28, `h = 128`, `m = 64`, 10
//! classes): the ENN layer has 209,536 trainable parameters and the classifier 210,826 with its
//! head. The reference Keras ENN layer reports 217,728: it also counts its initial trace
//! (`64 x 128 = 8,192` entries), a weight that the cell never reads because every batch starts
//! from a freshly drawn trace. Here the trace is state, not a parameter.
//!
//! # Monitoring
//!
//! [`monitor::MemoryMonitor`] records trace and attention statistics per epoch and draws them
//! with the small PNG library in [`raster`].
//!
//! # Where to look next
//!
//! `config.rs` for every setting and its default; `encoder.rs`, `recall.rs`, `trace.rs` and
//! `cell.rs` for the equations step by step; `network.rs` for the layer and its parameter names;
//! `models/` for the complete models; `monitor/` for the statistics and pictures. The example
//! `step_time` times one training step of each model.

mod atomic;
pub mod cell;
pub mod config;
pub mod encoder;
pub mod error;
pub mod models;
pub mod monitor;
pub mod network;
pub mod pooling;
pub mod raster;
pub mod recall;
pub mod trace;
pub mod train;

pub use atomic::write_atomic;
pub use config::{EngramConfig, TraceLearning, TraceMode};
pub use error::{EngramError, Result};
