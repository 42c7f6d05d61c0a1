//! `cardboss`: the CardBOSS command line.
//!
//! Exit codes: 0 success, 1 the platform refused / the network failed / a push did not verify,
//! 2 usage error (bad flags, bad ids, missing credentials: nothing was sent); `bulk` adds 3 some
//! cards refused, 4 some unknown, 5 some not attempted, 130 interrupted.

mod args;
mod commands;
mod failure;
mod output;
mod settings;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::failure::{CliError, EXIT_OK, EXIT_USAGE};

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `cardboss sandbox …` takes the sandbox's own flags (some share names with ours).
    if argv.get(1).is_some_and(|a| a == "sandbox") {
        let rest = argv[2..]
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        return finish(runtime().and_then(|rt| rt.block_on(commands::sandbox::run(rest))));
    }
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let result = commands::Ctx::new(&cli.global).and_then(|ctx| {
        let rt = runtime()?;
        let command = cli.command;
        if let Command::Sandbox(args) = command {
            return rt.block_on(commands::sandbox::run(args.args));
        }
        rt.block_on(commands::run(&ctx, command))
    });
    finish(result)
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| failure::failed(format!("cannot start the async runtime: {e}")))
}

fn finish(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::from(EXIT_OK),
        Err(CliError::BrokenPipe) => ExitCode::from(EXIT_OK),
        Err(e) => {
            eprintln!("{}", e.line());
            ExitCode::from(e.exit_code())
        }
    }
}
