//! Training resumes exactly from a checkpoint of model, optimizer and metadata, and a
//! checkpoint that does not fit the model is rejected without changing it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use autodiff::Tape;
use nn::{
    cross_entropy, load_checkpoint, save_checkpoint, Adam, AdamConfig, Gru, GruConfig, Linear,
    LinearConfig,
};
use nn::{Module, ModuleExt, Optimizer, RecurrentOutput, Sequential};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tensor::Tensor;

fn model(seed: u64, hidden: usize) -> Sequential<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    let config = GruConfig {
        input_size: 3,
        hidden_size: hidden,
        output: RecurrentOutput::Last,
        ..Default::default()
    };
    Sequential::new()
        .with(Gru::new(&config, &mut rng).unwrap())
        .with(
            Linear::new(
                &LinearConfig {
                    in_features: hidden,
                    out_features: 4,
                    ..Default::default()
                },
                &mut rng,
            )
            .unwrap(),
        )
}

/// Batch `step` of a fixed synthetic task: 6 sequences of 5 steps, labels from the first value.
fn batch(step: u64) -> (Tensor<f32>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(100 + step);
    let x: Vec<f32> = (0..6 * 5 * 3).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let y = x
        .chunks(15)
        .map(|s| ((s[0] + 1.0) * 2.0) as usize % 4)
        .collect();
    (Tensor::from_vec(x, &[6, 5, 3]).unwrap(), y)
}

fn train(model: &mut Sequential<f32>, optimizer: &mut Adam<f32>, steps: std::ops::Range<u64>) {
    let tape = Tape::new();
    for step in steps {
        let (x, y) = batch(step);
        let logits = model.forward(&tape, &tape.constant(x)).unwrap();
        let loss = cross_entropy(&logits, &y, &Default::default()).unwrap();
        let grads = tape.backward(&loss).unwrap();
        optimizer.step(&mut model.param_grads(&grads)).unwrap();
        tape.clear();
    }
}

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

#[test]
fn resumed_training_matches_uninterrupted() {
    let config = AdamConfig {
        lr: 0.01,
        ..Default::default()
    };
    let mut straight = model(1, 8);
    let mut straight_opt = Adam::new(config).unwrap();
    train(&mut straight, &mut straight_opt, 0..10);

    let mut first = model(1, 8);
    let mut first_opt = Adam::new(config).unwrap();
    train(&mut first, &mut first_opt, 0..4);
    let file = path("nn_resume.safetensors");
    save_checkpoint(
        &file,
        &first,
        &first_opt,
        &BTreeMap::from([("step".to_string(), 4.0)]),
    )
    .unwrap();

    // A fresh process would build the model from another seed; the checkpoint overrides it.
    let mut resumed = model(99, 8);
    let mut resumed_opt = Adam::new(AdamConfig { lr: 0.5, ..config }).unwrap();
    let meta = load_checkpoint(&file, &mut resumed, &mut resumed_opt).unwrap();
    assert_eq!(meta["step"], 4.0);
    assert_eq!(resumed_opt.learning_rate(), 0.01);
    train(&mut resumed, &mut resumed_opt, 4..10);

    for ((name, a), (_, b)) in straight.named_params().iter().zip(resumed.named_params()) {
        assert_eq!(
            a.value().to_vec(),
            b.value().to_vec(),
            "{name} differs after resuming"
        );
    }
}

#[test]
fn wrong_shape_checkpoint_changes_nothing() {
    let source = model(1, 8);
    let source_opt = Adam::<f32>::new(AdamConfig::default()).unwrap();
    let file = path("nn_wrong_shape.safetensors");
    save_checkpoint(&file, &source, &source_opt, &BTreeMap::new()).unwrap();

    let mut target = model(2, 6);
    let before = target.state_dict();
    let mut target_opt = Adam::<f32>::new(AdamConfig::default()).unwrap();
    let err = load_checkpoint(&file, &mut target, &mut target_opt).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("parameter `0.weight_hh_l0` has shape [18, 6] in the model but [24, 8] in the checkpoint"), "{message}");
    assert!(
        message.contains("parameter `1.weight` has shape [4, 6] in the model but [4, 8]"),
        "{message}"
    );
    for ((name, a), (_, b)) in before.tensors.iter().zip(target.state_dict().tensors) {
        assert_eq!(a.to_vec(), b.to_vec(), "{name} changed");
    }
}
