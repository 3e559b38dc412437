//! The `enn` binary on missing and malformed data: one clear error line, a non-zero exit status
//! and no result files.

mod cli_common;

use cli_common::{enn, error_lines, path_arg};

#[test]
fn missing_data_dir_names_path_and_package() {
    let out = tempfile::tempdir().unwrap();
    let missing = out.path().join("no-such-dir");
    let output = enn(&[
        "train",
        "--model",
        "gru",
        "--dataset",
        "fashion-mnist",
        "--data-dir",
        path_arg(&missing),
        "--out",
        path_arg(out.path()),
    ]);

    assert_eq!(output.status.code(), Some(1));
    let errors = error_lines(&output);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("no-such-dir"), "{}", errors[0]);
    assert!(
        errors[0].contains("apt-get install dataset-fashion-mnist"),
        "{}",
        errors[0]
    );
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "no files may be written"
    );
}

#[test]
fn corrupt_idx_file_is_reported() {
    let data = tempfile::tempdir().unwrap();
    // An IDX file starts with two zero bytes; this one does not.
    std::fs::write(
        data.path().join("t10k-images-idx3-ubyte"),
        b"\x12\x34\x08\x03garbage",
    )
    .unwrap();
    std::fs::write(
        data.path().join("t10k-labels-idx1-ubyte"),
        b"\x00\x00\x08\x01",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = enn(&[
        "bench",
        "--models",
        "rnn",
        "--dataset",
        "mnist",
        "--data-dir",
        path_arg(data.path()),
        "--train-split",
        "test",
        "--holdout",
        "0.2",
        "--out",
        path_arg(out.path()),
    ]);

    assert_eq!(output.status.code(), Some(1));
    let errors = error_lines(&output);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("t10k-images-idx3-ubyte"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("magic"), "{}", errors[0]);
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "no files may be written"
    );
}

#[test]
fn missing_file_lists_accepted_names() {
    let data = tempfile::tempdir().unwrap();
    let output = enn(&[
        "train",
        "--model",
        "lstm",
        "--dataset",
        "wikitext2",
        "--data-dir",
        path_arg(data.path()),
        "--train-split",
        "valid",
    ]);

    assert_eq!(output.status.code(), Some(1));
    let errors = error_lines(&output);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("wiki.valid.tokens"), "{}", errors[0]);
}

#[test]
fn invalid_holdout_is_rejected() {
    let output = enn(&["train", "--model", "enn", "--holdout", "1.5"]);
    assert_eq!(output.status.code(), Some(1));
    let errors = error_lines(&output);
    assert!(errors[0].contains("--holdout"), "{errors:?}");
}

#[test]
fn unknown_model_exits_with_usage_error() {
    let output = enn(&["train", "--model", "transformer"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("possible values"));
}

#[test]
fn help_shows_units_and_defaults() {
    let output = enn(&["train", "--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "[default: 128]",
        "[default: 0.001]",
        "[default: 64]",
        "Adam learning rate",
        "global L2 norm",
    ] {
        assert!(help.contains(expected), "help lacks {expected:?}:\n{help}");
    }
}
