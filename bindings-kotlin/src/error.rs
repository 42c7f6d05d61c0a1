//! `CardBossError` → Kotlin's sealed `CardBossException` (Swift: `CardBossError`).
//!
//! Every variant carries `code`, `msg` and `detail` first, so each subclass has them as
//! properties (the hand-written `CardBoss.kt` lifts them onto the sealed base class). The values
//! come from the core's own accessors (`code()`, `failure()`, `retry_after_secs()`, …): nothing
//! is classified here. A Rust panic caught at the boundary becomes `Internal`.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};

use futures::FutureExt;

use cardboss::Error;

/// Every failure of the SDK. `code` is the platform's code for server refusals (`"1005"`,
/// `"1080"`, carrier-shaped `"12144"`) and a word for local failures (`INVALID_INPUT`,
/// `COOLDOWN`, `TIMEOUT`, `TRANSPORT`, `HTTP`, `DECODE`, `PUSH_REJECTED`, `INTERNAL`). `msg` is
/// the server's message or our description; `detail` the server's detail ("" when none).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum CardBossError {
    /// The server refused the request with a platform code not covered below.
    #[error("{endpoint} answered {code}: {msg}{}", suffix(detail))]
    Api {
        code: String,
        msg: String,
        detail: String,
        endpoint: String,
        http_status: u16,
        /// The upstream carrier's code, when the refusal came from the carrier.
        carrier_code: Option<String>,
        /// The `result` object some failures still carry (a failed renewal does), as JSON text.
        result: Option<String>,
        /// A POST refused with an internal error (1090–1092) may still have been applied.
        outcome_unknown: bool,
    },
    /// Account disabled (1001), signature rejected (1005) or IP not allowed (1006).
    #[error(
        "authentication failed: {endpoint} answered {code}: {msg}{}",
        suffix(detail)
    )]
    Auth {
        code: String,
        msg: String,
        detail: String,
        endpoint: String,
        http_status: u16,
    },
    /// Too fast: 1030, or the carrier's refusal to repeat an operation on a card (13009, 13010).
    #[error("rate limited: {endpoint} answered {code}: {msg}{}", suffix(detail))]
    RateLimited {
        code: String,
        msg: String,
        detail: String,
        endpoint: String,
        http_status: u16,
        carrier_code: Option<String>,
        retry_after_secs: Option<u64>,
    },
    /// Bad input, found before anything was sent.
    #[error("{msg}")]
    InvalidInput {
        code: String,
        msg: String,
        detail: String,
        field: String,
        reason: String,
    },
    /// The client's cooldown guard refused a repeat of a lifecycle operation on the same card.
    #[error("{msg}")]
    Cooldown {
        code: String,
        msg: String,
        detail: String,
        endpoint: String,
        card: String,
        retry_after_secs: u64,
    },
    /// No answer within the timeout. `outcome_unknown`: a POST may have been applied.
    #[error("{msg}")]
    Timeout {
        code: String,
        msg: String,
        detail: String,
        endpoint: String,
        outcome_unknown: bool,
    },
    /// Connection failed or broke.
    #[error("{msg}")]
    Transport {
        code: String,
        msg: String,
        detail: String,
        endpoint: String,
        outcome_unknown: bool,
    },
    /// A non-2xx answer whose body is not a CardBOSS envelope.
    #[error("{msg}")]
    Http {
        code: String,
        msg: String,
        detail: String,
        endpoint: String,
        http_status: u16,
        outcome_unknown: bool,
    },
    /// A 2xx answer that is not the JSON the spec describes.
    #[error("{msg}")]
    Decode {
        code: String,
        msg: String,
        detail: String,
        endpoint: String,
        outcome_unknown: bool,
    },
    /// A push (webhook) body failed verification or parsing.
    #[error("{msg}")]
    PushRejected {
        code: String,
        msg: String,
        detail: String,
        reason: String,
    },
    /// A Rust panic caught at the binding boundary (a bug in the SDK).
    #[error("{msg}")]
    Internal {
        code: String,
        msg: String,
        detail: String,
    },
}

fn suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    }
}

/// The result type of every export.
pub type Result<T, E = CardBossError> = std::result::Result<T, E>;

impl From<Error> for CardBossError {
    fn from(e: Error) -> Self {
        let code = e.code();
        let text = e.to_string();
        let outcome_unknown = e.outcome_unknown();
        let endpoint = e.endpoint().unwrap_or_default().to_string();
        let retry = e.retry_after_secs();
        if let Some(f) = e.failure().cloned() {
            let (msg, detail, endpoint, http_status) = (f.msg, f.detail, f.endpoint, f.http_status);
            return match e {
                Error::Auth { .. } => CardBossError::Auth {
                    code,
                    msg,
                    detail,
                    endpoint,
                    http_status,
                },
                Error::RateLimited { .. } => CardBossError::RateLimited {
                    code,
                    msg,
                    detail,
                    endpoint,
                    http_status,
                    carrier_code: f.carrier_code,
                    retry_after_secs: retry,
                },
                _ => CardBossError::Api {
                    code,
                    msg,
                    detail,
                    endpoint,
                    http_status,
                    carrier_code: f.carrier_code,
                    result: f.result,
                    outcome_unknown,
                },
            };
        }
        let detail = String::new();
        match e {
            Error::InvalidInput { field, reason } => CardBossError::InvalidInput {
                code,
                msg: text,
                detail,
                field,
                reason,
            },
            Error::Cooldown {
                card,
                retry_after_secs,
                ..
            } => CardBossError::Cooldown {
                code,
                msg: text,
                detail,
                endpoint,
                card,
                retry_after_secs,
            },
            Error::Timeout { .. } => CardBossError::Timeout {
                code,
                msg: text,
                detail,
                endpoint,
                outcome_unknown,
            },
            Error::Transport { .. } => CardBossError::Transport {
                code,
                msg: text,
                detail,
                endpoint,
                outcome_unknown,
            },
            Error::Http { status, .. } => CardBossError::Http {
                code,
                msg: text,
                detail,
                endpoint,
                http_status: status,
                outcome_unknown,
            },
            Error::Decode { .. } => CardBossError::Decode {
                code,
                msg: text,
                detail,
                endpoint,
                outcome_unknown,
            },
            Error::PushRejected { reason } => CardBossError::PushRejected {
                code,
                msg: text,
                detail,
                reason,
            },
            Error::Internal { .. } => CardBossError::Internal {
                code,
                msg: text,
                detail,
            },
            // The refusals were handled above (they carry a failure).
            Error::Api { .. } | Error::Auth { .. } | Error::RateLimited { .. } => {
                CardBossError::Internal {
                    code: "INTERNAL".into(),
                    msg: text,
                    detail,
                }
            }
            // A kind a later core adds (`Error` is non-exhaustive) keeps its code and message.
            _ => CardBossError::Internal {
                code,
                msg: text,
                detail,
            },
        }
    }
}

fn internal(message: String) -> CardBossError {
    CardBossError::from(Error::Internal { message })
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    format!("panic: {text}")
}

/// Runs `f`, turning a panic into `CardBossError::Internal`.
pub(crate) fn guard<T, E: Into<CardBossError>>(
    f: impl FnOnce() -> std::result::Result<T, E>,
) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(Into::into),
        Err(p) => Err(internal(panic_message(p))),
    }
}

/// Awaits `fut`, turning a panic into `CardBossError::Internal` and a core error into
/// `CardBossError`. Every async export is `guarded(async { … }).await`.
pub(crate) async fn guarded<T, E: Into<CardBossError>>(
    fut: impl Future<Output = std::result::Result<T, E>>,
) -> Result<T> {
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(r) => r.map_err(Into::into),
        Err(p) => Err(internal(panic_message(p))),
    }
}

/// Panics with `message` inside the boundary guard: `CardBossException.Internal` must come out
/// on the other side, and the process must live on. For tests of the binding itself.
#[uniffi::export]
pub fn debug_panic(message: String) -> Result<()> {
    guard(move || -> Result<()> { panic!("{message}") })
}

/// Like [`debug_panic`], from inside an async call.
#[uniffi::export(async_runtime = "tokio")]
pub async fn debug_panic_async(message: String) -> Result<()> {
    guarded(async move {
        tokio::task::yield_now().await;
        if !message.is_empty() {
            panic!("{message}");
        }
        Ok::<(), CardBossError>(())
    })
    .await
}

/// Panics with no guard of ours: UniFFI's own boundary must turn it into an exception
/// (`InternalException` in Kotlin). For tests of the binding itself.
#[uniffi::export]
pub fn debug_panic_unguarded(message: String) {
    panic!("{message}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_internal() {
        let e = guard(|| -> Result<()> { panic!("boom") }).unwrap_err();
        assert!(
            matches!(&e, CardBossError::Internal { code, msg, .. } if code == "INTERNAL" && msg.contains("boom"))
        );
    }

    #[test]
    fn invalid_input_keeps_its_code() {
        let e: CardBossError = cardboss::CardRef::new(None, None).unwrap_err().into();
        let CardBossError::InvalidInput { code, field, .. } = e else {
            panic!()
        };
        assert_eq!(code, "INVALID_INPUT");
        assert_eq!(field, "card");
    }
}
