use serde::{Deserialize, Serialize};

use super::Extra;
use crate::decode;

/// 3.2.1 card/list: one card of the account.
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
pub struct Card {
    /// The example calls it `msisdns`.
    #[serde(alias = "msisdns", deserialize_with = "decode::string")]
    pub msisdn: String,
    #[serde(deserialize_with = "decode::string")]
    pub iccid: String,
    #[serde(deserialize_with = "decode::string")]
    pub imsi: String,
    /// Platform state: 0 disabled, 1 usable, 2 paused.
    #[serde(deserialize_with = "decode::int")]
    pub state: i64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// 3.2.1 card/list: one page of 100 cards.
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
pub struct CardPage {
    /// Cards in the account.
    #[serde(deserialize_with = "decode::int")]
    pub count: i64,
    #[serde(deserialize_with = "decode::int")]
    pub pageindex: i64,
    #[serde(deserialize_with = "decode::int")]
    pub totalpage: i64,
    pub cards: Vec<Card>,
}

/// 3.2.2 card/detail: everything the platform knows of a card.
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
pub struct CardDetail {
    #[serde(deserialize_with = "decode::string")]
    pub msisdn: String,
    #[serde(deserialize_with = "decode::string")]
    pub iccid: String,
    #[serde(deserialize_with = "decode::string")]
    pub imsi: String,
    #[serde(deserialize_with = "decode::string")]
    pub imei: String,
    /// Platform state: 0 disabled, 1 usable, 2 paused.
    #[serde(deserialize_with = "decode::int")]
    pub state: i64,
    /// The card's own balance at the carrier, yuan.
    #[serde(deserialize_with = "decode::float")]
    pub balance: f64,
    /// Withdrawn by the spec ("作废"); kept as sent.
    #[serde(deserialize_with = "decode::string")]
    pub status: String,
    /// 0 stock, 1 awaiting activation, 2 normal, 3 suspended, 4 closed, 5 other, 6 test.
    #[serde(alias = "msStatus", deserialize_with = "decode::int")]
    pub msstatus: i64,
    /// Life cycle: 0 other, 1 test, 2 silent, 3 active.
    #[serde(deserialize_with = "decode::int")]
    pub cycle: i64,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub activedate: Option<String>,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub stoptestdate: Option<String>,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub stopsleepdate: Option<String>,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub expiredate: Option<String>,
    /// 1 in a data pool, 0 not.
    #[serde(deserialize_with = "decode::int")]
    pub openpool: i64,
    /// Operator: CM, CT or UN. The example calls it `yys`.
    #[serde(alias = "yys", deserialize_with = "decode::string")]
    pub mno: String,
    #[serde(deserialize_with = "decode::string")]
    pub pkgcode: String,
    #[serde(deserialize_with = "decode::string")]
    pub pkgname: String,
    #[serde(deserialize_with = "decode::string")]
    pub isxn: String,
    #[serde(deserialize_with = "decode::string")]
    pub isjyb: String,
    #[serde(deserialize_with = "decode::string")]
    pub isaxb: String,
    /// Customer's own device number.
    #[serde(deserialize_with = "decode::string")]
    pub sbbh: String,
    /// Open APNs, comma separated.
    #[serde(deserialize_with = "decode::string")]
    pub openapns: String,
    /// e.g. `CMIOT:正常,M2MIOT:暂停`.
    #[serde(deserialize_with = "decode::string")]
    pub apnstatus: String,
    /// Power state: the table says 开机/关机, the example (`onOff`) says "1".
    #[serde(alias = "onOff", deserialize_with = "decode::string")]
    pub onoff: String,
    /// 在线/离线; the example calls it `gprsStatus`.
    #[serde(alias = "gprsStatus", deserialize_with = "decode::string")]
    pub online: String,
    #[serde(deserialize_with = "decode::string")]
    pub apn: String,
    #[serde(deserialize_with = "decode::string")]
    pub rat: String,
    #[serde(deserialize_with = "decode::string")]
    pub ip: String,
    /// kb (0 for pooled cards), likewise the next three.
    #[serde(deserialize_with = "decode::float")]
    pub pkgtotalflow: f64,
    #[serde(deserialize_with = "decode::float")]
    pub pkgusedflow: f64,
    #[serde(deserialize_with = "decode::float")]
    pub pkgtotalusedflow: f64,
    #[serde(deserialize_with = "decode::float")]
    pub pkgleftflow: f64,
    /// kb this month.
    #[serde(deserialize_with = "decode::float")]
    pub flowusage: f64,
    #[serde(deserialize_with = "decode::int")]
    pub smsusage: i64,
    /// Minutes.
    #[serde(deserialize_with = "decode::int")]
    pub voiceusage: i64,
    #[serde(deserialize_with = "decode::int")]
    pub connectusage: i64,
    /// kb over the package.
    #[serde(deserialize_with = "decode::float")]
    pub outflowusage: f64,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub statusyncdate: Option<String>,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub pkgsyncdate: Option<String>,
    /// The table misspells it `monthsincdate`.
    #[serde(alias = "monthsincdate", deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub monthsyncdate: Option<String>,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// 3.2.3 card/usage/current: this month's usage of a card.
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
pub struct CurrentUsage {
    #[serde(deserialize_with = "decode::string")]
    pub msisdn: String,
    /// One iccid; the table names it `iccids`, the example `iccid`.
    #[serde(alias = "iccid", deserialize_with = "decode::string")]
    pub iccids: String,
    /// Only the example has it.
    #[serde(deserialize_with = "decode::string")]
    pub imsi: String,
    #[serde(deserialize_with = "decode::int")]
    pub state: i64,
    #[serde(deserialize_with = "decode::float")]
    pub pkgtotalflow: f64,
    #[serde(deserialize_with = "decode::float")]
    pub pkgusedflow: f64,
    #[serde(deserialize_with = "decode::float")]
    pub pkgtotalusedflow: f64,
    #[serde(deserialize_with = "decode::float")]
    pub pkgleftflow: f64,
    #[serde(deserialize_with = "decode::float")]
    pub flowusage: f64,
    #[serde(deserialize_with = "decode::int")]
    pub smsusage: i64,
    #[serde(deserialize_with = "decode::int")]
    pub voiceusage: i64,
    #[serde(deserialize_with = "decode::int")]
    pub connectusage: i64,
    #[serde(deserialize_with = "decode::float")]
    pub outflowusage: f64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

impl CurrentUsage {
    /// The card's iccid (the field carries the table's name, `iccids`).
    pub fn iccid(&self) -> &str {
        &self.iccids
    }
}

/// 3.2.4 card/usage/past: one month's usage of a card.
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
pub struct MonthlyUsage {
    /// `yyyyMM`.
    #[serde(deserialize_with = "decode::string")]
    pub month: String,
    #[serde(deserialize_with = "decode::string")]
    pub msisdn: String,
    #[serde(alias = "iccids", deserialize_with = "decode::string")]
    pub iccid: String,
    #[serde(deserialize_with = "decode::float")]
    pub flowusage: f64,
    #[serde(deserialize_with = "decode::int")]
    pub smsusage: i64,
    #[serde(deserialize_with = "decode::int")]
    pub voiceusage: i64,
    #[serde(deserialize_with = "decode::int")]
    pub connectusage: i64,
    #[serde(deserialize_with = "decode::float")]
    pub outflowusage: f64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// 3.2.5 card/abnormal (withdrawn): a card in arrears.
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
pub struct ArrearsCard {
    #[serde(alias = "msisdns", deserialize_with = "decode::string")]
    pub msisdn: String,
    #[serde(deserialize_with = "decode::string")]
    pub iccid: String,
    #[serde(deserialize_with = "decode::string")]
    pub imsi: String,
    #[serde(deserialize_with = "decode::int")]
    pub state: i64,
    /// Negative when in arrears, yuan.
    #[serde(deserialize_with = "decode::float")]
    pub balance: f64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// 3.2.5 card/abnormal (withdrawn): one page of cards in arrears.
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
pub struct ArrearsPage {
    #[serde(deserialize_with = "decode::int")]
    pub count: i64,
    #[serde(deserialize_with = "decode::int")]
    pub pageindex: i64,
    #[serde(deserialize_with = "decode::int")]
    pub totalpage: i64,
    pub cards: Vec<ArrearsCard>,
}

/// 3.2.6 card/pkg/get: one package a card has ordered.
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
pub struct Package {
    #[serde(deserialize_with = "decode::string")]
    pub msisdn: String,
    /// The id to renew with.
    #[serde(deserialize_with = "decode::string")]
    pub pkgcode: String,
    #[serde(deserialize_with = "decode::string")]
    pub pkgname: String,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub startdate: Option<String>,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub enddate: Option<String>,
    /// Minimum months per order (month packs: 12).
    #[serde(deserialize_with = "decode::int")]
    pub buycycle: i64,
    /// 1 data, 2 voice, 3 NB, 4 SMS.
    #[serde(deserialize_with = "decode::int")]
    pub pkgtype: i64,
    /// 1 month pack, 2 long pack, 3 add-on, 4 安心包, 5 test, 6 idle-time, 7 post-paid.
    #[serde(deserialize_with = "decode::int")]
    pub pkgcategory: i64,
    #[serde(deserialize_with = "decode::boolean")]
    pub mainpkg: bool,
    /// kb; -1 unlimited. Only the example has it.
    #[serde(deserialize_with = "decode::float")]
    pub totalflow: f64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// 3.2.6 card/pkg/get: a card's packages.
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
pub struct PackageList {
    #[serde(deserialize_with = "decode::string")]
    pub msisdn: String,
    #[serde(deserialize_with = "decode::int")]
    pub count: i64,
    pub pkgs: Vec<Package>,
}

/// 3.2.7 card/usage/day (withdrawn): one card's usage on a day.
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
pub struct DayUsage {
    #[serde(deserialize_with = "decode::string")]
    pub msisdn: String,
    /// The table names it `iccids`.
    #[serde(alias = "iccid", deserialize_with = "decode::string")]
    pub iccids: String,
    /// kb.
    #[serde(deserialize_with = "decode::float")]
    pub usage: f64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// 3.2.7 card/usage/day (withdrawn): usage of several cards on one day.
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
pub struct DailyUsage {
    #[serde(deserialize_with = "decode::int")]
    pub count: i64,
    /// `yyyyMMdd`.
    #[serde(deserialize_with = "decode::string")]
    pub day: String,
    pub usages: Vec<DayUsage>,
}

/// The `result` of card/detail.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct CardDetailList {
    pub cards: Vec<CardDetail>,
}

/// The `result` of card/usage/current and card/usage/past.
#[derive(Debug, Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
pub(crate) struct UsageList<T> {
    #[serde(default = "Vec::new")]
    pub usages: Vec<T>,
}
