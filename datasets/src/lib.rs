//! Data sets for sequence models: MNIST, Fashion-MNIST and CIFAR-10 images read row by row,
//! WikiText for word-level language modelling, and synthetic tasks that need memory.
//!
//! # Loading MNIST and iterating over batches
//!
//! ```no_run
//! use std::path::Path;
//! use datasets::{BatchConfig, Mnist, SequenceDataset, Split};
//!
//! let train = Mnist::load(Path::new("data/mnist"), Split::Train)?;
//! let (train, validation) = train.holdout(0.1)?; // the last 10% as in Keras
//! let config = BatchConfig { batch_size: 64, shuffle: true, seed: 42, drop_last: false };
//! for epoch in 0..2 {
//!     for batch in train.batches(&config, epoch)? {
//!         assert_eq!(batch.inputs.shape()[1..], [28, 28]); // [batch, rows, columns]
//!         assert_eq!(batch.targets.len(), batch.len()); // one digit per image
//!     }
//! }
//! # let _ = validation;
//! # Ok::<(), datasets::DatasetError>(())
//! ```
//!
//! # What is where
//!
//! - [`idx`]: the IDX format of MNIST (plain or gzip); [`Mnist`] and [`FashionMnist`] load a
//!   split into an [`ImageSet`].
//! - [`cifar`]: the CIFAR-10 binary records; [`Cifar10`] loads a split into an [`ImageSet`].
//! - [`images`]: an image as `rows` time steps of `columns * channels` features, scaled to
//!   `[0, 1]` and optionally standardised.
//! - [`vocab`] and [`wikitext`]: streaming tokenizer, vocabulary with `<unk>`, and [`WikiText`];
//!   [`LmBatches`] cuts a token stream into `[batch, bptt]` inputs and next-token targets.
//! - [`synthetic`]: associative recall and copy / delayed recall, generated from a seed.
//! - [`ImageDataset`] and [`Split`]: data sets and splits by name, for command-line tools.
//! - [`SequenceDataset`]: holdout split, example limit and seeded shuffled [`Batches`] for every
//!   data set above except the token streams.
//!
//! With the cargo feature `download`, the `download` module fetches the standard files from
//! their public mirrors and checks their published MD5 checksums.
//!
//! Every reader checks its input and returns a [`DatasetError`] naming the file and the
//! problem; malformed files never cause a panic or an out-of-bounds read.

pub mod batch;
pub mod catalog;
pub mod cifar;
pub mod dataset;
#[cfg(feature = "download")]
pub mod download;
pub mod error;
pub mod files;
pub mod idx;
pub mod images;
pub mod lm_batch;
pub mod mnist;
pub mod sequences;
pub mod split;
pub mod synthetic;
pub mod vocab;
pub mod wikitext;

pub use batch::{Batch, BatchConfig, Batches};
pub use catalog::ImageDataset;
pub use cifar::Cifar10;
pub use dataset::SequenceDataset;
pub use error::{DatasetError, Result};
pub use idx::{IdxArray, IdxData, IdxElement};
pub use images::{ImageSet, ImageSize, Normalization};
pub use lm_batch::{LmBatch, LmBatches};
pub use mnist::{FashionMnist, Mnist};
pub use sequences::SequenceSet;
pub use split::Split;
pub use synthetic::{AssociativeRecall, CopyTask};
pub use vocab::{TokenStream, Vocabulary};
pub use wikitext::WikiText;
