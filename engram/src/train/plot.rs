//! The learning-curve picture of a comparison: training loss and the evaluation metric over
//! epochs, one line per model, drawn with the crate's raster module.

use std::path::Path;

use crate::raster::{Canvas, LinePlot, Rgb, Series, PALETTE};

use super::error::Result;
use super::names::TaskKind;
use super::results::RunReport;

/// Width and height in pixels of each of the two panels.
const PANEL_WIDTH: usize = 520;
const PANEL_HEIGHT: usize = 360;

/// Draws two panels side by side: training loss per epoch, and evaluation accuracy (percent) or
/// perplexity per epoch, with one coloured line per model.
pub fn learning_curves(report: &RunReport) -> Canvas {
    let task = report.settings.task;
    let metric_title = match task {
        TaskKind::Classification => "evaluation accuracy (%)",
        TaskKind::LanguageModel => "evaluation perplexity",
    };
    let loss = panel("training loss", report, |record| Some(record.train_loss));
    let metric = panel(metric_title, report, |record| {
        record.metric(task).map(|value| match task {
            TaskKind::Classification => 100.0 * value,
            TaskKind::LanguageModel => value,
        })
    });

    let mut canvas = Canvas::new(2 * PANEL_WIDTH, PANEL_HEIGHT, Rgb::WHITE);
    canvas.blit(&loss.render(), 0, 0);
    canvas.blit(&metric.render(), PANEL_WIDTH as i64, 0);
    canvas
}

/// Writes [`learning_curves`] to `path` as a PNG, atomically.
///
/// # Errors
/// [`super::TrainError::Engram`] when encoding or writing the picture fails.
pub fn write_learning_curves(path: &Path, report: &RunReport) -> Result<()> {
    learning_curves(report).save_png(path)?;
    Ok(())
}

fn panel(
    title: &str,
    report: &RunReport,
    value: impl Fn(&super::EpochRecord) -> Option<f64>,
) -> LinePlot {
    let series = report
        .runs
        .iter()
        .enumerate()
        .map(|(index, run)| Series {
            name: run.model.to_string(),
            color: PALETTE[index % PALETTE.len()],
            points: run
                .epochs
                .iter()
                .filter_map(|record| Some((record.epoch as f64, value(record)?)))
                .collect(),
        })
        .collect();
    LinePlot {
        title: title.to_owned(),
        x_label: "epoch".to_owned(),
        width: PANEL_WIDTH,
        height: PANEL_HEIGHT,
        series,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::{
        DatasetName, EpochRecord, ModelName, ModelRun, RunSettings, RunStatus, TaskKind,
    };

    #[test]
    fn curves_draw_every_model() {
        let record = |epoch: usize, loss: f64| EpochRecord {
            epoch,
            train_loss: loss,
            eval_loss: loss,
            eval_accuracy: Some(1.0 - loss),
            eval_perplexity: None,
            train_examples: 10,
            train_seconds: 1.0,
            wall_seconds: 1.0,
        };
        let run = |model, offset: f64| ModelRun {
            model,
            trainable_parameters: 1,
            epochs: (1..=3).map(|e| record(e, offset / e as f64)).collect(),
            status: RunStatus::Completed,
        };
        let report = RunReport {
            settings: RunSettings {
                dataset: DatasetName::AssocRecall,
                task: TaskKind::Classification,
                train_examples: 10,
                eval_examples: 10,
                epochs: 3,
                batch_size: 2,
                lr: 1e-3,
                clip_norm: 1.0,
                hidden: 4,
                memory: 2,
                seed: 0,
                token_input: crate::train::TokenInputKind::Embedding,
            },
            runs: vec![run(ModelName::Enn, 0.9), run(ModelName::Lstm, 0.5)],
        };
        let canvas = learning_curves(&report);
        assert_eq!(canvas.width(), 2 * PANEL_WIDTH);
        // Both model colours must appear somewhere in the picture.
        for color in &PALETTE[..2] {
            let found = (0..canvas.height())
                .any(|y| (0..canvas.width()).any(|x| canvas.pixel(x, y) == Some(*color)));
            assert!(found, "colour {color:?} missing");
        }

        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("curves.png");
        write_learning_curves(&path, &report).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
    }
}
