//! The pushes the platform sends, rendered: the one place that lays out and signs a data push
//! (4.2) and an SMS push (3.5.6). The sandbox sends these to its receivers and
//! `cardboss push send` posts them to a receiver under test; `push` verifies the same form.
//!
//! A data push's `data` is a JSON *string* (the form the spec's table gives) and is signed as
//! sent; `api` is empty (reserved). An SMS push is `{"type": "P0001"|"P0002", "data": "<JSON
//! array as a string>"}`, neither signed nor encrypted.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};

use crate::error::Result;
use crate::push::PUSH_ACK;
use crate::sign::{offset, push_sign};

/// How a data push's fields go on the wire. The spec names no content type; the platform has
/// been seen sending both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PushWire {
    #[default]
    Json,
    Form,
}

/// A data push before signing: the fields the signature covers, `data` as the JSON text sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPush {
    pub sid: String,
    /// Unique per message (see [`push_id`]).
    pub id: String,
    /// `OD1002`, `OD1010`.
    pub sn: String,
    /// info, warning or error.
    pub level: String,
    /// `yyyy-MM-dd HH:mm:ss` in the platform's zone (see [`push_time`]).
    pub time: String,
    pub data: String,
    pub desc: String,
}

/// A push ready to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedPush {
    /// The fields in the order sent (`sign` included), each as its string value.
    pub fields: Vec<(&'static str, String)>,
    /// The request body.
    pub body: String,
    pub content_type: &'static str,
}

impl RenderedPush {
    /// The fields as a JSON object of strings (what a JSON data push sends).
    pub fn fields_json(&self) -> Value {
        Value::Object(
            self.fields
                .iter()
                .map(|(k, v)| (k.to_string(), Value::from(v.as_str())))
                .collect::<Map<_, _>>(),
        )
    }
}

const JSON: &str = "application/json;charset=utf-8";
const FORM: &str = "application/x-www-form-urlencoded;charset=utf-8";

impl DataPush {
    /// Signs with `apikey` (`MD5(sid+apikey+id+sn+level+api+time+data+desc)`, upper case) and
    /// lays the fields out as `wire` asks.
    pub fn render(&self, apikey: &str, wire: PushWire) -> RenderedPush {
        let api = "";
        let sign = push_sign(
            &self.sid,
            apikey,
            &self.id,
            &self.sn,
            &self.level,
            api,
            &self.time,
            &self.data,
            &self.desc,
        );
        let fields = vec![
            ("sid", self.sid.clone()),
            ("id", self.id.clone()),
            ("sign", sign),
            ("sn", self.sn.clone()),
            ("level", self.level.clone()),
            ("api", api.to_string()),
            ("time", self.time.clone()),
            ("data", self.data.clone()),
            ("desc", self.desc.clone()),
        ];
        let mut push = RenderedPush {
            fields,
            body: String::new(),
            content_type: JSON,
        };
        match wire {
            PushWire::Json => push.body = push.fields_json().to_string(),
            PushWire::Form => {
                // Serializing (&str, String) pairs cannot fail.
                push.body = serde_urlencoded::to_string(&push.fields).unwrap_or_default();
                push.content_type = FORM;
            }
        }
        push
    }
}

/// A fresh push id: 32 lowercase hex digits, as the platform's look.
pub fn push_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// A push's `time` for `now` in the zone `utc_offset_minutes` east of UTC.
pub fn push_time(now: DateTime<Utc>, utc_offset_minutes: i32) -> String {
    now.with_timezone(&offset(utc_offset_minutes))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// An SMS push: `code` is `P0001` (items from [`sms_report_item`]) or `P0002`
/// ([`sms_reply_item`]); `data` carries the items as a JSON string.
pub fn render_sms_push(code: &'static str, items: Vec<Value>) -> RenderedPush {
    let data = Value::Array(items).to_string();
    let body = json!({"type": code, "data": data}).to_string();
    RenderedPush {
        fields: vec![("type", code.to_string()), ("data", data)],
        body,
        content_type: JSON,
    }
}

/// One P0001 item (3.4.3's fields; the push spells `taskId`).
pub fn sms_report_item(mobile: &str, state: &str, taskid: &str) -> Value {
    json!({"mobile": mobile, "state": state, "taskId": taskid})
}

/// One P0002 item (3.4.4's fields; the push spells `spcode`).
pub fn sms_reply_item(mobile: &str, apmid: &str, spcode: &str, content: &str) -> Value {
    json!({"mobile": mobile, "apmid": apmid, "spcode": spcode, "content": content})
}

/// OD1002 `data`: every field a string, as the spec's example sends them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RenewalData {
    pub level: String,
    pub msg: String,
    /// `1` succeeded, `0` failed.
    pub status: String,
    pub orderid: String,
    pub msisdn: String,
    pub iccid: String,
    pub imsi: String,
    pub equipment: String,
    pub pkgcode: String,
    pub pkgname: String,
    /// Months ordered.
    pub month: String,
}

/// One item of an OD1010 push's `data` array (4.2).
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
pub struct WarningItem {
    pub id: String,
    /// `yyyyMM`.
    pub date: String,
    /// CM, CT, UN or CB.
    pub mon: String,
    pub msisdn: String,
    pub iccid: String,
    pub imei: String,
    pub equipment: String,
    /// One of [`crate::WarningType`]'s codes, as a string.
    #[serde(rename = "type")]
    pub warning_type: String,
    pub planname: String,
    pub cardexpiry: String,
    pub planexpiry: String,
    #[serde(serialize_with = "whole_number")]
    pub total: f64,
    #[serde(serialize_with = "whole_number")]
    pub usage: f64,
    #[serde(serialize_with = "whole_number")]
    pub outflow: f64,
}

/// `512000`, not `512000.0`.
fn whole_number<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

/// OD1010 `data`: the items as a JSON array.
pub fn warnings_data(items: &[WarningItem]) -> String {
    serde_json::to_string(items).unwrap_or_default()
}

/// The platform waits this long for a receiver's answer (3.5.6: 单次推送数据超时时间为 5 秒).
pub const ANSWER_WITHIN: Duration = Duration::from_secs(5);

/// What a receiver answered a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushAnswer {
    pub status: u16,
    /// The body, at most 1,000 characters of it.
    pub body: String,
}

impl PushAnswer {
    /// The receiver took the push: HTTP 2xx with the body `success` (the platform retries
    /// anything else). Case and surrounding whitespace are forgiven, as the platform does.
    pub fn acknowledged(&self) -> bool {
        (200..300).contains(&self.status) && self.body.trim().eq_ignore_ascii_case(PUSH_ACK)
    }
}

/// An HTTP client as the platform's: the answer within [`ANSWER_WITHIN`], no redirects.
pub fn push_client() -> Result<reqwest::Client> {
    crate::transport::with_roots(|| {
        reqwest::Client::builder()
            .timeout(ANSWER_WITHIN)
            .redirect(reqwest::redirect::Policy::none())
    })
}

/// Posts `push` to `url` once (no retry: the caller decides, as the platform does); an `Err`
/// is the network's failure (refused, timed out), as text.
pub async fn post(
    http: &reqwest::Client,
    url: &str,
    push: &RenderedPush,
) -> std::result::Result<PushAnswer, String> {
    let res = http
        .post(url)
        .header("content-type", push.content_type)
        .body(push.body.clone())
        .send()
        .await
        .map_err(|e| crate::transport::chain(&e))?;
    let status = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    Ok(PushAnswer {
        status,
        body: body.chars().take(1000).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::push::{parse_sms_push, verify_push, PushOptions};
    use crate::{PushContent, SmsPush};

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    fn od1010() -> DataPush {
        let item = WarningItem {
            id: "w1".into(),
            warning_type: "42".into(),
            total: 1024.0,
            usage: 1.5,
            ..Default::default()
        };
        DataPush {
            sid: "10043".into(),
            id: push_id(),
            sn: "OD1010".into(),
            level: "warning".into(),
            time: push_time(Utc::now(), 480),
            data: warnings_data(&[item]),
            desc: "达量预警".into(),
        }
    }

    #[test]
    fn rendered_data_pushes_verify_in_both_wire_forms() {
        let push = od1010();
        assert!(
            push.data.contains(r#""total":1024,"usage":1.5"#),
            "{}",
            push.data
        );
        for wire in [PushWire::Json, PushWire::Form] {
            let rendered = push.render(KEY, wire);
            let got = verify_push(rendered.body.as_bytes(), KEY, &PushOptions::default()).unwrap();
            assert_eq!(
                (got.id.as_str(), got.data.as_str()),
                (push.id.as_str(), push.data.as_str())
            );
            let PushContent::UsageWarnings { warnings } = got.content else {
                panic!("{wire:?}")
            };
            assert_eq!(warnings[0].warning_type, 42);
            let other = "ffffffffffffffffffffffffffffffff";
            assert!(verify_push(rendered.body.as_bytes(), other, &PushOptions::default()).is_err());
        }
    }

    #[test]
    fn rendered_sms_pushes_parse() {
        let p = render_sms_push("P0001", vec![sms_report_item("1064", "DELIVRD", "T1")]);
        let SmsPush::Reports { reports } = parse_sms_push(p.body.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(reports[0].taskid, "T1");
        let p = render_sms_push("P0002", vec![sms_reply_item("1064", "a1", "1064899", "hi")]);
        let SmsPush::Replies { replies } = parse_sms_push(p.body.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(
            (replies[0].scode.as_str(), replies[0].content.as_str()),
            ("1064899", "hi")
        );
    }

    #[test]
    fn ids_are_32_hex_digits_and_time_is_the_zone_s() {
        assert_eq!(push_id().len(), 32);
        assert_ne!(push_id(), push_id());
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2024, 4, 1, 2, 3, 4).unwrap();
        assert_eq!(push_time(at, 480), "2024-04-01 10:03:04");
    }
}
