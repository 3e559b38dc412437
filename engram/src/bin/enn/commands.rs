//! Runs each `enn` command on top of `engram::train`.

use engram::train::{Result, TrainError};

use crate::cli::{Cli, Command};

/// Runs the command that `cli` selects.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        None => Err(unavailable("the embedded comparison")),
        Some(Command::Train(_)) => Err(unavailable("enn train")),
        Some(Command::Bench(_)) => Err(unavailable("enn bench")),
        Some(Command::Eval(_)) => Err(unavailable("enn eval")),
        Some(Command::Trace(_)) => Err(unavailable("enn trace")),
    }
}

fn unavailable(what: &str) -> TrainError {
    TrainError::Unavailable {
        what: what.to_owned(),
        reason: "this build has no models yet".to_owned(),
    }
}
