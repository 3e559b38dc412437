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
