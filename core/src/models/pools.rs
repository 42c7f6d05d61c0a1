use serde::{Deserialize, Serialize};

use super::Extra;
use crate::decode;

/// 3.3.1 pool/list: one data pool, of this account or of a sub-account (`sid`).
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
pub struct Pool {
    /// Owning account.
    #[serde(deserialize_with = "decode::string")]
    pub sid: String,
    /// 0 disabled, 1 normal.
    #[serde(deserialize_with = "decode::int")]
    pub state: i64,
    /// Last data sync time.
    #[serde(deserialize_with = "decode::string")]
    pub tbsj: String,
    #[serde(deserialize_with = "decode::string")]
    pub poolid: String,
    #[serde(deserialize_with = "decode::string")]
    pub poolname: String,
    #[serde(deserialize_with = "decode::int")]
    pub ptcardcount: i64,
    /// kb.
    #[serde(deserialize_with = "decode::float")]
    pub pttotalflow: f64,
    #[serde(deserialize_with = "decode::int")]
    pub ptactcardcount: i64,
    /// kb.
    #[serde(deserialize_with = "decode::float")]
    pub ptacttotalflow: f64,
    #[serde(deserialize_with = "decode::string")]
    pub pkgid: String,
    #[serde(deserialize_with = "decode::string")]
    pub pkgname: String,
    /// kb.
    #[serde(deserialize_with = "decode::float")]
    pub pkgsize: f64,
    /// kb.
    #[serde(deserialize_with = "decode::float")]
    pub usedflow: f64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// The `result` of pool/list.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PoolList {
    pub pools: Vec<Pool>,
}
