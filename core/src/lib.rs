//! # cardboss
//!
//! A typed, signed, validated client for the CardBOSS IoT-SIM-card platform (API v2.2.2).
//!
//! The vendor's document contradicts itself (table field names vs example field names, a signed
//! parameter the table forgets, two error envelope shapes); every rule and every reconciliation
//! lives in this crate, once, and the Python, Node and Kotlin packages only translate.
//!
//! ```no_run
//! # async fn run() -> cardboss::Result<()> {
//! use cardboss::{CardSet, Client, Config};
//! let client = Client::new(Config::new("10043", "0123456789abcdef0123456789abcdef"))?;
//! let me = client.customer().await?;
//! let details = client.card_details(&CardSet::msisdns(["1064787000001"])).await?;
//! # Ok(()) }
//! ```
//!
//! Layout follows the spec's grouping: `client::{customer, cards, pools, operations, sms}` for
//! the endpoints, `models::*` for what they return, `push` for what the platform sends to you.

// `Error` carries the server's whole refusal (code, msg, detail, endpoint, …) so that every
// binding can show it; it is returned only on failures, next to a network round trip, so its
// size does not matter and boxing it would complicate every binding's mapping.
#![allow(clippy::result_large_err)]

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

pub mod call;
pub mod client;
pub mod crypto;
pub mod decode;
pub mod error;
pub mod ids;
pub mod models;
pub mod push;
pub mod push_render;
#[cfg(feature = "python")]
pub mod python;
pub mod rules;
pub mod sign;
pub mod store;

mod cooldown;
mod envelope;
mod journal;
mod transport;

pub use client::{
    Batches, BulkOp, BulkOptions, BulkRun, BulkSettings, CardStream, Client, ClientOptions, Config,
    FleetSync, FleetSyncOptions, FleetSyncStatus,
};
pub use crypto::{decrypt_sms, encrypt_sms, SmsPlaintext};
pub use error::{ApiFailure, Error, ErrorInfo, ErrorKind, Result};
pub use ids::{CardIds, CardRef, CardSet};
pub use models::*;
pub use push::{
    parse_sms_push, verify_push, PushGuard, PushGuardOptions, PushOptions, PushTicket, PUSH_ACK,
};
pub use sign::{sign, timestamp};
pub use store::{Claim, GuardStore};

/// The path prefix every endpoint lives under, on both ports.
pub const PATH_PREFIX: &str = "/iotapi/rest/v2";
/// Version of this SDK, sent in the User-Agent.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
