//! Fault injection: deterministic from the seed, on GETs and POSTs of the API (never on admin
//! routes). For POSTs a fault comes either before the operation (nothing happened; for `delay`
//! the operation happens after the delay) or after it took effect; the ledger shows which.

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::Rng;
use serde::{Deserialize, Serialize};

use rand::rngs::StdRng;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// HTTP 500 with a short text body.
    Http500,
    /// HTTP 502 with an nginx-like HTML page.
    Http502,
    /// The connection is dropped without a complete answer.
    Reset,
    /// The answer comes after `delay_secs` (default 35 s, beyond a 30 s client timeout).
    Delay,
    /// HTTP 200 with half a JSON envelope.
    Truncated,
    /// `{"code":"1090","msg":"系统内部错误"}`.
    Code1090,
}

pub const ALL_KINDS: &[FaultKind] = &[
    FaultKind::Http500,
    FaultKind::Http502,
    FaultKind::Reset,
    FaultKind::Delay,
    FaultKind::Truncated,
    FaultKind::Code1090,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Before,
    After,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Before => "before",
            Stage::After => "after",
        }
    }
}

impl std::str::FromStr for FaultKind {
    type Err = String;
    /// The names `as_str` gives (`"http500"`, `"delay"`, …), as the bindings pass them.
    fn from_str(s: &str) -> Result<FaultKind, String> {
        ALL_KINDS
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown fault kind {s:?}"))
    }
}

impl FaultKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::Http500 => "http500",
            FaultKind::Http502 => "http502",
            FaultKind::Reset => "reset",
            FaultKind::Delay => "delay",
            FaultKind::Truncated => "truncated",
            FaultKind::Code1090 => "code1090",
        }
    }
}

/// The fault settings (admin `POST /_sandbox/faults`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FaultConfig {
    /// Probability of a fault per request, 0..=1.
    pub rate: f64,
    /// The kinds to draw from (all when empty).
    #[serde(default)]
    pub kinds: Vec<FaultKind>,
    /// Length of a `delay` fault.
    #[serde(default = "default_delay")]
    pub delay_secs: f64,
    /// Forces the stage of POST faults (random when absent).
    #[serde(default)]
    pub stage: Option<Stage>,
}

fn default_delay() -> f64 {
    35.0
}

impl FaultConfig {
    pub fn new(rate: f64) -> FaultConfig {
        FaultConfig {
            rate: rate.clamp(0.0, 1.0),
            kinds: Vec::new(),
            delay_secs: default_delay(),
            stage: None,
        }
    }
}

/// Draws whether this request is faulted (GET faults are always `Before`).
pub fn decide(cfg: &FaultConfig, rng: &mut StdRng, post: bool) -> Option<(FaultKind, Stage)> {
    if cfg.rate <= 0.0 {
        return None;
    }
    let roll: f64 = rng.random();
    if roll >= cfg.rate {
        return None;
    }
    let kinds = if cfg.kinds.is_empty() {
        ALL_KINDS
    } else {
        &cfg.kinds[..]
    };
    let kind = kinds[rng.random_range(0..kinds.len())];
    let stage = if !post {
        Stage::Before
    } else {
        cfg.stage.unwrap_or(if rng.random_bool(0.5) {
            Stage::Before
        } else {
            Stage::After
        })
    };
    Some((kind, stage))
}

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// The faulty answer. `real` is the JSON the operation produced (after-stage faults), used to
/// truncate a real answer.
pub fn response(kind: FaultKind, real: Option<&[u8]>) -> Response {
    match kind {
        FaultKind::Http500 => {
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
        }
        FaultKind::Http502 => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html")],
            HTML_502,
        )
            .into_response(),
        FaultKind::Reset => {
            let stream = futures::stream::once(async {
                Err::<bytes::Bytes, std::io::Error>(std::io::Error::other("reset"))
            });
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json;charset=UTF-8")
                .body(Body::from_stream(stream))
                .unwrap_or_default()
        }
        FaultKind::Truncated => {
            let full = real
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(r#"{"code":"0","msg":"成功","detail":"","result":{"count":1,"cards":[{"msisdn":"1064"#);
            let cut = full
                .char_indices()
                .map(|(i, _)| i)
                .take_while(|&i| i <= full.len() / 2)
                .last()
                .unwrap_or(0);
            let body = full[..cut.max(1)].to_string();
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
                body,
            )
                .into_response()
        }
        FaultKind::Code1090 => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
            r#"{"code":"1090","msg":"系统内部错误","detail":"系统繁忙, 请稍后重试"}"#,
        )
            .into_response(),
        // Delay is handled by the caller (it answers normally, late).
        FaultKind::Delay => StatusCode::OK.into_response(),
    }
}
