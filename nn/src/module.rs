//! The [`Module`] trait that every layer implements, and [`ModuleExt`], the helpers built on it.
//!
//! A module maps an input variable to an output variable on a tape and lists its parameters
//! under stable, hierarchical names. A `Linear` has `weight` and `bias`. Inside a `Sequential`
//! at position 2 they become `2.weight` and `2.bias`, and a model that stores that `Sequential`
//! in a field named `encoder` reports `encoder.2.weight`. The same names key the optimizer state
//! and the checkpoint entries, so a checkpoint written by one run loads into the next.
//!
//! A training step reads:
//!
//! ```text
//! let tape = Tape::new();
//! let loss = loss_fn(&model.forward(&tape, &tape.constant(x))?, &targets)?;
//! let grads = tape.backward(&loss)?;
//! optimizer.step(&mut model.param_grads(&grads))?;
//! tape.clear();
//! ```

use autodiff::{Gradients, Tape, Var};
use tensor::{Device, Element};

use crate::optim::ParamGrad;
use crate::{NnError, Param, Result, StateDict};

/// A layer or model: a differentiable function with named parameters.
pub trait Module<T: Element> {
    /// Computes the output for `input`, recording on `tape`. Each module documents the shapes
    /// it accepts and returns.
    ///
    /// # Errors
    /// An error naming the module when the input shape does not fit.
    fn forward(&self, tape: &Tape<T>, input: &Var<T>) -> Result<Var<T>>;

    /// Appends every parameter with its full name (`prefix` joined with the local name by a
    /// dot, see [`join_name`]) to `out`, in a fixed order.
    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<T>)>);

    /// Like [`Module::collect_params`], with mutable access for optimizers and loading.
    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<T>)>,
    );

    /// Switches training behaviour (dropout) on or off; containers pass it to their children.
    /// The default does nothing, for modules that behave the same in both modes.
    fn set_training(&mut self, _training: bool) {}
}

/// Joins a prefix and a local name with a dot (`("encoder", "weight")` gives `encoder.weight`;
/// an empty prefix gives the local name).
pub fn join_name(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Helpers available on every [`Module`].
pub trait ModuleExt<T: Element>: Module<T> {
    /// Returns every parameter with its full name.
    fn named_params(&self) -> Vec<(String, &Param<T>)> {
        let mut out = Vec::new();
        self.collect_params("", &mut out);
        out
    }

    /// Returns every parameter with its full name, mutably.
    fn named_params_mut(&mut self) -> Vec<(String, &mut Param<T>)> {
        let mut out = Vec::new();
        self.collect_params_mut("", &mut out);
        out
    }

    /// Returns the total number of trainable scalars.
    fn num_params(&self) -> usize {
        self.named_params()
            .iter()
            .map(|(_, p)| p.value().num_elements())
            .sum()
    }

    /// Moves every parameter to `device` (one upload per parameter; parameters already there
    /// are not copied), as PyTorch's `module.to(device)`. The forward pass then runs where its
    /// input is, and optimizers update the parameters in place there.
    ///
    /// # Errors
    /// [`NnError::Tensor`] when a transfer fails; parameters moved before the failure stay
    /// moved.
    fn to_device(&mut self, device: &Device) -> Result<()> {
        for (_, param) in self.named_params_mut() {
            if param.value().device() != *device {
                let moved = param.value().to_device(device)?;
                *param.value_mut() = moved;
            }
        }
        Ok(())
    }

    /// Switches to training mode (dropout active).
    fn train(&mut self) {
        self.set_training(true);
    }

    /// Switches to evaluation mode (dropout off).
    fn eval(&mut self) {
        self.set_training(false);
    }

    /// Pairs every parameter that received a gradient with it, ready for
    /// [`Optimizer::step`](crate::Optimizer::step). Parameters the loss did not reach are left
    /// out, so optimizers skip them as PyTorch does for a `None` gradient.
    fn param_grads(&mut self, grads: &Gradients<T>) -> Vec<ParamGrad<'_, T>> {
        self.named_params_mut()
            .into_iter()
            .filter_map(|(name, param)| {
                let grad = grads.get_key(param.key())?.clone();
                Some(ParamGrad {
                    name,
                    value: param.value_mut(),
                    grad,
                })
            })
            .collect()
    }

    /// Exports the parameter values under their full names.
    fn state_dict(&self) -> StateDict<T> {
        let mut state = StateDict::new();
        for (name, param) in self.named_params() {
            state.tensors.insert(name, param.value().clone());
        }
        state
    }

    /// Loads parameter values exported by [`ModuleExt::state_dict`] (possibly from a
    /// checkpoint file).
    ///
    /// # Errors
    /// [`NnError::CheckpointMismatch`] listing every missing parameter, every unexpected entry
    /// and every shape difference, by name. The module is unchanged on error: every check runs
    /// before the first value is replaced.
    fn load_state_dict(&mut self, state: &StateDict<T>) -> Result<()> {
        let mut mismatches = Vec::new();
        let mut params = self.named_params_mut();
        for (name, param) in &params {
            match state.tensors.get(name) {
                None => mismatches.push(format!(
                    "missing parameter `{name}` (shape {:?})",
                    param.shape()
                )),
                Some(t) if t.shape() != param.shape() => mismatches.push(format!(
                    "parameter `{name}` has shape {:?} in the model but {:?} in the checkpoint",
                    param.shape(),
                    t.shape()
                )),
                Some(_) => {}
            }
        }
        for name in state.tensors.keys() {
            if !params.iter().any(|(n, _)| n == name) {
                mismatches.push(format!(
                    "unexpected entry `{name}`, which the model does not have"
                ));
            }
        }
        if !mismatches.is_empty() {
            return Err(NnError::CheckpointMismatch {
                op: "load_state_dict",
                mismatches,
            });
        }

        for (name, param) in params.iter_mut() {
            param.set(state.tensors[name.as_str()].contiguous())?;
        }
        Ok(())
    }
}

impl<T: Element, M: Module<T> + ?Sized> ModuleExt<T> for M {}
