//! The HTTP entry of the CardBOSS endpoints: routing by port, stats, faults, checks, dispatch.
//! Queries run under the world's read lock, everything else under its write lock (`state.rs`).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::checks::{self, Handler, Params};
use crate::faults::{self, FaultKind, Stage};
use crate::state::{FaultMark, Sandbox};

/// Handles `/iotapi/rest/v2/{path}` on `port` (1 or 2).
pub async fn handle(
    sb: Arc<Sandbox>,
    port: u8,
    path: String,
    method: Method,
    query: Option<String>,
    body: Bytes,
) -> Response {
    let Some(index) = checks::endpoint_index(&path).filter(|&i| checks::ENDPOINTS[i].port == port)
    else {
        return (StatusCode::NOT_FOUND, "404 Not Found").into_response();
    };
    let ep = &checks::ENDPOINTS[index];
    let post = method == Method::POST;
    // GET reads the query string, POST only the form body (never the URL).
    let mut params = if post {
        Params::parse(std::str::from_utf8(&body).unwrap_or(""))
    } else {
        Params::parse(query.as_deref().unwrap_or(""))
    };
    checks::normalise(ep, &mut params);
    sb.count(index);
    // The way out: half the round trip before the request is handled.
    let round_trip = sb
        .config
        .latency
        .map(|l| l.sample(&mut rand::rng()))
        .unwrap_or_default();
    if !round_trip.is_zero() {
        tokio::time::sleep(round_trip / 2).await;
    }
    let (fault, delay) = {
        let w = sb.read();
        let fault = if w.faults.rate > 0.0 {
            let mut rng = sb.fault_rng.lock().unwrap_or_else(|e| e.into_inner());
            faults::decide(&w.faults, &mut rng, post)
        } else {
            None
        };
        (fault, Duration::from_secs_f64(w.faults.delay_secs.max(0.0)))
    };
    if let Some((kind, Stage::Before)) = fault {
        if post {
            // Recorded before anything else: a client that gives up during a delay drops this
            // handler, and the ledger must still show the fault it met.
            record_unapplied_fault(&sb, ep.path, &params, kind);
        }
        if kind == FaultKind::Delay {
            tokio::time::sleep(delay).await;
        } else {
            return faults::response(kind, None);
        }
    }
    sb.catch_up();
    let result = match ep.handler {
        Handler::Read(h) => {
            let w = sb.read();
            checks::check(&w, ep, post, &params).and_then(|()| h(&w, &params))
        }
        Handler::Write(h) => sb.with_pushes(|w| {
            let start = w.ledger.len();
            let result = checks::check(w, ep, post, &params).and_then(|()| h(w, &params));
            if let Some((kind, stage)) = fault {
                for e in &mut w.ledger[start..] {
                    e.fault = Some(FaultMark {
                        kind: kind.as_str().into(),
                        stage: stage.as_str().into(),
                    });
                }
            }
            result
        }),
    };
    let text = result.unwrap_or_else(|e| e.to_bytes());
    // The way back: the other half before the answer leaves.
    if !round_trip.is_zero() {
        tokio::time::sleep(round_trip - round_trip / 2).await;
    }
    if let Some((kind, Stage::After)) = fault {
        if kind == FaultKind::Delay {
            tokio::time::sleep(delay).await;
        } else {
            return faults::response(kind, Some(&text));
        }
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
        text,
    )
        .into_response()
}

/// A ledger entry for a POST that met a fault before the operation: nothing took effect (yet:
/// after a delay the operation may still follow, with its own entry).
fn record_unapplied_fault(sb: &Sandbox, path: &str, params: &Params, kind: FaultKind) {
    let mut w = sb.lock();
    let cards: Vec<String> = ["msisdn", "iccid", "mobile"]
        .iter()
        .flat_map(|k| {
            params
                .val(k)
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .take(1000)
        .collect();
    let note = if kind == FaultKind::Delay {
        "delayed before the operation: it takes effect only if the client still waits"
    } else {
        "fault before the operation: nothing took effect"
    };
    let id = w.record(path, "fault", cards, serde_json::json!({ "note": note }));
    if let Some(e) = w.ledger.iter_mut().rev().find(|e| e.id == id) {
        e.applied = false;
        e.fault = Some(FaultMark {
            kind: kind.as_str().into(),
            stage: "before".into(),
        });
    }
}
