//! Tape-based reverse-mode automatic differentiation over the `tensor` crate.
//!
//! A [`Tape`] records every operation on tracked variables ([`Var`]) as it runs. The forward
//! pass computes values eagerly; [`Tape::backward`] then walks the recorded nodes once, from
//! the output back to the leaves, and applies each node's backward rule (its vector-Jacobian
//! product) to the gradient flowing in. The result is a [`Gradients`] store, keyed by variable.
//!
//! # A worked example: f(x, y) = sum(relu(x * y + x))
//!
//! Take `x = [1, -2, 3]` and `y = [2, 1, -0.5]`.
//!
//! **Forward pass.** Each line is one recorded node:
//!
//! ```text
//! #0  x                 = [ 1,   -2,    3  ]   leaf
//! #1  y                 = [ 2,    1,  -0.5 ]   leaf
//! #2  p = x * y         = [ 2,   -2,  -1.5 ]   mul(#0, #1)
//! #3  q = p + x         = [ 3,   -4,   1.5 ]   add(#2, #0)
//! #4  r = relu(q)       = [ 3,    0,   1.5 ]   relu(#3)
//! #5  f = sum(r)        = 4.5                  sum(#4)
//! ```
//!
//! **Tape contents.** `format!("{tape:?}")` lists the same nodes in recording order, which is
//! a topological order because a node can only use nodes that already exist:
//!
//! ```text
//! Tape<f32> (6 nodes) [
//!   #0 leaf -> [3]
//!   #1 leaf -> [3]
//!   #2 mul(#0, #1) -> [3]
//!   #3 add(#2, #0) -> [3]
//!   #4 relu(#3) -> [3]
//!   #5 sum(#4) -> []
//! ]
//! ```
//!
//! **Backward pass.** Seed `df/df = 1` at #5 and visit the nodes in reverse:
//!
//! ```text
//! #5 sum:  dr = 1 broadcast to [3]               = [1, 1, 1]
//! #4 relu: dq = dr * [q > 0]                      = [1, 0, 1]   (relu'(q) = 0 at q <= 0)
//! #3 add:  dp = dq,  dx += dq                     dp = [1, 0, 1], dx = [1, 0, 1]
//! #2 mul:  dx += dp * y,  dy = dp * x             dx = [1, 0, 1] + [2, 0, -0.5] = [3, 0, 0.5]
//!                                                 dy = [1, 0, 3]
//! ```
//!
//! `x` is used twice (in #2 and #3), so its gradient is the sum of both contributions.
//!
//! ```
//! use autodiff::Tape;
//! use tensor::Tensor;
//!
//! let tape: Tape = Tape::new();
//! let x = tape.leaf(Tensor::from_vec(vec![1.0, -2.0, 3.0], &[3])?);
//! let y = tape.leaf(Tensor::from_vec(vec![2.0, 1.0, -0.5], &[3])?);
//!
//! let f = x.mul(&y)?.add(&x)?.relu()?.sum(&[], false)?;
//! assert_eq!(f.value().to_scalar()?, 4.5);
//! assert_eq!(
//!     format!("{tape:?}"),
//!     "Tape<f32> (6 nodes) [\n  #0 leaf -> [3]\n  #1 leaf -> [3]\n  #2 mul(#0, #1) -> [3]\n  \
//!      #3 add(#2, #0) -> [3]\n  #4 relu(#3) -> [3]\n  #5 sum(#4) -> []\n]"
//! );
//!
//! let grads = tape.backward(&f)?;
//! assert_eq!(grads.get(&x).unwrap().to_vec(), vec![3.0, 0.0, 0.5]);
//! assert_eq!(grads.get(&y).unwrap().to_vec(), vec![1.0, 0.0, 3.0]);
//!
//! // The graph as Graphviz text, for `dot -Tsvg`.
//! assert!(tape.to_dot(&f).contains("n3 -> n4;"));
//! # Ok::<(), autodiff::AutodiffError>(())
//! ```
//!
//! # Semantics
//!
//! - A variable used several times receives the sum of the gradients of every use.
//! - Broadcast inputs receive gradients summed back to their own shape ([`sum_to_shape`]).
//! - Views (reshape, permute, narrow, select, broadcast, ...) have gradients, also when chained.
//! - [`Tape::constant`] values, [`Var::detach`]ed values and everything computed inside
//!   [`Tape::no_grad`] take no gradient and add no node.
//! - [`Tape::backward`] seeds 1 for a one-element output; [`Tape::backward_with_seed`] takes an
//!   explicit seed for any shape.
//! - [`Tape::clear`] empties the tape between training steps, as the training loop in the
//!   [`Tape`] doc shows. Model parameters re-enter each step through [`Tape::leaf_keyed`], and
//!   [`Gradients::get_key`] returns their gradients.
//! - [`Tape::custom_op`] records a fused operation with a hand-written backward rule, and
//!   [`check_gradients`] compares any such rule with finite differences.
//!
//! Conventions at points without a derivative (relu and abs at 0, sqrt at 0, clamp bounds,
//! ties in max and min) are documented on each operation and in its module.
//!
//! # Where to look next
//!
//! `tape.rs` holds the recording and the backward walk, `ops/` one file per operation family
//! with each forward computation next to its backward rule, `broadcast.rs` the helper that
//! returns a gradient to an input's shape, and `check.rs` the finite-difference checker.

mod backward;
mod broadcast;
mod check;
mod device;
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
