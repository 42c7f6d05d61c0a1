//! What the platform sends to you: data pushes (4.2, signed) and SMS pushes (3.5.6, unsigned).
//! Verify the raw body exactly as received, and answer `PUSH_ACK` within 5 seconds. The types
//! (`Push`, `PushContent`, `SmsPush`, `PushOptions`) and their defaults are the core's.

use std::sync::{Arc, Mutex};

use cardboss::{Push, PushGuardOptions, PushOptions, SmsPush};
use napi::bindgen_prelude::{Buffer, Either, PromiseRaw};
use napi::{Env, Result};
use napi_derive::napi;

use crate::error::{spawn, sync};

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

/// Refuses replays in two phases, so a failed handler never loses an event: `begin` verifies
/// the push and claims its id as in flight; `commit()` the ticket once handled, `release()` it
/// when handling failed (the platform's retry is then accepted). Keep one per receiver; with
/// `store: 'redis://…'` every worker shares it.
#[napi]
pub struct PushGuard {
    inner: Arc<cardboss::PushGuard>,
}

#[napi]
impl PushGuard {
    /// `store`, `capacity`, `ttlMs`, `inFlightMs`: the core's defaults when left out.
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<PushGuardOptions>) -> Result<Self> {
        let inner = sync(&env, || {
            cardboss::PushGuard::open(&options.unwrap_or_default())
        })?;
        Ok(PushGuard {
            inner: Arc::new(inner),
        })
    }

    /// Verifies the push and claims its id. Rejects with `PUSH_REPLAY` (handled already:
    /// answer success), `PUSH_IN_FLIGHT`, `STORE_UNAVAILABLE` or `PUSH_REJECTED`.
    #[napi(ts_return_type = "Promise<PushTicket>")]
    pub fn begin<'env>(
        &self,
        env: &'env Env,
        body: Either<String, Buffer>,
        apikey: String,
        options: Option<PushOptions>,
    ) -> Result<PromiseRaw<'env, PushTicket>> {
        let (inner, body) = (self.inner.clone(), bytes(&body).to_vec());
        spawn(env, async move {
            let ticket = inner
                .begin(&body, &apikey, &options.unwrap_or_default())
                .await?;
            Ok(PushTicket {
                ticket: Mutex::new(Some(ticket)),
            })
        })
    }
}

/// A push whose id is claimed as in flight.
#[napi]
pub struct PushTicket {
    ticket: Mutex<Option<cardboss::PushTicket>>,
}

impl PushTicket {
    fn take(&self) -> cardboss::Result<cardboss::PushTicket> {
        self.ticket
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| cardboss::Error::InvalidInput {
                field: "ticket".into(),
                reason: "was already committed or released".into(),
            })
    }
}

#[napi]
impl PushTicket {
    /// The verified push (null once committed or released).
    #[napi(getter)]
    pub fn push(&self) -> Option<Push> {
        let ticket = self.ticket.lock().unwrap_or_else(|p| p.into_inner());
        ticket.as_ref().map(|t| t.push().clone())
    }

    /// Marks the id handled: its replays reject with `PUSH_REPLAY`.
    #[napi(ts_return_type = "Promise<Push>")]
    pub fn commit<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Push>> {
        let ticket = self.take();
        spawn(env, async move { ticket?.commit().await })
    }

    /// Forgets the id, so the platform's retry is accepted.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn release<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
        let ticket = self.take();
        spawn(env, async move { ticket?.release().await })
    }
}
