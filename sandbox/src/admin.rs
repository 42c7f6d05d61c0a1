//! The sandbox's own admin API under `/_sandbox/` on port1: JSON in and out, not signed, never
//! faulted.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::FaultConfig;
use crate::state::{PushFormat, Sandbox};
use crate::Style;

type Sb = State<Arc<Sandbox>>;

pub fn router() -> Router<Arc<Sandbox>> {
    Router::new()
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/orders", get(orders))
        .route("/orders/{orderid}/approve", post(approve))
        .route("/sms/upstream", post(upstream))
        .route("/cards/{id}", get(card))
        .route("/cards/{id}/usage", post(usage))
        .route("/ledger", get(ledger))
        .route("/faults", get(get_faults).post(set_faults))
        .route("/config", get(get_config).post(set_config))
        .route("/reset", post(reset))
        .route("/stats", get(stats))
        .route("/pushes", get(pushes))
}

fn body<T: for<'de> Deserialize<'de> + Default>(b: &Bytes) -> Result<T, String> {
    if b.iter().all(|c| c.is_ascii_whitespace()) {
        return Ok(T::default());
    }
    serde_json::from_slice(b).map_err(|e| format!("bad JSON: {e}"))
}

fn err(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({"error": msg}))).into_response()
}

fn clock_json(sb: &Sandbox) -> Value {
    let w = sb.lock();
    json!({"offset_secs": w.clock_offset_secs, "now": w.now_text(), "unix": w.now_unix()})
}

async fn clock(State(sb): Sb) -> Json<Value> {
    Json(clock_json(&sb))
}

#[derive(Deserialize, Default)]
struct Advance {
    #[serde(default)]
    seconds: i64,
}

async fn advance(State(sb): Sb, b: Bytes) -> Response {
    let a: Advance = match body(&b) {
        Ok(a) => a,
        Err(e) => return err(StatusCode::BAD_REQUEST, &e),
    };
    sb.advance_clock(a.seconds);
    Json(clock_json(&sb)).into_response()
}

async fn orders(State(sb): Sb) -> Json<Value> {
    Json(json!(sb.lock().orders))
}

async fn approve(State(sb): Sb, Path(orderid): Path<String>) -> Response {
    let (res, jobs) = {
        let mut w = sb.lock();
        let known = w.orders.iter().any(|o| o.orderid == orderid);
        let res = crate::operations::confirm_order(&mut w, &orderid);
        (res.map_err(|e| (known, e)), std::mem::take(&mut w.outbox))
    };
    crate::push::spawn_all(&sb, jobs);
    match res {
        Ok(order) => Json(json!(order)).into_response(),
        Err((false, e)) => err(StatusCode::NOT_FOUND, &e),
        Err((true, e)) => err(StatusCode::CONFLICT, &e),
    }
}

#[derive(Deserialize, Default)]
struct UpstreamReq {
    mobile: String,
    content: String,
}

async fn upstream(State(sb): Sb, b: Bytes) -> Response {
    let u: UpstreamReq = match body(&b) {
        Ok(u) => u,
        Err(e) => return err(StatusCode::BAD_REQUEST, &e),
    };
    let (up, jobs) = {
        let mut w = sb.lock();
        let up = crate::sms::inject_upstream(&mut w, &u.mobile, &u.content);
        (up, std::mem::take(&mut w.outbox))
    };
    crate::push::spawn_all(&sb, jobs);
    Json(json!(up)).into_response()
}

async fn card(State(sb): Sb, Path(id): Path<String>) -> Response {
    let w = sb.lock();
    match w.fleet.find(&id) {
        Some(i) => Json(w.card_json(i)).into_response(),
        None => err(StatusCode::NOT_FOUND, &format!("no card {id}")),
    }
}

#[derive(Deserialize, Default)]
struct UsageReq {
    flowusage: Option<f64>,
    smsusage: Option<u64>,
    voiceusage: Option<u64>,
    connectusage: Option<u64>,
    outflowusage: Option<f64>,
}

async fn usage(State(sb): Sb, Path(id): Path<String>, b: Bytes) -> Response {
    let u: UsageReq = match body(&b) {
        Ok(u) => u,
        Err(e) => return err(StatusCode::BAD_REQUEST, &e),
    };
    let (out, jobs) = {
        let mut w = sb.lock();
        let Some(i) = w.fleet.find(&id) else {
            return err(StatusCode::NOT_FOUND, &format!("no card {id}"));
        };
        let c = &mut w.fleet.cards[i as usize];
        if let Some(v) = u.flowusage {
            c.flowusage = v;
        }
        if let Some(v) = u.smsusage {
            c.smsusage = v;
        }
        if let Some(v) = u.voiceusage {
            c.voiceusage = v;
        }
        if let Some(v) = u.connectusage {
            c.connectusage = v;
        }
        if let Some(v) = u.outflowusage {
            c.outflowusage = v;
        }
        let warnings = crate::push::check_usage_warnings(&mut w, i);
        (
            json!({"card": w.card_json(i), "warnings": warnings}),
            std::mem::take(&mut w.outbox),
        )
    };
    crate::push::spawn_all(&sb, jobs);
    Json(out).into_response()
}

async fn ledger(State(sb): Sb) -> Json<Value> {
    Json(json!(sb.lock().ledger))
}

async fn get_faults(State(sb): Sb) -> Json<Value> {
    Json(json!(sb.lock().faults))
}

async fn set_faults(State(sb): Sb, b: Bytes) -> Response {
    let mut cfg: FaultConfig = match serde_json::from_slice(&b) {
        Ok(c) => c,
        Err(e) => return err(StatusCode::BAD_REQUEST, &format!("bad JSON: {e}")),
    };
    cfg.rate = cfg.rate.clamp(0.0, 1.0);
    sb.lock().faults = cfg.clone();
    Json(json!(cfg)).into_response()
}

#[derive(Deserialize, Default)]
struct ConfigReq {
    style: Option<Style>,
    legacy: Option<bool>,
    account_disabled: Option<bool>,
    push_url: Option<Option<String>>,
    sms_push_url: Option<Option<String>>,
    push_format: Option<PushFormat>,
    push_max_attempts: Option<u32>,
    ts_window_secs: Option<u64>,
    balance: Option<f64>,
}

async fn get_config(State(sb): Sb) -> Json<Value> {
    let w = sb.lock();
    let mut v = json!(w.settings);
    v["balance"] = json!(w.account.balance);
    Json(v)
}

async fn set_config(State(sb): Sb, b: Bytes) -> Response {
    let c: ConfigReq = match body(&b) {
        Ok(c) => c,
        Err(e) => return err(StatusCode::BAD_REQUEST, &e),
    };
    {
        let mut w = sb.lock();
        let s = &mut w.settings;
        if let Some(v) = c.style {
            s.style = v;
        }
        if let Some(v) = c.legacy {
            s.legacy = v;
        }
        if let Some(v) = c.account_disabled {
            s.account_disabled = v;
        }
        if let Some(v) = c.push_url {
            s.push_url = v;
        }
        if let Some(v) = c.sms_push_url {
            s.sms_push_url = v;
        }
        if let Some(v) = c.push_format {
            s.push_format = v;
        }
        if let Some(v) = c.push_max_attempts {
            s.push_max_attempts = v.max(1);
        }
        if let Some(v) = c.ts_window_secs {
            s.ts_window_secs = v;
        }
        if let Some(v) = c.balance {
            w.account.balance = v;
        }
    }
    get_config(State(sb)).await.into_response()
}

async fn reset(State(sb): Sb) -> Json<Value> {
    sb.reset();
    Json(json!({"reset": true}))
}

async fn stats(State(sb): Sb) -> Json<Value> {
    let w = sb.lock();
    let total: u64 = w.stats.values().sum();
    Json(json!({"total": total, "endpoints": w.stats}))
}

async fn pushes(State(sb): Sb) -> Json<Value> {
    Json(json!(sb.lock().pushes))
}
