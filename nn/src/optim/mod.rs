//! Optimizers: rules that move parameters against their gradients.
//!
//! Every optimizer implements [`Optimizer`]: `step` receives one [`ParamGrad`] per parameter
//! (its stable name, the value to update and its gradient) and updates the values in place.
//! Per-parameter state (momentum buffers, moment estimates) is kept by name, so it survives a
//! checkpoint round trip through [`Optimizer::state_dict`] and [`Optimizer::load_state_dict`].
//!
//! | optimizer | update for gradient g (see each file for the full rule) |
//! |---|---|
//! | [`Sgd`] | v = mu v + g; p -= lr v (Nesterov: p -= lr (g + mu v)) |
//! | [`Adam`] | m, v moving averages of g and g^2, bias-corrected; p -= lr m^ / (sqrt(v^) + eps) |
//! | [`AdamW`] | Adam with decoupled weight decay p -= lr wd p |
//! | [`RmsProp`] | v moving average of g^2; p -= lr g / (sqrt(v) + eps) |
//!
//! [`clip_grad_norm`] rescales gradients to a maximum global norm before the step and reports
//! NaN or infinite gradients instead of applying them.

mod adam;
mod adamw;
mod clip;
mod on_device;
mod rmsprop;
mod sgd;

pub use adam::{Adam, AdamConfig};
pub use adamw::{AdamW, AdamWConfig};
pub use clip::{clip_grad_norm, global_grad_norm};
pub use rmsprop::{RmsProp, RmsPropConfig};
pub use sgd::{Sgd, SgdConfig};

use std::collections::BTreeMap;

use tensor::{Device, Element, Tensor};

use crate::{NnError, Result, StateDict};

/// One parameter handed to an optimizer: its name, its value and its gradient.
pub struct ParamGrad<'a, T: Element> {
    /// The stable, hierarchical name of the parameter (such as `encoder.weight`); state is kept
    /// under this name.
    pub name: String,
    /// The value, updated in place.
    pub value: &'a mut Tensor<T>,
    /// The gradient of the loss with respect to `value`, same shape.
    pub grad: Tensor<T>,
}

/// A rule that updates parameters from their gradients.
pub trait Optimizer<T: Element> {
    /// Applies one update to every parameter in `params`.
    ///
    /// # Errors
    /// [`NnError::ShapeMismatch`] when a gradient's shape differs from its value's, or when the
    /// stored state of a name has another shape. Nothing is updated when an error is returned.
    fn step(&mut self, params: &mut [ParamGrad<'_, T>]) -> Result<()>;

    /// Returns the learning rate used by the next step.
    fn learning_rate(&self) -> f64;

    /// Sets the learning rate for the following steps (schedules call this).
    fn set_learning_rate(&mut self, lr: f64);

    /// Exports the per-parameter state and the learning rate.
    fn state_dict(&self) -> StateDict<T>;

    /// Replaces the state by one exported with [`Optimizer::state_dict`].
    ///
    /// # Errors
    /// [`NnError::CheckpointMismatch`] listing every missing or inconsistent entry; the state is
    /// unchanged on error.
    fn load_state_dict(&mut self, state: &StateDict<T>) -> Result<()>;
}

/// Checks every gradient against its value before any update, so a failing step changes nothing.
pub(crate) fn check_shapes<T: Element>(
    op: &'static str,
    params: &[ParamGrad<'_, T>],
) -> Result<()> {
    for p in params {
        if p.grad.shape() != p.value.shape() {
            return Err(NnError::ShapeMismatch {
                op,
                expected: format!(
                    "{:?} (the shape of parameter `{}`)",
                    p.value.shape(),
                    p.name
                ),
                got: p.grad.shape().to_vec(),
            });
        }
    }
    Ok(())
}

/// Returns the gradient as a contiguous tensor so kernels can read it as one slice.
pub(crate) fn contiguous_grad<T: Element>(grad: &Tensor<T>) -> Tensor<T> {
    grad.contiguous()
}

/// Per-parameter state: a fixed number of buffers shaped like the parameter, plus a step count.
#[derive(Clone, Debug)]
pub(crate) struct Slot<T: Element> {
    pub buffers: Vec<Tensor<T>>,
    pub step: u64,
}

/// Per-parameter state of an optimizer, keyed by parameter name, with export and import.
#[derive(Clone, Debug, Default)]
pub(crate) struct SlotMap<T: Element> {
    pub slots: BTreeMap<String, Slot<T>>,
}

impl<T: Element> SlotMap<T> {
    /// Returns the slot of `name`, creating zero buffers of `shape` on `device` on first use.
    /// Buffers elsewhere (state loaded from a checkpoint into host memory for a parameter on
    /// an accelerator) move to `device` once.
    pub fn get_or_create(
        &mut self,
        op: &'static str,
        name: &str,
        shape: &[usize],
        buffer_names: &[&str],
        device: &Device,
    ) -> Result<&mut Slot<T>> {
        if !self.slots.contains_key(name) {
            let buffers = buffer_names
                .iter()
                .map(|_| Tensor::zeros_on(shape, device))
                .collect::<tensor::Result<Vec<_>>>()?;
            self.slots
                .insert(name.to_string(), Slot { buffers, step: 0 });
        }
        let slot = self
            .slots
            .get_mut(name)
            .expect("the slot was inserted above when missing");
        for buffer in &mut slot.buffers {
            if buffer.device() != *device {
                *buffer = buffer.to_device(device)?;
            }
        }
        if slot.buffers.iter().any(|b| b.shape() != shape) {
            return Err(NnError::ShapeMismatch {
                op,
                expected: format!(
                    "{:?} (the stored state of parameter `{name}`)",
                    slot.buffers[0].shape()
                ),
                got: shape.to_vec(),
            });
        }
        Ok(slot)
    }

    /// Returns the slot of `name` for one more update of the parameter `value`: buffers of
    /// its shape on its device (see [`SlotMap::get_or_create`]), with the step count already
    /// advanced.
    pub fn next_step(
        &mut self,
        op: &'static str,
        name: &str,
        value: &Tensor<T>,
        buffer_names: &[&str],
    ) -> Result<&mut Slot<T>> {
        let slot = self.get_or_create(op, name, value.shape(), buffer_names, &value.device())?;
        slot.step += 1;
        Ok(slot)
    }

    /// Checks that every parameter already has a slot of the right shape, before any update.
    pub fn check(&self, op: &'static str, params: &[ParamGrad<'_, T>]) -> Result<()> {
        for p in params {
            if let Some(slot) = self.slots.get(&p.name) {
                if slot.buffers.iter().any(|b| b.shape() != p.value.shape()) {
                    return Err(NnError::ShapeMismatch {
                        op,
                        expected: format!(
                            "{:?} (the stored state of parameter `{}`)",
                            slot.buffers[0].shape(),
                            p.name
                        ),
                        got: p.value.shape().to_vec(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Exports buffer `k` of parameter `p` as tensor `{buffer_names[k]}.{p}` and the step count
    /// as scalar `step.{p}`.
    pub fn export(&self, buffer_names: &[&str], out: &mut StateDict<T>) {
        for (name, slot) in &self.slots {
            for (buffer, label) in slot.buffers.iter().zip(buffer_names) {
                out.tensors
                    .insert(format!("{label}.{name}"), buffer.clone());
            }
            out.scalars.insert(format!("step.{name}"), slot.step as f64);
        }
    }

    /// Builds a slot map from an exported state dict, listing every inconsistency.
    pub fn import(op: &'static str, buffer_names: &[&str], state: &StateDict<T>) -> Result<Self> {
        let mut slots = BTreeMap::new();
        let mut mismatches = Vec::new();
        for (key, &step) in &state.scalars {
            let Some(name) = key.strip_prefix("step.") else {
                continue;
            };
            let mut buffers = Vec::new();
            for label in buffer_names {
                match state.tensors.get(&format!("{label}.{name}")) {
                    Some(t) => buffers.push(t.clone()),
                    None => mismatches.push(format!("missing tensor `{label}.{name}`")),
                }
            }
            if buffers.windows(2).any(|w| w[0].shape() != w[1].shape()) {
                mismatches.push(format!("the buffers of `{name}` have different shapes"));
            }
            if step < 0.0 || step.fract() != 0.0 {
                mismatches.push(format!("scalar `step.{name}` = {step} is not a step count"));
            }
            slots.insert(
                name.to_string(),
                Slot {
                    buffers,
                    step: step as u64,
                },
            );
        }
        for key in state.tensors.keys() {
            let owned = buffer_names.iter().any(|label| {
                key.strip_prefix(label)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(|name| slots.contains_key(name))
            });
            if !owned {
                mismatches.push(format!("unexpected tensor `{key}`"));
            }
        }
        if mismatches.is_empty() {
            Ok(SlotMap { slots })
        } else {
            Err(NnError::CheckpointMismatch { op, mismatches })
        }
    }
}

/// Checks that a hyperparameter is finite and at least `min`.
pub(crate) fn check_hyper(
    op: &'static str,
    name: &str,
    value: f64,
    min: f64,
    max: f64,
) -> Result<()> {
    if !value.is_finite() || value < min || value > max {
        return Err(NnError::invalid(
            op,
            format!("{name} must be finite and in [{min}, {max}], got {value}"),
        ));
    }
    Ok(())
}
