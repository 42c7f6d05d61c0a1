use serde::{Deserialize, Serialize};

use super::{Extra, SmsReply, SmsReport};
use crate::decode;

/// OD1002: the final result of a renewal order.
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
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
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
    // The Python attribute keeps the field's name (`type` is the constructor's keyword).
    #[cfg_attr(feature = "python", schemars(extend("x-attribute" = "warning_type")))]
    pub warning_type: i64,
    #[serde(deserialize_with = "decode::string")]
    pub planname: String,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cardexpiry: Option<String>,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
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

/// What a push receiver answers the platform (see `PushReply::for_error`): `success` with
/// HTTP 200 once a push is handled (or was, for a replay); any other answer makes the platform
/// send the push again. Decided once here, so every framework helper answers alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, hash, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
pub struct PushReply {
    /// The HTTP status: 200, 400 (rejected), 409 (in flight elsewhere), 500 (the handler
    /// failed), 503 (the guard's store could not say).
    pub status: i32,
    /// The answer's text (`text/plain`): `success`, or why not.
    pub body: String,
    /// Why the push was not simply handled now (a replay, a refusal), for the receiver's log;
    /// `None` for a push handled now. Never holds a secret.
    pub reason: Option<String>,
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

/// OD1010 `type`: what a usage warning is about, as 4.2 lists them. `UsageWarning` keeps the
/// code as sent (`warning_type`), so a code the spec does not list still decodes;
/// [`UsageWarning::kind`] names a listed one. Kotlin: the enum's `value` is the code and
/// `UsageWarning.kind` looks it up; Node: a numeric enum equal to the code; Python: the
/// `WarningType` IntEnum built from `codes::WARNING_TYPE` (a test keeps the two equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "napi", napi_derive::napi)]
#[repr(i32)]
pub enum WarningType {
    /// 11 流量不足: data running low.
    DataLow = 11,
    /// 12 语音不足: voice minutes running low.
    VoiceLow = 12,
    /// 13 短信不足: SMS running low.
    SmsLow = 13,
    /// 14 连接数不足: connections running low.
    ConnectionsLow = 14,
    /// 15 池单卡达量: a pooled card reached its own quota.
    PoolCardAtQuota = 15,
    /// 21 流量超套: data beyond the package.
    DataExceeded = 21,
    /// 22 语音超套: voice beyond the package.
    VoiceExceeded = 22,
    /// 23 短信超套: SMS beyond the package.
    SmsExceeded = 23,
    /// 24 连接数超套: connections beyond the package.
    ConnectionsExceeded = 24,
    /// 31 套餐将到期: the package expires soon.
    PackageExpiring = 31,
    /// 32 套餐已到期: the package has expired.
    PackageExpired = 32,
    /// 41 卡无套餐: the card has no package.
    NoPackage = 41,
    /// 42 卡将到期: the card expires soon.
    CardExpiring = 42,
    /// 51 达量停机: suspended on reaching its quota.
    SuspendedAtQuota = 51,
}

impl WarningType {
    /// Every documented type, in the spec's order.
    pub const ALL: [WarningType; 14] = [
        WarningType::DataLow,
        WarningType::VoiceLow,
        WarningType::SmsLow,
        WarningType::ConnectionsLow,
        WarningType::PoolCardAtQuota,
        WarningType::DataExceeded,
        WarningType::VoiceExceeded,
        WarningType::SmsExceeded,
        WarningType::ConnectionsExceeded,
        WarningType::PackageExpiring,
        WarningType::PackageExpired,
        WarningType::NoPackage,
        WarningType::CardExpiring,
        WarningType::SuspendedAtQuota,
    ];

    /// The code the platform sends.
    pub fn code(self) -> i64 {
        self as i64
    }

    /// The documented type of `code`, if it is one.
    pub fn from_code(code: i64) -> Option<WarningType> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The spec's own words for it (`流量不足`).
    pub fn meaning(self) -> &'static str {
        match self {
            WarningType::DataLow => "流量不足",
            WarningType::VoiceLow => "语音不足",
            WarningType::SmsLow => "短信不足",
            WarningType::ConnectionsLow => "连接数不足",
            WarningType::PoolCardAtQuota => "池单卡达量",
            WarningType::DataExceeded => "流量超套",
            WarningType::VoiceExceeded => "语音超套",
            WarningType::SmsExceeded => "短信超套",
            WarningType::ConnectionsExceeded => "连接数超套",
            WarningType::PackageExpiring => "套餐将到期",
            WarningType::PackageExpired => "套餐已到期",
            WarningType::NoPackage => "卡无套餐",
            WarningType::CardExpiring => "卡将到期",
            WarningType::SuspendedAtQuota => "达量停机",
        }
    }
}

impl UsageWarning {
    /// The documented type of this warning, `None` when its code is not one the spec lists.
    pub fn kind(&self) -> Option<WarningType> {
        WarningType::from_code(self.warning_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::codes::WARNING_TYPE;

    #[test]
    fn every_documented_type_round_trips_and_agrees_with_the_code_table() {
        assert_eq!(WARNING_TYPE.members.len(), WarningType::ALL.len());
        for ((name, code), ty) in WARNING_TYPE.members.iter().zip(WarningType::ALL) {
            assert_eq!(
                (ty.code(), WarningType::from_code(*code)),
                (*code, Some(ty))
            );
            let debug = format!("{ty:?}");
            assert_eq!(
                name.replace('_', ""),
                debug.to_ascii_uppercase(),
                "{name} vs {debug}"
            );
            assert!(!ty.meaning().is_empty());
        }
        assert_eq!(WarningType::from_code(99), None);
        let w: UsageWarning = serde_json::from_str(r#"{"type":"51"}"#).unwrap();
        assert_eq!(w.kind(), Some(WarningType::SuspendedAtQuota));
    }
}
