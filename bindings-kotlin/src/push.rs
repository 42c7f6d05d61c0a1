//! What the platform sends to you: signed data pushes (4.2) and SMS pushes (3.5.6).

use std::sync::Arc;

use cardboss::{ErrorInfo, Push, PushGuardOptions, PushOptions, PushReply, SmsPush};

use crate::error::{guard, guarded, CardBossError, Result};

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
        Ok(Arc::new(PushTicket { ticket }))
    }
}

/// A push whose id is claimed as in flight: end it with `finish(handled)` (or `commit()` /
/// `release()`). Used once: a second commit or release is `InvalidInput`. Closing (or
/// collecting) an open ticket releases the id.
#[derive(Debug, uniffi::Object)]
pub struct PushTicket {
    ticket: cardboss::PushTicket,
}

#[uniffi::export(async_runtime = "tokio")]
impl PushTicket {
    /// The verified push (still readable once the ticket is used).
    pub fn push(&self) -> Push {
        self.ticket.push().clone()
    }

    /// True until the ticket is committed or released.
    pub fn is_open(&self) -> bool {
        self.ticket.is_open()
    }

    /// Marks the id handled: its replays are refused as `PushReplay`.
    pub async fn commit(&self) -> Result<Push> {
        guarded(self.ticket.commit()).await
    }

    /// Forgets the id, so the platform's retry is accepted.
    pub async fn release(&self) -> Result<()> {
        guarded(self.ticket.release()).await
    }

    /// Ends the ticket as a receiver does once its handler ran, and says what to answer:
    /// `handled` commits (`success`, or 503 when the store could not record it), otherwise the
    /// id is released (500: the platform's retry will be handled). Never throws.
    pub async fn finish(&self, handled: bool) -> PushReply {
        guarded(async { Ok::<_, CardBossError>(self.ticket.finish(handled).await) })
            .await
            .unwrap_or_else(|e| push_reply_for(e.info()))
    }
}

/// What a push receiver answers when `PushGuard.begin` (or `verifyPush`) threw `error`'s
/// info: a replay is acknowledged again (`success`), a rejected push 400, one in flight
/// elsewhere 409, a store that could not say 503, anything else 500. The core decides.
#[uniffi::export]
pub fn push_reply_for(error: ErrorInfo) -> PushReply {
    PushReply::for_kind(error.kind, error.message)
}

/// The acknowledgement (`success` with 200): what a receiver answers a push it handled (an SMS
/// push, which has no guard).
#[uniffi::export]
pub fn push_reply_ack() -> PushReply {
    PushReply::ack()
}

/// True for the acknowledgement (`success` with 200), which stops the platform's retries.
#[uniffi::export]
pub fn push_reply_acknowledged(reply: PushReply) -> bool {
    reply.acknowledged()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cardboss::Error;

    #[test]
    fn a_refusal_is_answered_from_its_info_as_the_core_answers_the_error() {
        let errors = [
            Error::PushReplay { id: "m1".into() },
            Error::PushInFlight { id: "m1".into() },
            Error::PushRejected {
                reason: "sign does not match".into(),
            },
            Error::StoreUnavailable {
                store: "redis://127.0.0.1:1/0".into(),
                reason: "refused".into(),
            },
            Error::Internal {
                message: "boom".into(),
            },
        ];
        for e in errors {
            let info = CardBossError::from(e.clone()).info();
            assert_eq!(push_reply_for(info), PushReply::for_error(&e), "{e:?}");
        }
        assert!(push_reply_acknowledged(push_reply_ack()));
    }
}
