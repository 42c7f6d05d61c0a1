use serde::{Deserialize, Serialize};

use super::{Extra, SmsReply, SmsReport};
use crate::decode;

/// OD1002: the final result of a renewal order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
#[serde(default)]
#[non_exhaustive]
pub struct RenewalResult {
    /// info, warning or error.
    #[serde(deserialize_with = "decode::string")]
    pub level: String,
    #[serde(deserialize_with = "decode::string")]
    pub msg: String,
    /// 1 success, 0 failure.
    #[serde(deserialize_with = "decode::int")]
    pub status: i64,
    #[serde(deserialize_with = "decode::string")]
    pub orderid: String,
    #[serde(deserialize_with = "decode::string")]
    pub msisdn: String,
    #[serde(deserialize_with = "decode::string")]
    pub iccid: String,
    #[serde(deserialize_with = "decode::string")]
    pub imsi: String,
    /// The customer's device label.
    #[serde(deserialize_with = "decode::string")]
    pub equipment: String,
    #[serde(deserialize_with = "decode::string")]
    pub pkgcode: String,
    #[serde(deserialize_with = "decode::string")]
    pub pkgname: String,
    /// Months ordered.
    #[serde(deserialize_with = "decode::int")]
    pub month: i64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

impl RenewalResult {
    pub fn succeeded(&self) -> bool {
        self.status == 1
    }
}

/// OD1010: one usage or expiry warning.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
#[serde(default)]
#[non_exhaustive]
pub struct UsageWarning {
    #[serde(deserialize_with = "decode::string")]
    pub id: String,
    /// Year and month of the warning.
    #[serde(deserialize_with = "decode::string")]
    pub date: String,
    /// Operator: CM, CT, UN or CB.
    #[serde(deserialize_with = "decode::string")]
    pub mon: String,
    #[serde(deserialize_with = "decode::string")]
    pub msisdn: String,
    #[serde(deserialize_with = "decode::string")]
    pub iccid: String,
    #[serde(deserialize_with = "decode::string")]
    pub imei: String,
    #[serde(deserialize_with = "decode::string")]
    pub equipment: String,
    /// The spec's `type`: 11 data low, 12 voice low, 13 SMS low, 14 connections low, 15 pooled
    /// card at its quota, 21–24 the same exceeded, 31 package expiring, 32 package expired,
    /// 41 no package, 42 card expiring, 51 suspended at quota.
    #[cfg_attr(feature = "napi", napi(js_name = "type"))]
    #[serde(rename = "type", deserialize_with = "decode::int")]
    pub warning_type: i64,
    #[serde(deserialize_with = "decode::string")]
    pub planname: String,
    #[serde(deserialize_with = "decode::opt_string")]
    pub cardexpiry: Option<String>,
    #[serde(deserialize_with = "decode::opt_string")]
    pub planexpiry: Option<String>,
    #[serde(deserialize_with = "decode::float")]
    pub total: f64,
    #[serde(deserialize_with = "decode::float")]
    pub usage: f64,
    #[serde(deserialize_with = "decode::float")]
    pub outflow: f64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// What a data push carries, by its `sn`. In Python a class per variant
/// (`PushContent.RenewalResult`, …) with `kind`, `result` and `warnings` on all of them; in
/// JavaScript an object tagged by `kind`.
#[allow(clippy::large_enum_variant)] // one per push; boxing would leak into every binding
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, module = "cardboss"))]
#[cfg_attr(
    feature = "napi",
    napi_derive::napi(discriminant = "kind", discriminant_case = "snake_case")
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PushContent {
    /// OD1002.
    RenewalResult { result: RenewalResult },
    /// OD1010 (one object or a list of them).
    UsageWarnings { warnings: Vec<UsageWarning> },
    /// Any other `sn`: see `Push::data`. (Braces: pyo3 makes no class of a unit variant.)
    Other {},
}

impl PushContent {
    /// `renewal_result`, `usage_warnings` or `other` (the serialized tag).
    pub fn kind(&self) -> &'static str {
        match self {
            PushContent::RenewalResult { .. } => "renewal_result",
            PushContent::UsageWarnings { .. } => "usage_warnings",
            PushContent::Other {} => "other",
        }
    }
}

/// 4.2: a verified data push.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
pub struct Push {
    pub sid: String,
    /// Unique message id (use it to drop replays, see `PushGuard`).
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

/// 3.5.6: an SMS push. In Python a class per variant with `type` (`"P0001"`, `"P0002"`),
/// `reports` and `replies` on both; in JavaScript an object tagged by `kind` (`reports`,
/// `replies`: napi cannot rename one variant's tag to the spec's code).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, module = "cardboss"))]
#[cfg_attr(
    feature = "napi",
    napi_derive::napi(discriminant = "kind", discriminant_case = "snake_case")
)]
#[serde(tag = "type")]
pub enum SmsPush {
    /// P0001: delivery reports.
    #[serde(rename = "P0001")]
    Reports { reports: Vec<SmsReport> },
    /// P0002: replies.
    #[serde(rename = "P0002")]
    Replies { replies: Vec<SmsReply> },
}

impl SmsPush {
    /// The spec's code of the push: `P0001` (reports) or `P0002` (replies).
    pub fn code(&self) -> &'static str {
        match self {
            SmsPush::Reports { .. } => "P0001",
            SmsPush::Replies { .. } => "P0002",
        }
    }
}
