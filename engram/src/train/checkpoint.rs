//! Training checkpoints: model, optimizer, progress and history in one safetensors file.
//!
//! The file is written by `nn::save_safetensors` (temporary file, then rename), so a crash never
//! leaves a half-written checkpoint. Tensors are stored as `model.<parameter>` and
//! `optim.<buffer>.<parameter>`; scalars go into the header's metadata:
//!
//! | scalar | meaning |
//! |---|---|
//! | `meta.model`, `meta.dataset`, `meta.task` | indices into [`ModelName::ALL`], [`DATASETS`], [`TASKS`] |
//! | `meta.input_features`, `meta.num_classes`, `meta.hidden`, `meta.memory`, `meta.seed` | the [`ModelSpec`] |
//! | `meta.token_input` | index into [`TokenInputKind::ALL`]; 0 (embedding) when missing |
//! | `meta.batch_size`, `meta.lr`, `meta.clip_norm`, `meta.bptt` | optimisation settings |
//! | `train.epochs_done`, `train.step` | finished epochs, and steps done in the next one |
//! | `train.partial_loss_sum`, `train.partial_examples`, `train.partial_seconds` | sums over those steps |
//! | `history.NNNN.<field>` | the [`EpochRecord`] of epoch NNNN |
//!
//! Two strings, the data directory and the training split, are stored as tensors
//! `meta.data_dir` and `meta.train_split` of their UTF-8 bytes (one value per byte), because the
//! metadata holds numbers only; each is left out when empty.
//!
//! Random state needs no bytes of its own: the loop derives every generator from
//! `(seed, epoch, step)`, so the epoch and step numbers restore it exactly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nn::{Optimizer, StateDict};

use super::error::{Result, TrainError};
use super::model::{ModelSpec, TrainModel};
use super::names::{DatasetName, ModelName, TaskKind, TokenInputKind};
use super::results::EpochRecord;

/// Data sets in the order of their `meta.dataset` index.
pub const DATASETS: [DatasetName; 6] = [
    DatasetName::AssocRecall,
    DatasetName::Mnist,
    DatasetName::FashionMnist,
    DatasetName::Cifar10,
    DatasetName::Wikitext2,
    DatasetName::Wikitext103,
];

/// Tasks in the order of their `meta.task` index.
pub const TASKS: [TaskKind; 2] = [TaskKind::Classification, TaskKind::LanguageModel];

/// Sums over the steps done in an unfinished epoch.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PartialEpoch {
    /// Steps done.
    pub steps: usize,
    /// Sum of the step losses, each weighted by its batch's examples.
    pub loss_sum: f64,
    /// Training examples seen.
    pub examples: usize,
    /// Seconds spent on those steps.
    pub seconds: f64,
}

/// Everything in a checkpoint apart from the model's and optimizer's tensors.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingState {
    /// Directory the data set was read from, so that `enn eval` and `enn trace` find it again;
    /// `None` for generated data or checkpoints written before it was recorded.
    pub data_dir: Option<PathBuf>,
    /// Split trained on (`train`, `valid` or `test`); empty when not recorded.
    pub train_split: String,
    /// The model's architecture and initial seed.
    pub spec: ModelSpec,
    /// The data set trained on.
    pub dataset: DatasetName,
    /// Examples per mini-batch.
    pub batch_size: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Gradient-norm clip, 0 for none.
    pub clip_norm: f64,
    /// Tokens per sequence for language modelling.
    pub bptt: usize,
    /// Finished epochs.
    pub epochs_done: usize,
    /// Progress inside the next epoch (all zero at an epoch boundary).
    pub partial: PartialEpoch,
    /// Records of the finished epochs.
    pub history: Vec<EpochRecord>,
}

/// Writes `state`, the model's parameters and the optimizer's state to `path` atomically.
///
/// # Errors
/// [`TrainError::Nn`] when the file cannot be written; an existing file is left unchanged then.
pub fn save_checkpoint(
    path: &Path,
    state: &TrainingState,
    model: &mut dyn TrainModel,
    optimizer: &dyn Optimizer<f32>,
) -> Result<()> {
    let mut dict = StateDict::new();
    for (name, tensor) in model.parameters() {
        dict.tensors.insert(format!("model.{name}"), tensor);
    }
    dict.insert_prefixed("optim.", optimizer.state_dict());
    write_state_scalars(state, &mut dict.scalars);
    let data_dir = state
        .data_dir
        .as_ref()
        .map(|dir| dir.to_string_lossy().into_owned())
        .unwrap_or_default();
    for (name, text) in [
        ("meta.data_dir", data_dir.as_str()),
        ("meta.train_split", state.train_split.as_str()),
    ] {
        if let Some(tensor) = text_tensor(text) {
            dict.tensors.insert(name.to_owned(), tensor);
        }
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| TrainError::io("create directory", parent, e))?;
    }
    nn::save_safetensors(path, &dict)?;
    Ok(())
}

/// A checkpoint read back: the state, the model's tensors and the optimizer's state dict.
#[derive(Debug, Clone)]
pub struct LoadedCheckpoint {
    /// Progress and settings.
    pub state: TrainingState,
    /// Parameters by name, without the `model.` prefix.
    pub parameters: BTreeMap<String, tensor::Tensor<f32>>,
    /// The optimizer's state, without the `optim.` prefix.
    pub optimizer: StateDict<f32>,
}

/// Reads a checkpoint written by [`save_checkpoint`].
///
/// # Errors
/// [`TrainError::Io`] for a file that cannot be read, [`TrainError::Checkpoint`] for a corrupt
/// or truncated file or a setting that is missing or out of range, naming it.
pub fn load_checkpoint(path: &Path) -> Result<LoadedCheckpoint> {
    let dict: StateDict<f32> = nn::load_safetensors(path).map_err(|error| match error {
        nn::NnError::Io { source, .. } => TrainError::io("read checkpoint", path, source),
        nn::NnError::CorruptCheckpoint { message, .. } => TrainError::Checkpoint {
            path: path.to_path_buf(),
            message: format!("it is not a valid safetensors file: {message}"),
        },
        other => other.into(),
    })?;
    let mut state = read_state_scalars(path, &dict.scalars)?;
    let text = |name: &str| dict.tensors.get(name).and_then(tensor_text);
    state.data_dir = text("meta.data_dir").map(PathBuf::from);
    state.train_split = text("meta.train_split").unwrap_or_default();
    let parameters = dict.sub_dict("model.").tensors;
    let optimizer = dict.sub_dict("optim.");
    Ok(LoadedCheckpoint {
        state,
        parameters,
        optimizer,
    })
}

/// Stores the UTF-8 bytes of `text` as a tensor, one value per byte; `None` for empty text.
fn text_tensor(text: &str) -> Option<tensor::Tensor<f32>> {
    let bytes: Vec<f32> = text.bytes().map(f32::from).collect();
    let len = bytes.len();
    (len > 0).then(|| {
        tensor::Tensor::from_vec(bytes, &[len]).expect("a vector of len values fits [len]")
    })
}

/// Reads back the text of [`text_tensor`]; `None` when a value is not a byte or the bytes are
/// not UTF-8.
fn tensor_text(tensor: &tensor::Tensor<f32>) -> Option<String> {
    let bytes: Option<Vec<u8>> = tensor
        .iter()
        .map(|v| (v.fract() == 0.0 && (0.0..=255.0).contains(&v)).then_some(v as u8))
        .collect();
    String::from_utf8(bytes?).ok()
}

fn write_state_scalars(state: &TrainingState, out: &mut BTreeMap<String, f64>) {
    let spec = &state.spec;
    let index_of = |found: Option<usize>| found.unwrap_or(0) as f64;
    let mut put = |name: &str, value: f64| {
        out.insert(name.to_owned(), value);
    };
    put(
        "meta.model",
        index_of(ModelName::ALL.iter().position(|m| *m == spec.model)),
    );
    put(
        "meta.dataset",
        index_of(DATASETS.iter().position(|d| *d == state.dataset)),
    );
    put(
        "meta.task",
        index_of(TASKS.iter().position(|t| *t == spec.task)),
    );
    put("meta.input_features", spec.input_features as f64);
    put("meta.num_classes", spec.num_classes as f64);
    put("meta.hidden", spec.hidden as f64);
    put("meta.memory", spec.memory as f64);
    // NOTE: a seed above 2^53 does not survive the f64 round trip; the CLI documents the limit.
    put("meta.seed", spec.seed as f64);
    put(
        "meta.token_input",
        index_of(
            TokenInputKind::ALL
                .iter()
                .position(|t| *t == spec.token_input),
        ),
    );

    put("meta.batch_size", state.batch_size as f64);
    put("meta.lr", state.lr);
    put("meta.clip_norm", state.clip_norm);
    put("meta.bptt", state.bptt as f64);

    put("train.epochs_done", state.epochs_done as f64);
    put("train.step", state.partial.steps as f64);
    put("train.partial_loss_sum", state.partial.loss_sum);
    put("train.partial_examples", state.partial.examples as f64);
    put("train.partial_seconds", state.partial.seconds);

    for record in &state.history {
        let prefix = format!("history.{:04}.", record.epoch);
        let mut put_field = |field: &str, value: f64| {
            out.insert(format!("{prefix}{field}"), value);
        };
        put_field("train_loss", record.train_loss);
        put_field("eval_loss", record.eval_loss);
        if let Some(accuracy) = record.eval_accuracy {
            put_field("eval_accuracy", accuracy);
        }
        if let Some(perplexity) = record.eval_perplexity {
            put_field("eval_perplexity", perplexity);
        }
        put_field("train_examples", record.train_examples as f64);
        put_field("train_seconds", record.train_seconds);
        put_field("wall_seconds", record.wall_seconds);
    }
}

/// Reads scalars back, collecting every problem before reporting.
struct ScalarReader<'a> {
    scalars: &'a BTreeMap<String, f64>,
    problems: Vec<String>,
}

impl ScalarReader<'_> {
    fn float(&mut self, name: &str) -> f64 {
        match self.scalars.get(name) {
            Some(value) => *value,
            None => {
                self.problems.push(format!("missing setting `{name}`"));
                0.0
            }
        }
    }

    fn count(&mut self, name: &str) -> usize {
        let value = self.float(name);
        if value < 0.0 || value.fract() != 0.0 || value > 2f64.powi(53) {
            self.problems
                .push(format!("setting `{name}` = {value} is not a count"));
            return 0;
        }
        value as usize
    }

    fn pick<T: Copy>(&mut self, name: &str, choices: &[T]) -> Option<T> {
        let index = self.count(name);
        let choice = choices.get(index).copied();
        if choice.is_none() {
            self.problems
                .push(format!("setting `{name}` = {index} is out of range"));
        }
        choice
    }
}

fn read_state_scalars(path: &Path, scalars: &BTreeMap<String, f64>) -> Result<TrainingState> {
    let mut reader = ScalarReader {
        scalars,
        problems: Vec::new(),
    };
    let model = reader.pick("meta.model", &ModelName::ALL);
    let dataset = reader.pick("meta.dataset", &DATASETS);
    let task = reader.pick("meta.task", &TASKS);
    let spec_numbers = [
        reader.count("meta.input_features"),
        reader.count("meta.num_classes"),
        reader.count("meta.hidden"),
        reader.count("meta.memory"),
        reader.count("meta.seed"),
    ];
    // Checkpoints written before the setting existed used an embedding.
    let token_input = if scalars.contains_key("meta.token_input") {
        reader.pick("meta.token_input", &TokenInputKind::ALL)
    } else {
        Some(TokenInputKind::Embedding)
    };
    let batch_size = reader.count("meta.batch_size");
    let lr = reader.float("meta.lr");
    let clip_norm = reader.float("meta.clip_norm");
    let bptt = reader.count("meta.bptt");
    let epochs_done = reader.count("train.epochs_done");
    let partial = PartialEpoch {
        steps: reader.count("train.step"),
        loss_sum: reader.float("train.partial_loss_sum"),
        examples: reader.count("train.partial_examples"),
        seconds: reader.float("train.partial_seconds"),
    };
    let history = (1..=epochs_done)
        .map(|epoch| read_record(&mut reader, epoch))
        .collect();

    let (Some(model), Some(dataset), Some(task), Some(token_input), true) = (
        model,
        dataset,
        task,
        token_input,
        reader.problems.is_empty(),
    ) else {
        return Err(TrainError::Checkpoint {
            path: path.to_path_buf(),
            message: format!(
                "it is not a training checkpoint of this tool: {}",
                reader.problems.join("; ")
            ),
        });
    };
    let [input_features, num_classes, hidden, memory, seed] = spec_numbers;
    Ok(TrainingState {
        data_dir: None,
        train_split: String::new(),
        spec: ModelSpec {
            model,
            task,
            input_features,
            num_classes,
            hidden,
            memory,
            seed: seed as u64,
            token_input,
        },
        dataset,
        batch_size,
        lr,
        clip_norm,
        bptt,
        epochs_done,
        partial,
        history,
    })
}

fn read_record(reader: &mut ScalarReader<'_>, epoch: usize) -> EpochRecord {
    let prefix = format!("history.{epoch:04}.");
    let optional = |reader: &ScalarReader<'_>, field: &str| {
        reader.scalars.get(&format!("{prefix}{field}")).copied()
    };
    EpochRecord {
        epoch,
        train_loss: reader.float(&format!("{prefix}train_loss")),
        eval_loss: reader.float(&format!("{prefix}eval_loss")),
        eval_accuracy: optional(reader, "eval_accuracy"),
        eval_perplexity: optional(reader, "eval_perplexity"),
        train_examples: reader.count(&format!("{prefix}train_examples")),
        train_seconds: reader.float(&format!("{prefix}train_seconds")),
        wall_seconds: reader.float(&format!("{prefix}wall_seconds")),
    }
}
