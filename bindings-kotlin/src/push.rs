//! What the platform sends to you: signed data pushes (4.2) and SMS pushes (3.5.6).

use std::sync::{Arc, Mutex};

use cardboss::{Push, PushGuardOptions, PushOptions, SmsPush};

use crate::error::{guard, guarded, Result};

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

/// The body a push receiver answers with (`success`), within 5 seconds.
#[uniffi::export]
pub fn push_ack() -> String {
    cardboss::PUSH_ACK.to_string()
}

/// Refuses replays in two phases, so a failed handler never loses an event: `begin` verifies
/// the push and claims its id as in flight; `commit()` the ticket once handled, `release()` it
/// when handling failed (the platform's retry is then accepted). With `store = "redis://…"`
/// every worker shares it.
#[derive(Debug, uniffi::Object)]
pub struct PushGuard {
    inner: Arc<cardboss::PushGuard>,
}

#[uniffi::export(async_runtime = "tokio")]
impl PushGuard {
    /// A guard as `options` describe it (null fields: the core's defaults: memory, 100 000 ids,
    /// 24 hours); a bad store URL, a capacity below 1 or a negative duration is refused.
    #[uniffi::constructor(default(options = None))]
    pub fn new(options: Option<PushGuardOptions>) -> Result<Arc<Self>> {
        guard(|| {
            cardboss::PushGuard::open(&options.unwrap_or_default()).map(|inner| {
                Arc::new(PushGuard {
                    inner: Arc::new(inner),
                })
            })
        })
    }

    /// Verifies the push and claims its id: `PushReplay` (handled already: answer success),
    /// `PushInFlight`, `StoreUnavailable` or `PushRejected`.
    #[uniffi::method(default(options = None))]
    pub async fn begin(
        &self,
        body: Vec<u8>,
        apikey: String,
        options: Option<PushOptions>,
    ) -> Result<Arc<PushTicket>> {
        let ticket = guarded(
            self.inner
                .begin(&body, &apikey, &options.unwrap_or_default()),
        )
        .await?;
        Ok(Arc::new(PushTicket {
            ticket: Mutex::new(Some(ticket)),
        }))
    }
}

/// A push whose id is claimed as in flight.
#[derive(Debug, uniffi::Object)]
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

#[uniffi::export(async_runtime = "tokio")]
impl PushTicket {
    /// The verified push (null once committed or released).
    pub fn push(&self) -> Option<Push> {
        let ticket = self.ticket.lock().unwrap_or_else(|p| p.into_inner());
        ticket.as_ref().map(|t| t.push().clone())
    }

    /// Marks the id handled: its replays are refused as `PushReplay`.
    pub async fn commit(&self) -> Result<Push> {
        let ticket = self.take();
        guarded(async move { ticket?.commit().await }).await
    }

    /// Forgets the id, so the platform's retry is accepted.
    pub async fn release(&self) -> Result<()> {
        let ticket = self.take();
        guarded(async move { ticket?.release().await }).await
    }
}
