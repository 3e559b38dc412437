//! The Hebbian trace: its initial value and its update after each step.
//!
//! ```text
//! shared trace [m, h]:        H_new = clip((1 - eta) H + eta (a^T z / B + noise), -c, c)
//! per-sample trace [B, m, h]: H_new[b] = clip((1 - eta) H[b] + eta (a[b] z[b]^T + noise), -c, c)
//! ```
//!
//! The clip passes gradient only where its input lies inside `[-c, c]`. With
//! [`TraceLearning::LocalRule`] the update runs outside the tape: the new trace is a constant,
//! so recall still reads it but no gradient flows back through it.

use autodiff::Var;
use tensor::{Element, Tensor};

use crate::config::{EngramConfig, TraceLearning, TraceMode};
use crate::Result;

/// The outer-product term: `a^T z / B` (`[m, h]`) for a shared trace, or `a[b] z[b]^T` for each
/// sample (`[B, m, h]`).
fn hebbian_term<T: Element>(attention: &Var<T>, z: &Var<T>, mode: TraceMode) -> Result<Var<T>> {
    match mode {
        TraceMode::Shared => {
            let batch = T::from_f64(z.shape()[0] as f64);
            Ok(attention.t()?.matmul(z)?.div_scalar(batch)?)
        }
        // [B, m, 1] * [B, 1, h] -> [B, m, h]
        TraceMode::PerSample => Ok(attention.unsqueeze(2)?.mul(&z.unsqueeze(1)?)?),
    }
}

/// Computes the next trace from the current one, the step's attention `[B, m]` and encoded
/// input `z` (`[B, h]`). `noise`, when given, has the trace's shape and is added to the Hebbian
/// term before scaling by `eta`.
pub fn update_trace<T: Element>(
    config: &EngramConfig,
    trace: &Var<T>,
    attention: &Var<T>,
    z: &Var<T>,
    noise: Option<&Tensor<T>>,
) -> Result<Var<T>> {
    let eta = T::from_f64(f64::from(config.hebbian_rate));
    let clip = T::from_f64(f64::from(config.trace_clip));
    let compute = |trace: &Var<T>, attention: &Var<T>, z: &Var<T>| -> Result<Var<T>> {
        let mut hebbian = hebbian_term(attention, z, config.trace_mode)?;
        if let Some(noise) = noise {
            hebbian = hebbian.add(&trace.tape().constant(noise.clone()))?;
        }
        let decayed = trace.mul_scalar(T::ONE - eta)?;
        let updated = decayed.add(&hebbian.mul_scalar(eta)?)?;
        Ok(updated.clamp(-clip, clip)?)
    };
    match config.trace_learning {
        TraceLearning::Backprop => compute(trace, attention, z),
        TraceLearning::LocalRule => {
            let tape = trace.tape().clone();
            let (trace, attention, z) = (trace.detach(), attention.detach(), z.detach());
            let updated = tape.no_grad(|| compute(&trace, &attention, &z))?;
            Ok(updated.detach())
        }
    }
}

/// The shape of the trace for a batch of `batch` samples.
pub fn trace_shape(config: &EngramConfig, batch: usize) -> Vec<usize> {
    match config.trace_mode {
        TraceMode::Shared => vec![config.memory_size, config.hidden_size],
        TraceMode::PerSample => vec![batch, config.memory_size, config.hidden_size],
    }
}
