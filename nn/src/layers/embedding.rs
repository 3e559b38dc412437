//! A lookup table from token ids to vectors: row i of `weight` `[num_embeddings,
//! embedding_dim]` is the vector of id i.

use autodiff::{Tape, Var};
use rand::RngCore;
use tensor::{Element, Indices};

use crate::module::join_name;
use crate::{Init, Module, NnError, Param, Result};

/// Settings of [`Embedding`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmbeddingConfig {
    /// Number of ids; must be >= 1. Default 0 (must be set).
    pub num_embeddings: usize,
    /// Length of each vector; must be >= 1. Default 0 (must be set).
    pub embedding_dim: usize,
    /// Initialiser of the table. Default N(0, 1), as PyTorch.
    pub init: Init,
}

impl Default for EmbeddingConfig {
    fn default() -> Self {
        EmbeddingConfig {
            num_embeddings: 0,
            embedding_dim: 0,
            init: Init::Normal {
                mean: 0.0,
                std: 1.0,
            },
        }
    }
}

/// A trainable lookup table.
#[derive(Clone, Debug)]
pub struct Embedding<T: Element = f32> {
    weight: Param<T>,
}

impl<T: Element> Embedding<T> {
    /// Creates the table with values drawn from `rng`.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] when a size is zero.
    pub fn new(config: &EmbeddingConfig, rng: &mut dyn RngCore) -> Result<Self> {
        let (n, dim) = (config.num_embeddings, config.embedding_dim);
        if n == 0 || dim == 0 {
            return Err(NnError::invalid(
                "Embedding::new",
                format!("num_embeddings and embedding_dim must be >= 1, got {n} and {dim}"),
            ));
        }
        Ok(Embedding {
            weight: Param::new(config.init.build(&[n, dim], rng)?),
        })
    }

    /// Returns the table `[num_embeddings, embedding_dim]`.
    pub fn weight(&self) -> &Param<T> {
        &self.weight
    }

    /// Looks up `ids` of any shape `[...]` and returns `[..., embedding_dim]`.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] naming the first id that is out of range.
    pub fn lookup(&self, tape: &Tape<T>, ids: &Indices) -> Result<Var<T>> {
        let (n, dim) = (self.weight.shape()[0], self.weight.shape()[1]);
        if let Some(bad) = ids.as_slice().iter().find(|&&id| id >= n) {
            return Err(NnError::invalid(
                "Embedding::lookup",
                format!("id {bad} is out of range for a table of {n} rows"),
            ));
        }
        let rows = self.weight.var(tape).index_select(0, ids.as_slice())?;
        let mut shape: Vec<isize> = ids.shape().iter().map(|&d| d as isize).collect();
        shape.push(dim as isize);
        Ok(rows.reshape(&shape)?)
    }
}

impl<T: Element> Module<T> for Embedding<T> {
    /// Maps ids stored as whole numbers in a float tensor `[...]` to `[..., embedding_dim]`;
    /// [`Embedding::lookup`] takes integer ids directly.
    fn forward(&self, tape: &Tape<T>, input: &Var<T>) -> Result<Var<T>> {
        let mut ids = Vec::with_capacity(input.value().num_elements());
        for v in input.value().iter() {
            let x = v.to_f64();
            if x < 0.0 || x.fract() != 0.0 || !x.is_finite() {
                return Err(NnError::invalid(
                    "Embedding::forward",
                    format!("ids must be non-negative whole numbers, got {x}"),
                ));
            }
            ids.push(x as usize);
        }
        self.lookup(tape, &Indices::new(ids, input.shape())?)
    }

    fn collect_params<'a>(&'a self, prefix: &str, out: &mut Vec<(String, &'a Param<T>)>) {
        out.push((join_name(prefix, "weight"), &self.weight));
    }

    fn collect_params_mut<'a>(
        &'a mut self,
        prefix: &str,
        out: &mut Vec<(String, &'a mut Param<T>)>,
    ) {
        out.push((join_name(prefix, "weight"), &mut self.weight));
    }
}
