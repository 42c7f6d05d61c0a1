use serde::{Deserialize, Serialize};

use super::Extra;
use crate::decode;

/// 3.5.1/3.5.2/3.5.5: what an SMS submission returns.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
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
    #[serde(skip_deserializing)]
    pub taskids: Vec<String>,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// 3.5.3 sms/rpt/get and the P0001 push: a delivery report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
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
