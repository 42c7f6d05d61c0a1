//! What the language packages need to run the sandbox inside their own process (Python's
//! `cardboss.testing`, Node's `cardboss/testing`, Kotlin's `cardboss.testing`): the in-process
//! configuration (free ports), and start-up and admin failures as the SDK's own error type, so
//! every binding raises them as its usual exceptions without a mapping of its own.

// `cardboss::Error` is large by design (the core and the bindings allow the same lint).
#![allow(clippy::result_large_err)]

use std::sync::Mutex;

use crate::control::AdminError;
use crate::faults::FaultKind;
use crate::{start, SandboxConfig, SandboxHandle, SandboxState, Style};

impl SandboxConfig {
    /// The configuration of a sandbox started inside another program: the defaults, on free
    /// ports of the loopback interface.
    pub fn in_process() -> Self {
        SandboxConfig {
            port1: 0,
            port2: 0,
            ..Default::default()
        }
    }
}

/// A sandbox's options as the language packages take them (`Sandbox(cards=...)`,
/// `Sandbox.start({ cards })`, `SandboxOptions(cards = ...)`): each optional, numbers signed;
/// [`SandboxOptions::config`] fills the rest from [`SandboxConfig::in_process`] and checks them,
/// so no binding restates a default or a range.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SandboxOptions {
    /// Cards in the generated fleet (default 1000).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub cards: Option<i64>,
    /// Seed of the fleet and of the fault injection (default 1).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub seed: Option<i64>,
    /// `"example"` (the spec's example field names, the default) or `"table"`.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub style: Option<String>,
    /// Refuse a request that lacks a key of an id pair (1012); default lenient, as the platform.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub strict: Option<bool>,
    /// Fault rate, 0 to 1 (default 0).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub faults: Option<f64>,
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub sid: Option<String>,
    /// 32 characters.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub apikey: Option<String>,
    /// Serve the withdrawn endpoints instead of answering 1098 (default false).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub legacy: Option<bool>,
}

impl SandboxOptions {
    /// The configuration these options describe, on free loopback ports.
    pub fn config(self) -> cardboss::Result<SandboxConfig> {
        let mut config = SandboxConfig::in_process();
        if let Some(v) = self.cards {
            config.cards =
                usize::try_from(v).map_err(|_| invalid("cards", "must not be negative"))?;
        }
        if let Some(v) = self.seed {
            config.seed = u64::try_from(v).map_err(|_| invalid("seed", "must not be negative"))?;
        }
        if let Some(v) = self.style {
            config.style = Style::parse(&v)?;
        }
        if let Some(v) = self.strict {
            config.strict = v;
        }
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

fn invalid(field: &str, reason: impl Into<String>) -> cardboss::Error {
    cardboss::Error::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    }
}

impl Style {
    /// The style named `name`: `"example"` or `"table"`.
    pub fn parse(name: &str) -> cardboss::Result<Style> {
        match name {
            "example" => Ok(Style::Example),
            "table" => Ok(Style::Table),
            _ => Err(invalid("style", "must be \"example\" or \"table\"")),
        }
    }
}

impl FaultKind {
    /// The fault kind named `name` (its serde name: `"http500"`, `"reset"`, ...), as the SDK's
    /// `InvalidInput` when there is none.
    pub fn parse(name: &str) -> cardboss::Result<FaultKind> {
        name.parse().map_err(|_| {
            let names: Vec<&str> = crate::faults::ALL_KINDS
                .iter()
                .map(|k| k.as_str())
                .collect();
            invalid("kinds", format!("must be among {}", names.join(", ")))
        })
    }

    /// [`FaultKind::parse`] of each name.
    pub fn parse_all<S: AsRef<str>>(names: &[S]) -> cardboss::Result<Vec<FaultKind>> {
        names.iter().map(|n| FaultKind::parse(n.as_ref())).collect()
    }
}

impl From<AdminError> for cardboss::Error {
    /// A refused admin call is bad input of the caller, named by the field it concerns.
    fn from(e: AdminError) -> Self {
        let field = match &e {
            AdminError::UnknownOrder { .. } | AdminError::OrderNotPending { .. } => "orderid",
            AdminError::UnknownCard { .. } => "card",
            AdminError::InvalidInput { .. } => "argument",
        };
        invalid(field, e.to_string())
    }
}

/// [`start`] for a program using the SDK: a refused configuration is the SDK's `InvalidInput`,
/// any other failure (no free port) `Transport`.
pub async fn start_in_process(config: SandboxConfig) -> cardboss::Result<SandboxHandle> {
    start(config).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidInput => invalid("sandbox configuration", e.to_string()),
        _ => cardboss::Error::Transport {
            endpoint: "sandbox start".into(),
            message: e.to_string(),
            outcome_unknown: false,
        },
    })
}

/// A sandbox started inside a language package's process, as each binding's `Sandbox` holds it:
/// its servers until [`InProcessSandbox::take`], and what stays readable after that (the state
/// the admin calls act on, the addresses, the account).
pub struct InProcessSandbox {
    handle: Mutex<Option<SandboxHandle>>,
    state: SandboxState,
    base_url: String,
    ops_url: String,
    sid: String,
    apikey: String,
}

impl InProcessSandbox {
    /// Starts a sandbox with `options` (`None`: every default) on free loopback ports; a bad
    /// option is the SDK's `InvalidInput`.
    pub async fn start(options: Option<SandboxOptions>) -> cardboss::Result<Self> {
        let config = options.unwrap_or_default().config()?;
        let handle = start_in_process(config).await?;
        Ok(InProcessSandbox {
            state: handle.state(),
            base_url: handle.base_url(),
            ops_url: handle.ops_url(),
            sid: handle.sid().to_string(),
            apikey: handle.apikey().to_string(),
            handle: Mutex::new(Some(handle)),
        })
    }

    /// `http://127.0.0.1:PORT1`: queries, SMS, renewals, and the admin API under `/_sandbox/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `http://127.0.0.1:PORT2`: lifecycle operations.
    pub fn ops_url(&self) -> &str {
        &self.ops_url
    }

    pub fn sid(&self) -> &str {
        &self.sid
    }

    /// The account's secret (a test value).
    pub fn apikey(&self) -> &str {
        &self.apikey
    }

    /// What the admin calls act on (it outlives the servers).
    pub fn state(&self) -> &SandboxState {
        &self.state
    }

    /// True once the servers were taken (the binding's `close()`).
    pub fn is_closed(&self) -> bool {
        self.lock().is_none()
    }

    /// The servers, once (`None` after): the binding awaits their `shutdown()` on its runtime.
    pub fn take(&self) -> Option<SandboxHandle> {
        self.lock().take()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<SandboxHandle>> {
        self.handle.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::fmt::Debug for InProcessSandbox {
    /// Never the apikey.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcessSandbox")
            .field("sid", &self.sid)
            .field("base_url", &self.base_url)
            .field("ops_url", &self.ops_url)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}
