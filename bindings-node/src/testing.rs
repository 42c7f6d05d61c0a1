//! `Sandbox` of `cardboss/testing`: the sandbox crate's server compiled into the addon and
//! started inside the Node process (on napi's tokio runtime, free loopback ports), so a user's
//! tests need neither a Rust build nor a separate binary.
//!
//! Translation only: options left out keep the sandbox crate's defaults
//! (`SandboxConfig::in_process()`); the admin methods forward to the sandbox crate's own
//! functions (the ones its HTTP admin API under `/_sandbox/` calls). `testing.js` adds
//! `client()` and `Symbol.asyncDispose`.

// `Sandbox.start(options)` takes the sandbox crate's own options (each left out keeps its
// default: 1000 cards, seed 1, style `'example'`, lenient, no faults) and holds its
// `InProcessSandbox`, as the other bindings do.
use cardboss_sandbox::{FaultKind, InProcessSandbox, SandboxOptions, SandboxState, WarningFigures};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;
use serde_json::Value;

use crate::error::{spawn, sync};

/// The figures of a warning push (`sendWarning`); left out, the card's own.
#[napi(object)]
pub struct WarningOptions {
    /// Total of the package, in KB.
    pub total: Option<f64>,
    /// Used, in KB.
    pub usage: Option<f64>,
    /// Used beyond the package, in KB.
    pub outflow: Option<f64>,
}

/// The CardBOSS sandbox, running inside this process.
///
/// ```js
/// const { Sandbox } = require('cardboss/testing')
/// const sb = await Sandbox.start({ cards: 100, strict: true })
/// const me = await sb.client().customer()
/// await sb.close()
/// ```
#[napi]
pub struct Sandbox {
    inner: InProcessSandbox,
}

#[napi]
impl Sandbox {
    /// Starts a sandbox on free loopback ports. Rejects with `INVALID_INPUT` on a bad option.
    #[napi]
    pub fn start(env: &Env, options: Option<SandboxOptions>) -> Result<PromiseRaw<'_, Sandbox>> {
        spawn(env, async move {
            let inner = InProcessSandbox::start(options).await?;
            Ok(Sandbox { inner })
        })
    }

    /// `http://127.0.0.1:PORT1`: queries, SMS, renewals, and the admin API under `/_sandbox/`.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    /// `http://127.0.0.1:PORT2`: lifecycle operations.
    #[napi(getter)]
    pub fn ops_url(&self) -> String {
        self.inner.ops_url().to_string()
    }

    #[napi(getter)]
    pub fn sid(&self) -> String {
        self.inner.sid().to_string()
    }

    /// The account's secret (a test value).
    #[napi(getter)]
    pub fn apikey(&self) -> String {
        self.inner.apikey().to_string()
    }

    /// True once `close()` was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Stops both servers. Idempotent.
    #[napi]
    pub fn close<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
        let handle = self.inner.take();
        spawn(env, async move {
            if let Some(handle) = handle {
                handle.shutdown().await;
            }
            Ok(())
        })
    }
}

impl Sandbox {
    /// Runs an admin call of the sandbox crate now; its answer becomes a plain JS value, a
    /// refusal an `INVALID_INPUT` CardbossError (thrown).
    fn admin<T: serde::Serialize, E: Into<cardboss::Error>>(
        &self,
        env: &Env,
        call: impl FnOnce(&SandboxState) -> std::result::Result<T, E>,
    ) -> Result<Value> {
        sync(env, || {
            let answer = call(self.inner.state()).map_err(Into::into)?;
            serde_json::to_value(answer).map_err(|e| cardboss::Error::Internal {
                message: e.to_string(),
            })
        })
    }
}

/// Every admin call is synchronous: it changes or reads the sandbox's state without I/O (pushes
/// it causes are sent in the background).
#[napi]
impl Sandbox {
    /// The business clock: `{ offset_secs, now, unix }`.
    #[napi]
    pub fn clock(&self, env: &Env) -> Result<Value> {
        self.admin(env, |sb| Ok::<_, cardboss::Error>(sb.clock()))
    }

    /// Moves the business clock forward: cooldowns expire, automatic renewals confirm (and
    /// push). Returns the clock.
    #[napi]
    pub fn advance_clock(&self, env: &Env, seconds: i64) -> Result<Value> {
        self.admin(env, |sb| {
            Ok::<_, cardboss::Error>(sb.advance_clock(seconds))
        })
    }

    /// Injects faults into that share of API requests (0 to 1; 0 turns them off), of the given
    /// kinds (`'http500'`, `'http502'`, `'reset'`, `'delay'`, `'truncated'`, `'code1090'`;
    /// default all). Returns the fault configuration.
    #[napi]
    pub fn set_faults(&self, env: &Env, rate: f64, kinds: Option<Vec<String>>) -> Result<Value> {
        self.admin(env, |sb| {
            let kinds = kinds.as_deref().map(FaultKind::parse_all).transpose()?;
            sb.set_faults(rate, kinds).map_err(cardboss::Error::from)
        })
    }

    /// Every renewal order, oldest first.
    #[napi]
    pub fn orders(&self, env: &Env) -> Result<Value> {
        self.admin(env, |sb| Ok::<_, cardboss::Error>(sb.orders()))
    }

    /// Confirms a pending (manually audited) renewal order: the package is added and an OD1002
    /// push with status 1 goes to the push receiver. Returns the order.
    #[napi]
    pub fn approve_order(&self, env: &Env, orderid: String) -> Result<Value> {
        self.admin(env, |sb| sb.approve_order(&orderid))
    }

    /// Rejects a pending renewal order: nothing is charged, an OD1002 push with status 0 goes to
    /// the push receiver. Returns the order.
    #[napi]
    pub fn reject_order(&self, env: &Env, orderid: String) -> Result<Value> {
        self.admin(env, |sb| sb.reject_order(&orderid))
    }

    /// Every operation the sandbox accepted (and POSTs a fault stopped), oldest first.
    #[napi]
    pub fn ledger(&self, env: &Env) -> Result<Value> {
        self.admin(env, |sb| Ok::<_, cardboss::Error>(sb.ledger()))
    }

    /// Requests received: `{ total, endpoints: { 'card/detail': n, ... } }`.
    #[napi]
    pub fn stats(&self, env: &Env) -> Result<Value> {
        self.admin(env, |sb| Ok::<_, cardboss::Error>(sb.stats()))
    }

    /// Every push sent (or tried), oldest first.
    #[napi]
    pub fn pushes(&self, env: &Env) -> Result<Value> {
        self.admin(env, |sb| Ok::<_, cardboss::Error>(sb.pushes()))
    }

    /// Where data pushes (OD1002 renewals, OD1010 warnings) go; `null` stops them.
    #[napi]
    pub fn set_push_url(&self, env: &Env, url: Option<String>) -> Result<()> {
        self.admin(env, |sb| {
            sb.set_push_url(url);
            Ok::<_, cardboss::Error>(())
        })
        .map(drop)
    }

    /// Where SMS pushes (P0001 reports, P0002 replies) go; `null` stops them.
    #[napi]
    pub fn set_sms_push_url(&self, env: &Env, url: Option<String>) -> Result<()> {
        self.admin(env, |sb| {
            sb.set_sms_push_url(url);
            Ok::<_, cardboss::Error>(())
        })
        .map(drop)
    }

    /// Sends one OD1010 warning push for `card` (msisdn or iccid) of `warningType` (11–15,
    /// 21–24, 31–32, 41–42, 51). Returns `{ item, pushed }`.
    #[napi]
    pub fn send_warning(
        &self,
        env: &Env,
        card: String,
        warning_type: u8,
        figures: Option<WarningOptions>,
    ) -> Result<Value> {
        let figures = figures.map_or_else(WarningFigures::default, |f| WarningFigures {
            total: f.total,
            usage: f.usage,
            outflow: f.outflow,
        });
        self.admin(env, |sb| sb.send_warning(&card, warning_type, figures))
    }

    /// Everything the sandbox knows about one card (msisdn or iccid).
    #[napi]
    pub fn card(&self, env: &Env, card: String) -> Result<Value> {
        self.admin(env, |sb| sb.card(&card))
    }

    /// An SMS reply from a device: queued for `smsReplies()` and pushed as P0002.
    #[napi]
    pub fn upstream_sms(&self, env: &Env, mobile: String, content: String) -> Result<Value> {
        self.admin(env, |sb| {
            Ok::<_, cardboss::Error>(sb.upstream_sms(&mobile, &content))
        })
    }

    /// Regenerates everything from the start-up configuration.
    #[napi]
    pub fn reset(&self, env: &Env) -> Result<()> {
        self.admin(env, |sb| {
            sb.reset();
            Ok::<_, cardboss::Error>(())
        })
        .map(drop)
    }
}

impl Drop for Sandbox {
    /// A sandbox collected without `close()` still stops its servers, in the background.
    fn drop(&mut self) {
        if let Some(handle) = self.inner.take() {
            napi::bindgen_prelude::spawn(handle.shutdown());
        }
    }
}
