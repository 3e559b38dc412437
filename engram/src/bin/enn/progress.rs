//! Progress bars (indicatif) for the training loop: one bar per epoch with the running loss and
//! the throughput, replaced by a one-line summary when the epoch ends.

use std::time::Instant;

use engram::train::{EpochRecord, ModelName, TaskKind, TrainObserver};
use indicatif::{ProgressBar, ProgressStyle};

/// Draws the bars of one model's run on standard error. Bars hide themselves when standard
/// error is not a terminal; the summary lines go through the logger either way.
pub struct EpochProgress {
    model: ModelName,
    task: TaskKind,
    bar: Option<ProgressBar>,
    started: Instant,
    examples: usize,
    loss_sum: f64,
    steps: usize,
}

impl EpochProgress {
    /// Progress for `model` on a task of kind `task`.
    pub fn new(model: ModelName, task: TaskKind) -> Self {
        EpochProgress {
            model,
            task,
            bar: None,
            started: Instant::now(),
            examples: 0,
            loss_sum: 0.0,
            steps: 0,
        }
    }
}

impl TrainObserver for EpochProgress {
    fn epoch_started(&mut self, epoch: usize, epochs: usize, first_step: usize, steps: usize) {
        let bar = ProgressBar::new(steps as u64);
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} steps, {elapsed_precise} < {eta_precise}  {msg}",
        )
        .expect("the progress template is valid")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(format!("{} epoch {epoch}/{epochs}", self.model));
        bar.set_position(first_step.saturating_sub(1) as u64);
        self.bar = Some(bar);
        self.started = Instant::now();
        self.examples = 0;
        self.loss_sum = 0.0;
        self.steps = 0;
    }

    fn step_finished(&mut self, _step: usize, loss: f64, examples: usize) {
        self.examples += examples;
        self.loss_sum += loss;
        self.steps += 1;
        if let Some(bar) = &self.bar {
            let seconds = self.started.elapsed().as_secs_f64().max(1e-9);
            let unit = match self.task {
                TaskKind::Classification => "examples/s",
                TaskKind::LanguageModel => "tokens/s",
            };
            bar.set_message(format!(
                "loss {:.4}, {:.0} {unit}",
                self.loss_sum / self.steps as f64,
                self.examples as f64 / seconds
            ));
            bar.inc(1);
        }
    }

    fn epoch_finished(&mut self, record: &EpochRecord) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let metric = match (self.task, record.eval_accuracy, record.eval_perplexity) {
            (TaskKind::Classification, Some(accuracy), _) => {
                format!("eval accuracy {:.2}%", 100.0 * accuracy)
            }
            (TaskKind::LanguageModel, _, Some(perplexity)) => {
                format!("eval perplexity {perplexity:.1}")
            }
            _ => "no evaluation metric".to_owned(),
        };
        let throughput = record.train_examples as f64 / record.train_seconds.max(1e-9);
        let unit = match self.task {
            TaskKind::Classification => "examples/s",
            TaskKind::LanguageModel => "tokens/s",
        };
        log::info!(
            "{} epoch {}: train loss {:.4}, eval loss {:.4}, {metric}, training {:.1} s \
             ({:.0} {unit}), {:.1} s with evaluation",
            self.model,
            record.epoch,
            record.train_loss,
            record.eval_loss,
            record.train_seconds,
            throughput,
            record.wall_seconds
        );
    }
}
