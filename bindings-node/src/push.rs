//! What the platform sends to you: data pushes (4.2, signed) and SMS pushes (3.5.6, unsigned).
//! Verify the raw body exactly as received, and answer `PUSH_ACK` within 5 seconds. The types
//! (`Push`, `PushContent`, `SmsPush`, `PushOptions`) and their defaults are the core's.

use cardboss::{Push, PushOptions, SmsPush};
use napi::bindgen_prelude::{Buffer, Either};
use napi::{Env, Result};
use napi_derive::napi;

use crate::error::sync;

/// The body a push receiver must answer with (`"success"`).
#[napi]
pub const PUSH_ACK: &str = cardboss::PUSH_ACK;

fn bytes(body: &Either<String, Buffer>) -> &[u8] {
    match body {
        Either::A(text) => text.as_bytes(),
        Either::B(buffer) => buffer,
    }
}

/// Verifies a data push body (JSON or form-encoded, as received: pass the raw body) with the
/// account's apikey and parses its `data`. Throws `PUSH_REJECTED` when forged, for another
/// account (`expectedSid`) or too old (`maxAgeMs`).
#[napi]
pub fn verify_push(
    env: Env,
    body: Either<String, Buffer>,
    apikey: String,
    options: Option<PushOptions>,
) -> Result<Push> {
    sync(&env, || {
        cardboss::verify_push(bytes(&body), &apikey, &options.unwrap_or_default())
    })
}

/// Parses an SMS push body (`{"type":"P0001"|"P0002","data":"[...]"}`); these are not signed.
#[napi]
pub fn parse_sms_push(env: Env, body: Either<String, Buffer>) -> Result<SmsPush> {
    sync(&env, || cardboss::parse_sms_push(bytes(&body)))
}

/// Verifies pushes and refuses replays: remembers the ids of recent pushes. Keep one per
/// receiver.
#[napi]
pub struct PushGuard {
    inner: cardboss::PushGuard,
}

#[napi]
impl PushGuard {
    /// Remembers at most `capacity` ids, each for `ttlMs` (the core's defaults when left out).
    #[napi(constructor)]
    pub fn new(env: Env, capacity: Option<i64>, ttl_ms: Option<i64>) -> Result<Self> {
        let inner = sync(&env, || cardboss::PushGuard::with_options(capacity, ttl_ms))?;
        Ok(PushGuard { inner })
    }

    /// `verifyPush`, then refuses the push (`PUSH_REJECTED`) if its id was seen within the ttl.
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        body: Either<String, Buffer>,
        apikey: String,
        options: Option<PushOptions>,
    ) -> Result<Push> {
        sync(&env, || {
            self.inner
                .verify(bytes(&body), &apikey, &options.unwrap_or_default())
        })
    }

    /// Records `id`; throws `PUSH_REJECTED` when it was already recorded (a replay).
    #[napi]
    pub fn check_id(&self, env: Env, id: String) -> Result<()> {
        sync(&env, || self.inner.check_id(&id))
    }
}
