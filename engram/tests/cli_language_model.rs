//! The `enn` binary on a tiny WikiText-style corpus written to a temporary directory, and the
//! wording of a few errors: a missing checkpoint, and MNIST with only its test files.

mod cli_common;

use std::path::Path;

use cli_common::{enn, error_lines, path_arg};
use serde_json::Value;

/// Writes `train.txt`, `valid.txt` and `test.txt`: a few hundred tokens of a small vocabulary.
fn write_corpus(dir: &Path) {
    let words = [
        "the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "far",
    ];
    let mut line = String::new();
    for i in 0..60 {
        line.push_str(words[(i * 7 + i / 3) % words.len()]);
        line.push(' ');
    }
    let text = format!("{line}\n{line}\n{line}\n");
    for split in ["train", "valid", "test"] {
        std::fs::write(dir.join(format!("{split}.txt")), &text).unwrap();
    }
}

/// Trains an LSTM language model for one epoch with `extra` options and returns results.json.
fn train_lm(data: &Path, out: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "train",
        "--model",
        "lstm",
        "--dataset",
        "wikitext2",
        "--data-dir",
        path_arg(data),
        "--train-split",
        "valid",
        "--epochs",
        "1",
        "--batch-size",
        "4",
        "--bptt",
        "6",
        "--hidden",
        "8",
        "--out",
        path_arg(out),
    ];
    args.extend_from_slice(extra);
    let output = enn(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = std::fs::read_to_string(out.join("results.json")).unwrap();
    serde_json::from_str(&json).unwrap()
}

fn first_epoch(results: &Value) -> &Value {
    &results["runs"][0]["epochs"][0]
}

#[test]
fn language_model_trains_and_evaluates() {
    let data = tempfile::tempdir().unwrap();
    write_corpus(data.path());
    let out = tempfile::tempdir().unwrap();

    let results = train_lm(data.path(), out.path(), &[]);
    let epoch = first_epoch(&results);
    let perplexity = epoch["eval_perplexity"].as_f64().unwrap();
    assert!(perplexity.is_finite(), "{perplexity}");
    assert!(perplexity > 1.0, "{perplexity}");
    assert_eq!(results["settings"]["token_input"], "embedding");

    // `enn eval` finds the data directory and the split in the checkpoint.
    let checkpoint = out.path().join("checkpoint.safetensors");
    let output = enn(&[
        "eval",
        "--checkpoint",
        path_arg(&checkpoint),
        "--batch-size",
        "4",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("perplexity"), "{printed}");
}

#[test]
fn token_index_input_has_no_embedding() {
    let data = tempfile::tempdir().unwrap();
    write_corpus(data.path());
    let embedded_out = tempfile::tempdir().unwrap();
    let index_out = tempfile::tempdir().unwrap();

    let embedded = train_lm(data.path(), embedded_out.path(), &[]);
    let index = train_lm(data.path(), index_out.path(), &["--token-input", "index"]);
    assert_eq!(index["settings"]["token_input"], "index");
    let perplexity = first_epoch(&index)["eval_perplexity"].as_f64().unwrap();
    assert!(perplexity.is_finite(), "{perplexity}");

    // With vocabulary V and h = 8, the embedding adds V * h weights and widens the LSTM's input
    // weight from [4h, 1] to [4h, h]: the difference is V * h + 4h * (h - 1) = 8 V + 224.
    let count = |results: &Value| results["runs"][0]["trainable_parameters"].as_u64().unwrap();
    let difference = count(&embedded) - count(&index);
    assert!(difference > 224, "{difference}");
    assert_eq!((difference - 224) % 8, 0, "{difference}");
}

#[test]
fn missing_checkpoint_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing.safetensors");
    let output = enn(&["eval", "--checkpoint", path_arg(&missing)]);

    assert_eq!(output.status.code(), Some(1));
    let errors = error_lines(&output);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("failed to read checkpoint"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("nothing.safetensors"), "{}", errors[0]);
    assert!(!errors[0].contains("load_safetensors"), "{}", errors[0]);
}

/// Writes a valid MNIST test split of two blank images.
fn write_mnist_test_split(dir: &Path) {
    let count = 2u32;
    let mut images = Vec::new();
    for header in [0x0803u32, count, 28, 28] {
        images.extend_from_slice(&header.to_be_bytes());
    }
    images.resize(images.len() + 2 * 28 * 28, 0);
    let mut labels = Vec::new();
    for header in [0x0801u32, count] {
        labels.extend_from_slice(&header.to_be_bytes());
    }
    labels.extend_from_slice(&[3, 7]);
    std::fs::write(dir.join("t10k-images-idx3-ubyte"), images).unwrap();
    std::fs::write(dir.join("t10k-labels-idx1-ubyte"), labels).unwrap();
}

#[test]
fn mnist_with_only_test_split_suggests_it() {
    let data = tempfile::tempdir().unwrap();
    write_mnist_test_split(data.path());
    let out = tempfile::tempdir().unwrap();
    let output = enn(&[
        "train",
        "--model",
        "rnn",
        "--dataset",
        "mnist",
        "--data-dir",
        path_arg(data.path()),
        "--out",
        path_arg(out.path()),
    ]);

    assert_eq!(output.status.code(), Some(1));
    let errors = error_lines(&output);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("error: mnist: file not found"),
        "{}",
        errors[0]
    );
    assert!(!errors[0].contains("MNIST:"), "{}", errors[0]);
    assert!(errors[0].contains("--train-split test"), "{}", errors[0]);
}
