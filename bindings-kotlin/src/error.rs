//! `cardboss::Error` → Kotlin's sealed `CardBossException` (Swift: `CardBossError`): one
//! subclass (case) per kind, picked by the core's `ErrorKind`, each carrying the core's flat
//! `ErrorInfo` whole, so every field is there on every kind (`e.info.carrierCode` on a
//! rate limit as on a refusal). `info()` on the base class gives the same record without
//! knowing the kind. Nothing is classified or worded here. A Rust panic caught at the boundary
//! becomes `Internal`.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};

use futures::FutureExt;

use cardboss::{Error, ErrorInfo, ErrorKind};

/// Declares `CardBossError` with one variant per `ErrorKind` (the list is written once, here).
macro_rules! error_kinds {
    ($($(#[$doc:meta])* $kind:ident,)*) => {
        /// Every failure of the SDK, by kind; `info` says everything else (`code`: the
        /// platform's code for refusals, an upper-case word for local failures; `msg`, `detail`,
        /// `field`, `endpoint`, `httpStatus`, `retryAfterMs`, `outcomeUnknown`, `carrierCode`,
        /// `result`; `message`, the whole sentence). Never holds the apikey.
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
        #[uniffi::export(Display)]
        pub enum CardBossError {
            $($(#[$doc])* #[error("{}", info.message)] $kind { info: ErrorInfo },)*
        }

        impl From<ErrorInfo> for CardBossError {
            fn from(info: ErrorInfo) -> Self {
                match info.kind {
                    $(ErrorKind::$kind => CardBossError::$kind { info },)*
                }
            }
        }

        #[uniffi::export]
        impl CardBossError {
            /// Everything about the failure, the same record whatever the kind.
            pub fn info(&self) -> ErrorInfo {
                match self {
                    $(CardBossError::$kind { info })|* => info.clone(),
                }
            }
        }
    };
}

error_kinds! {
    /// The server refused the request with a platform code not covered below.
    Api,
    /// Account disabled (1001), signature rejected (1005) or IP not allowed (1006).
    Auth,
    /// Too fast: 1030, or the carrier's refusal to repeat an operation on a card (13009, 13010).
    RateLimited,
    /// Bad input, found before anything was sent (`info.field` names it).
    InvalidInput,
    /// The client's cooldown guard refused a repeat of a lifecycle operation on the same card.
    Cooldown,
    /// No answer within the timeout (`info.outcomeUnknown`: a POST may have been applied).
    Timeout,
    /// Connection failed or broke.
    Transport,
    /// A non-2xx answer whose body is not a CardBOSS envelope.
    Http,
    /// A 2xx answer that is not the JSON the spec describes.
    Decode,
    /// A push (webhook) body failed verification or parsing.
    PushRejected,
    /// The push id was already handled: answer `success` again, do not handle it twice.
    PushReplay,
    /// The push id is being handled right now (another worker): answer non-success.
    PushInFlight,
    /// The guard store (Redis, a state file) could not be used: nothing was checked.
    StoreUnavailable,
    /// A Rust panic caught at the binding boundary (a bug in the SDK).
    Internal,
    /// The caller ended the call early (`info.outcomeUnknown`: a POST may have been sent).
    Cancelled,
}

/// The result type of every export.
pub type Result<T, E = CardBossError> = std::result::Result<T, E>;

impl From<Error> for CardBossError {
    fn from(e: Error) -> Self {
        e.info().into()
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
        let CardBossError::Internal { info } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(info.code, "INTERNAL");
        assert!(info.msg.contains("boom"), "{info:?}");
    }

    #[test]
    fn the_variant_is_the_kind_and_carries_the_whole_info() {
        let core = cardboss::CardRef::new(None, None).unwrap_err();
        let e: CardBossError = core.clone().into();
        assert!(matches!(e, CardBossError::InvalidInput { .. }), "{e:?}");
        assert_eq!(e.info(), core.info());
        assert_eq!(e.info().field.as_deref(), Some("card"));
        assert_eq!(e.to_string(), core.to_string());
    }
}
