//! What can go wrong in a command, its exit code, and the one line printed on stderr.

use std::sync::OnceLock;

/// Exit code of a successful command.
pub const EXIT_OK: u8 = 0;
/// The platform refused, the network failed, or a push did not verify.
pub const EXIT_FAILED: u8 = 1;
/// The command line or its input was wrong; nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// A bulk run: some cards were refused (nothing applied to them).
pub const EXIT_REFUSED: u8 = 3;
/// A bulk run: some cards are unknown (may or may not be applied); wins over [`EXIT_REFUSED`].
pub const EXIT_UNKNOWN: u8 = 4;
/// A bulk run: some cards were not attempted (deadline, open cooldown, the run stopped).
pub const EXIT_INCOMPLETE: u8 = 5;
/// A bulk run interrupted by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(Debug)]
pub enum CliError {
    /// An SDK error: platform refusals, network failures, invalid input found by the core.
    Sdk(Box<cardboss::Error>),
    /// A usage error found by the CLI itself (missing credentials, unknown file type, …).
    Usage(String),
    /// Anything else that failed at run time (files, the embedded sandbox, the demo).
    Failed(String),
    /// stdout was closed (`cardboss cards list --all | head`): stop quietly.
    BrokenPipe,
    /// A bulk run that printed its report but did not end with every card done: its exit
    /// code, a label (`REFUSED`, `UNKNOWN`, …) and the counts.
    Bulk {
        code: u8,
        label: &'static str,
        msg: String,
    },
}

pub type CliResult<T = ()> = Result<T, CliError>;

impl From<cardboss::Error> for CliError {
    fn from(e: cardboss::Error) -> Self {
        CliError::Sdk(Box::new(e))
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return CliError::BrokenPipe;
        }
        CliError::Failed(e.to_string())
    }
}

impl From<csv::Error> for CliError {
    fn from(e: csv::Error) -> Self {
        CliError::Failed(format!("CSV: {e}"))
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        CliError::Failed(format!("JSON: {e}"))
    }
}

pub fn usage(msg: impl Into<String>) -> CliError {
    CliError::Usage(msg.into())
}

pub fn failed(msg: impl Into<String>) -> CliError {
    CliError::Failed(msg.into())
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            CliError::Sdk(e) if matches!(**e, cardboss::Error::InvalidInput { .. }) => EXIT_USAGE,
            CliError::Sdk(_) | CliError::Failed(_) => EXIT_FAILED,
            CliError::BrokenPipe => EXIT_OK,
            CliError::Bulk { code, .. } => *code,
        }
    }

    /// `error [CODE]: message` on one line, the apikey (if known) masked.
    pub fn line(&self) -> String {
        let text = match self {
            CliError::Sdk(e) => {
                let mut text = format!("error [{}]: {e}", e.code());
                if let (Some(secs), cardboss::Error::RateLimited { .. }) =
                    (e.retry_after_secs(), &**e)
                {
                    text.push_str(&format!(" (retry in {secs} s)"));
                }
                if let Some(carrier) = e.failure().and_then(|f| f.carrier_code.as_deref()) {
                    if !text.contains(carrier) {
                        text.push_str(&format!(" [carrier {carrier}]"));
                    }
                }
                text
            }
            CliError::Usage(msg) => format!("error [USAGE]: {msg}"),
            CliError::Failed(msg) => format!("error [FAILED]: {msg}"),
            CliError::BrokenPipe => String::new(),
            CliError::Bulk { label, msg, .. } => format!("error [{label}]: {msg}"),
        };
        redact(&one_line(&text))
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

static SECRET: OnceLock<String> = OnceLock::new();

/// Remembers the apikey so that nothing the CLI prints can contain it.
pub fn set_secret(apikey: &str) {
    if !apikey.is_empty() {
        let _ = SECRET.set(apikey.to_string());
    }
}

/// Masks the apikey in `text` (defence in depth: the SDK never puts it in a message).
pub fn redact(text: &str) -> String {
    match SECRET.get() {
        Some(key) if text.contains(key.as_str()) => text.replace(key.as_str(), "<redacted>"),
        _ => text.to_string(),
    }
}
