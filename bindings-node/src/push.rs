//! What the platform sends to you: data pushes (4.2, signed) and SMS pushes (3.5.6, unsigned).
//! Verify the raw body exactly as received, and answer `PUSH_ACK` within 5 seconds.

use std::time::Duration;

use cardboss::{RenewalResult, SmsReply, SmsReport, UsageWarning};
use napi::bindgen_prelude::{Buffer, Either};
use napi::{Env, Result};
use napi_derive::napi;

use crate::error::sync;

/// The body a push receiver must answer with (`"success"`).
#[napi]
pub const PUSH_ACK: &str = cardboss::PUSH_ACK;

/// How strictly to verify a data push.
#[napi(object)]
#[derive(Default)]
pub struct PushOptions {
    /// Refuse pushes for another account.
    pub expected_sid: Option<String>,
    /// Refuse pushes whose `time` is further than this from now (either way), in seconds.
    pub max_age_secs: Option<u32>,
    /// Zone of the push's `time`, in minutes east of UTC (default 480, UTC+8).
    pub utc_offset_minutes: Option<i32>,
}

impl PushOptions {
    fn core(o: Option<PushOptions>) -> cardboss::PushOptions {
        let o = o.unwrap_or_default();
        cardboss::PushOptions {
            expected_sid: o.expected_sid,
            max_age_ms: o.max_age_secs.map(|s| i64::from(s) * 1000),
            utc_offset_minutes: o.utc_offset_minutes,
        }
    }
}

/// What a data push carries, by its `sn`.
#[napi(discriminant = "kind", discriminant_case = "snake_case")]
#[allow(clippy::large_enum_variant)] // the core's shape, built once per push
pub enum PushContent {
    /// OD1002: the final result of a renewal order.
    RenewalResult { result: RenewalResult },
    /// OD1010: usage or expiry warnings.
    UsageWarnings { warnings: Vec<UsageWarning> },
    /// Any other `sn`: see `Push.data`.
    Other,
}

/// A verified data push (4.2).
#[napi(object, object_from_js = false)]
pub struct Push {
    pub sid: String,
    /// Unique message id (`PushGuard` uses it to refuse replays).
    pub id: String,
    /// Message type (`OD1002`, `OD1010`), trimmed.
    pub sn: String,
    pub level: String,
    pub api: String,
    /// As sent (`yyyy-MM-dd HH:mm:ss`).
    pub time: String,
    pub desc: String,
    /// `data` exactly as received (JSON text).
    pub data: String,
    pub content: PushContent,
}

impl From<cardboss::Push> for Push {
    fn from(p: cardboss::Push) -> Self {
        let content = match p.content {
            cardboss::PushContent::RenewalResult { result } => {
                PushContent::RenewalResult { result }
            }
            cardboss::PushContent::UsageWarnings { warnings } => {
                PushContent::UsageWarnings { warnings }
            }
            cardboss::PushContent::Other {} => PushContent::Other,
        };
        Push {
            sid: p.sid,
            id: p.id,
            sn: p.sn,
            level: p.level,
            api: p.api,
            time: p.time,
            desc: p.desc,
            data: p.data,
            content,
        }
    }
}

/// An SMS push (3.5.6), by its `type`.
#[napi(discriminant = "type")]
pub enum SmsPush {
    /// Delivery reports.
    P0001 { reports: Vec<SmsReport> },
    /// Replies.
    P0002 { replies: Vec<SmsReply> },
}

impl From<cardboss::SmsPush> for SmsPush {
    fn from(p: cardboss::SmsPush) -> Self {
        match p {
            cardboss::SmsPush::Reports { reports } => SmsPush::P0001 { reports },
            cardboss::SmsPush::Replies { replies } => SmsPush::P0002 { replies },
        }
    }
}

fn bytes(body: &Either<String, Buffer>) -> &[u8] {
    match body {
        Either::A(text) => text.as_bytes(),
        Either::B(buffer) => buffer,
    }
}

/// Verifies a data push body (JSON or form-encoded, as received: pass the raw body) with the
/// account's apikey and parses its `data`. Throws `PUSH_REJECTED` when forged, for another
/// account (`expectedSid`) or too old (`maxAgeSecs`).
#[napi]
pub fn verify_push(
    env: Env,
    body: Either<String, Buffer>,
    apikey: String,
    options: Option<PushOptions>,
) -> Result<Push> {
    sync(&env, || {
        cardboss::verify_push(bytes(&body), &apikey, &PushOptions::core(options)).map(Push::from)
    })
}

/// Parses an SMS push body (`{"type":"P0001"|"P0002","data":"[...]"}`); these are not signed.
#[napi]
pub fn parse_sms_push(env: Env, body: Either<String, Buffer>) -> Result<SmsPush> {
    sync(&env, || {
        cardboss::parse_sms_push(bytes(&body)).map(SmsPush::from)
    })
}

/// Verifies pushes and refuses replays: remembers the ids of recent pushes. Keep one per
/// receiver.
#[napi]
pub struct PushGuard {
    inner: cardboss::PushGuard,
}

#[napi]
impl PushGuard {
    /// Remembers at most `capacity` ids (default 100,000), each for `ttlSecs` (default 24 h).
    #[napi(constructor)]
    pub fn new(capacity: Option<u32>, ttl_secs: Option<u32>) -> Self {
        let defaults = (100_000, 24 * 3600);
        let capacity = capacity.map_or(defaults.0, |c| c as usize);
        let ttl = Duration::from_secs(ttl_secs.map_or(defaults.1, u64::from));
        PushGuard {
            inner: cardboss::PushGuard::new(capacity, ttl),
        }
    }

    /// `verifyPush`, then refuses the push (`PUSH_REJECTED`) if its id was seen within the ttl.
    #[napi]
    pub fn verify(
        &self,
        env: Env,
        body: Either<String, Buffer>,
        apikey: String,
        options: Option<PushOptions>,
    ) -> Result<Push> {
        sync(&env, || {
            self.inner
                .verify(bytes(&body), &apikey, &PushOptions::core(options))
                .map(Push::from)
        })
    }

    /// Records `id`; throws `PUSH_REJECTED` when it was already recorded (a replay).
    #[napi]
    pub fn check_id(&self, env: Env, id: String) -> Result<()> {
        sync(&env, || self.inner.check_id(&id))
    }
}
