//! What the platform sends to you: data pushes (4.2) and SMS pushes (3.5.6).
//!
//! A data push is signed: `sign = MD5(sid+apikey+id+sn+level+api+time+data+desc)` in upper-case
//! hex, nulls as "", `data` exactly as transmitted. The document says `data` is a JSON string but
//! its example shows an object, and its `sn` has a stray leading space; both forms are accepted.
//! SMS pushes carry no signature. A receiver answers [`PUSH_ACK`] within 5 seconds.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::models::{Push, PushContent, RenewalResult, SmsPush, SmsReply, SmsReport, UsageWarning};
use crate::sign::{offset, push_sign, signatures_match, DEFAULT_UTC_OFFSET_MINUTES};

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

/// Remembers the ids of recent pushes to refuse replays. Thread-safe; share one per receiver.
#[derive(Debug)]
pub struct PushGuard {
    capacity: usize,
    ttl: Duration,
    seen: Mutex<SeenIds>,
}

/// Ids by arrival time, plus their arrival order for eviction.
#[derive(Debug, Default)]
struct SeenIds {
    at: HashMap<String, Instant>,
    order: VecDeque<(String, Instant)>,
}

impl Default for PushGuard {
    fn default() -> Self {
        PushGuard::new(PushGuard::DEFAULT_CAPACITY, PushGuard::DEFAULT_TTL)
    }
}

impl PushGuard {
    /// Ids remembered by `PushGuard::default()`.
    pub const DEFAULT_CAPACITY: usize = 100_000;
    /// How long `PushGuard::default()` remembers an id.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 3600);

    /// A guard as a binding asks for one: `None` is the default, the ttl in milliseconds;
    /// a capacity below 1 or a negative ttl is refused.
    pub fn with_options(capacity: Option<i64>, ttl_ms: Option<i64>) -> Result<Self> {
        let capacity = match capacity {
            None => Self::DEFAULT_CAPACITY,
            Some(n) => usize::try_from(n)
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| Error::invalid("capacity", "must be at least 1"))?,
        };
        let ttl = match ttl_ms {
            None => Self::DEFAULT_TTL,
            Some(ms) => u64::try_from(ms)
                .map(Duration::from_millis)
                .map_err(|_| Error::invalid("ttl_ms", "must not be negative (milliseconds)"))?,
        };
        Ok(PushGuard::new(capacity, ttl))
    }

    /// How many ids it remembers at most.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How long it remembers an id.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Remembers at most `capacity` ids, each for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        PushGuard {
            capacity: capacity.max(1),
            ttl,
            seen: Mutex::new(SeenIds::default()),
        }
    }

    /// Verifies the push, then refuses it if its id was seen within the ttl.
    pub fn verify(&self, body: &[u8], apikey: &str, options: &PushOptions) -> Result<Push> {
        let push = verify_push(body, apikey, options)?;
        self.check_id(&push.id)?;
        Ok(push)
    }

    /// Records `id`; refuses it when already recorded (a replay).
    pub fn check_id(&self, id: &str) -> Result<()> {
        if id.is_empty() {
            return Err(reject("push has no id"));
        }
        let mut guard = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let SeenIds { at: seen, order } = &mut *guard;
        let now = Instant::now();
        while let Some((old, at)) = order.front() {
            if now.duration_since(*at) < self.ttl {
                break;
            }
            seen.remove(old);
            order.pop_front();
        }
        if seen.contains_key(id) {
            return Err(reject(format!("push {id} was already received (replay)")));
        }
        while order.len() >= self.capacity {
            if let Some((old, _)) = order.pop_front() {
                seen.remove(&old);
            }
        }
        seen.insert(id.to_string(), now);
        order.push_back((id.to_string(), now));
        Ok(())
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
        let guard = PushGuard::with_options(Some(2), Some(1500)).unwrap();
        assert_eq!(
            (guard.capacity(), guard.ttl()),
            (2, Duration::from_millis(1500))
        );
        assert!(PushGuard::with_options(Some(0), None).is_err());
        assert!(PushGuard::with_options(None, Some(-5)).is_err());
    }

    #[test]
    fn guard_of_one_still_refuses_an_immediate_replay() {
        let guard = PushGuard::new(1, Duration::from_secs(60));
        guard.check_id("a").unwrap();
        assert!(guard.check_id("a").is_err());
    }

    #[test]
    fn guard_refuses_replays() {
        let guard = PushGuard::new(2, Duration::from_secs(60));
        guard.check_id("a").unwrap();
        assert!(guard.check_id("a").is_err());
        guard.check_id("b").unwrap();
        guard.check_id("c").unwrap(); // evicts "a" (capacity 2)
        guard.check_id("a").unwrap();
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
