//! The `enn` binary end to end on the synthetic associative-recall task with tiny models: the
//! embedded comparison, `train` then `eval`, `--resume` equivalence, and a NaN stop.

mod cli_common;

use cli_common::{enn_in, epoch_figures, path_arg, read_json, stderr, stdout, train_tiny};

const TINY_DEFAULT: [&str; 10] = [
    "--default-train-examples",
    "64",
    "--default-eval-examples",
    "32",
    "--default-epochs",
    "1",
    "--default-hidden",
    "8",
    "--default-memory",
    "4",
];

#[test]
fn default_run_prints_table_without_files() {
    let cwd = tempfile::tempdir().unwrap();
    let output = enn_in(&TINY_DEFAULT, cwd.path());

    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    assert!(
        table.contains("| model | trainable parameters |"),
        "{table}"
    );
    for model in ["enn", "lstm", "gru", "rnn"] {
        assert!(
            table.contains(&format!("| {model} |")),
            "{model} missing:\n{table}"
        );
    }
    assert_eq!(
        std::fs::read_dir(cwd.path()).unwrap().count(),
        0,
        "no files may be written"
    );
}

#[test]
fn default_run_writes_results_when_asked() {
    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("results");
    let mut args = TINY_DEFAULT.to_vec();
    args.extend(["--default-out", path_arg(&out)]);
    let output = enn_in(&args, cwd.path());

    assert!(output.status.success(), "{}", stderr(&output));
    let results = read_json(&out.join("results.json"));
    let runs = results["runs"].as_array().unwrap();
    let names: Vec<&str> = runs.iter().map(|r| r["model"].as_str().unwrap()).collect();
    assert_eq!(names, ["enn", "lstm", "gru", "rnn"]);
    for run in runs {
        assert_eq!(run["epochs"].as_array().unwrap().len(), 1);
        assert!(run["trainable_parameters"].as_u64().unwrap() > 0);
    }
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4, "{csv}");
    let png = std::fs::read(out.join("learning_curves.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(out
        .join("enn")
        .join("memory")
        .join("memory_stats.json")
        .is_file());
}

#[test]
fn train_then_eval_reproduces_accuracy() {
    let out = tempfile::tempdir().unwrap();
    let output = train_tiny("gru", out.path(), "2", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let checkpoint = out.path().join("checkpoint.safetensors");
    assert!(checkpoint.is_file());
    let figures = epoch_figures(&read_json(&out.path().join("results.json")));
    assert_eq!(figures.len(), 2);
    assert!(stdout(&output).contains("| gru |"));

    let output = enn_in(
        &[
            "eval",
            "--checkpoint",
            path_arg(&checkpoint),
            "--limit-eval",
            "64",
            "--batch-size",
            "32",
        ],
        out.path(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    // The evaluation set is generated from the same seed, so the figure is the last epoch's.
    let expected = format!("accuracy {:.2}%", 100.0 * figures[1][2]);
    assert!(
        stdout(&output).contains(&expected),
        "expected {expected}: {}",
        stdout(&output)
    );
}

/// Trains `model` for two epochs straight, and for one epoch then one resumed epoch, and
/// checks that both runs report the same figures.
fn assert_resume_matches(model: &str) {
    let straight = tempfile::tempdir().unwrap();
    let output = train_tiny(model, straight.path(), "2", &[]);
    assert!(output.status.success(), "{}", stderr(&output));

    let split = tempfile::tempdir().unwrap();
    let first = train_tiny(model, split.path(), "1", &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let resumed = train_tiny(model, split.path(), "2", &["--resume"]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));

    let expected = epoch_figures(&read_json(&straight.path().join("results.json")));
    let found = epoch_figures(&read_json(&split.path().join("results.json")));
    assert_eq!(found, expected, "model {model}");
}

#[test]
fn resume_reaches_uninterrupted_result() {
    assert_resume_matches("gru");
}

#[test]
fn resume_enn_reaches_uninterrupted_result() {
    // The ENN draws dropout masks, initial states and trace noise while training.
    assert_resume_matches("enn");
}

#[test]
fn absurd_learning_rate_stops_and_keeps_checkpoint() {
    let out = tempfile::tempdir().unwrap();
    let good = train_tiny("lstm", out.path(), "1", &[]);
    assert!(good.status.success(), "{}", stderr(&good));
    let checkpoint = out.path().join("checkpoint.safetensors");
    let before = std::fs::read(&checkpoint).unwrap();

    let output = train_tiny(
        "lstm",
        out.path(),
        "3",
        &["--resume", "--lr", "1e38", "--clip-norm", "0"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let errors: Vec<String> = stderr(&output)
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_owned)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("epoch 2, step"), "{}", errors[0]);
    assert!(
        errors[0].contains("last good checkpoint was kept"),
        "{}",
        errors[0]
    );
    assert_eq!(
        std::fs::read(&checkpoint).unwrap(),
        before,
        "the checkpoint must be unchanged"
    );
}
