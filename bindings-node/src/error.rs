//! The one mapping from `cardboss::Error` to JavaScript, and the two ways calls reach the core:
//! [`spawn`] (a Promise settled from napi's tokio runtime) and [`sync`].
//!
//! Both catch Rust panics (they become an `INTERNAL` error, never a crash of the process) and
//! both turn a `cardboss::Error` into a JS `Error` built here, on the JS thread, with the
//! properties of [`ErrorInfo`]. The core builds its messages without the apikey or any sign;
//! nothing here adds anything but what the core's accessors return.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};

use futures::FutureExt;
use napi::bindgen_prelude::{JsObjectValue, JsValue, Object, PromiseRaw, ToNapiValue};
use napi::{Env, Result};
use napi_derive::napi;

/// The properties of every `Error` this package throws or rejects with, besides `message`,
/// `name` (always `"CardbossError"`) and `stack`.
///
/// Use `isCardbossError(err)` to narrow a caught value to `CardbossError` (= `Error & ErrorInfo`).
#[napi(object, object_from_js = false)]
pub struct ErrorInfo {
    /// Stable code: the platform's code for server refusals (`"1005"`, `"1080"`, the carrier's
    /// `"12144"`), else one of `INVALID_INPUT`, `COOLDOWN`, `TIMEOUT`, `TRANSPORT`, `HTTP`,
    /// `DECODE`, `PUSH_REJECTED`, `INTERNAL`.
    pub code: String,
    /// What went wrong: `api`, `auth`, `rate_limited`, `invalid_input`, `cooldown`, `timeout`,
    /// `transport`, `http`, `decode`, `push_rejected` or `internal`.
    pub kind: String,
    /// The server's `msg`, when the server refused the request.
    pub msg: Option<String>,
    /// The server's `detail`, when the server refused the request.
    pub detail: Option<String>,
    /// HTTP status of the answer, when an answer arrived.
    pub http_status: Option<u32>,
    /// The endpoint path (`card/pkg/renew`), with the batch named for bulk calls.
    pub endpoint: Option<String>,
    /// Seconds to wait before trying again (cooldowns, rate limits), when known.
    pub retry_after: Option<u32>,
    /// True when a POST may have been applied although it failed: check before repeating it.
    pub outcome_unknown: bool,
    /// The upstream carrier's code (`"13009"`), when the refusal came from the carrier.
    pub carrier_code: Option<String>,
    /// The invalid parameter, for `invalid_input`.
    pub field: Option<String>,
    /// The `result` object some refusals still carry (a failed renewal does).
    #[napi(ts_type = "Record<string, unknown>")]
    pub result: Option<serde_json::Value>,
}

impl From<&cardboss::Error> for ErrorInfo {
    fn from(e: &cardboss::Error) -> Self {
        let failure = e.failure();
        ErrorInfo {
            code: e.code(),
            kind: e.kind().to_string(),
            msg: failure.map(|f| f.msg.clone()),
            detail: failure.map(|f| f.detail.clone()),
            http_status: e.http_status().map(u32::from),
            endpoint: e.endpoint().map(String::from),
            retry_after: e
                .retry_after_secs()
                .map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
            outcome_unknown: e.outcome_unknown(),
            carrier_code: failure.and_then(|f| f.carrier_code.clone()),
            field: match e {
                cardboss::Error::InvalidInput { field, .. } => Some(field.clone()),
                _ => None,
            },
            result: failure
                .and_then(|f| f.result.as_deref())
                .and_then(|r| serde_json::from_str(r).ok()),
        }
    }
}

/// The JS `Error` for `e`, as a napi error that throws / rejects with exactly that object.
pub fn to_js_error(env: &Env, e: &cardboss::Error) -> napi::Error {
    match build_error(env, e) {
        Ok(object) => napi::Error::from(object.to_unknown()),
        Err(failed) => failed,
    }
}

pub(crate) fn build_error<'env>(env: &'env Env, e: &cardboss::Error) -> Result<Object<'env>> {
    let info = ErrorInfo::from(e);
    let mut error = env.create_error(napi::Error::from_reason(e.to_string()))?;
    error.set_named_property("name", "CardbossError")?;
    error.set_named_property("code", info.code)?;
    error.set_named_property("kind", info.kind)?;
    set_some(&mut error, "msg", info.msg)?;
    set_some(&mut error, "detail", info.detail)?;
    set_some(&mut error, "httpStatus", info.http_status)?;
    set_some(&mut error, "endpoint", info.endpoint)?;
    set_some(&mut error, "retryAfter", info.retry_after)?;
    error.set_named_property("outcomeUnknown", info.outcome_unknown)?;
    set_some(&mut error, "carrierCode", info.carrier_code)?;
    set_some(&mut error, "field", info.field)?;
    set_some(&mut error, "result", info.result)?;
    Ok(error)
}

/// Absent values stay absent (`'httpStatus' in err` is false), rather than `null`.
fn set_some<T: ToNapiValue>(object: &mut Object, name: &str, value: Option<T>) -> Result<()> {
    match value {
        Some(value) => object.set_named_property(name, value),
        None => Ok(()),
    }
}

/// A panic caught at the boundary, as the core's `Internal` error.
fn internal(payload: Box<dyn Any + Send>) -> cardboss::Error {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a Rust panic".to_string());
    cardboss::Error::Internal { message }
}

/// Runs `fut` on napi's tokio runtime and returns a Promise of its value. An error or a panic
/// rejects the Promise with the `CardbossError`, built on the JS thread.
pub fn spawn<'env, T, F>(env: &'env Env, fut: F) -> Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = cardboss::Result<T>> + Send + 'static,
{
    let guarded = async move {
        Ok(AssertUnwindSafe(fut)
            .catch_unwind()
            .await
            .unwrap_or_else(|p| Err(internal(p))))
    };
    env.spawn_future_with_callback(guarded, |env, outcome| {
        outcome.map_err(|e| to_js_error(env, &e))
    })
}

/// Runs `f` now; an error or a panic throws the `CardbossError`.
pub fn sync<T>(env: &Env, f: impl FnOnce() -> cardboss::Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|p| Err(internal(p)))
        .map_err(|e| to_js_error(env, &e))
}
