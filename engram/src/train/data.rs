//! Loading a data set by name into a training split and an evaluation split.
//!
//! Image data sets and the synthetic task become [`SequenceData`]: fixed-length sequences with
//! one class target each. WikiText becomes two token streams for language modelling, with the
//! vocabulary built from the training split. `--train-split` and `--eval-split` pick the files,
//! `--holdout` carves the evaluation set out of the end of the training split (as Keras's
//! `validation_split` does), and `--limit-train` / `--limit-eval` keep only the first examples.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use datasets::{
    AssociativeRecall, Cifar10, DatasetError, FashionMnist, ImageSet, Mnist, SequenceDataset,
    SequenceSet, Split, TokenStream, Vocabulary, WikiText,
};

use super::error::{Result, TrainError};
use super::names::DatasetName;

/// Examples generated for associative-recall training when `--limit-train` is not given.
pub const SYNTHETIC_TRAIN_EXAMPLES: usize = 8192;
/// Examples generated for associative-recall evaluation when `--limit-eval` is not given.
pub const SYNTHETIC_EVAL_EXAMPLES: usize = 1024;

/// Data-loading options; the fields mirror the command-line options.
#[derive(Debug, Clone, PartialEq)]
pub struct DataOptions {
    /// Data set.
    pub dataset: DatasetName,
    /// Directory holding the files; `None` uses [`DatasetName::default_data_dir`].
    pub data_dir: Option<PathBuf>,
    /// Split to train on (`train`, `valid` or `test`).
    pub train_split: String,
    /// Split to evaluate on; `None` means the holdout when one is set, else `test`.
    pub eval_split: Option<String>,
    /// Fraction of the training split kept for evaluation, in (0, 1).
    pub holdout: Option<f64>,
    /// Keep at most this many training examples (tokens for language modelling).
    pub limit_train: Option<usize>,
    /// Keep at most this many evaluation examples (tokens for language modelling).
    pub limit_eval: Option<usize>,
    /// Key-value pairs per associative-recall example (the task has 8 keys and 8 values).
    pub recall_pairs: usize,
    /// Seed of the synthetic task's examples.
    pub seed: u64,
}

impl DataOptions {
    /// Options for `dataset` with the `train` split, evaluation on `test` and no limits.
    pub fn new(dataset: DatasetName) -> Self {
        DataOptions {
            dataset,
            data_dir: None,
            train_split: "train".to_owned(),
            eval_split: None,
            holdout: None,
            limit_train: None,
            limit_eval: None,
            recall_pairs: AssociativeRecall::default().num_pairs,
            seed: 0,
        }
    }
}

/// Sequences with one class target each: images read row by row, or generated examples.
#[derive(Debug, Clone)]
pub enum SequenceData {
    /// MNIST, Fashion-MNIST or CIFAR-10.
    Images(ImageSet),
    /// A synthetic task.
    Generated(SequenceSet),
}

/// The loaded training and evaluation data of one task.
#[derive(Debug, Clone)]
pub enum TaskData {
    /// Sequence classification.
    Classification {
        /// Training examples.
        train: SequenceData,
        /// Evaluation examples.
        eval: SequenceData,
    },
    /// Next-token prediction.
    LanguageModel {
        /// Training tokens.
        train: TokenStream,
        /// Evaluation tokens.
        eval: TokenStream,
        /// Number of distinct tokens, `<unk>` and `<eos>` included.
        vocab_size: usize,
    },
}

impl TaskData {
    /// Number of training examples (tokens for language modelling).
    pub fn train_len(&self) -> usize {
        match self {
            TaskData::Classification { train, .. } => train.len(),
            TaskData::LanguageModel { train, .. } => train.len(),
        }
    }

    /// Number of evaluation examples (tokens for language modelling).
    pub fn eval_len(&self) -> usize {
        match self {
            TaskData::Classification { eval, .. } => eval.len(),
            TaskData::LanguageModel { eval, .. } => eval.len(),
        }
    }

    /// Number of output classes: the classes of the task or the vocabulary size.
    pub fn num_classes(&self) -> usize {
        match self {
            TaskData::Classification { train, .. } => train.num_classes(),
            TaskData::LanguageModel { vocab_size, .. } => *vocab_size,
        }
    }

    /// Values per time step of a classification input; 1 (a token id) for language modelling.
    pub fn input_features(&self) -> usize {
        match self {
            TaskData::Classification { train, .. } => train.features(),
            TaskData::LanguageModel { .. } => 1,
        }
    }
}

/// Loads the data that `options` describe.
///
/// # Errors
/// [`TrainError::MissingDataDir`] when the directory does not exist (with where to get the
/// files), [`TrainError::Data`] for a missing or malformed file or an invalid split name, and
/// [`TrainError::InvalidOption`] for a holdout outside (0, 1).
pub fn load(options: &DataOptions) -> Result<TaskData> {
    if let Some(fraction) = options.holdout {
        if !(fraction > 0.0 && fraction < 1.0) {
            return Err(TrainError::InvalidOption {
                option: "--holdout",
                value: fraction.to_string(),
                reason: "the evaluation fraction must lie strictly between 0 and 1".to_owned(),
            });
        }
    }
    let data = match options.dataset {
        DatasetName::AssocRecall => load_synthetic(options)?,
        DatasetName::Wikitext2 | DatasetName::Wikitext103 => load_wikitext(options)?,
        _ => load_images(options)?,
    };
    log::info!(
        "{}: {} training and {} evaluation {}",
        options.dataset,
        data.train_len(),
        data.eval_len(),
        match data {
            TaskData::Classification { .. } => "examples",
            TaskData::LanguageModel { .. } => "tokens",
        }
    );
    Ok(data)
}

fn load_synthetic(options: &DataOptions) -> Result<TaskData> {
    let task = AssociativeRecall {
        num_pairs: options.recall_pairs,
        ..AssociativeRecall::default()
    };
    let name = options.dataset.as_str();
    let train_count = options.limit_train.unwrap_or(SYNTHETIC_TRAIN_EXAMPLES);
    let train = task
        .generate(train_count, options.seed)
        .map_err(|e| dataset_error(name, e))?;

    let (train, eval) = match options.holdout {
        Some(fraction) => train
            .holdout(fraction)
            .map_err(|e| dataset_error(name, e))?,
        None => {
            // A different seed, so that evaluation examples are new sequences.
            let eval_seed = options.seed ^ 0x5eed_0fe7_a1a1;
            let eval_count = options.limit_eval.unwrap_or(SYNTHETIC_EVAL_EXAMPLES);
            let eval = task
                .generate(eval_count, eval_seed)
                .map_err(|e| dataset_error(name, e))?;
            (train, eval)
        }
    };
    let eval = limit(eval, options.limit_eval, name)?;
    Ok(TaskData::Classification {
        train: SequenceData::Generated(train),
        eval: SequenceData::Generated(eval),
    })
}

fn load_images(options: &DataOptions) -> Result<TaskData> {
    let name = options.dataset.as_str();
    let dir = data_dir(options)?;
    let train_split = parse_split(&options.train_split, "--train-split", name)?;
    let train = load_image_split(options.dataset, &dir, train_split)?;

    let (train, eval) = match (options.holdout, &options.eval_split) {
        (Some(fraction), None) => train
            .holdout(fraction)
            .map_err(|e| dataset_error(name, e))?,
        (holdout, eval_split) => {
            let eval_split = parse_split(
                eval_split.as_deref().unwrap_or("test"),
                "--eval-split",
                name,
            )?;
            warn_same_split(train_split, eval_split, holdout.is_some());
            let train = match holdout {
                // An explicit --eval-split wins; the holdout still leaves the training split.
                Some(fraction) => {
                    train
                        .holdout(fraction)
                        .map_err(|e| dataset_error(name, e))?
                        .0
                }
                None => train,
            };
            (train, load_image_split(options.dataset, &dir, eval_split)?)
        }
    };
    let train = limit(train, options.limit_train, name)?;
    let eval = limit(eval, options.limit_eval, name)?;
    Ok(TaskData::Classification {
        train: SequenceData::Images(train),
        eval: SequenceData::Images(eval),
    })
}

fn load_image_split(dataset: DatasetName, dir: &Path, split: Split) -> Result<ImageSet> {
    let loaded = match dataset {
        DatasetName::Mnist => Mnist::load(dir, split),
        DatasetName::FashionMnist => FashionMnist::load(dir, split),
        DatasetName::Cifar10 => Cifar10::load(dir, split),
        other => {
            return Err(TrainError::Data {
                dataset: other.as_str(),
                message: "it is not an image data set".to_owned(),
            })
        }
    };
    loaded.map_err(|error| {
        let missing_file = matches!(error, DatasetError::MissingFile { .. });
        let mut converted = dataset_error(dataset.as_str(), error);
        let only_test_exists = missing_file
            && split == Split::Train
            && load_image_split_quietly(dataset, dir, Split::Test);
        if let (true, TrainError::Data { message, .. }) = (only_test_exists, &mut converted) {
            message.push_str(&format!(
                "; {} holds only the test split: train on it with --train-split test and \
                 keep part of it for evaluation with --holdout 0.1",
                dir.display()
            ));
        }
        converted
    })
}

/// Returns true when `split` of the image data set loads from `dir`.
fn load_image_split_quietly(dataset: DatasetName, dir: &Path, split: Split) -> bool {
    match dataset {
        DatasetName::Mnist => Mnist::load(dir, split).is_ok(),
        DatasetName::FashionMnist => FashionMnist::load(dir, split).is_ok(),
        DatasetName::Cifar10 => Cifar10::load(dir, split).is_ok(),
        _ => false,
    }
}

fn load_wikitext(options: &DataOptions) -> Result<TaskData> {
    let name = options.dataset.as_str();
    let dir = data_dir(options)?;
    let train_split = parse_split(&options.train_split, "--train-split", name)?;
    let train_path = WikiText::split_path(&dir, train_split).map_err(|e| dataset_error(name, e))?;
    let (vocab, train) =
        Vocabulary::build_from_file(&train_path).map_err(|e| dataset_error(name, e))?;

    let (train, eval) = match (options.holdout, &options.eval_split) {
        (Some(fraction), None) => split_tokens(&train, fraction),
        (holdout, eval_split) => {
            let eval_split = parse_split(
                eval_split.as_deref().unwrap_or("test"),
                "--eval-split",
                name,
            )?;
            warn_same_split(train_split, eval_split, holdout.is_some());
            let eval_path =
                WikiText::split_path(&dir, eval_split).map_err(|e| dataset_error(name, e))?;
            let eval = vocab
                .encode_file(&eval_path)
                .map_err(|e| dataset_error(name, e))?;
            let train = match holdout {
                Some(fraction) => split_tokens(&train, fraction).0,
                None => train,
            };
            (train, eval)
        }
    };
    log::info!(
        "{name}: vocabulary of {} words; <unk> rate {:.2}% in training, {:.2}% in evaluation",
        vocab.len(),
        100.0 * train.unk_rate(),
        100.0 * eval.unk_rate()
    );
    let train = options
        .limit_train
        .map_or(train.clone(), |n| train.limit(n));
    let eval = options.limit_eval.map_or(eval.clone(), |n| eval.limit(n));
    Ok(TaskData::LanguageModel {
        train,
        eval,
        vocab_size: vocab.len(),
    })
}

/// Splits off the last `fraction` of the tokens.
fn split_tokens(stream: &TokenStream, fraction: f64) -> (TokenStream, TokenStream) {
    let ids = stream.ids();
    let held = ((ids.len() as f64) * fraction).round() as usize;
    let split_at = ids.len() - held.min(ids.len());
    (
        TokenStream::from_ids(ids[..split_at].to_vec()),
        TokenStream::from_ids(ids[split_at..].to_vec()),
    )
}

/// Returns the data directory, checking that it exists.
fn data_dir(options: &DataOptions) -> Result<PathBuf> {
    let dataset = options.dataset;
    let Some(dir) = options
        .data_dir
        .clone()
        .or_else(|| dataset.default_data_dir())
    else {
        return Err(TrainError::Data {
            dataset: dataset.as_str(),
            message: format!("--data-dir is required; {}", dataset.download_hint()),
        });
    };
    if !dir.is_dir() {
        return Err(TrainError::MissingDataDir {
            dataset: dataset.as_str(),
            path: dir,
            hint: dataset.download_hint().to_owned(),
        });
    }
    Ok(dir)
}

fn parse_split(name: &str, option: &'static str, dataset: &'static str) -> Result<Split> {
    Split::from_str(name).map_err(|_| TrainError::InvalidOption {
        option,
        value: name.to_owned(),
        reason: format!("{dataset} splits are train, valid and test"),
    })
}

fn warn_same_split(train: Split, eval: Split, holdout: bool) {
    if train == eval && !holdout {
        log::warn!("evaluating on the training split ({train}): the figures measure memorisation");
    }
}

fn limit<D: SequenceDataset>(data: D, count: Option<usize>, name: &'static str) -> Result<D> {
    match count {
        Some(count) => data.limit(count).map_err(|e| dataset_error(name, e)),
        None => Ok(data),
    }
}

/// Wraps a loader's error. [`TrainError::Data`] already names the data set, so the loader's own
/// prefix (such as `MNIST: `) of a missing-file message is left out.
fn dataset_error(dataset: &'static str, error: DatasetError) -> TrainError {
    let message = match error {
        DatasetError::MissingFile { path, hint, .. } => {
            format!("file not found: {}; {hint}", path.display())
        }
        other => other.to_string(),
    };
    TrainError::Data { dataset, message }
}

impl SequenceDataset for SequenceData {
    fn len(&self) -> usize {
        match self {
            SequenceData::Images(d) => d.len(),
            SequenceData::Generated(d) => d.len(),
        }
    }

    fn time_steps(&self) -> usize {
        match self {
            SequenceData::Images(d) => d.time_steps(),
            SequenceData::Generated(d) => d.time_steps(),
        }
    }

    fn features(&self) -> usize {
        match self {
            SequenceData::Images(d) => d.features(),
            SequenceData::Generated(d) => d.features(),
        }
    }

    fn target_len(&self) -> usize {
        match self {
            SequenceData::Images(d) => d.target_len(),
            SequenceData::Generated(d) => d.target_len(),
        }
    }

    fn num_classes(&self) -> usize {
        match self {
            SequenceData::Images(d) => d.num_classes(),
            SequenceData::Generated(d) => d.num_classes(),
        }
    }

    fn write_example(
        &self,
        index: usize,
        inputs: &mut [f32],
        targets: &mut Vec<usize>,
    ) -> datasets::Result<()> {
        match self {
            SequenceData::Images(d) => d.write_example(index, inputs, targets),
            SequenceData::Generated(d) => d.write_example(index, inputs, targets),
        }
    }

    fn select(&self, indices: &[usize]) -> datasets::Result<Self> {
        Ok(match self {
            SequenceData::Images(d) => SequenceData::Images(d.select(indices)?),
            SequenceData::Generated(d) => SequenceData::Generated(d.select(indices)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_limits_and_holdout() {
        let mut options = DataOptions::new(DatasetName::AssocRecall);
        options.limit_train = Some(100);
        options.holdout = Some(0.25);
        let data = load(&options).unwrap();
        // round(100 * 0.25) = 25 examples held out.
        assert_eq!(data.train_len(), 75);
        assert_eq!(data.eval_len(), 25);
        // Default task: 8 keys + 8 values + a query flag.
        assert_eq!(data.input_features(), 17);
        assert_eq!(data.num_classes(), 8);
    }

    #[test]
    fn holdout_out_of_range_is_rejected() {
        let mut options = DataOptions::new(DatasetName::AssocRecall);
        options.holdout = Some(1.0);
        let error = load(&options).unwrap_err();
        assert!(error.to_string().contains("--holdout"), "{error}");
    }

    #[test]
    fn missing_directory_names_path_and_hint() {
        let mut options = DataOptions::new(DatasetName::FashionMnist);
        options.data_dir = Some(PathBuf::from("/nonexistent/fashion"));
        let message = load(&options).unwrap_err().to_string();
        assert!(message.contains("/nonexistent/fashion"), "{message}");
        assert!(
            message.contains("apt-get install dataset-fashion-mnist"),
            "{message}"
        );
    }

    #[test]
    fn data_dir_required_without_default() {
        let message = load(&DataOptions::new(DatasetName::Mnist))
            .unwrap_err()
            .to_string();
        assert!(message.contains("--data-dir is required"), "{message}");
    }

    #[test]
    fn token_split_keeps_every_token() {
        let stream = TokenStream::from_ids((0..10).collect());
        let (train, eval) = split_tokens(&stream, 0.3);
        assert_eq!(train.ids(), &[0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(eval.ids(), &[7, 8, 9]);
    }
}
