//! WikiText-2 and WikiText-103 (Merity et al., 2016): word-level language-modelling corpora.
//!
//! A directory contains the three splits under either naming scheme:
//!
//! ```text
//! wiki.train.tokens   or   train.txt
//! wiki.valid.tokens   or   valid.txt
//! wiki.test.tokens    or   test.txt
//! ```
//!
//! The vocabulary comes from the training split (see [`crate::vocab`]); the validation and test
//! splits are encoded with it. Cut a split into `[batch, bptt]` inputs and next-token targets
//! with [`crate::LmBatches`].

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::files::find_file;
use crate::split::Split;
use crate::vocab::{TokenStream, Vocabulary};

/// A loaded WikiText corpus: the vocabulary of the training split and all three token streams.
#[derive(Debug, Clone)]
pub struct WikiText {
    vocab: Vocabulary,
    train: TokenStream,
    valid: TokenStream,
    test: TokenStream,
}

impl WikiText {
    const HINT: &'static str = "download the word-level WikiText archive (wikitext-2-v1.zip or \
        wikitext-103-v1.zip from the Salesforce research mirror, or the Hugging Face \
        `wikitext` data set) and put its three token files in this directory";

    /// Loads all three splits from `dir`, building the vocabulary from the training split.
    ///
    /// # Errors
    /// [`crate::DatasetError::MissingFile`] naming both accepted file names when a split is
    /// absent, [`crate::DatasetError::EmptyVocabulary`] when the training split has no words, and
    /// the read errors of [`Vocabulary::build_from_file`].
    pub fn load(dir: &Path) -> Result<Self> {
        let (vocab, train) = Vocabulary::build_from_file(&Self::split_path(dir, Split::Train)?)?;
        let valid = vocab.encode_file(&Self::split_path(dir, Split::Valid)?)?;
        let test = vocab.encode_file(&Self::split_path(dir, Split::Test)?)?;
        Ok(WikiText {
            vocab,
            train,
            valid,
            test,
        })
    }

    /// Returns the path of a split's file in `dir`, under whichever accepted name exists.
    ///
    /// # Errors
    /// [`crate::DatasetError::MissingFile`] when neither name exists.
    pub fn split_path(dir: &Path, split: Split) -> Result<PathBuf> {
        let names = [
            format!("wiki.{}.tokens", split.name()),
            format!("{}.txt", split.name()),
        ];
        find_file(dir, &names, "WikiText", Self::HINT)
    }

    /// Returns the vocabulary of the training split.
    pub fn vocab(&self) -> &Vocabulary {
        &self.vocab
    }

    /// Returns the token stream of a split.
    pub fn split(&self, split: Split) -> &TokenStream {
        match split {
            Split::Train => &self.train,
            Split::Valid => &self.valid,
            Split::Test => &self.test,
        }
    }
}
