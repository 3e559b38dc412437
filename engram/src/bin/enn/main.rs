//! `enn`: train, compare and inspect the Engram Neural Network and its RNN, GRU and LSTM
//! baselines.
//!
//! `cli.rs` defines the options, `commands.rs` runs training and comparisons on top of
//! `engram::train`, `inspect.rs` evaluates checkpoints and draws their memory, and `progress.rs`
//! draws the progress bars. Errors end the program with one line on standard error and exit
//! status 1 (130 after Ctrl-C); invalid options exit through clap with status 2.

mod cli;
mod commands;
mod inspect;
mod progress;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::Parser;
use engram::train::TrainError;

// Training allocates and frees many buffers of 100-200 KB per step. The system allocator
// returns such blocks to the kernel and takes page faults to get them back, while mimalloc
// keeps them, which made training steps 5-45 % faster (BENCHMARKS.md, "Training steps").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logger();
    let stop = install_interrupt_handler();

    // Worker threads spin between the many small parallel products of a training step
    // instead of sleeping (see `tensor::threads`); `TENSOR_SPIN_WAIT=0` turns this off.
    let outcome = tensor::threads::with_spinning_workers(|| commands::run(cli, &stop));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            log::debug!("run failed: {error:?}");
            eprintln!("error: {error}");
            match error {
                TrainError::Interrupted { .. } => ExitCode::from(130),
                _ => ExitCode::FAILURE,
            }
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

/// Makes the first Ctrl-C set the returned flag, which the training loop checks after every
/// step; a second Ctrl-C exits at once with status 130.
fn install_interrupt_handler() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let installed = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nstopping after the current step (press Ctrl-C again to quit at once)");
    });
    if let Err(error) = installed {
        log::warn!("Ctrl-C will end the run without a checkpoint: {error}");
    }
    stop
}
