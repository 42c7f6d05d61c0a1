//! Ending one call early: a caller's deadline (`timeoutMs` of a single call) or cancel signal
//! (JavaScript's `AbortSignal`, a closed client).
//!
//! The call's future is dropped where it stands, so nothing more is sent. What the caller must
//! know is whether something was already sent that may have changed state: the transport notes
//! each request just before it goes out ([`note_sent`]), and a call cut after a POST went out
//! reports its outcome as unknown; one cut before any POST (or during GETs only) does not.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{Error, Result};

/// What a call has put on the wire so far.
#[derive(Default)]
struct Sent {
    /// The endpoint of the latest request started.
    endpoint: Option<&'static str>,
    /// A POST was started: it may have been applied.
    post: bool,
}

tokio::task_local! {
    static SENT: Mutex<Sent>;
}

/// Called by the transport just before a request goes out; a no-op outside [`bounded`].
pub(crate) fn note_sent(endpoint: &'static str, post: bool) {
    let _ = SENT.try_with(|sent| {
        if let Ok(mut sent) = sent.lock() {
            sent.endpoint = Some(endpoint);
            sent.post |= post;
        }
    });
}

/// The deadline of a call (or a stream of calls) that may take `timeout_ms`, from now.
pub fn deadline(timeout_ms: i64) -> Result<Instant> {
    match u64::try_from(timeout_ms) {
        Ok(ms) if ms > 0 => Ok(Instant::now() + Duration::from_millis(ms)),
        _ => Err(Error::invalid("timeout_ms", "must be positive")),
    }
}

/// Runs `call` until it finishes, `deadline` passes (`Error::Timeout`) or `cancelled` completes
/// (`Error::Cancelled` with its reason), whichever comes first.
pub async fn bounded<T>(
    call: impl Future<Output = Result<T>>,
    deadline: Option<Instant>,
    cancelled: impl Future<Output = String>,
) -> Result<T> {
    SENT.scope(Mutex::new(Sent::default()), async move {
        let deadline = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let cut = tokio::select! {
            biased;
            reason = cancelled => Some(reason),
            _ = deadline => None,
            done = call => return done,
        };
        let (endpoint, post) = SENT
            .try_with(|s| s.lock().map(|s| (s.endpoint, s.post)).unwrap_or_default())
            .unwrap_or_default();
        Err(match cut {
            Some(reason) => Error::Cancelled {
                reason,
                endpoint: endpoint.map(String::from),
                outcome_unknown: post,
            },
            None => Error::Timeout {
                endpoint: endpoint.unwrap_or("the call").to_string(),
                outcome_unknown: post,
            },
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn post_then_wait() -> Result<()> {
        note_sent("sms/sendlotsms", true);
        std::future::pending().await
    }

    #[tokio::test]
    async fn a_cancel_before_anything_was_sent_is_a_known_outcome() {
        let e = bounded(std::future::pending::<Result<()>>(), None, async {
            "aborted".to_string()
        })
        .await
        .unwrap_err();
        assert_eq!(e.kind(), "cancelled");
        assert!(!e.outcome_unknown());
        assert_eq!(e.endpoint(), None);
    }

    #[tokio::test]
    async fn a_cut_after_a_post_went_out_is_an_unknown_outcome() {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let cut = tokio::spawn(bounded(post_then_wait(), None, async move {
            let _ = rx.await;
            "aborted".to_string()
        }));
        tokio::task::yield_now().await;
        tx.send(()).unwrap();
        let e = cut.await.unwrap().unwrap_err();
        assert_eq!(
            (e.code().as_str(), e.outcome_unknown()),
            ("CANCELLED", true)
        );
        assert_eq!(e.endpoint(), Some("sms/sendlotsms"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_deadline_is_a_timeout_naming_the_endpoint() {
        let e = bounded(
            post_then_wait(),
            Some(deadline(50).unwrap()),
            std::future::pending(),
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind(), "timeout");
        assert!(e.outcome_unknown());
        assert_eq!(e.endpoint(), Some("sms/sendlotsms"));
    }

    #[tokio::test]
    async fn a_finished_call_is_returned_as_is() {
        assert_eq!(deadline(0).unwrap_err().kind(), "invalid_input");
        let done = bounded(
            async { Ok(7) },
            Some(deadline(1000).unwrap()),
            std::future::pending(),
        );
        assert_eq!(done.await.unwrap(), 7);
    }
}
