//! Helpers shared by the tests that run the `enn` binary: running it and reading its output.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// Runs `enn` with `args` in the test's working directory, logging errors only.
pub fn enn(args: &[&str]) -> Output {
    run(args, None, "error")
}

/// Runs `enn` with `args` in `cwd`, logging warnings too.
pub fn enn_in(args: &[&str], cwd: &Path) -> Output {
    run(args, Some(cwd), "warn")
}

fn run(args: &[&str], cwd: Option<&Path>, log_level: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_enn"));
    command.args(args).env("RUST_LOG", log_level);
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    command.output().expect("the enn binary runs")
}

/// Returns standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Returns standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Returns the lines of standard error that start with `error:`.
pub fn error_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.starts_with("error:"))
        .map(str::to_owned)
        .collect()
}

/// Returns a temporary path as a command-line argument.
pub fn path_arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// Reads a JSON file the binary wrote.
pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// Runs `train` on a small associative-recall set with a tiny model in `out`; `extra` adds
/// options.
pub fn train_tiny(model: &str, out: &Path, epochs: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "train",
        "--model",
        model,
        "--dataset",
        "assoc-recall",
        "--limit-train",
        "256",
        "--limit-eval",
        "64",
        "--batch-size",
        "32",
        "--hidden",
        "16",
        "--memory",
        "8",
        "--seed",
        "7",
        "--epochs",
        epochs,
        "--out",
        path_arg(out),
    ];
    args.extend_from_slice(extra);
    enn_in(&args, out)
}

/// Returns `[train_loss, eval_loss, eval_accuracy]` of every epoch of the first run.
pub fn epoch_figures(results: &Value) -> Vec<[f64; 3]> {
    results["runs"][0]["epochs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            [
                e["train_loss"].as_f64().unwrap(),
                e["eval_loss"].as_f64().unwrap(),
                e["eval_accuracy"].as_f64().unwrap(),
            ]
        })
        .collect()
}
