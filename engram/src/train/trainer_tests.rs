//! Tests of the training loop with a small linear model: logits = mean over time of x, times W,
//! plus b. It learns the associative-recall task only a little, which is enough to check
//! resume equivalence, interruption, checkpoints and NaN handling.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use autodiff::{Tape, Var};
use rand::rngs::StdRng;
use rand::Rng;
use rand::SeedableRng;
use tensor::Tensor;

use super::*;

struct LinearProbe {
    weight: Tensor<f32>,
    bias: Tensor<f32>,
}

const WEIGHT_KEY: u64 = 0xfeed_0001;
const BIAS_KEY: u64 = 0xfeed_0002;

impl LinearProbe {
    fn new(spec: &ModelSpec) -> Self {
        let mut rng = StdRng::seed_from_u64(spec.seed);
        let values = (0..spec.input_features * spec.num_classes)
            .map(|_| rng.gen_range(-0.1f32..0.1))
            .collect();
        LinearProbe {
            weight: Tensor::from_vec(values, &[spec.input_features, spec.num_classes]).unwrap(),
            bias: Tensor::zeros(&[spec.num_classes]),
        }
    }
}

impl TrainModel for LinearProbe {
    fn forward(&self, tape: &Tape<f32>, input: &Var<f32>) -> Result<Var<f32>> {
        let weight = tape.leaf_keyed(WEIGHT_KEY, &self.weight);
        let bias = tape.leaf_keyed(BIAS_KEY, &self.bias);
        let pooled = input.mean(&[1], false)?;
        Ok(pooled.matmul(&weight)?.add(&bias)?)
    }

    fn parameters_mut(&mut self) -> Vec<ParamSlot<'_>> {
        vec![
            ParamSlot {
                name: "bias".into(),
                key: BIAS_KEY,
                value: &mut self.bias,
            },
            ParamSlot {
                name: "weight".into(),
                key: WEIGHT_KEY,
                value: &mut self.weight,
            },
        ]
    }
}

fn task() -> (TaskData, ModelSpec) {
    let mut options = DataOptions::new(DatasetName::AssocRecall);
    options.limit_train = Some(96);
    options.limit_eval = Some(32);
    let data = load_data(&options).unwrap();
    let spec = ModelSpec {
        model: ModelName::Rnn,
        task: TaskKind::Classification,
        input_features: data.input_features(),
        num_classes: data.num_classes(),
        hidden: 4,
        memory: 2,
        seed: 3,
        token_input: TokenInputKind::Embedding,
    };
    (data, spec)
}

fn settings(dir: &std::path::Path, epochs: usize) -> TrainSettings {
    TrainSettings {
        epochs,
        batch_size: 32,
        lr: 0.05,
        clip_norm: 1.0,
        seed: 11,
        bptt: 35,
        checkpoint: Some(dir.join("checkpoint.safetensors")),
        resume: false,
        monitor_dir: None,
        data_dir: None,
        train_split: "train".to_owned(),
        device: tensor::Device::Cpu,
    }
}

fn run(
    settings: &TrainSettings,
    stop: &AtomicBool,
) -> (TrainOutcome, BTreeMap<String, Tensor<f32>>) {
    let (data, spec) = task();
    let mut model = LinearProbe::new(&spec);
    let outcome = train_model(
        &mut model,
        &spec,
        DatasetName::AssocRecall,
        &data,
        settings,
        &mut SilentObserver,
        stop,
    )
    .unwrap();
    let params = model.parameters();
    (outcome, params)
}

fn train_losses(run: &ModelRun) -> Vec<f64> {
    run.epochs.iter().map(|e| e.train_loss).collect()
}

#[test]
fn training_lowers_loss_and_writes_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let (outcome, _) = run(&settings(dir.path(), 4), &AtomicBool::new(false));
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(outcome.run.status, RunStatus::Completed);
    assert_eq!(outcome.run.epochs.len(), 4);
    // 17 x 8 weights + 8 biases.
    assert_eq!(outcome.run.trainable_parameters, 17 * 8 + 8);
    let losses = train_losses(&outcome.run);
    assert!(losses[3] < losses[0], "losses {losses:?}");

    let loaded = load_checkpoint(&dir.path().join("checkpoint.safetensors")).unwrap();
    assert_eq!(loaded.state.epochs_done, 4);
    assert_eq!(loaded.state.history, outcome.run.epochs);
}

#[test]
fn resume_matches_uninterrupted_run() {
    let straight_dir = tempfile::tempdir().unwrap();
    let (straight, straight_params) =
        run(&settings(straight_dir.path(), 3), &AtomicBool::new(false));

    let dir = tempfile::tempdir().unwrap();
    let (first, _) = run(&settings(dir.path(), 1), &AtomicBool::new(false));
    assert_eq!(first.run.epochs.len(), 1);
    let mut resumed_settings = settings(dir.path(), 3);
    resumed_settings.resume = true;
    let (resumed, resumed_params) = run(&resumed_settings, &AtomicBool::new(false));

    assert_eq!(train_losses(&resumed.run), train_losses(&straight.run));
    for (name, value) in &straight_params {
        assert_eq!(
            value.to_vec(),
            resumed_params[name].to_vec(),
            "parameter {name}"
        );
    }
}

#[test]
fn interrupt_saves_and_resumes_mid_epoch() {
    let straight_dir = tempfile::tempdir().unwrap();
    let (straight, straight_params) =
        run(&settings(straight_dir.path(), 2), &AtomicBool::new(false));

    let dir = tempfile::tempdir().unwrap();
    // The flag is already set, so the run stops after its first step.
    let (interrupted, _) = run(&settings(dir.path(), 2), &AtomicBool::new(true));
    assert_eq!(interrupted.run.status, RunStatus::Interrupted);
    assert!(interrupted.run.epochs.is_empty());
    let loaded = load_checkpoint(&dir.path().join("checkpoint.safetensors")).unwrap();
    assert_eq!(
        (loaded.state.epochs_done, loaded.state.partial.steps),
        (0, 1)
    );

    let mut resumed_settings = settings(dir.path(), 2);
    resumed_settings.resume = true;
    let (resumed, resumed_params) = run(&resumed_settings, &AtomicBool::new(false));
    assert_eq!(resumed.run.status, RunStatus::Completed);
    assert_eq!(train_losses(&resumed.run), train_losses(&straight.run));
    for (name, value) in &straight_params {
        assert_eq!(
            value.to_vec(),
            resumed_params[name].to_vec(),
            "parameter {name}"
        );
    }
}

#[test]
fn absurd_learning_rate_stops_with_epoch_and_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checkpoint.safetensors");
    let (good, _) = run(&settings(dir.path(), 1), &AtomicBool::new(false));
    assert_eq!(good.run.status, RunStatus::Completed);
    let before = std::fs::read(&path).unwrap();

    // Adam moves each weight by about lr per step, so 3e38 overflows f32 (largest value about
    // 3.4e38) at the second step and the third step's loss is not finite; epoch 2 has 3 steps.
    let mut bad = settings(dir.path(), 3);
    bad.resume = true;
    bad.lr = 3e38;
    bad.clip_norm = 0.0;
    let (outcome, _) = run(&bad, &AtomicBool::new(false));
    let error = outcome.error.expect("the run must fail");
    let message = error.to_string();
    assert!(
        matches!(
            error,
            TrainError::NonFiniteLoss { epoch: 2, .. }
                | TrainError::NonFiniteGradient { epoch: 2, .. }
        ),
        "{message}"
    );
    assert!(message.contains("epoch 2, step"), "{message}");
    assert!(matches!(outcome.run.status, RunStatus::Failed(_)));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the good checkpoint must be kept"
    );
}

#[test]
fn resume_rejects_other_model() {
    let dir = tempfile::tempdir().unwrap();
    run(&settings(dir.path(), 1), &AtomicBool::new(false));
    let (data, mut spec) = task();
    spec.hidden = 5;
    let mut model = LinearProbe::new(&spec);
    let mut resumed = settings(dir.path(), 2);
    resumed.resume = true;
    let error = train_model(
        &mut model,
        &spec,
        DatasetName::AssocRecall,
        &data,
        &resumed,
        &mut SilentObserver,
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(error.to_string().contains("different run"), "{error}");
}
