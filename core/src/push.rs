//! What the platform sends to you: data pushes (4.2) and SMS pushes (3.5.6).
//!
//! A data push is signed: `sign = MD5(sid+apikey+id+sn+level+api+time+data+desc)` in upper-case
//! hex, nulls as "", `data` exactly as transmitted. The document says `data` is a JSON string but
//! its example shows an object, and its `sn` has a stray leading space; both forms are accepted.
//! SMS pushes carry no signature. A receiver answers [`PUSH_ACK`] within 5 seconds.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::{Error, ErrorKind, Result};
use crate::models::{
    Push, PushContent, PushReply, RenewalResult, SmsPush, SmsReply, SmsReport, UsageWarning,
};
use crate::sign::{offset, push_sign, signatures_match, DEFAULT_UTC_OFFSET_MINUTES};
use crate::store::{Claim, GuardStore};

/// The body a push receiver must answer with.
pub const PUSH_ACK: &str = "success";
/// Larger push bodies are refused (OD1010 carries at most 10,000 warnings).
pub const MAX_PUSH_BODY: usize = 8 * 1024 * 1024;

/// How strictly to verify a data push; every field `None` is the default (signature only, the
/// platform's UTC+8).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
pub struct PushOptions {
    /// Refuse pushes for another account.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub expected_sid: Option<String>,
    /// Refuse pushes whose `time` is further than this from now (either way), in milliseconds.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub max_age_ms: Option<i64>,
    /// Zone of the push's `time`, in minutes east of UTC (default 480, UTC+8).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub utc_offset_minutes: Option<i32>,
}

impl PushOptions {
    /// The zone of the push's `time`: the given offset or the platform's UTC+8.
    pub fn utc_offset(&self) -> i32 {
        self.utc_offset_minutes
            .unwrap_or(DEFAULT_UTC_OFFSET_MINUTES)
    }

    /// The largest skew allowed, if any; a negative one is refused.
    pub fn max_age(&self) -> Result<Option<Duration>> {
        self.max_age_ms
            .map(|ms| {
                u64::try_from(ms).map(Duration::from_millis).map_err(|_| {
                    Error::invalid("max_age_ms", "must not be negative (milliseconds)")
                })
            })
            .transpose()
    }
}

fn reject(reason: impl Into<String>) -> Error {
    Error::PushRejected {
        reason: reason.into(),
    }
}

/// Verifies a data push body (JSON or form-encoded) and parses its `data`.
pub fn verify_push(body: &[u8], apikey: &str, options: &PushOptions) -> Result<Push> {
    verify_push_at(body, apikey, options, Utc::now())
}

/// [`verify_push`] as seen at `now` (for tests and replaying stored pushes).
pub fn verify_push_at(
    body: &[u8],
    apikey: &str,
    options: &PushOptions,
    now: DateTime<Utc>,
) -> Result<Push> {
    let max_age = options.max_age()?;
    if body.len() > MAX_PUSH_BODY {
        return Err(reject(format!(
            "body of {} bytes exceeds {MAX_PUSH_BODY}",
            body.len()
        )));
    }
    let fields = push_fields(body)?;
    let get = |name: &str| fields.get(name).cloned().unwrap_or_default();
    let given = get("sign");
    if given.is_empty() {
        return Err(reject("no sign"));
    }
    let (sid, id, sn, level, api, time, data, desc) = (
        get("sid"),
        get("id"),
        get("sn"),
        get("level"),
        get("api"),
        get("time"),
        get("data"),
        get("desc"),
    );
    let expected = push_sign(&sid, apikey, &id, &sn, &level, &api, &time, &data, &desc);
    if !signatures_match(&expected, &given) {
        return Err(reject("sign does not match"));
    }
    if let Some(want) = &options.expected_sid {
        if want != &sid {
            return Err(reject(format!("sid {sid:?} is not this account's")));
        }
    }
    if let Some(max_age) = max_age {
        let sent = NaiveDateTime::parse_from_str(time.trim(), "%Y-%m-%d %H:%M:%S")
            .ok()
            .and_then(|t| {
                offset(options.utc_offset())
                    .from_local_datetime(&t)
                    .single()
            })
            .ok_or_else(|| reject(format!("time {time:?} is not yyyy-MM-dd HH:mm:ss")))?;
        let skew = (now - sent.with_timezone(&Utc))
            .to_std()
            .or_else(|_| (sent.with_timezone(&Utc) - now).to_std())
            .unwrap_or(Duration::MAX);
        if skew > max_age {
            return Err(reject(format!(
                "time {time} is {} s away from now (at most {} s allowed)",
                skew.as_secs(),
                max_age.as_secs_f64()
            )));
        }
    }
    let sn = sn.trim().to_string();
    let content = match sn.as_str() {
        "OD1002" => PushContent::RenewalResult {
            result: parse_data::<RenewalResult>(&sn, &data)?,
        },
        "OD1010" => PushContent::UsageWarnings {
            warnings: one_or_many::<UsageWarning>(&sn, &data)?,
        },
        _ => PushContent::Other {},
    };
    Ok(Push {
        sid,
        id,
        sn,
        level,
        api,
        time,
        desc,
        data,
        content,
    })
}

/// The fields of a push, as the strings that were signed: a JSON string's value, a JSON
/// object's or number's text exactly as it appeared, null as "".
fn push_fields(body: &[u8]) -> Result<HashMap<String, String>> {
    let text = std::str::from_utf8(body).map_err(|_| reject("body is not UTF-8"))?;
    if text.trim_start().starts_with('{') {
        let raw: HashMap<String, &RawValue> = serde_json::from_str(text)
            .map_err(|e| reject(format!("body is not a JSON object: {e}")))?;
        raw.into_iter()
            .map(|(k, v)| {
                let value = match v.get() {
                    "null" => String::new(),
                    s if s.starts_with('"') => {
                        serde_json::from_str::<String>(s).map_err(|e| reject(e.to_string()))?
                    }
                    s => s.to_string(),
                };
                Ok((k, value))
            })
            .collect()
    } else {
        serde_urlencoded::from_str::<Vec<(String, String)>>(text)
            .map(|pairs| pairs.into_iter().collect())
            .map_err(|e| reject(format!("body is neither JSON nor a form: {e}")))
    }
}

fn parse_data<T: DeserializeOwned>(sn: &str, data: &str) -> Result<T> {
    serde_json::from_str(data)
        .map_err(|e| reject(format!("{sn} data is not the documented JSON: {e}")))
}

fn one_or_many<T: DeserializeOwned>(sn: &str, data: &str) -> Result<Vec<T>> {
    if data.trim_start().starts_with('[') {
        parse_data(sn, data)
    } else {
        Ok(vec![parse_data(sn, data)?])
    }
}

/// Parses an SMS push (`{"type":"P0001"|"P0002","data":"<JSON array>"}`); `data` may also be
/// an array. The document's own example leaves the inner quotes unescaped; that form is
/// repaired and accepted too.
pub fn parse_sms_push(body: &[u8]) -> Result<SmsPush> {
    if body.len() > MAX_PUSH_BODY {
        return Err(reject(format!(
            "body of {} bytes exceeds {MAX_PUSH_BODY}",
            body.len()
        )));
    }
    let text = std::str::from_utf8(body).map_err(|_| reject("body is not UTF-8"))?;
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(rename = "type")]
        kind: String,
        data: Box<RawValue>,
    }
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(first) => repair_unquoted_data(text)
            .and_then(|fixed| serde_json::from_str(&fixed).ok())
            .ok_or_else(|| reject(format!("not an SMS push: {first}")))?,
    };
    let data = match envelope.data.get() {
        s if s.starts_with('"') => {
            serde_json::from_str::<String>(s).map_err(|e| reject(e.to_string()))?
        }
        s => s.to_string(),
    };
    match envelope.kind.trim() {
        "P0001" => Ok(SmsPush::Reports {
            reports: one_or_many::<SmsReport>("P0001", &data)?,
        }),
        "P0002" => Ok(SmsPush::Replies {
            replies: one_or_many::<SmsReply>("P0002", &data)?,
        }),
        other => Err(reject(format!("unknown SMS push type {other:?}"))),
    }
}

/// `"data": "[{"a":"b"}]"` → `"data": [{"a":"b"}]`.
fn repair_unquoted_data(text: &str) -> Option<String> {
    let start = text.find("\"[")?;
    let end = text.rfind("]\"")?;
    (start < end).then(|| {
        format!(
            "{}{}{}",
            &text[..start],
            &text[start + 1..=end],
            &text[end + 2..]
        )
    })
}

/// How a [`PushGuard`] is made, as a binding passes it: every field `None` is the default
/// (this process's memory, 100,000 ids, each remembered 24 hours, in flight for at most 60 s).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
pub struct PushGuardOptions {
    /// Where handled ids are kept: `memory:` (default), `redis://host:port/db` (shared by every
    /// worker naming it), `file:///path/state.json`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub store: Option<String>,
    /// Ids a memory store remembers at most (at least 1).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub capacity: Option<i64>,
    /// How long a handled id is remembered, in milliseconds.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ttl_ms: Option<i64>,
    /// How long an id stays in flight when its worker neither commits nor releases it (it
    /// died), in milliseconds; after that the platform's retry is accepted.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub in_flight_ms: Option<i64>,
}

/// Refuses replays in two phases, so a failed handler never loses an event: [`begin`] verifies
/// the push and claims its id as *in flight*; the handler runs; [`PushTicket::commit`] marks
/// the id handled, or [`PushTicket::release`] (or dropping the ticket) forgets it so the
/// platform's retry is accepted. [`handle`] does all three around a handler. A duplicate that
/// arrives meanwhile is refused as [`Error::PushInFlight`], one that arrives later as
/// [`Error::PushReplay`]. With a Redis store every worker behind a load balancer shares this.
///
/// [`begin`]: PushGuard::begin
/// [`handle`]: PushGuard::handle
#[derive(Debug, Clone)]
pub struct PushGuard {
    store: GuardStore,
    capacity: usize,
    ttl: Duration,
    in_flight: Duration,
}

impl Default for PushGuard {
    fn default() -> Self {
        PushGuard::new(PushGuard::DEFAULT_CAPACITY, PushGuard::DEFAULT_TTL)
    }
}

/// The value of a committed id in the store.
const HANDLED: &str = "handled";

impl PushGuard {
    /// Ids remembered by a memory store by default.
    pub const DEFAULT_CAPACITY: usize = 100_000;
    /// How long an id is remembered by default.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 3600);
    /// How long an id stays in flight at most by default.
    pub const DEFAULT_IN_FLIGHT: Duration = Duration::from_secs(60);

    /// A guard in this process's memory remembering at most `capacity` ids, each for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        let capacity = capacity.max(1);
        PushGuard {
            store: GuardStore::memory(capacity),
            capacity,
            ttl,
            in_flight: Self::DEFAULT_IN_FLIGHT,
        }
    }

    /// A guard as a binding asks for one (see [`PushGuardOptions`]); a bad store URL, a
    /// capacity below 1 or a negative duration is refused.
    pub fn open(options: &PushGuardOptions) -> Result<Self> {
        let capacity = match options.capacity {
            None => Self::DEFAULT_CAPACITY,
            Some(n) => usize::try_from(n)
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| Error::invalid("capacity", "must be at least 1"))?,
        };
        let ttl = millis("ttl_ms", options.ttl_ms, Self::DEFAULT_TTL)?;
        let in_flight = millis(
            "in_flight_ms",
            options.in_flight_ms,
            Self::DEFAULT_IN_FLIGHT,
        )?;
        let store = match options.store.as_deref() {
            None => GuardStore::memory(capacity),
            Some(url) => match GuardStore::open(url, "store")? {
                s if s.is_shared() => s,
                _ => GuardStore::memory(capacity),
            },
        };
        Ok(PushGuard {
            store,
            capacity,
            ttl,
            in_flight,
        })
    }

    /// A memory guard from a binding's two numbers (`None`: the default).
    pub fn with_options(capacity: Option<i64>, ttl_ms: Option<i64>) -> Result<Self> {
        PushGuard::open(&PushGuardOptions {
            capacity,
            ttl_ms,
            ..Default::default()
        })
    }

    /// How many ids a memory store remembers at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How long it remembers a handled id.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// How long an id stays in flight when nobody commits or releases it.
    pub fn in_flight(&self) -> Duration {
        self.in_flight
    }

    /// Where the ids are kept (its URL, without a password).
    pub fn store_url(&self) -> String {
        self.store.url()
    }

    /// Phase one: verifies the push (see [`verify_push`]), then claims its id as in flight.
    /// Refused as [`Error::PushReplay`] when it was handled already, [`Error::PushInFlight`]
    /// while another handler has it, [`Error::StoreUnavailable`] when the store cannot say.
    pub async fn begin(
        &self,
        body: &[u8],
        apikey: &str,
        options: &PushOptions,
    ) -> Result<PushTicket> {
        let push = verify_push(body, apikey, options)?;
        self.claim(push).await
    }

    /// Claims an already verified push's id (for receivers that verify elsewhere).
    pub async fn claim(&self, push: Push) -> Result<PushTicket> {
        if push.id.is_empty() {
            return Err(reject("push has no id"));
        }
        let key = format!("cardboss:{}:push:{}", push.sid, push.id);
        let token = format!("in-flight:{:032x}", rand::random::<u128>());
        match self.store.claim(&key, &token, self.in_flight).await? {
            Claim::Claimed => Ok(PushTicket {
                push,
                claim: std::sync::Mutex::new(Some(HeldClaim { key, token })),
                store: self.store.clone(),
                ttl: self.ttl,
            }),
            Claim::Held { value, .. } if value == HANDLED => Err(Error::PushReplay { id: push.id }),
            Claim::Held { .. } => Err(Error::PushInFlight { id: push.id }),
        }
    }

    /// All three phases: `begin`, then `handler`, then `commit` when the handler returned `Ok`
    /// or `release` when it returned `Err`, so the platform's retry is handled again. The outer
    /// error is the guard's (the handler did not run, or ran and its commit failed: it will be
    /// offered again); the inner result is the handler's.
    pub async fn handle<T, E, F, Fut>(
        &self,
        body: &[u8],
        apikey: &str,
        options: &PushOptions,
        handler: F,
    ) -> Result<std::result::Result<T, E>>
    where
        F: FnOnce(Push) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, E>>,
    {
        let ticket = self.begin(body, apikey, options).await?;
        // A panicking or cancelled handler drops the ticket, which releases the id.
        match handler(ticket.push().clone()).await {
            Ok(value) => {
                ticket.commit().await?;
                Ok(Ok(value))
            }
            Err(e) => {
                ticket.release().await?;
                Ok(Err(e))
            }
        }
    }
}

fn millis(field: &str, value: Option<i64>, default: Duration) -> Result<Duration> {
    value.map_or(Ok(default), |ms| {
        u64::try_from(ms)
            .map(Duration::from_millis)
            .map_err(|_| Error::invalid(field, "must not be negative (milliseconds)"))
    })
}

/// A push whose id is claimed as in flight: commit it once handled, release it (or drop the
/// ticket) when handling failed. Used once: a second `commit` or `release` is refused as
/// invalid input. Its methods take `&self` so a binding's object (shared by its language's
/// references) holds the ticket itself rather than a copy of this bookkeeping.
#[derive(Debug)]
pub struct PushTicket {
    push: Push,
    /// `None` once committed or released.
    claim: std::sync::Mutex<Option<HeldClaim>>,
    store: GuardStore,
    ttl: Duration,
}

#[derive(Debug)]
struct HeldClaim {
    key: String,
    token: String,
}

impl PushTicket {
    /// The verified push.
    pub fn push(&self) -> &Push {
        &self.push
    }

    /// True until the ticket is committed or released.
    pub fn is_open(&self) -> bool {
        self.lock().is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<HeldClaim>> {
        // The guarded value is a plain Option: a panic elsewhere cannot leave it half-written.
        self.claim.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn take(&self) -> Result<HeldClaim> {
        self.lock()
            .take()
            .ok_or_else(|| Error::invalid("ticket", "was already committed or released"))
    }

    /// Marks the id handled for the guard's ttl: its replays are refused as `PushReplay`.
    pub async fn commit(&self) -> Result<Push> {
        let claim = self.take()?;
        self.store.put(&claim.key, HANDLED, self.ttl).await?;
        Ok(self.push.clone())
    }

    /// Forgets the id, so the platform's retry is accepted.
    pub async fn release(&self) -> Result<()> {
        let claim = self.take()?;
        self.store.release(&claim.key, &claim.token).await
    }

    /// Ends the ticket as a receiver does once its handler ran: `handled` commits (the reply is
    /// the acknowledgement, or 503 when the store could not record it), otherwise the id is
    /// released and the reply is [`PushReply::handler_failed`].
    pub async fn finish(&self, handled: bool) -> PushReply {
        if !handled {
            // Released or not (the claim then expires after `in_flight`), the platform retries.
            let _ = self.release().await;
            return PushReply::handler_failed();
        }
        match self.commit().await {
            Ok(_) => PushReply::ack(),
            Err(e) => PushReply::for_error(&e),
        }
    }
}

impl Drop for PushTicket {
    fn drop(&mut self) {
        let claim = self
            .claim
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(HeldClaim { key, token }) = claim {
            self.store.release_later(key, token);
        }
    }
}

impl PushReply {
    /// `success` (HTTP 200): the push was handled, and nothing should come again.
    pub fn ack() -> PushReply {
        PushReply {
            status: 200,
            body: PUSH_ACK.to_owned(),
            reason: None,
        }
    }

    /// The handler raised: the id was released, the platform's retry is handled again.
    pub fn handler_failed() -> PushReply {
        PushReply::refusal(500, "the push handler failed; the retry will be handled")
    }

    /// What to answer when the guard or the verification refused (or could not check) a push.
    /// A replay was handled already (the platform missed the acknowledgement): it is
    /// acknowledged again. Anything not acknowledged is sent again by the platform.
    pub fn for_error(error: &Error) -> PushReply {
        PushReply::for_kind(ErrorKind::of(error), error.to_string())
    }

    /// [`for_error`](Self::for_error) from an error's kind (what a binding's exception keeps).
    pub fn for_kind(kind: ErrorKind, reason: String) -> PushReply {
        let status = match kind {
            ErrorKind::PushReplay => {
                return PushReply {
                    reason: Some(reason),
                    ..PushReply::ack()
                }
            }
            // Forged, foreign, stale or malformed: not from the platform, or not usable.
            ErrorKind::PushRejected => 400,
            // Another worker is handling it; its retry is then a replay.
            ErrorKind::PushInFlight => 409,
            // The push could not be checked (fail closed) or the receiver gave up in time.
            ErrorKind::StoreUnavailable | ErrorKind::Timeout | ErrorKind::Cancelled => 503,
            _ => 500,
        };
        PushReply::refusal(status, reason)
    }

    fn refusal(status: i32, reason: impl Into<String>) -> PushReply {
        let reason = reason.into();
        PushReply {
            status,
            body: reason.clone(),
            reason: Some(reason),
        }
    }

    /// True for the acknowledgement (`success`), which stops the platform's retries.
    pub fn acknowledged(&self) -> bool {
        self.status == 200 && self.body == PUSH_ACK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    fn signed_body(data_field: &str, data_signed: &str, time: &str) -> String {
        let sign = push_sign(
            "10043",
            KEY,
            "m1",
            " OD1002",
            "info",
            "",
            time,
            data_signed,
            "订购成功",
        );
        format!(
            r#"{{"sid":"10043","id":"m1","sn":" OD1002","level":"info","api":null,"time":"{time}","data":{data_field},"desc":"订购成功","sign":"{sign}"}}"#
        )
    }

    #[test]
    fn data_as_string_or_object() {
        let obj =
            r#"{"level":"info","status":"1","msg":"ok","orderid":"NR1","msisdn":"1064787038023"}"#;
        let as_string = serde_json::to_string(obj).unwrap();
        for body in [
            signed_body(&as_string, obj, "2024-04-01 10:00:00"),
            signed_body(obj, obj, "2024-04-01 10:00:00"),
        ] {
            let push = verify_push(body.as_bytes(), KEY, &PushOptions::default()).unwrap();
            assert_eq!(push.sn, "OD1002");
            let PushContent::RenewalResult { result } = push.content else {
                panic!()
            };
            assert!(result.succeeded());
            assert_eq!(result.orderid, "NR1");
        }
    }

    #[test]
    fn forged_wrong_sid_and_stale_are_rejected() {
        let obj = r#"{"status":"1"}"#;
        let body = signed_body(obj, obj, "2024-04-01 10:00:00");
        assert!(verify_push(
            body.as_bytes(),
            "ffffffffffffffffffffffffffffffff",
            &PushOptions::default()
        )
        .is_err());
        let wrong_sid = PushOptions {
            expected_sid: Some("1".into()),
            ..Default::default()
        };
        assert!(verify_push(body.as_bytes(), KEY, &wrong_sid).is_err());
        let fresh = PushOptions {
            max_age_ms: Some(300_000),
            ..Default::default()
        };
        let at = Utc.with_ymd_and_hms(2024, 4, 1, 2, 3, 0).unwrap(); // 10:03 in UTC+8
        assert!(verify_push_at(body.as_bytes(), KEY, &fresh, at).is_ok());
        let later = Utc.with_ymd_and_hms(2024, 4, 1, 3, 0, 0).unwrap();
        assert!(verify_push_at(body.as_bytes(), KEY, &fresh, later).is_err());
    }

    #[test]
    fn oversized_bodies_are_refused_before_parsing() {
        let obj = r#"{"status":"1"}"#;
        let body = signed_body(obj, obj, "2024-04-01 10:00:00");
        assert!(verify_push(body.as_bytes(), KEY, &PushOptions::default()).is_ok());
        let mut big = body.into_bytes();
        big.resize(MAX_PUSH_BODY + 1, b' ');
        let err = verify_push(&big, KEY, &PushOptions::default()).unwrap_err();
        assert!(err.to_string().contains("exceeds"), "{err}");
        let err = parse_sms_push(&vec![b' '; MAX_PUSH_BODY + 1]).unwrap_err();
        assert!(err.to_string().contains("exceeds"), "{err}");
    }

    #[test]
    fn options_left_out_are_the_defaults_and_bad_ones_refused() {
        assert_eq!(PushOptions::default().utc_offset(), 480);
        let negative = PushOptions {
            max_age_ms: Some(-1),
            ..Default::default()
        };
        let obj = r#"{"status":"1"}"#;
        let body = signed_body(obj, obj, "2024-04-01 10:00:00");
        let err = verify_push(body.as_bytes(), KEY, &negative).unwrap_err();
        assert_eq!(err.kind(), "invalid_input", "{err}");
        let guard = PushGuard::with_options(None, None).unwrap();
        assert_eq!(guard.capacity(), PushGuard::DEFAULT_CAPACITY);
        assert_eq!(guard.ttl(), PushGuard::DEFAULT_TTL);
        assert_eq!(guard.in_flight(), PushGuard::DEFAULT_IN_FLIGHT);
        assert_eq!(guard.store_url(), "memory:");
        let bad = |o: PushGuardOptions| PushGuard::open(&o).unwrap_err().kind();
        assert_eq!(
            bad(PushGuardOptions {
                store: Some("ftp://x".into()),
                ..Default::default()
            }),
            "invalid_input"
        );
        assert_eq!(
            bad(PushGuardOptions {
                in_flight_ms: Some(-1),
                ..Default::default()
            }),
            "invalid_input"
        );
        let guard = PushGuard::with_options(Some(2), Some(1500)).unwrap();
        assert_eq!(
            (guard.capacity(), guard.ttl()),
            (2, Duration::from_millis(1500))
        );
        assert!(PushGuard::with_options(Some(0), None).is_err());
        assert!(PushGuard::with_options(None, Some(-5)).is_err());
    }

    fn push(id: &str) -> Push {
        let obj = r#"{"status":"1"}"#;
        let mut push = verify_push(
            signed_body(obj, obj, "2024-04-01 10:00:00").as_bytes(),
            KEY,
            &PushOptions::default(),
        )
        .unwrap();
        push.id = id.into();
        push
    }

    #[tokio::test]
    async fn in_flight_then_committed_or_released() {
        let guard = PushGuard::new(2, Duration::from_secs(60));
        let first = guard.claim(push("a")).await.unwrap();
        let err = guard.claim(push("a")).await.unwrap_err();
        assert_eq!(err.kind(), "push_in_flight", "{err}");
        first.release().await.unwrap();
        let again = guard.claim(push("a")).await.unwrap();
        assert_eq!(again.commit().await.unwrap().id, "a");
        let err = guard.claim(push("a")).await.unwrap_err();
        assert_eq!(err.kind(), "push_replay", "{err}");
        // A dropped ticket (a handler that panicked or was cancelled) releases its id.
        drop(guard.claim(push("b")).await.unwrap());
        guard
            .claim(push("b"))
            .await
            .unwrap()
            .commit()
            .await
            .unwrap();
        guard
            .claim(push("c"))
            .await
            .unwrap()
            .commit()
            .await
            .unwrap(); // evicts "a" (capacity 2)
        guard.claim(push("a")).await.unwrap();
        assert!(guard.claim(push("")).await.is_err());
    }

    #[tokio::test]
    async fn handle_commits_only_what_its_handler_finished() {
        let guard = PushGuard::default();
        let obj = r#"{"status":"1"}"#;
        let body = signed_body(obj, obj, "2024-04-01 10:00:00");
        let o = PushOptions::default();
        let failed = guard
            .handle(body.as_bytes(), KEY, &o, |_| async {
                Err::<(), _>("db down")
            })
            .await
            .unwrap();
        assert_eq!(failed, Err("db down"));
        let done = guard
            .handle(
                body.as_bytes(),
                KEY,
                &o,
                |p| async move { Ok::<_, ()>(p.id) },
            )
            .await
            .unwrap();
        assert_eq!(done, Ok("m1".to_string()));
        let err = guard
            .handle(body.as_bytes(), KEY, &o, |_| async { Ok::<_, ()>(()) })
            .await
            .unwrap_err();
        assert_eq!(err.kind(), "push_replay");
    }

    #[tokio::test]
    async fn a_ticket_is_used_once_and_finish_answers_the_platform() {
        let guard = PushGuard::default();
        let ticket = guard.claim(push("t")).await.unwrap();
        assert!(ticket.is_open());
        ticket.release().await.unwrap();
        assert!(!ticket.is_open());
        let err = ticket.commit().await.unwrap_err();
        assert_eq!(
            (err.kind(), err.info().field),
            ("invalid_input", Some("ticket".into()))
        );
        assert_eq!(ticket.push().id, "t", "the push stays readable");

        let failed = guard.claim(push("t")).await.unwrap().finish(false).await;
        assert_eq!((failed.status, failed.acknowledged()), (500, false));
        let done = guard.claim(push("t")).await.unwrap().finish(true).await;
        assert_eq!(done, PushReply::ack());
        let replay = PushReply::for_error(&guard.claim(push("t")).await.unwrap_err());
        assert!(
            replay.acknowledged(),
            "a replay is acknowledged again: {replay:?}"
        );
        assert!(replay.reason.unwrap().contains('t'));
        let held = guard.claim(push("u")).await.unwrap();
        let busy = PushReply::for_error(&guard.claim(push("u")).await.unwrap_err());
        assert_eq!((busy.status, busy.acknowledged()), (409, false));
        drop(held);
    }

    #[test]
    fn replies_by_kind() {
        let status = |kind| PushReply::for_kind(kind, "why".into()).status;
        assert_eq!(status(ErrorKind::PushReplay), 200);
        assert_eq!(status(ErrorKind::PushRejected), 400);
        assert_eq!(status(ErrorKind::PushInFlight), 409);
        assert_eq!(status(ErrorKind::StoreUnavailable), 503);
        assert_eq!(status(ErrorKind::Internal), 500);
        let rejected = PushReply::for_kind(ErrorKind::PushRejected, "bad sign".into());
        assert_eq!(
            (rejected.body.as_str(), rejected.reason.as_deref()),
            ("bad sign", Some("bad sign"))
        );
        for kind in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(ErrorKind::from_name("nope"), None);
    }

    #[test]
    fn sms_push_from_spec_example_with_unescaped_quotes() {
        let body = "{\n  \"type\": \"P0001\",\n  \"data\":\n  \"[{\"mobile\":\"1064807400778\",\"state\":\"MA:0041\",\"taskId\":\"F4D1C4634F02ECE6F1A75C67D5067FDA\"}]\"\n}";
        let SmsPush::Reports { reports } = parse_sms_push(body.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(reports[0].taskid, "F4D1C4634F02ECE6F1A75C67D5067FDA");
        assert_eq!(reports[0].state, "MA:0041");
        let replies = r#"{"type":"P0002","data":"[{\"mobile\":\"1064807400778\",\"apmid\":\"259c\",\"spcode\":\"1064899102015\",\"content\":\"test\"}]"}"#;
        let SmsPush::Replies { replies } = parse_sms_push(replies.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(replies[0].scode, "1064899102015");
        assert!(parse_sms_push(br#"{"type":"P0003","data":"[]"}"#).is_err());
    }
}
