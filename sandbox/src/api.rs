//! The HTTP entry of the CardBOSS endpoints: routing by port, stats, faults, checks, dispatch.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::checks::{self, Params};
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
    let Some(ep) = checks::endpoint(&path).filter(|e| e.port == port) else {
        return (StatusCode::NOT_FOUND, "404 Not Found").into_response();
    };
    let post = method == Method::POST;
    // GET reads the query string, POST only the form body (never the URL).
    let mut params = if post {
        Params::parse(std::str::from_utf8(&body).unwrap_or(""))
    } else {
        Params::parse(query.as_deref().unwrap_or(""))
    };
    checks::normalise(ep, &mut params);
    let (fault, delay) = {
        let mut w = sb.lock();
        *w.stats.entry(ep.path.to_string()).or_default() += 1;
        (
            faults::decide(&mut w, post),
            Duration::from_secs_f64(w.faults.delay_secs.max(0.0)),
        )
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
    let (value, jobs) = {
        let mut w = sb.lock();
        w.tick();
        let start = w.ledger.len();
        let result =
            checks::check(&w, ep, post, &params).and_then(|()| (ep.handler)(&mut w, &params));
        if let Some((kind, stage)) = fault {
            for e in &mut w.ledger[start..] {
                e.fault = Some(FaultMark {
                    kind: kind.as_str().into(),
                    stage: stage.as_str().into(),
                });
            }
        }
        let jobs = std::mem::take(&mut w.outbox);
        (result.unwrap_or_else(|e| e.to_json()), jobs)
    };
    sb.send_pushes(jobs);
    let text = value.to_string();
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
