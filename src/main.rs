//! The `auditpack` binary: parse arguments, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("auditpack: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
