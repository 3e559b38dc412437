//! The models and data sets the training tool accepts by name.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A model the training tool can build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelName {
    /// Engram Neural Network.
    Enn,
    /// Tanh RNN (Keras SimpleRNN).
    Rnn,
    /// GRU (reset-after variant).
    Gru,
    /// LSTM.
    Lstm,
}

impl ModelName {
    /// Every model, in the order of the comparison table.
    pub const ALL: [ModelName; 4] = [
        ModelName::Enn,
        ModelName::Lstm,
        ModelName::Gru,
        ModelName::Rnn,
    ];

    /// The name as written on the command line and in result files.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelName::Enn => "enn",
            ModelName::Rnn => "rnn",
            ModelName::Gru => "gru",
            ModelName::Lstm => "lstm",
        }
    }
}

impl fmt::Display for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Input encoding of a language model: how token ids become the recurrent cell's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenInputKind {
    /// A learned embedding of width `hidden` (the usual setup).
    #[default]
    Embedding,
    /// The raw token index as one float feature, as the ENN paper's language-model experiment
    /// fed its models; kept so that those numbers can be reproduced.
    Index,
}

impl TokenInputKind {
    /// Both kinds, in the order of their checkpoint index.
    pub const ALL: [TokenInputKind; 2] = [TokenInputKind::Embedding, TokenInputKind::Index];
}

/// The kind of prediction a data set requires, which sets the evaluation metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// One class per sequence; the metric is accuracy.
    Classification,
    /// The next token at every position; the metric is perplexity.
    LanguageModel,
}

/// A data set the training tool can load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetName {
    /// Synthetic associative recall, generated from the seed.
    AssocRecall,
    /// MNIST in IDX files.
    Mnist,
    /// Fashion-MNIST in IDX files.
    FashionMnist,
    /// CIFAR-10 in its binary version.
    Cifar10,
    /// WikiText-2, word level.
    Wikitext2,
    /// WikiText-103, word level.
    Wikitext103,
}

impl DatasetName {
    /// The name as written on the command line and in result files.
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetName::AssocRecall => "assoc-recall",
            DatasetName::Mnist => "mnist",
            DatasetName::FashionMnist => "fashion-mnist",
            DatasetName::Cifar10 => "cifar10",
            DatasetName::Wikitext2 => "wikitext2",
            DatasetName::Wikitext103 => "wikitext103",
        }
    }

    /// Whether the task is classification or language modelling.
    pub fn task(self) -> TaskKind {
        match self {
            DatasetName::Wikitext2 | DatasetName::Wikitext103 => TaskKind::LanguageModel,
            _ => TaskKind::Classification,
        }
    }

    /// Whether the data set is generated instead of read from files.
    pub fn is_synthetic(self) -> bool {
        self == DatasetName::AssocRecall
    }

    /// The directory used when `--data-dir` is not given, where a standard one exists.
    pub fn default_data_dir(self) -> Option<PathBuf> {
        match self {
            DatasetName::FashionMnist => Some(PathBuf::from("/usr/share/datasets/fashion-mnist")),
            _ => None,
        }
    }

    /// Where to get the files, for error messages.
    pub fn download_hint(self) -> &'static str {
        match self {
            DatasetName::AssocRecall => "it is generated and needs no files",
            DatasetName::Mnist => {
                "put train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], \
                 t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] from the MNIST \
                 distribution in --data-dir"
            }
            DatasetName::FashionMnist => {
                "run `apt-get install dataset-fashion-mnist`, which puts the files in \
                 /usr/share/datasets/fashion-mnist/, or pass --data-dir"
            }
            DatasetName::Cifar10 => {
                "put data_batch_1.bin ... data_batch_5.bin and test_batch.bin from the \
                 CIFAR-10 binary version in --data-dir"
            }
            DatasetName::Wikitext2 | DatasetName::Wikitext103 => {
                "put wiki.train.tokens, wiki.valid.tokens and wiki.test.tokens (or train.txt, \
                 valid.txt and test.txt) in --data-dir"
            }
        }
    }
}

impl fmt::Display for DatasetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
