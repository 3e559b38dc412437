//! `enn`: train, compare and inspect the Engram Neural Network and its RNN, GRU and LSTM
//! baselines.
//!
//! `cli.rs` defines the options, `commands.rs` runs them on top of `engram::train`, and
//! `progress.rs` draws the progress bars. Errors end the program with one line on standard error
//! and exit status 1; `--help` and invalid options exit through clap (status 2 for invalid ones).

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logger();

    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            log::debug!("run failed: {error:?}");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Sets up `env_logger`: `RUST_LOG` picks the level, `info` when unset. Messages go to standard
/// error without timestamps, so that they read as part of the tool's output.
fn init_logger() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .format_timestamp(None)
        .format_target(false)
        .init();
}
