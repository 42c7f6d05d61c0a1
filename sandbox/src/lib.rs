//! # cardboss-sandbox
//!
//! A stateful local CardBOSS server (API v2.2.2) for tests and demos: both ports, every endpoint,
//! the spec's checks and codes, a deterministic card fleet, lifecycle state, cooldowns, renewals
//! with pushes, SMS with report/reply queues, a virtual clock, fault injection and an admin API
//! under `/_sandbox/`.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let sandbox = cardboss_sandbox::start(cardboss_sandbox::SandboxConfig::in_process()).await?;
//! println!("{} {}", sandbox.base_url(), sandbox.ops_url());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Signatures follow the spec tables (`sid+apikey+ts+<params>`). For `card/switchnet` and
//! `card/setvoicewhitetable` the table formula includes `msisdn+iccid` while the shorthand in
//! the reconciliation notes names only `apnname+opertype+marginrat` / `opertype+taskid+content`;
//! the sandbox accepts both readings.

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

pub mod admin;
pub mod api;
pub mod cards;
pub mod checks;
pub mod control;
pub mod customer;
pub mod data;
pub mod embedded;
pub mod faults;
pub mod operations;
pub mod pools;
pub mod push;
pub mod render;
pub mod sms;
pub mod state;

use std::io;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::Method;
use axum::routing::any;
use axum::serve::ListenerExt;
use axum::Router;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use control::{
    AdminError, CardState, ClockInfo, ConfigUpdate, ConfigView, Stats, UsageChange, UsageUpdate,
    WarningFigures, WarningSent, WARNING_TYPES,
};
pub use embedded::{start_in_process, InProcessSandbox, SandboxOptions};
pub use faults::{FaultConfig, FaultKind, Stage};
pub use push::{PushRecord, WarningItem};
pub use state::{LedgerEntry, Order, OrderStatus, Sandbox, SandboxState, Upstream, World};

/// The default apikey (32 characters: the SMS key and IV are its halves).
pub const DEFAULT_APIKEY: &str = "cardbosssandboxkey0123456789abcd";
const _: () = assert!(DEFAULT_APIKEY.len() == 32);

/// Which field names answers use: the spec's examples or its tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    #[default]
    Example,
    Table,
}

#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Queries, SMS, renewals (0 picks a free port).
    pub port1: u16,
    /// Lifecycle operations (0 picks a free port).
    pub port2: u16,
    pub host: String,
    pub sid: String,
    /// 32 characters.
    pub apikey: String,
    pub cards: usize,
    pub seed: u64,
    pub style: Style,
    /// Accepted distance of `ts` from real UTC+8 time, in seconds.
    pub ts_window_secs: u64,
    /// Fault rate 0..=1 (all kinds).
    pub faults: f64,
    /// Serve the withdrawn endpoints (card/abnormal, card/usage/day) instead of 1098.
    pub legacy: bool,
    /// Refuse (1012) a request that leaves out a key of an id pair (`msisdns`/`iccids`,
    /// `msisdn`/`iccid`); by default a missing key is taken as empty, as the platform does.
    pub strict: bool,
    /// Data push (OD1002, OD1010) receiver.
    pub push_url: Option<String>,
    /// SMS push (P0001, P0002) receiver.
    pub sms_push_url: Option<String>,
    /// Network latency added to every CardBOSS request (not the admin API), to show what a
    /// client far from the platform's region sees. `None`: answer at once.
    pub latency: Option<Latency>,
}

/// A simulated round trip: `millis` ± up to `jitter_millis` (uniform), half of it before the
/// request is handled and half before the answer leaves, each request on its own (concurrent
/// requests wait side by side, never one after another).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    pub millis: u64,
    pub jitter_millis: u64,
}

impl std::str::FromStr for Latency {
    type Err = String;
    /// `MS` or `MS:JITTER`, both whole milliseconds, jitter at most MS.
    fn from_str(s: &str) -> Result<Self, String> {
        let (ms, jitter) = s.split_once(':').unwrap_or((s, "0"));
        let num = |t: &str| {
            t.trim().parse::<u64>().map_err(|_| {
                format!("latency must be MS or MS:JITTER in whole milliseconds, not {s:?}")
            })
        };
        let latency = Latency {
            millis: num(ms)?,
            jitter_millis: num(jitter)?,
        };
        if latency.jitter_millis > latency.millis {
            return Err(format!(
                "latency jitter must not exceed the latency ({s:?})"
            ));
        }
        Ok(latency)
    }
}

impl Latency {
    /// One round trip, drawn from `millis ± jitter_millis`.
    pub fn sample(&self, rng: &mut impl rand::Rng) -> Duration {
        let j = self.jitter_millis;
        let ms = if j == 0 {
            self.millis
        } else {
            self.millis - j + rng.random_range(0..=2 * j)
        };
        Duration::from_millis(ms)
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port1: 9011,
            port2: 8111,
            host: "127.0.0.1".into(),
            sid: "10043".into(),
            apikey: DEFAULT_APIKEY.into(),
            cards: 1000,
            seed: 1,
            style: Style::Example,
            ts_window_secs: 300,
            faults: 0.0,
            legacy: false,
            strict: false,
            push_url: None,
            sms_push_url: None,
            latency: None,
        }
    }
}

/// Command-line flags of `cardboss-sandbox` (reusable as a subcommand's arguments).
#[derive(clap::Parser, Clone, Debug)]
#[command(
    name = "cardboss-sandbox",
    about = "A stateful local CardBOSS server",
    version
)]
pub struct Args {
    /// Port of the query/SMS/renewal API (0 = a free port).
    #[arg(long, default_value_t = 9011)]
    pub port1: u16,
    /// Port of the lifecycle operations (0 = a free port).
    #[arg(long, default_value_t = 8111)]
    pub port2: u16,
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    #[arg(long, default_value = "10043")]
    pub sid: String,
    /// 32 characters.
    #[arg(long, default_value = DEFAULT_APIKEY)]
    pub apikey: String,
    #[arg(long, default_value_t = 1000)]
    pub cards: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long, value_enum, default_value_t = Style::Example)]
    pub style: Style,
    /// Accepted `ts` distance from now, in seconds.
    #[arg(long = "ts-window", default_value_t = 300)]
    pub ts_window: u64,
    /// Fault rate, 0 to 1.
    #[arg(long, default_value_t = 0.0)]
    pub faults: f64,
    /// Serve the withdrawn endpoints instead of answering 1098.
    #[arg(long)]
    pub legacy: bool,
    /// Answer 1012 when a request leaves out a key of an id pair (the platform takes it as empty).
    #[arg(long)]
    pub strict: bool,
    /// Receiver of data pushes (OD1002 renewal results, OD1010 warnings).
    #[arg(long = "push-url")]
    pub push_url: Option<String>,
    /// Receiver of SMS pushes (P0001 reports, P0002 replies).
    #[arg(long = "sms-push-url")]
    pub sms_push_url: Option<String>,
    /// Simulated network round trip added to every CardBOSS request: MS or MS:JITTER
    /// (milliseconds; e.g. 30:5 for 25–35 ms). Requests wait concurrently.
    #[arg(long)]
    pub latency: Option<Latency>,
}

impl Args {
    pub fn into_config(self) -> SandboxConfig {
        SandboxConfig {
            port1: self.port1,
            port2: self.port2,
            host: self.host,
            sid: self.sid,
            apikey: self.apikey,
            cards: self.cards,
            seed: self.seed,
            style: self.style,
            ts_window_secs: self.ts_window,
            faults: self.faults,
            legacy: self.legacy,
            strict: self.strict,
            push_url: self.push_url,
            sms_push_url: self.sms_push_url,
            latency: self.latency,
        }
    }
}

/// A running sandbox.
pub struct SandboxHandle {
    base_url: String,
    ops_url: String,
    state: SandboxState,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl SandboxHandle {
    /// `http://HOST:PORT1` (append `/iotapi/rest/v2/...`).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }
    /// `http://HOST:PORT2`.
    pub fn ops_url(&self) -> String {
        self.ops_url.clone()
    }
    pub fn sid(&self) -> &str {
        &self.state.config.sid
    }
    pub fn apikey(&self) -> &str {
        &self.state.config.apikey
    }
    /// The shared state and its admin API (also reachable through `Deref`).
    pub fn state(&self) -> SandboxState {
        self.state.clone()
    }
    /// The one-line JSON the binary prints when ready.
    pub fn ready_line(&self) -> String {
        let q = |s: &str| serde_json::Value::from(s).to_string();
        format!(
            r#"{{"event":"ready","base_url":{},"ops_url":{},"sid":{},"apikey":{}}}"#,
            q(&self.base_url),
            q(&self.ops_url),
            q(self.sid()),
            q(self.apikey())
        )
    }
    /// Stops both servers (in-flight requests get a moment to finish).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let abort = t.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), t)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

/// The admin API (`control.rs`) is callable on the handle: `handle.advance_clock(180)`.
impl std::ops::Deref for SandboxHandle {
    type Target = Sandbox;
    fn deref(&self) -> &Sandbox {
        &self.state
    }
}

fn url(addr: std::net::SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    if ip.contains(':') {
        format!("http://[{ip}]:{}", addr.port())
    } else {
        format!("http://{ip}:{}", addr.port())
    }
}

fn api_router(sb: SandboxState, port: u8) -> Router {
    let handler =
        move |State(sb): State<SandboxState>,
              Path(path): Path<String>,
              method: Method,
              RawQuery(q): RawQuery,
              body: Bytes| async move { api::handle(sb, port, path, method, q, body).await };
    let r = Router::new().route("/iotapi/rest/v2/{*path}", any(handler));
    let r = if port == 1 {
        r.nest("/_sandbox", admin::router())
    } else {
        r
    };
    r.with_state(sb)
}

/// Binds both ports and serves until [`SandboxHandle::shutdown`].
pub async fn start(config: SandboxConfig) -> io::Result<SandboxHandle> {
    if config.apikey.chars().count() != 32 || !config.apikey.is_ascii() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "apikey must be 32 ASCII characters",
        ));
    }
    if !(0.0..=1.0).contains(&config.faults) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "faults must be a rate between 0 and 1",
        ));
    }
    let l1 = TcpListener::bind((config.host.as_str(), config.port1)).await?;
    let l2 = TcpListener::bind((config.host.as_str(), config.port2)).await?;
    let (base_url, ops_url) = (url(l1.local_addr()?), url(l2.local_addr()?));
    let sb: SandboxState = Sandbox::new_shared(config);
    let (stop, _) = watch::channel(false);
    let mut tasks = Vec::new();
    for (listener, port) in [(l1, 1u8), (l2, 2u8)] {
        let app = api_router(sb.clone(), port);
        let mut rx = stop.subscribe();
        tasks.push(tokio::spawn(async move {
            let shutdown = async move {
                let _ = rx.wait_for(|s| *s).await;
            };
            // Answers go out at once, not held back by Nagle's algorithm behind an unacknowledged
            // segment (nginx does the same on keep-alive connections).
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!("server error: {e}");
            }
        }));
    }
    let ticker_sb = sb.clone();
    let mut rx = stop.subscribe();
    tasks.push(tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = every.tick() => ticker_sb.catch_up(),
                _ = rx.wait_for(|s| *s) => break,
            }
        }
    }));
    tracing::info!(%base_url, %ops_url, "sandbox ready");
    Ok(SandboxHandle {
        base_url,
        ops_url,
        state: sb,
        stop,
        tasks,
    })
}

/// Runs the sandbox like the binary does: prints the ready line on stdout, serves until Ctrl-C
/// or SIGTERM.
pub async fn run(args: Args) -> io::Result<()> {
    use std::io::Write;
    let handle = start(args.into_config()).await?;
    {
        let mut out = io::stdout().lock();
        writeln!(out, "{}", handle.ready_line())?;
        out.flush()?;
    }
    wait_for_signal().await;
    tracing::info!("stopping");
    handle.shutdown().await;
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
