//! Feed-forward layers. Each implements [`Module`](crate::Module) and documents the shapes its
//! `forward` accepts.

mod activation;
mod dropout;
mod embedding;
mod layer_norm;
mod linear;
mod sequential;

pub use activation::Activation;
pub use dropout::Dropout;
pub use embedding::{Embedding, EmbeddingConfig};
pub use layer_norm::{LayerNorm, LayerNormConfig};
pub use linear::{Linear, LinearConfig};
pub use sequential::Sequential;
