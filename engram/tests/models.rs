//! The model API: parameter counts, the factory, output shapes and memory snapshots.

use autodiff::Tape;
use engram::models::{build_model, ModelConfig, ModelKind, Task};
use engram::network::{EnnLayer, EnnOutput};
use engram::EngramConfig;
use nn::ModuleExt;
use rand::rngs::StdRng;
use rand::SeedableRng;
use tensor::Tensor;

#[test]
fn mnist_enn_parameter_count() {
    // encoder 28*128 + 128 = 3,712; two layer norms 2 * 2 * 128 = 512; memory 64 * 128 = 8,192;
    // integrator 384 * 384 + 384 = 147,840; output 384 * 128 + 128 = 49,280; head 128 * 10 + 10
    // = 1,290. The ENN layer has 209,536; the Keras layer reports 217,728 because it also
    // counts its initial trace (64 * 128 = 8,192), which it never reads.
    let model = build_model(ModelKind::Enn, &ModelConfig::mnist()).unwrap();
    assert_eq!(model.num_params(), 210_826);
    let layer: EnnLayer<f32> = EnnLayer::new(
        &EngramConfig::default(),
        EnnOutput::Last,
        &mut StdRng::seed_from_u64(0),
    )
    .unwrap();
    assert_eq!(layer.num_params(), 209_536);
    assert_eq!(layer.num_params() + 64 * 128, 217_728);
}

#[test]
fn parameter_names_are_hierarchical() {
    let model = build_model(ModelKind::Enn, &ModelConfig::mnist()).unwrap();
    let names: Vec<String> = model.named_params().into_iter().map(|(n, _)| n).collect();
    for expected in [
        "enn.encoder.weight",
        "enn.memory",
        "enn.integrator.bias",
        "enn.output_norm.weight",
        "head.weight",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
}

#[test]
fn factory_parses_names() {
    assert_eq!("ENN".parse::<ModelKind>().unwrap(), ModelKind::Enn);
    assert_eq!("lstm".parse::<ModelKind>().unwrap(), ModelKind::Lstm);
    let err = "transformer".parse::<ModelKind>().unwrap_err();
    assert!(err.to_string().contains("transformer"), "{err}");
}

fn small_config(task: Task) -> ModelConfig {
    ModelConfig {
        task,
        enn: EngramConfig::new(5, 8, 4).unwrap(),
        attention_pooling: false,
        baseline_hidden: (8, 6),
        seed: 1,
    }
}

#[test]
fn classifiers_output_logits() {
    let input = Tensor::rand_normal(&[3, 7, 5], 0.0, 1.0, &mut StdRng::seed_from_u64(2)).unwrap();
    for kind in ModelKind::ALL {
        let model = build_model(kind, &small_config(Task::Classification { classes: 4 })).unwrap();
        let tape = Tape::new();
        let logits = model.forward(&tape, &tape.constant(input.clone())).unwrap();
        assert_eq!(logits.shape(), &[3, 4], "{kind}");
        assert_eq!(model.kind(), kind);
        assert!(logits.value().iter().all(f32::is_finite), "{kind}");
    }
}

#[test]
fn attention_pooling_classifier_outputs_logits() {
    let config = ModelConfig {
        attention_pooling: true,
        ..small_config(Task::Classification { classes: 4 })
    };
    let model = build_model(ModelKind::Enn, &config).unwrap();
    let names: Vec<String> = model.named_params().into_iter().map(|(n, _)| n).collect();
    assert!(names.iter().any(|n| n == "enn.pool.weight"), "{names:?}");
    let tape = Tape::new();
    let input = tape.constant(Tensor::ones(&[2, 3, 5]));
    assert_eq!(model.forward(&tape, &input).unwrap().shape(), &[2, 4]);
}

#[test]
fn language_models_output_logits() {
    let ids = Tensor::from_vec(vec![0.0, 3.0, 9.0, 1.0, 2.0, 2.0], &[2, 3]).unwrap();
    for embedding_dim in [Some(6), None] {
        let task = Task::LanguageModel {
            vocabulary: 10,
            embedding_dim,
        };
        for kind in ModelKind::ALL {
            let model = build_model(kind, &small_config(task)).unwrap();
            let tape = Tape::new();
            let logits = model.forward(&tape, &tape.constant(ids.clone())).unwrap();
            assert_eq!(logits.shape(), &[2, 3, 10], "{kind} {embedding_dim:?}");
            // Gradients reach the embedding table through the ENN encoder.
            if embedding_dim.is_some() {
                let grads = tape.backward(&logits.sum(&[], false).unwrap()).unwrap();
                let (_, table) = &model.named_params()[0];
                let grad = grads.get_key(table.key()).expect("embedding gradient");
                assert!(
                    grad.iter().any(|g| g != 0.0),
                    "{kind}: zero embedding gradient"
                );
            }
        }
    }
}

#[test]
fn wrong_input_width_is_an_error() {
    let model = build_model(
        ModelKind::Enn,
        &small_config(Task::Classification { classes: 4 }),
    )
    .unwrap();
    let tape = Tape::new();
    let err = model
        .forward(&tape, &tape.constant(Tensor::ones(&[2, 3, 6])))
        .unwrap_err();
    assert!(
        err.to_string().contains("[batch >= 1, time >= 1, 5]"),
        "{err}"
    );
}

#[test]
fn memory_snapshot_only_for_enn() {
    let input = Tensor::rand_normal(&[3, 7, 5], 0.0, 1.0, &mut StdRng::seed_from_u64(2)).unwrap();
    for kind in ModelKind::ALL {
        let model = build_model(kind, &small_config(Task::Classification { classes: 4 })).unwrap();
        let snapshot = model.memory_snapshot(&input).unwrap();
        match kind {
            ModelKind::Enn => {
                let snapshot = snapshot.expect("the ENN has a memory");
                assert_eq!(snapshot.trace.shape(), &[4, 8]);
                assert_eq!(snapshot.attention.shape(), &[3, 7, 4]);
            }
            _ => assert!(snapshot.is_none(), "{kind} has no engram memory"),
        }
    }
}

#[test]
fn same_seed_same_logits() {
    let config = small_config(Task::Classification { classes: 4 });
    let input = Tensor::ones(&[2, 3, 5]);
    let run = || {
        let mut model = build_model(ModelKind::Enn, &config).unwrap();
        model.eval();
        let tape = Tape::new();
        model
            .forward(&tape, &tape.constant(input.clone()))
            .unwrap()
            .value()
            .to_vec()
    };
    assert_eq!(run(), run());
}
