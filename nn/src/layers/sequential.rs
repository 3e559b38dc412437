//! [`Sequential`]: modules applied one after another, named by position as in PyTorch
//! (`0.weight`, `2.bias`, ...).

use autodiff::{Tape, Var};
use tensor::Element;

use crate::module::join_name;
use crate::{Module, Param, Result};

/// A chain of modules; the output of each is the input of the next.
#[derive(Default)]
pub struct Sequential<T: Element = f32> {
    layers: Vec<Box<dyn Module<T>>>,
}

impl<T: Element> Sequential<T> {
    /// Creates an empty chain (whose forward returns its input).
    pub fn new() -> Self {
        Sequential { layers: Vec::new() }
    }

    /// Appends a module and returns the chain, for building in one expression.
    pub fn with(mut self, layer: impl Module<T> + 'static) -> Self {
        self.layers.push(Box::new(layer));
        self
    }

    /// Appends a module.
    pub fn push(&mut self, layer: impl Module<T> + 'static) {
        self.layers.push(Box::new(layer));
    }

    /// Returns the number of modules.
    pub fn len(&self) -> usize {
        self.layers.len()
    }

    /// Returns true when the chain is empty.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
}

impl<T: Element> Module<T> for Sequential<T> {
    /// Applies every module in order; shapes are those of the first module's input and the
    /// last module's output.
    fn forward(&self, tape: &Tape<T>, input: &Var<T>) -> Result<Var<T>> {
        let mut x = input.clone();
        for layer in &self.layers {
            x = layer.forward(tape, &x)?;
        }
        Ok(x)
    }

    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<T>)>) {
        for (i, layer) in self.layers.iter().enumerate() {
            layer.collect_params(&join_name(prefix, &i.to_string()), out);
        }
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<T>)>,
    ) {
        for (i, layer) in self.layers.iter_mut().enumerate() {
            layer.collect_params_mut(&join_name(prefix, &i.to_string()), out);
        }
    }

    fn set_training(&mut self, training: bool) {
        self.layers
            .iter_mut()
            .for_each(|layer| layer.set_training(training));
    }
}
