//! `enn eval` and `enn trace`: load a checkpoint, rebuild its model, and evaluate it or draw its
//! memory.

use engram::train::{
    build_model, evaluate, load_checkpoint, load_data, load_parameters, DataOptions, EpochMonitor,
    LoadedCheckpoint, ModelName, Result, TaskData, TaskKind, TrainError, TrainModel,
    MONITOR_EXAMPLES,
};

use crate::cli::{EvalCommand, TraceCommand};

/// Evaluates a checkpoint and prints loss and accuracy or perplexity.
pub fn eval(command: &EvalCommand) -> Result<()> {
    let loaded = load_checkpoint(&command.checkpoint)?;
    let options = DataOptions {
        dataset: command
            .data
            .dataset
            .map_or(loaded.state.dataset, Into::into),
        data_dir: command
            .data
            .data_dir
            .clone()
            .or_else(|| loaded.state.data_dir.clone()),
        train_split: command
            .data
            .train_split
            .clone()
            .or_else(|| recorded_split(&loaded))
            .unwrap_or_else(|| "train".to_owned()),
        eval_split: Some(command.data.eval_split.clone()),
        holdout: None,
        limit_train: None,
        limit_eval: command.data.limit_eval,
        // NOTE: checkpoints do not record the number of recall pairs, so an associative-recall
        // checkpoint is evaluated on the default task (4 pairs).
        recall_pairs: DataOptions::new(loaded.state.dataset).recall_pairs,
        seed: loaded.state.spec.seed,
    };
    let data = load_data(&options)?;
    let mut model = rebuild(&loaded, &data, &command.checkpoint)?;

    let evaluation = evaluate(
        model.as_mut(),
        &data,
        command.batch_size,
        loaded.state.bptt,
        loaded.state.spec.seed,
    )?;
    let metric = match loaded.state.spec.task {
        TaskKind::Classification => format!("accuracy {:.2}%", 100.0 * evaluation.accuracy),
        TaskKind::LanguageModel => format!("perplexity {:.2}", evaluation.perplexity),
    };
    println!(
        "{} on {} ({} split, {} targets): loss {:.4}, {metric}",
        loaded.state.spec.model,
        options.dataset,
        command.data.eval_split,
        evaluation.targets,
        evaluation.loss
    );
    Ok(())
}

/// Runs the monitoring batch through a trained ENN and writes the memory statistics and
/// pictures.
pub fn trace(command: &TraceCommand) -> Result<()> {
    let loaded = load_checkpoint(&command.checkpoint)?;
    if loaded.state.spec.model != ModelName::Enn {
        return Err(TrainError::Checkpoint {
            path: command.checkpoint.clone(),
            message: format!(
                "it holds a {} model, but only an ENN has a memory trace",
                loaded.state.spec.model
            ),
        });
    }
    let mut options = DataOptions::new(loaded.state.dataset);
    options.data_dir = command
        .data_dir
        .clone()
        .or_else(|| loaded.state.data_dir.clone());
    if let Some(split) = command
        .train_split
        .clone()
        .or_else(|| recorded_split(&loaded))
    {
        options.train_split = split;
    }
    options.seed = loaded.state.spec.seed;
    // Only the monitoring batch is needed; evaluation data is cut to one example.
    options.limit_train = Some(MONITOR_EXAMPLES);
    options.limit_eval = Some(1);
    let data = load_data(&options)?;
    let mut model = rebuild(&loaded, &data, &command.checkpoint)?;

    let Some(mut monitor) = EpochMonitor::new(Some(&command.out), &data)? else {
        return Err(TrainError::Unavailable {
            what: format!("a memory trace on {}", options.dataset),
            reason: "the monitor needs a classification data set".to_owned(),
        });
    };
    let epoch = loaded.state.epochs_done.max(1);
    monitor.record(model.as_mut(), epoch)?;
    println!(
        "memory statistics and pictures of epoch {epoch} written to {}. trace_difference.png \
         is not drawn: it compares two epochs, and one checkpoint holds only one. Training \
         writes it into the memory folder beside the checkpoint.",
        command.out.display()
    );
    Ok(())
}

/// Returns the training split recorded in the checkpoint, if any.
fn recorded_split(loaded: &LoadedCheckpoint) -> Option<String> {
    Some(loaded.state.train_split.clone()).filter(|split| !split.is_empty())
}

/// Builds the checkpoint's model, checks it against the data and loads its weights.
fn rebuild(
    loaded: &LoadedCheckpoint,
    data: &TaskData,
    path: &std::path::Path,
) -> Result<Box<dyn TrainModel>> {
    let spec = &loaded.state.spec;
    if (data.input_features(), data.num_classes()) != (spec.input_features, spec.num_classes) {
        return Err(TrainError::Checkpoint {
            path: path.to_path_buf(),
            message: format!(
                "the model takes {} input features and predicts {} classes, but the data has {} \
                 and {}; evaluate on the data set it was trained on",
                spec.input_features,
                spec.num_classes,
                data.input_features(),
                data.num_classes()
            ),
        });
    }
    let mut model = build_model(spec)?;
    load_parameters(model.as_mut(), &loaded.parameters)?;
    Ok(model)
}
