//! # cardboss-kotlin
//!
//! The CardBOSS SDK for Kotlin (JVM/Android) and Swift, through UniFFI proc-macros. Every rule
//! lives in the core crate (`cardboss`); this crate only translates: the core's models are
//! exported as they are (their UniFFI derives sit behind the core's `uniffi` feature), and each
//! method forwards to `cardboss::Client` in one line.
//!
//! Files follow the spec's groups: `client` (configuration, the client object, card sets),
//! `customer`, `cards` (with `batches`: bulk results batch by batch, and `fleet`: the whole
//! fleet synced), `pools`, `operations` (with `bulk`: one operation on many cards), `sms`,
//! `push`, and `error` (the sealed `CardBossException`); `testing` is the in-process sandbox
//! (`cardboss.testing.Sandbox`). The Kotlin package is `cardboss` (see `uniffi.toml`).

// UniFFI lifts errors by value (a boxed error cannot cross the FFI), and the core's error is
// large by design (it carries the server's whole refusal).
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!("cardboss_ffi");

pub mod batches;
pub mod bulk;
pub mod cards;
pub mod client;
pub mod customer;
pub mod error;
pub mod fleet;
pub mod operations;
pub mod pools;
pub mod push;
pub mod sms;
pub mod testing;

use std::time::SystemTime;

pub use batches::{CardDetailBatches, CurrentUsageBatches, MonthlyUsageBatches};
pub use bulk::BulkRun;
pub use cards::CardPager;
pub use client::{CardBossClient, CardRef, CardSet};
pub use error::CardBossError;
pub use fleet::{FleetSyncBatches, FleetSyncOptions};
pub use push::PushGuard;
pub use testing::SandboxServer;

/// Lowercase hex MD5 of the plain concatenation of `parts` (`sid, apikey, ts, params…` as the
/// spec lists them; absent optional parameters as "").
#[uniffi::export]
pub fn sign(parts: Vec<String>) -> String {
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    cardboss::sign(&parts)
}

/// `yyyyMMddHHmmss` of `at` (default: now) on a clock `utc_offset_minutes` east of UTC
/// (default: the platform's UTC+8).
#[uniffi::export(default(at = None, utc_offset_minutes = None))]
pub fn timestamp(at: Option<SystemTime>, utc_offset_minutes: Option<i32>) -> String {
    let at = at.unwrap_or_else(SystemTime::now);
    let offset = utc_offset_minutes.unwrap_or(cardboss::sign::DEFAULT_UTC_OFFSET_MINUTES);
    cardboss::timestamp(at.into(), offset)
}

/// Version of the SDK (sent in the User-Agent).
#[uniffi::export]
pub fn sdk_version() -> String {
    cardboss::VERSION.to_string()
}
