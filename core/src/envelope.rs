//! Reading the platform's answer envelope.
//!
//! Two shapes exist: `{code, msg, detail, result?}` (customer/get puts its object under
//! `customer` instead of `result`) and, for carrier refusals relayed by setvoicewhitetable,
//! `{status, message, result: []}`. Both become the same `ApiFailure`. `result` is kept raw
//! until the code says success, so a failure never costs a full decode.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::decode;
use crate::error::{ApiFailure, Error, Result};

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default, deserialize_with = "decode::opt_string")]
    code: Option<String>,
    #[serde(default, deserialize_with = "decode::string")]
    msg: String,
    #[serde(default, deserialize_with = "decode::string")]
    detail: String,
    #[serde(default, borrow)]
    result: Option<&'a RawValue>,
    #[serde(default, borrow)]
    customer: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "decode::opt_string")]
    status: Option<String>,
    #[serde(default, deserialize_with = "decode::string")]
    message: String,
}

/// What a response turned out to be.
pub(crate) enum Outcome<'a> {
    /// `code` 0, with the `result` (or `customer`) payload if any.
    Success(Option<&'a RawValue>),
    /// A refusal, ready to become an `Error`.
    Failure(ApiFailure),
}

/// Parses the envelope; `None` when the body is not a CardBOSS envelope at all.
pub(crate) fn parse<'a>(endpoint: &str, http_status: u16, body: &'a [u8]) -> Option<Outcome<'a>> {
    let body = body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(body);
    let env: Envelope<'a> = serde_json::from_slice(body).ok()?;
    let (code, msg, detail, carrier) = match (env.code, env.status) {
        (Some(code), _) => {
            let carrier = carrier_code(&env.detail);
            (code, env.msg, env.detail, carrier)
        }
        (None, Some(status)) => (status.clone(), env.message, String::new(), Some(status)),
        (None, None) => return None,
    };
    if code.trim() == "0" {
        return Some(Outcome::Success(
            env.result.or(env.customer).filter(|r| r.get() != "null"),
        ));
    }
    let result = env
        .result
        .map(|r| r.get().to_string())
        .filter(|r| r != "[]" && r != "null");
    Some(Outcome::Failure(ApiFailure {
        code: code.trim().to_string(),
        msg,
        detail,
        endpoint: endpoint.to_string(),
        http_status,
        carrier_code: carrier,
        result,
        outcome_unknown: false,
    }))
}

/// Decodes a success payload into `T`.
pub(crate) fn payload<T: DeserializeOwned>(endpoint: &str, raw: Option<&RawValue>) -> Result<T> {
    let raw = raw.ok_or_else(|| Error::Decode {
        endpoint: endpoint.to_string(),
        message: "the answer has no `result`".into(),
        outcome_unknown: false,
    })?;
    let decode_error = |e: serde_json::Error| Error::Decode {
        endpoint: endpoint.to_string(),
        message: e.to_string(),
        outcome_unknown: false,
    };
    match serde_json::from_str(raw.get()) {
        Ok(value) => Ok(value),
        // A record carrying a field under both its table and its example name: keep the
        // table name's value. Only this rare failure pays for the detour through `Value`.
        Err(e) if e.to_string().starts_with("duplicate field") => {
            let mut value: serde_json::Value =
                serde_json::from_str(raw.get()).map_err(decode_error)?;
            drop_aliases(&mut value);
            serde_json::from_value(value).map_err(decode_error)
        }
        Err(e) => Err(decode_error(e)),
    }
}

/// The example names (NOTES.md) under which a table-named field may also arrive.
const ALIASES: &[(&str, &[&str])] = &[
    ("msisdn", &["msisdns"]),
    ("mno", &["yys"]),
    ("msstatus", &["msStatus"]),
    ("onoff", &["onOff"]),
    ("online", &["gprsStatus"]),
    ("monthsyncdate", &["monthsincdate"]),
    ("iccids", &["iccid"]),
    ("iccid", &["iccids"]),
    ("state", &["stat"]),
    ("scode", &["spcode"]),
    ("taskid", &["tasked", "taskId"]),
];

/// Removes, in every object, the other names of each field present under its own name.
fn drop_aliases(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (field, aliases) in ALIASES {
                if map.contains_key(*field) {
                    for alias in *aliases {
                        map.remove(*alias);
                    }
                }
            }
            map.values_mut().for_each(drop_aliases);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_aliases),
        _ => {}
    }
}

/// The carrier's code inside a 1099 detail: `通道方返回错误码:13009,…`.
pub(crate) fn carrier_code(detail: &str) -> Option<String> {
    let at = detail.find("错误码")? + "错误码".len();
    let rest = detail[at..].trim_start_matches([':', '：', ' ']);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carrier_code_is_found() {
        assert_eq!(
            carrier_code("通道方返回错误码:13009,同一卡号 3 分钟内不能通过此类接口重复办理业务")
                .as_deref(),
            Some("13009")
        );
        assert_eq!(
            carrier_code("通道方返回错误码： 12144"),
            Some("12144".into())
        );
        assert_eq!(carrier_code("联系客服人员开启"), None);
    }

    #[test]
    fn both_failure_shapes() {
        let Some(Outcome::Failure(f)) = parse("x", 200, br#"{"code":1005,"msg":"m","detail":"d"}"#)
        else {
            panic!()
        };
        assert_eq!((f.code.as_str(), f.carrier_code), ("1005", None));
        let Some(Outcome::Failure(f)) = parse(
            "x",
            200,
            "{\"status\":\"12144\",\"message\":\"本月\",\"result\":[]}".as_bytes(),
        ) else {
            panic!()
        };
        assert_eq!(
            (
                f.code.as_str(),
                f.msg.as_str(),
                f.carrier_code.as_deref(),
                f.result
            ),
            ("12144", "本月", Some("12144"), None)
        );
        assert!(parse("x", 200, b"<html>").is_none());
        assert!(parse("x", 200, b"{\"foo\":1}").is_none());
    }

    #[test]
    fn a_field_under_both_names_keeps_the_table_name() {
        let raw = RawValue::from_string(
            r#"{"cards":[{"msisdn":"1","msStatus":"3","msstatus":"2","yys":"CT","mno":"CM"}]}"#
                .into(),
        )
        .unwrap();
        let list: crate::models::CardDetailList = payload("card/detail", Some(&raw)).unwrap();
        assert_eq!(
            (list.cards[0].msstatus, list.cards[0].mno.as_str()),
            (2, "CM")
        );
    }

    #[test]
    fn failed_renewal_keeps_result() {
        let body =
            r#"{"code":"1080","msg":"套餐续费失败","detail":"重复","result":{"orderid":""}}"#;
        let Some(Outcome::Failure(f)) = parse("card/pkg/renew", 200, body.as_bytes()) else {
            panic!()
        };
        assert_eq!(f.result.as_deref(), Some(r#"{"orderid":""}"#));
    }
}
