use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::decode;
use crate::error::{Error, Result};

/// 3.5.5 template variables, sent as `content=@1@=xx|@2@=yy` (in number order).
///
/// Built from values in order, the first filling `@1@` (a list in Python and JS), or from
/// numbered pairs (a map): each number positive and given once, written `1` or `@1@`. No value
/// may hold the `|` separator. Bindings only convert their list or map into one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateParams(BTreeMap<u32, String>);

impl TemplateParams {
    /// `["a", "b"]` fills `@1@=a|@2@=b`.
    pub fn from_values<I, V>(values: I) -> Result<Self>
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        let pairs = values.into_iter().enumerate().map(|(i, v)| (i + 1, v));
        TemplateParams::from_pairs(pairs)
    }

    /// `{1: "a", "2": "b"}` (or `"@2@"`) fills `@1@=a|@2@=b`; any other key is invalid input.
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self>
    where
        I: IntoIterator<Item = (K, V)>,
        K: ToString,
        V: Into<String>,
    {
        let mut map = BTreeMap::new();
        for (key, value) in pairs {
            let key = key.to_string();
            let digits = key
                .strip_prefix('@')
                .and_then(|k| k.strip_suffix('@'))
                .unwrap_or(&key);
            let number = Some(digits)
                .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|d| d.parse::<u32>().ok())
                .filter(|&n| n > 0)
                .ok_or_else(|| {
                    Error::invalid(
                        "params",
                        format!("template variable {key:?} is not a positive number (1 fills @1@)"),
                    )
                })?;
            let value = value.into();
            if value.contains('|') {
                return Err(Error::invalid(
                    "params",
                    format!("the value of template variable {number} contains `|`, the separator"),
                ));
            }
            if map.insert(number, value).is_some() {
                return Err(Error::invalid(
                    "params",
                    format!("template variable {number} is given twice"),
                ));
            }
        }
        Ok(TemplateParams(map))
    }

    /// The variables as numbered pairs, in number order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        self.0.iter().map(|(n, v)| (*n, v.as_str()))
    }

    /// The `content` parameter: `@1@=a|@2@=b`.
    pub fn content(&self) -> String {
        let parts: Vec<String> = self.iter().map(|(n, v)| format!("@{n}@={v}")).collect();
        parts.join("|")
    }
}

/// 3.5.1/3.5.2/3.5.5: what an SMS submission returns.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
#[serde(default)]
#[non_exhaustive]
pub struct SmsReceipt {
    /// Messages sent.
    #[serde(deserialize_with = "decode::int")]
    pub count: i64,
    /// Messages billed (70 characters in one, longer ones per 67).
    #[serde(deserialize_with = "decode::int")]
    pub fee: i64,
    /// The task id delivery reports refer to; the table misspells it `tasked`.
    #[serde(alias = "tasked", deserialize_with = "decode::string")]
    pub taskid: String,
    /// Every task id when the SDK split a large send into several requests (first = `taskid`).
    /// (Decoded too, so a record rebuilt from its own fields keeps them.)
    pub taskids: Vec<String>,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// 3.5.3 sms/rpt/get and the P0001 push: a delivery report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
#[serde(default)]
#[non_exhaustive]
pub struct SmsReport {
    /// The push calls it `taskId`.
    #[serde(alias = "taskId", deserialize_with = "decode::string")]
    pub taskid: String,
    #[serde(deserialize_with = "decode::string")]
    pub mobile: String,
    /// `DELIVRD` when delivered; anything else is a failure. The example calls it `stat`.
    #[serde(alias = "stat", deserialize_with = "decode::string")]
    pub state: String,
    /// Missing in the example.
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub rpttime: Option<String>,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

impl SmsReport {
    pub fn delivered(&self) -> bool {
        self.state == "DELIVRD"
    }
}

/// 3.5.4 sms/mo/get and the P0002 push: a message a device or phone sent back.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
#[serde(default)]
#[non_exhaustive]
pub struct SmsReply {
    #[serde(deserialize_with = "decode::string")]
    pub content: String,
    /// Message id.
    #[serde(deserialize_with = "decode::string")]
    pub apmid: String,
    /// The service code it was sent to; the example calls it `spcode`.
    #[serde(alias = "spcode", deserialize_with = "decode::string")]
    pub scode: String,
    /// Sender.
    #[serde(deserialize_with = "decode::string")]
    pub mobile: String,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SmsReportList {
    pub rpts: Vec<SmsReport>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SmsReplyList {
    pub mos: Vec<SmsReply>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_values_fill_from_one() {
        let p = TemplateParams::from_values(["xx客户", "用量即将到期"]).unwrap();
        assert_eq!(p.content(), "@1@=xx客户|@2@=用量即将到期");
        assert_eq!(
            TemplateParams::from_values(Vec::<String>::new())
                .unwrap()
                .content(),
            ""
        );
        assert!(TemplateParams::from_values(["a|b"]).is_err());
    }

    #[test]
    fn template_pairs_need_positive_numbers() {
        let p = TemplateParams::from_pairs([("2", "b"), ("@1@", "a")]).unwrap();
        assert_eq!(p.content(), "@1@=a|@2@=b");
        assert_eq!(
            TemplateParams::from_pairs([(3, "c")]).unwrap().content(),
            "@3@=c"
        );
        for bad in ["0", "-1", "+1", "x", "", "@@", "1.5", " 1"] {
            assert!(TemplateParams::from_pairs([(bad, "v")]).is_err(), "{bad:?}");
        }
        assert!(TemplateParams::from_pairs([("1", "a"), ("@1@", "b")]).is_err());
    }
}
