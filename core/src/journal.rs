//! The journal of a bulk run: an append-only JSONL file, so that a run killed at any point can
//! be repeated without applying an operation twice and without forgetting a card.
//!
//! Before each request a line records the intent; after it a line records the outcome (or that
//! the card goes back in the queue, nothing applied). Each line is flushed and fsynced before
//! the run goes on, so an intent is on disk before its request leaves. Replaying the file gives,
//! per card, its last line: an outcome that is final (done, refused, skipped) is kept and the
//! card is not sent again; an intent with no outcome after it, or an unknown outcome, means the
//! operation may have been applied, and the run settles it by reading the card back first; a
//! card whose last line says "back in the queue" or "not attempted" is simply done again.
//!
//! Written by hand rather than with a library: it is 100 lines of serde_json over `std::fs`, and
//! the one property that matters (fsync before the request) is easier to see here than to
//! configure elsewhere. A torn last line (a crash in the middle of a write) is dropped. One run
//! at a time holds the file's lock: two runs on one journal would both send the cards neither
//! has finished.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::models::BulkOutcome;

const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Line {
    /// First line: the operation the journal belongs to.
    Header {
        v: u32,
        op: String,
    },
    /// A request for `card` is about to be sent.
    Intent {
        card: String,
    },
    /// The request was refused in a way that proves nothing was applied; the card is queued
    /// again.
    Requeued {
        card: String,
        reason: String,
    },
    Outcome {
        outcome: BulkOutcome,
    },
}

/// What an earlier run left for a card.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Earlier {
    /// A final outcome: not sent again.
    Final(BulkOutcome),
    /// May have been applied: read the card back before anything else.
    Unsettled,
}

/// An open journal, shared by the run's tasks.
#[derive(Clone)]
pub(crate) struct Journal {
    file: Arc<Mutex<File>>,
    path: PathBuf,
}

impl Journal {
    /// Opens (or creates) the journal of `op` at `path`, and replays what an earlier run wrote.
    /// A journal of another operation is refused.
    pub fn open(path: &Path, op: &str) -> Result<(Journal, HashMap<String, Earlier>)> {
        let invalid = |reason: String| Error::invalid("journal", reason);
        let shown = path.display();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| invalid(format!("cannot write {shown}: {e}")))?;
        // One run per journal: two at once would both send the cards neither has finished.
        // The lock goes with the file, when the run and its last request are over.
        file.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => invalid(format!(
                "{shown} is in use by another run (its lock is held); wait for it to end"
            )),
            std::fs::TryLockError::Error(e) => invalid(format!("cannot lock {shown}: {e}")),
        })?;
        let mut earlier = HashMap::new();
        let mut has_header = false;
        let text = std::fs::read_to_string(path)
            .map_err(|e| invalid(format!("cannot read {shown}: {e}")))?;
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let entry = match serde_json::from_str::<Line>(line) {
                Ok(entry) => entry,
                // What a crash in the middle of a write leaves.
                Err(_) if n + 1 == lines.len() => continue,
                Err(e) => {
                    return Err(invalid(format!(
                        "{shown} line {} is not a journal line ({e})",
                        n + 1
                    )))
                }
            };
            match entry {
                Line::Header { v, op: theirs } => {
                    if v != VERSION || theirs != op {
                        return Err(invalid(format!(
                            "{shown} is the journal of {theirs:?} (version {v}), not of {op:?}"
                        )));
                    }
                    has_header = true;
                }
                _ if !has_header => {
                    return Err(invalid(format!(
                        "{shown} line {} comes before the journal's header",
                        n + 1
                    )))
                }
                Line::Intent { card } => {
                    earlier.insert(card, Earlier::Unsettled);
                }
                Line::Requeued { card, .. } => {
                    earlier.remove(&card);
                }
                Line::Outcome { outcome } => {
                    if outcome.status.is_final() {
                        earlier.insert(outcome.card.clone(), Earlier::Final(outcome));
                    } else if outcome.status == crate::models::OutcomeStatus::Unknown {
                        earlier.insert(outcome.card.clone(), Earlier::Unsettled);
                    } else {
                        earlier.remove(&outcome.card);
                    }
                }
            }
        }
        if !has_header && !text.trim().is_empty() && !text.starts_with(r#"{"kind":"header""#) {
            // Not a file this code wrote (a torn header is the only line that may be missing).
            return Err(invalid(format!("{shown} exists and is not a journal")));
        }
        if !text.ends_with('\n') {
            // Drop the torn line, so the next one starts on its own: it said nothing that
            // reached the disk whole.
            let whole = text.rfind('\n').map_or(0, |i| i + 1);
            file.set_len(whole as u64)
                .map_err(|e| invalid(format!("cannot write {shown}: {e}")))?;
        }
        let journal = Journal {
            file: Arc::new(Mutex::new(file)),
            path: path.to_path_buf(),
        };
        if !has_header {
            journal.write(&Line::Header {
                v: VERSION,
                op: op.to_string(),
            })?;
        }
        Ok((journal, earlier))
    }

    pub async fn intent(&self, card: &str) -> Result<()> {
        self.write_async(Line::Intent {
            card: card.to_string(),
        })
        .await
    }

    pub async fn requeued(&self, card: &str, reason: &str) -> Result<()> {
        self.write_async(Line::Requeued {
            card: card.to_string(),
            reason: reason.to_string(),
        })
        .await
    }

    pub async fn outcome(&self, outcome: &BulkOutcome) -> Result<()> {
        self.write_async(Line::Outcome {
            outcome: outcome.clone(),
        })
        .await
    }

    /// Writes on a blocking thread: an fsync takes milliseconds, the runtime must not wait.
    async fn write_async(&self, line: Line) -> Result<()> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || me.write(&line))
            .await
            .map_err(|e| Error::Internal {
                message: format!("journal writer: {e}"),
            })?
    }

    fn write(&self, line: &Line) -> Result<()> {
        let mut text = serde_json::to_string(line).map_err(|e| Error::Internal {
            message: format!("journal line: {e}"),
        })?;
        text.push('\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| {
                Error::invalid(
                    "journal",
                    format!("cannot write {}: {e}", self.path.display()),
                )
            })
    }
}
