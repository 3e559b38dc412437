//! Runs each `enn` command on top of `engram::train`: the embedded comparison, `train` and
//! `bench`. `inspect.rs` contains `eval` and `trace`.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use engram::train::{
    build_model, load_data, markdown_table, train_model, write_learning_curves, write_reports,
    DataOptions, ModelName, ModelSpec, Result, RunReport, RunSettings, RunStatus, TaskData,
    TrainError, TrainOutcome, TrainSettings,
};

use crate::cli::{
    BenchCommand, Cli, Command, DataArgs, DefaultRunArgs, ModelArgs, TrainArgs, TrainCommand,
};
use crate::inspect;
use crate::progress::EpochProgress;
use tensor::Device;

/// Sizes of the embedded comparison: the models that learn the task get past guessing, and
/// the four take about 30 s on an idle 2-core machine.
///
/// With two pairs, a model that only learns which values were shown scores about 56 %; one
/// that binds keys to values approaches 100 %. All four models reached the second stage,
/// after 6 (RNN) to 16 (ENN) epochs of 256 steps at learning rate 3e-3 with hidden size 64;
/// with four pairs and 6,000 steps at 1e-3 none got past the first.
const DEFAULT_TRAIN_EXAMPLES: usize = 32_768;
const DEFAULT_EVAL_EXAMPLES: usize = 2_048;
const DEFAULT_EPOCHS: usize = 16;
const DEFAULT_RECALL_PAIRS: u8 = 2;
const DEFAULT_LEARNING_RATE: f64 = 3e-3;
const DEFAULT_HIDDEN: usize = 64;
const DEFAULT_MEMORY: usize = 32;

/// Runs the command that `cli` selects; `stop` is set by Ctrl-C.
pub fn run(cli: Cli, stop: &AtomicBool) -> Result<()> {
    match cli.command {
        None => default_run(&cli.default_run, stop),
        Some(Command::Train(command)) => train(&command, stop),
        Some(Command::Bench(command)) => bench(&command, stop),
        Some(Command::Eval(command)) => inspect::eval(&command),
        Some(Command::Trace(command)) => inspect::trace(&command),
    }
}

/// Runs the embedded comparison: associative recall, all four models, a table on standard
/// output.
fn default_run(args: &DefaultRunArgs, stop: &AtomicBool) -> Result<()> {
    let data = DataArgs {
        dataset: crate::cli::DatasetArg::AssocRecall,
        data_dir: None,
        train_split: "train".to_owned(),
        eval_split: None,
        holdout: None,
        limit_train: Some(
            args.default_train_examples
                .unwrap_or(DEFAULT_TRAIN_EXAMPLES),
        ),
        limit_eval: Some(args.default_eval_examples.unwrap_or(DEFAULT_EVAL_EXAMPLES)),
        recall_pairs: DEFAULT_RECALL_PAIRS,
    };
    let model_size = ModelArgs {
        hidden: args.default_hidden.unwrap_or(DEFAULT_HIDDEN),
        memory: args.default_memory.unwrap_or(DEFAULT_MEMORY),
        token_input: crate::cli::TokenInputArg::Embedding,
    };
    let train = TrainArgs {
        epochs: args.default_epochs.unwrap_or(DEFAULT_EPOCHS),
        batch_size: 128,
        lr: DEFAULT_LEARNING_RATE,
        clip_norm: 1.0,
        bptt: 35,
        seed: 42,
        out: args.default_out.clone().unwrap_or_default(),
        device: "cpu".to_owned(),
    };
    log::info!(
        "comparing ENN, LSTM, GRU and RNN on associative recall (2 key-value pairs, 8 values); \
         `enn --help` lists the commands for real data"
    );
    let write_files = args.default_out.is_some();
    compare(
        &ModelName::ALL,
        &data,
        &model_size,
        &train,
        write_files,
        stop,
    )
}

fn train(command: &TrainCommand, stop: &AtomicBool) -> Result<()> {
    // Checked first, so that a wrong --device fails before the data is read.
    parse_device(&command.train.device)?;
    let options = data_options(&command.data, command.train.seed);
    let data = load_data(&options)?;
    let checkpoint = command
        .checkpoint
        .clone()
        .unwrap_or_else(|| command.train.out.join("checkpoint.safetensors"));
    let model = command.model.into();
    let (outcome, checkpoint) = train_one(
        model,
        &options,
        &data,
        &command.model_size,
        &command.train,
        Some(checkpoint),
        command.resume,
        stop,
    )?;

    let report = report(
        &options,
        &data,
        &command.model_size,
        &command.train,
        vec![outcome.run.clone()],
    );
    let files = write_reports(&command.train.out, &report)?;
    println!("{}", markdown_table(&report));
    log::info!("results written to {}", files.json.display());
    finish(outcome, checkpoint)
}

fn bench(command: &BenchCommand, stop: &AtomicBool) -> Result<()> {
    let models: Vec<ModelName> = command.models.iter().map(|&m| m.into()).collect();
    compare(
        &models,
        &command.data,
        &command.model_size,
        &command.train,
        true,
        stop,
    )
}

/// Trains `models` in turn on one data set and prints the comparison table; with `write_files`
/// also writes checkpoints, results and the learning-curve plot into `train.out`.
fn compare(
    models: &[ModelName],
    data_args: &DataArgs,
    model_size: &ModelArgs,
    train: &TrainArgs,
    write_files: bool,
    stop: &AtomicBool,
) -> Result<()> {
    parse_device(&train.device)?;
    let options = data_options(data_args, train.seed);
    let data = load_data(&options)?;
    let mut runs = Vec::new();
    let mut first_error = None;

    for &model in models {
        let checkpoint = write_files.then(|| {
            train
                .out
                .join(model.as_str())
                .join("checkpoint.safetensors")
        });
        let (outcome, checkpoint) = train_one(
            model, &options, &data, model_size, train, checkpoint, false, stop,
        )?;
        let interrupted = outcome.run.status == RunStatus::Interrupted;
        runs.push(outcome.run.clone());
        if write_files {
            write_reports(
                &train.out,
                &report(&options, &data, model_size, train, runs.clone()),
            )?;
        }
        if let Err(error) = finish(outcome, checkpoint) {
            // The run continues with the next model; the first error decides the exit status.
            log::error!("{model}: {error}");
            first_error.get_or_insert(error);
        }
        if interrupted {
            break;
        }
    }

    let report = report(&options, &data, model_size, train, runs);
    println!("{}", markdown_table(&report));
    if write_files {
        let plot = train.out.join("learning_curves.png");
        write_learning_curves(&plot, &report)?;
        log::info!(
            "results.json, results.csv, results.md and learning_curves.png written to {}",
            train.out.display()
        );
    }
    first_error.map_or(Ok(()), Err)
}

/// Builds and trains one model.
#[allow(clippy::too_many_arguments)]
fn train_one(
    model: ModelName,
    options: &DataOptions,
    data: &TaskData,
    model_size: &ModelArgs,
    train: &TrainArgs,
    checkpoint: Option<PathBuf>,
    resume: bool,
    stop: &AtomicBool,
) -> Result<(TrainOutcome, Option<PathBuf>)> {
    let dataset = options.dataset;
    let spec = ModelSpec {
        model,
        task: dataset.task(),
        input_features: data.input_features(),
        num_classes: data.num_classes(),
        hidden: model_size.hidden,
        memory: model_size.memory,
        seed: train.seed,
        token_input: model_size.token_input.into(),
    };
    let mut built = build_model(&spec)?;
    log::info!("{model}: {} trainable parameters", built.num_parameters());
    let monitor_dir = match (&checkpoint, model) {
        (Some(path), ModelName::Enn) => Some(sibling_dir(path, "memory")),
        _ => None,
    };
    let settings = TrainSettings {
        epochs: train.epochs,
        batch_size: train.batch_size,
        lr: train.lr,
        clip_norm: train.clip_norm,
        seed: train.seed,
        bptt: train.bptt,
        checkpoint: checkpoint.clone(),
        resume,
        monitor_dir,
        data_dir: options.data_dir.clone(),
        train_split: options.train_split.clone(),
        device: parse_device(&train.device)?,
    };
    let mut progress = EpochProgress::new(model, spec.task);
    let outcome = train_model(
        built.as_mut(),
        &spec,
        dataset,
        data,
        &settings,
        &mut progress,
        stop,
    )?;
    Ok((outcome, checkpoint))
}

/// Turns an outcome into the command's result: the error that stopped it, if any.
fn finish(outcome: TrainOutcome, checkpoint: Option<PathBuf>) -> Result<()> {
    match (outcome.run.status, outcome.error) {
        (_, Some(error)) => Err(error),
        (RunStatus::Interrupted, None) => Err(TrainError::Interrupted { checkpoint }),
        _ => Ok(()),
    }
}

fn report(
    options: &DataOptions,
    data: &TaskData,
    model_size: &ModelArgs,
    train: &TrainArgs,
    runs: Vec<engram::train::ModelRun>,
) -> RunReport {
    RunReport {
        settings: RunSettings {
            dataset: options.dataset,
            task: options.dataset.task(),
            train_examples: data.train_len(),
            eval_examples: data.eval_len(),
            epochs: train.epochs,
            batch_size: train.batch_size,
            lr: train.lr,
            clip_norm: train.clip_norm,
            hidden: model_size.hidden,
            memory: model_size.memory,
            seed: train.seed,
            token_input: model_size.token_input.into(),
        },
        runs,
    }
}

/// Opens the device that `--device` names: `cpu`, `opencl` or `opencl:PLATFORM:DEVICE`.
fn parse_device(text: &str) -> Result<Device> {
    let invalid = |reason: String| TrainError::InvalidOption {
        option: "--device",
        value: text.to_owned(),
        reason,
    };
    let (kind, indices) = text.split_once(':').unwrap_or((text, ""));
    match kind {
        "cpu" if indices.is_empty() => Ok(Device::Cpu),
        "opencl" => open_opencl(indices).map_err(invalid),
        _ => Err(invalid(
            "use `cpu`, `opencl` or `opencl:PLATFORM:DEVICE`".to_owned(),
        )),
    }
}

/// Opens an OpenCL device: the environment's choice for empty `indices`, else `P:D`.
#[cfg(feature = "opencl")]
fn open_opencl(indices: &str) -> std::result::Result<Device, String> {
    use tensor::opencl::OpenClDevice;
    let opened = if indices.is_empty() {
        OpenClDevice::from_env()
    } else {
        let parse = |part: Option<&str>| part.and_then(|p| p.parse::<usize>().ok());
        let mut parts = indices.split(':');
        match (parse(parts.next()), parse(parts.next()), parts.next()) {
            (Some(platform), Some(device), None) => OpenClDevice::new(platform, device),
            _ => {
                return Err(
                    "write the device as `opencl:PLATFORM:DEVICE`, for example `opencl:0:0`"
                        .to_owned(),
                )
            }
        }
    };
    opened.map(Device::OpenCl).map_err(|e| e.to_string())
}

/// Without the `opencl` feature there is no OpenCL device to open.
#[cfg(not(feature = "opencl"))]
fn open_opencl(_indices: &str) -> std::result::Result<Device, String> {
    Err(
        "this `enn` was built without OpenCL; rebuild it with `--features engram/opencl` \
         (and an OpenCL driver such as PoCL installed)"
            .to_owned(),
    )
}

/// Converts the data options of the command line.
pub fn data_options(args: &DataArgs, seed: u64) -> DataOptions {
    DataOptions {
        dataset: args.dataset.into(),
        data_dir: args.data_dir.clone(),
        train_split: args.train_split.clone(),
        eval_split: args.eval_split.clone(),
        holdout: args.holdout,
        limit_train: args.limit_train,
        limit_eval: args.limit_eval,
        recall_pairs: usize::from(args.recall_pairs),
        seed,
    }
}

/// `dir/name` where `dir` is the folder of `path`.
fn sibling_dir(path: &Path, name: &str) -> PathBuf {
    path.parent().unwrap_or(Path::new(".")).join(name)
}
