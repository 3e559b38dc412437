//! Writers for a [`RunReport`]: `results.json`, `results.csv` and the Markdown comparison table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::write_atomic;

use super::error::{Result, TrainError};
use super::names::TaskKind;
use super::results::{ModelRun, RunReport, RunStatus};

/// Header of `results.csv`; one row per model and epoch follows.
pub const CSV_HEADER: &str = "model,epoch,train_loss,eval_loss,eval_accuracy,eval_perplexity,\
                              train_examples,train_seconds,wall_seconds";

/// Renders the comparison table: model, trainable parameters, training seconds per epoch and
/// training examples per second (both without evaluation), final training loss, evaluation accuracy or perplexity at the best epoch, and the best
/// epoch. Models that stopped early are marked in the model column.
pub fn markdown_table(report: &RunReport) -> String {
    let task = report.settings.task;
    let metric = match task {
        TaskKind::Classification => "best eval accuracy (%)",
        TaskKind::LanguageModel => "best eval perplexity",
    };
    let mut table = format!(
        "| model | trainable parameters | training seconds per epoch | training examples per second | \
         final train loss | {metric} | best epoch |\n|---|---:|---:|---:|---:|---:|---:|\n"
    );
    for run in &report.runs {
        table.push_str(&markdown_row(run, task));
    }
    table
}

fn markdown_row(run: &ModelRun, task: TaskKind) -> String {
    let status = match &run.status {
        RunStatus::Completed => "",
        RunStatus::Interrupted => " (interrupted)",
        RunStatus::Failed(_) => " (failed)",
    };
    let best = run.best_epoch(task);
    let metric = best
        .and_then(|record| record.metric(task))
        .map(|value| match task {
            TaskKind::Classification => format!("{:.2}", 100.0 * value),
            TaskKind::LanguageModel => format!("{value:.1}"),
        });
    format!(
        "| {}{status} | {} | {} | {} | {} | {} | {} |\n",
        run.model,
        run.trainable_parameters,
        format_option(run.seconds_per_epoch(), 2),
        format_option(run.examples_per_second(), 0),
        format_option(run.final_train_loss(), 4),
        metric.unwrap_or_else(|| "-".to_owned()),
        best.map_or_else(|| "-".to_owned(), |record| record.epoch.to_string()),
    )
}

fn format_option(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.decimals$}"))
}

/// Renders `results.csv`: [`CSV_HEADER`], then one row per model and epoch. Missing metrics are
/// empty fields.
pub fn csv(report: &RunReport) -> String {
    let mut text = format!("{CSV_HEADER}\n");
    for run in &report.runs {
        for e in &run.epochs {
            let accuracy = e.eval_accuracy.map(|v| v.to_string()).unwrap_or_default();
            let perplexity = e.eval_perplexity.map(|v| v.to_string()).unwrap_or_default();
            // Writing to a String cannot fail.
            let _ = writeln!(
                text,
                "{},{},{},{},{accuracy},{perplexity},{},{},{}",
                run.model,
                e.epoch,
                e.train_loss,
                e.eval_loss,
                e.train_examples,
                e.train_seconds,
                e.wall_seconds
            );
        }
    }
    text
}

/// The files [`write_reports`] wrote.
#[derive(Debug, Clone)]
pub struct ReportFiles {
    /// `results.json`.
    pub json: PathBuf,
    /// `results.csv`.
    pub csv: PathBuf,
    /// `results.md`, the Markdown table.
    pub markdown: PathBuf,
}

/// Writes `results.json`, `results.csv` and `results.md` into `dir` (created if missing), each
/// atomically.
///
/// # Errors
/// [`TrainError::Io`], [`TrainError::Engram`] or [`TrainError::Json`] naming the file that could
/// not be written.
pub fn write_reports(dir: &Path, report: &RunReport) -> Result<ReportFiles> {
    std::fs::create_dir_all(dir).map_err(|e| TrainError::io("create directory", dir, e))?;
    let files = ReportFiles {
        json: dir.join("results.json"),
        csv: dir.join("results.csv"),
        markdown: dir.join("results.md"),
    };
    let json = serde_json::to_vec_pretty(report).map_err(|source| TrainError::Json {
        path: files.json.clone(),
        source,
    })?;
    write_atomic("write_reports", &files.json, &json)?;
    write_atomic("write_reports", &files.csv, csv(report).as_bytes())?;
    write_atomic(
        "write_reports",
        &files.markdown,
        markdown_table(report).as_bytes(),
    )?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::names::{DatasetName, ModelName};
    use crate::train::results::{EpochRecord, RunSettings};

    fn report() -> RunReport {
        let epoch = EpochRecord {
            epoch: 1,
            train_loss: 0.25,
            eval_loss: 0.5,
            eval_accuracy: Some(0.875),
            eval_perplexity: None,
            train_examples: 1000,
            train_seconds: 4.0,
            wall_seconds: 5.0,
        };
        RunReport {
            settings: RunSettings {
                dataset: DatasetName::Mnist,
                task: TaskKind::Classification,
                train_examples: 1000,
                eval_examples: 100,
                epochs: 1,
                batch_size: 128,
                lr: 1e-3,
                clip_norm: 1.0,
                hidden: 128,
                memory: 64,
                seed: 1,
                token_input: crate::train::TokenInputKind::Embedding,
            },
            runs: vec![
                ModelRun {
                    model: ModelName::Lstm,
                    trainable_parameters: 1234,
                    epochs: vec![epoch],
                    status: RunStatus::Completed,
                },
                ModelRun {
                    model: ModelName::Enn,
                    trainable_parameters: 99,
                    epochs: vec![],
                    status: RunStatus::Failed("loss became NaN".into()),
                },
            ],
        }
    }

    #[test]
    fn markdown_rows() {
        let table = markdown_table(&report());
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].contains("best eval accuracy (%)"));
        // 1000 examples in 4 s = 250 per second; accuracy 0.875 = 87.50 %.
        assert_eq!(
            lines[2],
            "| lstm | 1234 | 4.00 | 250 | 0.2500 | 87.50 | 1 |"
        );
        assert_eq!(lines[3], "| enn (failed) | 99 | - | - | - | - | - |");
    }

    #[test]
    fn csv_rows() {
        let text = csv(&report());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines, vec![CSV_HEADER, "lstm,1,0.25,0.5,0.875,,1000,4,5"]);
    }

    #[test]
    fn reports_round_trip() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let files = write_reports(dir.path(), &report()).unwrap();
        let json = std::fs::read(&files.json).unwrap();
        let back: RunReport = serde_json::from_slice(&json).unwrap();
        assert_eq!(back, report());
        assert!(std::fs::read_to_string(&files.markdown)
            .unwrap()
            .starts_with("| model |"));
    }
}
