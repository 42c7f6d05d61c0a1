//! What the platform sends to you: data pushes (4.2, signed) and SMS pushes (3.5.6, unsigned).
//! Verify the raw body exactly as received, and answer `PUSH_ACK` within 5 seconds. The types
//! (`Push`, `PushContent`, `SmsPush`, `PushOptions`) and their defaults are the core's.

use std::sync::Arc;

use cardboss::{ErrorKind, Push, PushGuardOptions, PushOptions, PushReply, SmsPush};
use napi::bindgen_prelude::{Buffer, Either, PromiseRaw};
use napi::{Env, Result};
use napi_derive::napi;

use crate::error::{spawn, sync};

/// The body a push receiver must answer with (`"success"`).
#[napi]
pub const PUSH_ACK: &str = cardboss::PUSH_ACK;

/// The largest push body accepted, in bytes (a larger one is refused as `PUSH_REJECTED`).
#[napi]
pub const MAX_PUSH_BODY: u32 = cardboss::push::MAX_PUSH_BODY as u32;

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
                inner: Arc::new(ticket),
            })
        })
    }
}

/// A push whose id is claimed as in flight: `commit()` it once handled, `release()` it when
/// handling failed, or `finish(handled)` for the reply to answer. Used once: a second commit or
/// release rejects with `INVALID_INPUT`. A ticket collected while open releases its id.
#[napi]
pub struct PushTicket {
    inner: Arc<cardboss::PushTicket>,
}

#[napi]
impl PushTicket {
    /// The verified push.
    #[napi(getter)]
    pub fn push(&self) -> Push {
        self.inner.push().clone()
    }

    /// True until the ticket is committed or released.
    #[napi(getter)]
    pub fn is_open(&self) -> bool {
        self.inner.is_open()
    }

    /// Marks the id handled: its replays reject with `PUSH_REPLAY`.
    #[napi(ts_return_type = "Promise<Push>")]
    pub fn commit<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Push>> {
        let ticket = self.inner.clone();
        spawn(env, async move { ticket.commit().await })
    }

    /// Forgets the id, so the platform's retry is accepted.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn release<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
        let ticket = self.inner.clone();
        spawn(env, async move { ticket.release().await })
    }

    /// Ends the ticket once the handler ran and resolves with what to answer: `handled` commits
    /// (`success`, or 503 when the store could not record it); otherwise the id is released
    /// (500: the platform's retry is handled again). Never rejects for the store's sake.
    #[napi(ts_return_type = "Promise<PushReply>")]
    pub fn finish<'env>(
        &self,
        env: &'env Env,
        handled: bool,
    ) -> Result<PromiseRaw<'env, PushReply>> {
        let ticket = self.inner.clone();
        spawn(env, async move { Ok(ticket.finish(handled).await) })
    }
}

/// What a receiver answers for an error of the guard or the verification, from its `kind` and
/// `message` (a `CardbossError`'s): a replay is acknowledged again (`success`, with `reason`),
/// `push_rejected` is 400, `push_in_flight` 409, `store_unavailable` (and a timeout) 503,
/// anything else 500. The core decides; `guard.receive` uses it.
#[napi]
pub fn push_reply(env: Env, kind: String, reason: String) -> Result<PushReply> {
    sync(&env, || {
        let kind = ErrorKind::from_name(&kind).unwrap_or(ErrorKind::Internal);
        Ok(PushReply::for_kind(kind, reason))
    })
}

/// What a receiver answers for a push it handled now: HTTP 200 `success`.
#[napi]
pub fn push_ack() -> PushReply {
    PushReply::ack()
}
