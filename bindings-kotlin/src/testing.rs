//! `SandboxServer`: the sandbox crate's server compiled into the library and started inside
//! the JVM (or Swift) process on free loopback ports, so a user's tests need neither a Rust
//! build nor a separate binary. Kotlin users reach it as `cardboss.testing.Sandbox` (a small
//! `AutoCloseable` wrapper in src/main/kotlin/cardboss/testing/).
//!
//! Translation only: options left out keep the sandbox crate's defaults
//! (`SandboxConfig::in_process()`); the admin methods forward to the sandbox crate's own
//! functions (the ones its HTTP admin API under `/_sandbox/` calls). The servers run on the
//! runtime of this crate's async exports (UniFFI's tokio runtime).

use std::sync::Arc;

// `SandboxServer.start(options)` takes the sandbox crate's own options (a UniFFI record of its
// `uniffi` feature; each left out keeps its default: 1000 cards, seed 1, style "example",
// lenient, no faults).
use cardboss_sandbox::{FaultKind, InProcessSandbox, SandboxOptions, SandboxState, WarningFigures};
use uniffi::deps::async_compat::Compat;

use crate::error::{guard, guarded, Result};

/// The CardBOSS sandbox, running inside this process.
/// (Its `Debug` is the sandbox crate's: never the apikey.)
#[derive(Debug, uniffi::Object)]
pub struct SandboxServer {
    inner: InProcessSandbox,
}

impl SandboxServer {
    /// Runs an admin call of the sandbox crate; its answer as JSON text (a refusal is
    /// `CardBossException.InvalidInput`).
    async fn admin<T: serde::Serialize, E: Into<cardboss::Error>>(
        &self,
        call: impl FnOnce(&SandboxState) -> std::result::Result<T, E>,
    ) -> Result<String> {
        guarded(async {
            let answer = call(self.inner.state()).map_err(Into::into)?;
            serde_json::to_string(&answer).map_err(|e| cardboss::Error::Internal {
                message: e.to_string(),
            })
        })
        .await
    }
}

#[uniffi::export]
impl SandboxServer {
    /// Starts a sandbox on free loopback ports (blocking until both are bound). Throws
    /// `CardBossException.InvalidInput` on a bad option.
    #[uniffi::constructor(default(options = None))]
    pub fn start(options: Option<SandboxOptions>) -> Result<Arc<Self>> {
        guard(move || {
            // `Compat` enters UniFFI's tokio runtime on each poll: the servers are spawned there.
            let inner = futures::executor::block_on(Compat::new(InProcessSandbox::start(options)))?;
            Ok::<_, cardboss::Error>(Arc::new(SandboxServer { inner }))
        })
    }

    /// `http://127.0.0.1:PORT1`: queries, SMS, renewals, and the admin API under `/_sandbox/`.
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    /// `http://127.0.0.1:PORT2`: lifecycle operations.
    pub fn ops_url(&self) -> String {
        self.inner.ops_url().to_string()
    }

    pub fn sid(&self) -> String {
        self.inner.sid().to_string()
    }

    /// The account's secret (a test value).
    pub fn apikey(&self) -> String {
        self.inner.apikey().to_string()
    }

    /// True once `stop()` was called.
    pub fn is_stopped(&self) -> bool {
        self.inner.is_closed()
    }

    /// Stops both servers, waiting for them (blocking). Idempotent. (Not `close`: UniFFI's own
    /// `close()` frees the object, which stops the servers too.)
    pub fn stop(&self) {
        if let Some(handle) = self.inner.take() {
            futures::executor::block_on(Compat::new(handle.shutdown()));
        }
    }
}

/// The admin API, as suspend functions (Swift: async). Each answers JSON text: the sandbox's own
/// records (see sandbox/src/control.rs), the same as its HTTP admin API answers.
#[uniffi::export(async_runtime = "tokio")]
impl SandboxServer {
    /// The business clock: `{"offset_secs", "now", "unix"}`.
    pub async fn clock(&self) -> Result<String> {
        self.admin(|sb| Ok::<_, cardboss::Error>(sb.clock())).await
    }

    /// Moves the business clock forward: cooldowns expire, automatic renewals confirm (and
    /// push). Answers the clock.
    pub async fn advance_clock(&self, seconds: i64) -> Result<String> {
        self.admin(|sb| Ok::<_, cardboss::Error>(sb.advance_clock(seconds)))
            .await
    }

    /// Injects faults into that share of API requests (0 to 1; 0 turns them off), of the given
    /// kinds (`http500`, `http502`, `reset`, `delay`, `truncated`, `code1090`; null: all).
    #[uniffi::method(default(kinds = None))]
    pub async fn set_faults(&self, rate: f64, kinds: Option<Vec<String>>) -> Result<String> {
        self.admin(|sb| {
            let kinds = kinds.as_deref().map(FaultKind::parse_all).transpose()?;
            sb.set_faults(rate, kinds).map_err(cardboss::Error::from)
        })
        .await
    }

    /// Every renewal order, oldest first.
    pub async fn orders(&self) -> Result<String> {
        self.admin(|sb| Ok::<_, cardboss::Error>(sb.orders())).await
    }

    /// Confirms a pending (manually audited) renewal order: the package is added and an OD1002
    /// push with status 1 goes to the push receiver. Answers the order.
    pub async fn approve_order(&self, orderid: String) -> Result<String> {
        self.admin(|sb| sb.approve_order(&orderid)).await
    }

    /// Rejects a pending renewal order: nothing is charged, an OD1002 push with status 0 goes to
    /// the push receiver. Answers the order.
    pub async fn reject_order(&self, orderid: String) -> Result<String> {
        self.admin(|sb| sb.reject_order(&orderid)).await
    }

    /// Every operation the sandbox accepted (and POSTs a fault stopped), oldest first.
    pub async fn ledger(&self) -> Result<String> {
        self.admin(|sb| Ok::<_, cardboss::Error>(sb.ledger())).await
    }

    /// Requests received: `{"total": n, "endpoints": {"card/detail": n, ...}}`.
    pub async fn stats(&self) -> Result<String> {
        self.admin(|sb| Ok::<_, cardboss::Error>(sb.stats())).await
    }

    /// Every push sent (or tried), oldest first.
    pub async fn pushes(&self) -> Result<String> {
        self.admin(|sb| Ok::<_, cardboss::Error>(sb.pushes())).await
    }

    /// Where data pushes (OD1002 renewals, OD1010 warnings) go; null stops them.
    pub async fn set_push_url(&self, url: Option<String>) -> Result<()> {
        self.admin(|sb| {
            sb.set_push_url(url);
            Ok::<_, cardboss::Error>(())
        })
        .await
        .map(drop)
    }

    /// Where SMS pushes (P0001 reports, P0002 replies) go; null stops them.
    pub async fn set_sms_push_url(&self, url: Option<String>) -> Result<()> {
        self.admin(|sb| {
            sb.set_sms_push_url(url);
            Ok::<_, cardboss::Error>(())
        })
        .await
        .map(drop)
    }

    /// Sends one OD1010 warning push for `card` (msisdn or iccid) of `warning_type` (11–15,
    /// 21–24, 31–32, 41–42, 51); figures left out (null) are the card's own. Answers
    /// `{"item": {...}, "pushed": bool}`.
    #[uniffi::method(default(total = None, usage = None, outflow = None))]
    pub async fn send_warning(
        &self,
        card: String,
        warning_type: u8,
        total: Option<f64>,
        usage: Option<f64>,
        outflow: Option<f64>,
    ) -> Result<String> {
        let figures = WarningFigures {
            total,
            usage,
            outflow,
        };
        self.admin(|sb| sb.send_warning(&card, warning_type, figures))
            .await
    }

    /// Everything the sandbox knows about one card (msisdn or iccid).
    pub async fn card(&self, card: String) -> Result<String> {
        self.admin(|sb| sb.card(&card)).await
    }

    /// An SMS reply from a device: queued for `smsReplies()` and pushed as P0002.
    pub async fn upstream_sms(&self, mobile: String, content: String) -> Result<String> {
        self.admin(|sb| Ok::<_, cardboss::Error>(sb.upstream_sms(&mobile, &content)))
            .await
    }

    /// Regenerates everything from the start-up configuration.
    pub async fn reset(&self) -> Result<()> {
        self.admin(|sb| {
            sb.reset();
            Ok::<_, cardboss::Error>(())
        })
        .await
        .map(drop)
    }
}

impl Drop for SandboxServer {
    /// A sandbox freed without `stop()` still stops its servers.
    fn drop(&mut self) {
        if let Some(handle) = self.inner.take() {
            futures::executor::block_on(Compat::new(handle.shutdown()));
        }
    }
}
