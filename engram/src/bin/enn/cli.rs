//! Command-line definitions of `enn` (clap derive).
//!
//! `enn` with no subcommand runs the embedded comparison on the synthetic associative-recall task.
//! The subcommands share three groups of options: which data to read ([`DataArgs`]), how large the
//! model is ([`ModelArgs`]) and how to train it ([`TrainArgs`]). Their defaults follow the ENN
//! paper's setup: batch 128, Adam with learning rate 1e-3, gradient clipping by global norm 1.0,
//! hidden size 128 and 64 memory slots.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use engram::train::{DatasetName, ModelName, TokenInputKind};

/// Train, compare and inspect the Engram Neural Network and its RNN, GRU and LSTM baselines.
///
/// Without a subcommand, `enn` generates the associative-recall task, trains ENN, LSTM, GRU and
/// RNN on it briefly and prints a comparison table. No files are read or written.
/// Set RUST_LOG=debug (or info, warn, error, trace) for more or less detail.
#[derive(Debug, Parser)]
#[command(name = "enn", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// The command to run; none runs the embedded associative-recall comparison.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Size overrides for the embedded comparison (hidden: used by the tests for tiny runs).
    #[command(flatten)]
    pub default_run: DefaultRunArgs,
}

/// The subcommands of `enn`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train one model and write a checkpoint after every epoch.
    Train(TrainCommand),
    /// Train several models in turn and write a comparison table, results.json, results.csv,
    /// results.md and learning_curves.png into --out. Each model's checkpoint goes to
    /// OUT/MODEL/checkpoint.safetensors, and the ENN's memory pictures go to OUT/enn/memory.
    Bench(BenchCommand),
    /// Evaluate a checkpoint on a data set.
    Eval(EvalCommand),
    /// Draw the memory-trace pictures and statistics of a trained ENN checkpoint.
    Trace(TraceCommand),
}

/// Options of `enn train`.
#[derive(Debug, Args)]
pub struct TrainCommand {
    /// Model to train.
    #[arg(long, value_enum)]
    pub model: ModelArg,

    /// Data options.
    #[command(flatten)]
    pub data: DataArgs,

    /// Model size options.
    #[command(flatten)]
    pub model_size: ModelArgs,

    /// Training options.
    #[command(flatten)]
    pub train: TrainArgs,

    /// Checkpoint file written after every epoch [default: OUT/checkpoint.safetensors].
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,

    /// Continue from the checkpoint instead of starting over. The run reaches the same result as
    /// an uninterrupted run with the same seed.
    #[arg(long)]
    pub resume: bool,
}

/// Options of `enn bench`.
///
/// Writes into --out (default enn-runs): results.json, results.csv, results.md and
/// learning_curves.png for all models, MODEL/checkpoint.safetensors for each model (written
/// after every epoch) and enn/memory/ with the ENN's memory statistics and pictures.
#[derive(Debug, Args)]
pub struct BenchCommand {
    /// Models to train, in order, separated by commas.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "enn,lstm,gru,rnn"
    )]
    pub models: Vec<ModelArg>,

    /// Data options.
    #[command(flatten)]
    pub data: DataArgs,

    /// Model size options.
    #[command(flatten)]
    pub model_size: ModelArgs,

    /// Training options.
    #[command(flatten)]
    pub train: TrainArgs,
}

/// Options of `enn eval`.
#[derive(Debug, Args)]
pub struct EvalCommand {
    /// Checkpoint written by `enn train` or `enn bench`.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: PathBuf,

    /// Data options; `--dataset` defaults to the data set the checkpoint was trained on.
    #[command(flatten)]
    pub data: EvalDataArgs,

    /// Examples per evaluation batch.
    #[arg(long, default_value_t = 128, value_name = "B")]
    pub batch_size: usize,
}

/// Options of `enn trace`.
#[derive(Debug, Args)]
pub struct TraceCommand {
    /// Checkpoint of a trained ENN.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: PathBuf,

    /// Directory for the trace pictures (PNG) and statistics (JSON); created if missing.
    #[arg(long, value_name = "DIR", default_value = "enn-trace")]
    pub out: PathBuf,

    /// Directory holding the data set's files [default: the one the checkpoint was trained on].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Split whose first 32 examples form the monitoring batch [default: the checkpoint's
    /// training split].
    #[arg(long, value_name = "NAME")]
    pub train_split: Option<String>,
}

/// Data set selection and splitting options.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Data set.
    #[arg(long, value_enum, default_value = "assoc-recall")]
    pub dataset: DatasetArg,

    /// Directory holding the data set's files (not needed for assoc-recall)
    /// [default: /usr/share/datasets/fashion-mnist for fashion-mnist].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Split to train on: train or test for images; train, valid or test for WikiText.
    #[arg(long, value_name = "NAME", default_value = "train")]
    pub train_split: String,

    /// Split to evaluate on [default: test, or the holdout when --holdout is set].
    #[arg(long, value_name = "NAME")]
    pub eval_split: Option<String>,

    /// Fraction of the training split kept aside for evaluation, taken from its end as Keras's
    /// validation_split does (0 < F < 1).
    #[arg(long, value_name = "F")]
    pub holdout: Option<f64>,

    /// Use at most N training examples (tokens for language modelling).
    #[arg(long, value_name = "N")]
    pub limit_train: Option<usize>,

    /// Use at most N evaluation examples (tokens for language modelling).
    #[arg(long, value_name = "N")]
    pub limit_eval: Option<usize>,

    /// Key-value pairs shown before the query in assoc-recall (1-8; chance is 1 in 8 either
    /// way, but more pairs are harder to tell apart)
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=8))]
    pub recall_pairs: u8,
}

/// Data options of `enn eval`; the data set defaults to the checkpoint's.
#[derive(Debug, Clone, Args)]
pub struct EvalDataArgs {
    /// Data set [default: the one the checkpoint was trained on].
    #[arg(long, value_enum)]
    pub dataset: Option<DatasetArg>,

    /// Directory holding the data set's files [default: the one the checkpoint was trained on].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Split the model was trained on; WikiText builds its vocabulary from it [default: the
    /// checkpoint's training split, else train].
    #[arg(long, value_name = "NAME")]
    pub train_split: Option<String>,

    /// Split to evaluate on.
    #[arg(long, value_name = "NAME", default_value = "test")]
    pub eval_split: String,

    /// Use at most N evaluation examples.
    #[arg(long, value_name = "N")]
    pub limit_eval: Option<usize>,
}

/// Model size.
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Hidden units h of the ENN and of the language models; the baseline classifiers stack
    /// layers of h and h/2 units.
    #[arg(long, value_name = "H", default_value_t = 128)]
    pub hidden: usize,

    /// Memory slots of the ENN (m); ignored by the other models.
    #[arg(long, value_name = "M", default_value_t = 64)]
    pub memory: usize,

    /// Token input of language models: a learned embedding of width H, or the raw token index
    /// as one float feature (the ENN paper's WikiText setup). Ignored by classifiers.
    #[arg(long, value_enum, value_name = "KIND", default_value = "embedding")]
    pub token_input: TokenInputArg,
}

/// Token input kinds accepted on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenInputArg {
    /// A learned embedding table.
    Embedding,
    /// The raw token index as one feature.
    Index,
}

impl From<TokenInputArg> for TokenInputKind {
    fn from(arg: TokenInputArg) -> Self {
        match arg {
            TokenInputArg::Embedding => TokenInputKind::Embedding,
            TokenInputArg::Index => TokenInputKind::Index,
        }
    }
}

/// Optimisation and output options.
#[derive(Debug, Clone, Args)]
pub struct TrainArgs {
    /// Passes over the training data.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub epochs: usize,

    /// Examples per mini-batch.
    #[arg(long, value_name = "B", default_value_t = 128)]
    pub batch_size: usize,

    /// Adam learning rate.
    #[arg(long, value_name = "X", default_value_t = 1e-3)]
    pub lr: f64,

    /// Maximum global L2 norm of the gradient; larger gradients are scaled down to it.
    /// 0 turns clipping off.
    #[arg(long, value_name = "X", default_value_t = 1.0)]
    pub clip_norm: f64,

    /// Tokens per training sequence for language modelling (truncated backpropagation through
    /// time).
    #[arg(long, value_name = "T", default_value_t = 35)]
    pub bptt: usize,

    /// Seed for weights, shuffling, dropout, noise and synthetic data.
    #[arg(long, value_name = "S", default_value_t = 42)]
    pub seed: u64,

    /// Directory for checkpoints, results and plots; created if missing.
    #[arg(long, value_name = "DIR", default_value = "enn-runs")]
    pub out: PathBuf,

    /// Device to train on: `cpu`, `opencl` (the device that TENSOR_OPENCL_DEVICE names, 0:0
    /// by default) or `opencl:P:D` (device D of platform P). OpenCL needs a build with
    /// `--features engram/opencl`.
    #[arg(long, value_name = "DEVICE", default_value = "cpu")]
    pub device: String,
}

/// Hidden size overrides for the embedded comparison, so that tests can run it in seconds.
#[derive(Debug, Clone, Args)]
pub struct DefaultRunArgs {
    /// Training examples of the embedded run.
    #[arg(long, hide = true, value_name = "N")]
    pub default_train_examples: Option<usize>,

    /// Evaluation examples of the embedded run.
    #[arg(long, hide = true, value_name = "N")]
    pub default_eval_examples: Option<usize>,

    /// Epochs of the embedded run.
    #[arg(long, hide = true, value_name = "N")]
    pub default_epochs: Option<usize>,

    /// Hidden units of the embedded run.
    #[arg(long, hide = true, value_name = "H")]
    pub default_hidden: Option<usize>,

    /// Memory slots of the embedded run.
    #[arg(long, hide = true, value_name = "M")]
    pub default_memory: Option<usize>,

    /// Directory for results of the embedded run; nothing is written without it.
    #[arg(long, hide = true, value_name = "DIR")]
    pub default_out: Option<PathBuf>,
}

/// Model names accepted on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// Engram Neural Network.
    Enn,
    /// Two-layer tanh RNN (SimpleRNN).
    Rnn,
    /// Two-layer GRU.
    Gru,
    /// Two-layer LSTM.
    Lstm,
}

impl From<ModelArg> for ModelName {
    fn from(arg: ModelArg) -> Self {
        match arg {
            ModelArg::Enn => ModelName::Enn,
            ModelArg::Rnn => ModelName::Rnn,
            ModelArg::Gru => ModelName::Gru,
            ModelArg::Lstm => ModelName::Lstm,
        }
    }
}

/// Data set names accepted on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DatasetArg {
    /// Synthetic associative recall: key-value pairs then a query key; predict its value.
    AssocRecall,
    /// MNIST digits read row by row (28 steps of 28 pixels).
    Mnist,
    /// Fashion-MNIST read row by row (28 steps of 28 pixels).
    FashionMnist,
    /// CIFAR-10 read row by row (32 steps of 96 values).
    Cifar10,
    /// WikiText-2 word-level language modelling.
    Wikitext2,
    /// WikiText-103 word-level language modelling.
    Wikitext103,
}

impl From<DatasetArg> for DatasetName {
    fn from(arg: DatasetArg) -> Self {
        match arg {
            DatasetArg::AssocRecall => DatasetName::AssocRecall,
            DatasetArg::Mnist => DatasetName::Mnist,
            DatasetArg::FashionMnist => DatasetName::FashionMnist,
            DatasetArg::Cifar10 => DatasetName::Cifar10,
            DatasetArg::Wikitext2 => DatasetName::Wikitext2,
            DatasetArg::Wikitext103 => DatasetName::Wikitext103,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn train_defaults_follow_paper() {
        let cli = Cli::parse_from(["enn", "train", "--model", "gru"]);
        let Some(Command::Train(train)) = cli.command else {
            panic!("expected the train command");
        };
        assert_eq!(train.train.batch_size, 128);
        assert_eq!(train.train.lr, 1e-3);
        assert_eq!(train.train.clip_norm, 1.0);
        assert_eq!(train.model_size.hidden, 128);
        assert_eq!(train.model_size.memory, 64);
    }

    #[test]
    fn bench_models_split_on_commas() {
        let cli = Cli::parse_from(["enn", "bench", "--models", "lstm,enn"]);
        let Some(Command::Bench(bench)) = cli.command else {
            panic!("expected the bench command");
        };
        assert_eq!(bench.models, vec![ModelArg::Lstm, ModelArg::Enn]);
    }
}
