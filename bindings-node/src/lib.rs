//! # cardboss (Node)
//!
//! The npm package `cardboss`: the Rust core as a Node addon (napi-rs). Every rule of the spec
//! (signing, validation, batching, retries, cooldowns, decoding, push verification) lives in
//! the core; this crate only translates, one core call per method.
//!
//! Files follow the spec's grouping: `client` (the class and its options), `customer`,
//! `cards` (and `fleet`, the whole fleet synced), `pools`, `operations` (and `bulk`, one
//! operation on many cards), `sms`, `push`, and
//! `error` (the one error mapping); `testing` is the in-process sandbox of `cardboss/testing`.
//! The models (`Customer`, `CardDetail`, ...) are the core's own structs, made plain JS objects
//! by the core's `napi` feature, keyed by the spec's table field names.

// `cardboss::Error` is the core's one error type, passed through as is.
#![allow(clippy::result_large_err)]
// Under `cargo test` napi-derive registers no exports, so the exported items look unused.
#![cfg_attr(test, allow(dead_code))]

mod batches;
mod bulk;
mod cards;
mod client;
mod customer;
mod error;
mod fleet;
mod operations;
mod pools;
mod push;
mod records;
mod sms;
mod testing;

use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;

/// Version of the SDK (the core's version).
#[napi]
pub const VERSION: &str = cardboss::VERSION;

/// `sign` of a request: lowercase hex MD5 of the plain concatenation of `parts`
/// (`[sid, apikey, ts, ...params in the documented order]`, absent parameters as `""`).
#[napi]
pub fn sign(parts: Vec<String>) -> String {
    cardboss::sign(&parts.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The `ts` of a request (`yyyyMMddHHmmss`) for the instant `atMs` (ms since the epoch, default
/// now) on a clock `utcOffsetMinutes` east of UTC (default 480, the platform's UTC+8).
#[napi]
pub fn timestamp(env: Env, at_ms: Option<f64>, utc_offset_minutes: Option<i32>) -> Result<String> {
    error::sync(&env, || {
        let at = match at_ms {
            Some(ms) => chrono_from_ms(ms)?,
            None => chrono::Utc::now(),
        };
        Ok(cardboss::timestamp(
            at,
            utc_offset_minutes.unwrap_or(cardboss::sign::DEFAULT_UTC_OFFSET_MINUTES),
        ))
    })
}

fn chrono_from_ms(ms: f64) -> cardboss::Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp_millis(ms as i64).ok_or_else(|| {
        cardboss::Error::InvalidInput {
            field: "atMs".into(),
            reason: format!("{ms} is not a representable instant"),
        }
    })
}

/// The `CardbossError` (`INVALID_INPUT`) for napi's own error refusing an argument of the wrong
/// JS type before any of our code runs (`code` is napi's status), or `null` for any other error;
/// lib.js passes every error a method throws through it.
#[napi(js_name = "_argumentError", skip_typescript)]
pub fn argument_error<'env>(
    env: &'env Env,
    code: String,
    message: String,
) -> Result<Option<napi::bindgen_prelude::Object<'env>>> {
    error::argument_error(&code, &message)
        .map(|e| error::build_error(env, &e))
        .transpose()
}

/// Test hook: panics inside the addon; the panic must come out as a thrown `INTERNAL` error.
#[napi(js_name = "_debugPanic", skip_typescript)]
pub fn debug_panic(env: Env) -> Result<()> {
    error::sync(&env, || panic!("deliberate panic (_debugPanic)"))
}

/// Test hook: panics inside a task on the addon's runtime; the Promise must reject with an
/// `INTERNAL` error.
#[napi(js_name = "_debugPanicAsync", skip_typescript)]
pub fn debug_panic_async<'env>(env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
    error::spawn(env, async {
        panic!("deliberate panic in a task (_debugPanicAsync)")
    })
}
