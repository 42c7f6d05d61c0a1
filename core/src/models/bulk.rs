//! What a bulk run (`Client::bulk`) reports: one outcome per card, and the counts of the run.
//! Not a spec endpoint: the SDK's own loop over the 3.4 operations (card/stoptest,
//! card/foractive, card/stopkeep, card/switchnet, card/pkg/renew).
//!
//! Flat records on purpose: every language gets the same fields without a sum type to map.

use serde::{Deserialize, Serialize};

/// How an operation on one card ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "napi", napi_derive::napi(string_enum = "snake_case"))]
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    /// Applied: the platform said so, or reading the card back proved it.
    Done,
    /// The platform refused it (`code`, `msg`, `detail`); nothing was applied.
    Refused,
    /// It may or may not have been applied (no answer, an internal error): `note` says what to
    /// check, `observed_msstatus` what the card showed when read back.
    Unknown,
    /// Already in the target state (`check_state`); nothing was sent.
    Skipped,
    /// Never sent: a dry run, a cancel, the deadline, an open cooldown (`note` says which).
    NotAttempted,
}

impl OutcomeStatus {
    /// A final outcome is not tried again when a run is repeated with the same journal.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OutcomeStatus::Done | OutcomeStatus::Refused | OutcomeStatus::Skipped
        )
    }
}

/// One card's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
#[non_exhaustive]
pub struct BulkOutcome {
    /// The card as it was given (msisdn or iccid).
    pub card: String,
    pub status: OutcomeStatus,
    /// The refusal's platform code (or the carrier's, for 1099), when refused or unknown.
    pub code: Option<String>,
    pub msg: Option<String>,
    pub detail: Option<String>,
    /// `msstatus` (card/detail) when the card was read back: reconciliation or `check_state`.
    pub observed_msstatus: Option<i64>,
    /// Why, in words: what a dry run would send, why it was not attempted, what to check.
    pub note: Option<String>,
    /// A renewal's order id.
    pub orderid: Option<String>,
    /// Requests sent for this card's operation in this run (0: none).
    #[serde(default)]
    pub attempts: i64,
    /// The outcome was settled by reading the card back after an unknown answer.
    #[serde(default)]
    pub reconciled: bool,
}

/// No card, not attempted: the record whose keys a binding's constructor takes (Python's
/// `BulkOutcome(card=..., status=...)`, which must name both).
impl Default for BulkOutcome {
    fn default() -> Self {
        BulkOutcome::new("", OutcomeStatus::NotAttempted)
    }
}

impl BulkOutcome {
    pub(crate) fn new(card: &str, status: OutcomeStatus) -> Self {
        BulkOutcome {
            card: card.to_string(),
            status,
            code: None,
            msg: None,
            detail: None,
            observed_msstatus: None,
            note: None,
            orderid: None,
            attempts: 0,
            reconciled: false,
        }
    }

    pub(crate) fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// The counts of a run, and every card's outcome in the order they were settled.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
// Missing fields take their default: a Python fixture names only what it needs.
#[serde(default)]
#[non_exhaustive]
pub struct BulkReport {
    /// The operation's name (`suspend`, `renew`, …).
    pub op: String,
    pub cards: i64,
    pub done: i64,
    pub refused: i64,
    pub unknown: i64,
    pub skipped: i64,
    pub not_attempted: i64,
    /// Unknown answers settled by reading the card back (counted in `done`).
    pub reconciled: i64,
    /// Cards taken from the journal of an earlier run with a final outcome (not sent again).
    pub from_journal: i64,
    /// Cards put back in the queue after a refusal that proves nothing was applied (carrier
    /// cooldown 13009/13010, 1030, HTTP 429, a connection that never opened).
    pub rescheduled: i64,
    /// Times the run slowed down because the platform said it was too fast.
    pub slowdowns: i64,
    /// HTTP requests sent: every attempt of the operations and of the card reads (a read is a
    /// GET and may be retried).
    pub requests: i64,
    /// Why the run stopped early (cancel, deadline, authentication, journal), if it did.
    pub stopped: Option<String>,
    pub outcomes: Vec<BulkOutcome>,
}

impl BulkReport {
    /// Every card ended done or skipped.
    pub fn all_done(&self) -> bool {
        self.done + self.skipped == self.cards
    }

    pub(crate) fn add(&mut self, outcome: BulkOutcome) {
        match outcome.status {
            OutcomeStatus::Done => self.done += 1,
            OutcomeStatus::Refused => self.refused += 1,
            OutcomeStatus::Unknown => self.unknown += 1,
            OutcomeStatus::Skipped => self.skipped += 1,
            OutcomeStatus::NotAttempted => self.not_attempted += 1,
        }
        if outcome.reconciled {
            self.reconciled += 1;
        }
        self.outcomes.push(outcome);
    }
}
