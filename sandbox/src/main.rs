//! `cardboss-sandbox`: prints one JSON ready line on stdout, logs to stderr.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = cardboss_sandbox::Args::parse();
    match cardboss_sandbox::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cardboss-sandbox: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
