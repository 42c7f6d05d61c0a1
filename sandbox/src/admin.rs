//! The sandbox's own admin API under `/_sandbox/` on port1: JSON in and out, not signed, never
//! faulted. Each route is a thin HTTP face of a method of the Rust admin API (`control.rs`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::control::{AdminError, ConfigUpdate, UsageUpdate, WarningFigures};
use crate::faults::FaultConfig;
use crate::state::Sandbox;

type Sb = State<Arc<Sandbox>>;

pub fn router() -> Router<Arc<Sandbox>> {
    Router::new()
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/orders", get(orders))
        .route("/orders/{orderid}/approve", post(approve))
        .route("/orders/{orderid}/reject", post(reject))
        .route("/sms/upstream", post(upstream))
        .route("/cards/{id}", get(card))
        .route("/cards/{id}/usage", post(usage))
        .route("/cards/{id}/warning", post(warning))
        .route("/ledger", get(ledger))
        .route("/faults", get(get_faults).post(set_faults))
        .route("/config", get(get_config).post(set_config))
        .route("/reset", post(reset))
        .route("/stats", get(stats))
        .route("/pushes", get(pushes))
}

/// An empty body is the default request.
fn body<T: for<'de> Deserialize<'de> + Default>(b: &Bytes) -> serde_json::Result<T> {
    if b.iter().all(|c| c.is_ascii_whitespace()) {
        return Ok(T::default());
    }
    serde_json::from_slice(b)
}

fn bad_json(e: serde_json::Error) -> Response {
    err(StatusCode::BAD_REQUEST, &format!("bad JSON: {e}"))
}

fn err(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({"error": msg}))).into_response()
}

fn answer<T: Serialize>(r: Result<T, AdminError>) -> Response {
    match r {
        Ok(v) => Json(v).into_response(),
        Err(e) => {
            let status = match e {
                AdminError::UnknownOrder { .. } | AdminError::UnknownCard { .. } => {
                    StatusCode::NOT_FOUND
                }
                AdminError::OrderNotPending { .. } => StatusCode::CONFLICT,
                AdminError::InvalidInput { .. } => StatusCode::BAD_REQUEST,
            };
            err(status, &e.to_string())
        }
    }
}

async fn clock(State(sb): Sb) -> Response {
    Json(sb.clock()).into_response()
}

#[derive(Deserialize, Default)]
struct Advance {
    #[serde(default)]
    seconds: i64,
}

async fn advance(State(sb): Sb, b: Bytes) -> Response {
    match body::<Advance>(&b) {
        Ok(a) => Json(sb.advance_clock(a.seconds)).into_response(),
        Err(e) => bad_json(e),
    }
}

async fn orders(State(sb): Sb) -> Response {
    Json(sb.orders()).into_response()
}

async fn approve(State(sb): Sb, Path(orderid): Path<String>) -> Response {
    answer(sb.approve_order(&orderid))
}

async fn reject(State(sb): Sb, Path(orderid): Path<String>) -> Response {
    answer(sb.reject_order(&orderid))
}

#[derive(Deserialize, Default)]
struct UpstreamReq {
    mobile: String,
    content: String,
}

async fn upstream(State(sb): Sb, b: Bytes) -> Response {
    match body::<UpstreamReq>(&b) {
        Ok(u) => Json(sb.upstream_sms(&u.mobile, &u.content)).into_response(),
        Err(e) => bad_json(e),
    }
}

async fn card(State(sb): Sb, Path(id): Path<String>) -> Response {
    answer(sb.card(&id))
}

async fn usage(State(sb): Sb, Path(id): Path<String>, b: Bytes) -> Response {
    match body::<UsageUpdate>(&b) {
        Ok(u) => answer(sb.set_usage(&id, u)),
        Err(e) => bad_json(e),
    }
}

/// `{"type": 11, "total"?: kb, "usage"?: kb, "outflow"?: kb}`.
#[derive(Deserialize)]
struct WarningReq {
    #[serde(rename = "type")]
    warning_type: u8,
    #[serde(flatten)]
    figures: WarningFigures,
}

async fn warning(State(sb): Sb, Path(id): Path<String>, b: Bytes) -> Response {
    match serde_json::from_slice::<WarningReq>(&b) {
        Ok(r) => answer(sb.send_warning(&id, r.warning_type, r.figures)),
        Err(e) => bad_json(e),
    }
}

async fn ledger(State(sb): Sb) -> Response {
    Json(sb.ledger()).into_response()
}

async fn get_faults(State(sb): Sb) -> Response {
    Json(sb.faults()).into_response()
}

async fn set_faults(State(sb): Sb, b: Bytes) -> Response {
    match serde_json::from_slice::<FaultConfig>(&b) {
        Ok(cfg) => answer(sb.set_fault_config(cfg)),
        Err(e) => bad_json(e),
    }
}

async fn get_config(State(sb): Sb) -> Response {
    Json(sb.config()).into_response()
}

async fn set_config(State(sb): Sb, b: Bytes) -> Response {
    match body::<ConfigUpdate>(&b) {
        Ok(c) => Json(sb.update_config(c)).into_response(),
        Err(e) => bad_json(e),
    }
}

async fn reset(State(sb): Sb) -> Response {
    sb.reset();
    Json(json!({"reset": true})).into_response()
}

async fn stats(State(sb): Sb) -> Response {
    Json(sb.stats()).into_response()
}

async fn pushes(State(sb): Sb) -> Response {
    Json(sb.pushes()).into_response()
}
