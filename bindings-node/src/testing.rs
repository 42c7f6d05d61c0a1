//! `Sandbox` of `cardboss/testing`: the sandbox crate's server compiled into the addon and
//! started inside the Node process (on napi's tokio runtime, free loopback ports), so a user's
//! tests need neither a Rust build nor a separate binary.
//!
//! Translation only: options left out keep the sandbox crate's defaults
//! (`SandboxConfig::in_process()`); the admin methods forward to the sandbox crate's own
//! functions (the ones its HTTP admin API under `/_sandbox/` calls). `testing.js` adds
//! `client()` and `Symbol.asyncDispose`.

use std::sync::Mutex;

use cardboss_sandbox::{SandboxConfig, SandboxHandle, SandboxState, Style};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;

use crate::error::spawn;

/// Options of `Sandbox.start(...)`; each one left out keeps the sandbox's default (1000 cards,
/// seed 1, style `'example'`, lenient, no faults).
#[napi(object)]
pub struct SandboxOptions {
    /// Cards in the generated fleet.
    pub cards: Option<u32>,
    /// Seed of the fleet and of the fault injection.
    pub seed: Option<u32>,
    /// `'example'` (the spec's example field names) or `'table'` (its tables' names).
    pub style: Option<String>,
    /// Refuse a request that lacks a key of an id pair (1012), as a careful client expects.
    pub strict: Option<bool>,
    /// Fault rate, 0 to 1.
    pub faults: Option<f64>,
    pub sid: Option<String>,
    /// 32 characters.
    pub apikey: Option<String>,
    /// Serve the withdrawn endpoints instead of answering 1098.
    pub legacy: Option<bool>,
}

impl SandboxOptions {
    fn config(self) -> cardboss::Result<SandboxConfig> {
        let mut config = SandboxConfig::in_process();
        if let Some(v) = self.cards {
            config.cards = v as usize;
        }
        if let Some(v) = self.seed {
            config.seed = v.into();
        }
        if let Some(v) = self.style {
            config.style = Style::parse(&v)?;
        }
        let _ = self.strict;
        if let Some(v) = self.faults {
            config.faults = v;
        }
        if let Some(v) = self.sid {
            config.sid = v;
        }
        if let Some(v) = self.apikey {
            config.apikey = v;
        }
        if let Some(v) = self.legacy {
            config.legacy = v;
        }
        Ok(config)
    }
}

/// The CardBOSS sandbox, running inside this process.
///
/// ```js
/// const { Sandbox } = require('cardboss/testing')
/// await using sb = await Sandbox.start({ cards: 100, strict: true })
/// const me = await sb.client().customer()
/// ```
#[napi]
pub struct Sandbox {
    handle: Mutex<Option<SandboxHandle>>,
    state: SandboxState,
    base_url: String,
    ops_url: String,
    sid: String,
    apikey: String,
}

#[napi]
impl Sandbox {
    /// Starts a sandbox on free loopback ports. Rejects with `INVALID_INPUT` on a bad option.
    #[napi]
    pub fn start(env: &Env, options: Option<SandboxOptions>) -> Result<PromiseRaw<'_, Sandbox>> {
        spawn(env, async move {
            let config =
                options.map_or_else(|| Ok(SandboxConfig::in_process()), SandboxOptions::config)?;
            let handle = cardboss_sandbox::start_in_process(config).await?;
            Ok(Sandbox {
                state: handle.state(),
                base_url: handle.base_url(),
                ops_url: handle.ops_url(),
                sid: handle.sid().to_string(),
                apikey: handle.apikey().to_string(),
                handle: Mutex::new(Some(handle)),
            })
        })
    }

    /// `http://127.0.0.1:PORT1`: queries, SMS, renewals, and the admin API under `/_sandbox/`.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// `http://127.0.0.1:PORT2`: lifecycle operations.
    #[napi(getter)]
    pub fn ops_url(&self) -> String {
        self.ops_url.clone()
    }

    #[napi(getter)]
    pub fn sid(&self) -> String {
        self.sid.clone()
    }

    /// The account's secret (a test value).
    #[napi(getter)]
    pub fn apikey(&self) -> String {
        self.apikey.clone()
    }

    /// True once `close()` was called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.handle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    /// Stops both servers. Idempotent.
    #[napi]
    pub fn close<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
        let handle = self.handle.lock().unwrap_or_else(|p| p.into_inner()).take();
        spawn(env, async move {
            if let Some(handle) = handle {
                handle.shutdown().await;
            }
            Ok(())
        })
    }
}

impl Drop for Sandbox {
    /// A sandbox collected without `close()` still stops its servers, in the background.
    fn drop(&mut self) {
        if let Some(handle) = self.handle.lock().unwrap_or_else(|p| p.into_inner()).take() {
            napi::bindgen_prelude::spawn(handle.shutdown());
        }
    }
}
