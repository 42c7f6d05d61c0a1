//! `SandboxServer`: the sandbox crate's server compiled into the library and started inside
//! the JVM (or Swift) process on free loopback ports, so a user's tests need neither a Rust
//! build nor a separate binary. Kotlin users reach it as `cardboss.testing.Sandbox` (a small
//! `AutoCloseable` wrapper in src/main/kotlin/cardboss/testing/).
//!
//! Translation only: options left out keep the sandbox crate's defaults
//! (`SandboxConfig::in_process()`); the admin methods forward to the sandbox crate's own
//! functions (the ones its HTTP admin API under `/_sandbox/` calls). The servers run on the
//! runtime of this crate's async exports (UniFFI's tokio runtime).

use std::sync::{Arc, Mutex};

use cardboss_sandbox::{SandboxConfig, SandboxHandle, SandboxState, Style};
use uniffi::deps::async_compat::Compat;

use crate::error::{guard, Result};

/// Options of a sandbox; each one left out keeps the sandbox's default (1000 cards, seed 1,
/// style `"example"`, lenient, no faults).
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct SandboxOptions {
    /// Cards in the generated fleet.
    #[uniffi(default = None)]
    pub cards: Option<u32>,
    /// Seed of the fleet and of the fault injection.
    #[uniffi(default = None)]
    pub seed: Option<u64>,
    /// `"example"` (the spec's example field names) or `"table"` (its tables' names).
    #[uniffi(default = None)]
    pub style: Option<String>,
    /// Refuse a request that lacks a key of an id pair (1012), as a careful client expects.
    #[uniffi(default = None)]
    pub strict: Option<bool>,
    /// Fault rate, 0 to 1.
    #[uniffi(default = None)]
    pub faults: Option<f64>,
    #[uniffi(default = None)]
    pub sid: Option<String>,
    /// 32 characters.
    #[uniffi(default = None)]
    pub apikey: Option<String>,
    /// Serve the withdrawn endpoints instead of answering 1098.
    #[uniffi(default = None)]
    pub legacy: Option<bool>,
}

impl SandboxOptions {
    fn config(self) -> cardboss::Result<SandboxConfig> {
        let mut config = SandboxConfig::in_process();
        if let Some(v) = self.cards {
            config.cards = v as usize;
        }
        if let Some(v) = self.seed {
            config.seed = v;
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
#[derive(uniffi::Object)]
pub struct SandboxServer {
    handle: Mutex<Option<SandboxHandle>>,
    #[allow(dead_code)]
    state: SandboxState,
    base_url: String,
    ops_url: String,
    sid: String,
    apikey: String,
}

impl std::fmt::Debug for SandboxServer {
    /// Never the apikey.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxServer")
            .field("sid", &self.sid)
            .field("base_url", &self.base_url)
            .field("ops_url", &self.ops_url)
            .finish_non_exhaustive()
    }
}

impl SandboxServer {
    fn take(&self) -> Option<SandboxHandle> {
        self.handle.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

#[uniffi::export]
impl SandboxServer {
    /// Starts a sandbox on free loopback ports (blocking until both are bound). Throws
    /// `CardBossException.InvalidInput` on a bad option.
    #[uniffi::constructor(default(options = None))]
    pub fn start(options: Option<SandboxOptions>) -> Result<Arc<Self>> {
        guard(move || {
            let config = options.unwrap_or_default().config()?;
            // `Compat` enters UniFFI's tokio runtime on each poll: the servers are spawned there.
            let handle = futures::executor::block_on(Compat::new(
                cardboss_sandbox::start_in_process(config),
            ))?;
            Ok::<_, cardboss::Error>(Arc::new(SandboxServer {
                state: handle.state(),
                base_url: handle.base_url(),
                ops_url: handle.ops_url(),
                sid: handle.sid().to_string(),
                apikey: handle.apikey().to_string(),
                handle: Mutex::new(Some(handle)),
            }))
        })
    }

    /// `http://127.0.0.1:PORT1`: queries, SMS, renewals, and the admin API under `/_sandbox/`.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// `http://127.0.0.1:PORT2`: lifecycle operations.
    pub fn ops_url(&self) -> String {
        self.ops_url.clone()
    }

    pub fn sid(&self) -> String {
        self.sid.clone()
    }

    /// The account's secret (a test value).
    pub fn apikey(&self) -> String {
        self.apikey.clone()
    }

    /// True once `close()` was called.
    pub fn is_closed(&self) -> bool {
        self.handle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    /// Stops both servers, waiting for them (blocking). Idempotent.
    pub fn close(&self) {
        if let Some(handle) = self.take() {
            futures::executor::block_on(Compat::new(handle.shutdown()));
        }
    }
}

impl Drop for SandboxServer {
    /// A sandbox collected without `close()` still stops its servers.
    fn drop(&mut self) {
        if let Some(handle) = self.take() {
            futures::executor::block_on(Compat::new(handle.shutdown()));
        }
    }
}
