//! What the platform sends to you: signed data pushes (4.2) and SMS pushes (3.5.6).

use std::sync::Arc;
use std::time::Duration;

use cardboss::{Push, PushOptions, SmsPush};

use crate::error::{guard, Result};

/// Verifies a data push body (JSON or form-encoded) against the apikey and parses its `data`
/// (OD1002 renewal result, OD1010 usage warnings). `options` null: signature only, UTC+8.
#[uniffi::export(default(options = None))]
pub fn verify_push(body: Vec<u8>, apikey: String, options: Option<PushOptions>) -> Result<Push> {
    guard(|| cardboss::verify_push(&body, &apikey, &options.unwrap_or_default()))
}

/// Parses an SMS push (`P0001` delivery reports, `P0002` replies); they carry no signature.
#[uniffi::export]
pub fn parse_sms_push(body: Vec<u8>) -> Result<SmsPush> {
    guard(|| cardboss::parse_sms_push(&body))
}

/// The options `verifyPush` uses when given none: signature only, the platform's UTC+8. Copy
/// and change it (`defaultPushOptions().copy(expectedSid = "10043", maxAgeMs = 600_000)`).
#[uniffi::export]
pub fn default_push_options() -> PushOptions {
    PushOptions::default()
}

/// The body a push receiver answers with (`success`), within 5 seconds.
#[uniffi::export]
pub fn push_ack() -> String {
    cardboss::PUSH_ACK.to_string()
}

/// Verifies pushes and refuses replays: remembers the ids of recent pushes. Thread-safe; share
/// one per receiver.
#[derive(Debug, uniffi::Object)]
pub struct PushGuard {
    inner: cardboss::PushGuard,
}

#[uniffi::export]
impl PushGuard {
    /// Remembers the ids of the last 24 hours, at most 100 000 of them (the core's defaults).
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(PushGuard {
            inner: cardboss::PushGuard::default(),
        })
    }

    /// Remembers at most `capacity` ids, each for `ttl_secs`.
    #[uniffi::constructor]
    pub fn with_limits(capacity: u64, ttl_secs: u64) -> Arc<Self> {
        let capacity = usize::try_from(capacity).unwrap_or(usize::MAX);
        Arc::new(PushGuard {
            inner: cardboss::PushGuard::new(capacity, Duration::from_secs(ttl_secs)),
        })
    }

    /// Verifies the push like `verifyPush`, then refuses it if its id was seen within the ttl.
    #[uniffi::method(default(options = None))]
    pub fn verify(
        &self,
        body: Vec<u8>,
        apikey: String,
        options: Option<PushOptions>,
    ) -> Result<Push> {
        guard(|| {
            self.inner
                .verify(&body, &apikey, &options.unwrap_or_default())
        })
    }

    /// Records `id`; refuses it (`PushRejected`) when already recorded.
    pub fn check_id(&self, id: String) -> Result<()> {
        guard(|| self.inner.check_id(&id))
    }
}
