//! `cardboss sandbox [flags]`: the sandbox server in the foreground, with `cardboss-sandbox`'s
//! own flags (`--port1 0 --port2 0 --cards N --style example|table --push-url …`).

use clap::Parser;

use crate::failure::{failed, usage, CliResult};

pub async fn run(args: Vec<String>) -> CliResult {
    let argv = std::iter::once("cardboss sandbox".to_string()).chain(args);
    let args = match cardboss_sandbox::Args::try_parse_from(argv) {
        Ok(a) => a,
        Err(e) if !e.use_stderr() => {
            // --help / --version
            print!("{e}");
            return Ok(());
        }
        Err(e) => {
            return Err(usage(
                e.to_string()
                    .lines()
                    .next()
                    .unwrap_or("bad sandbox flags")
                    .trim_start_matches("error: "),
            ))
        }
    };
    cardboss_sandbox::run(args)
        .await
        .map_err(|e| failed(format!("sandbox: {e}")))
}
