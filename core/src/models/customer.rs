use serde::{Deserialize, Serialize};

use super::Extra;
use crate::decode;

/// 3.1.1 customer/get: the account.
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
pub struct Customer {
    #[serde(deserialize_with = "decode::string")]
    pub sid: String,
    #[serde(deserialize_with = "decode::string")]
    pub name: String,
    #[serde(deserialize_with = "decode::string")]
    pub telephone: String,
    /// 0 disabled, 1 normal.
    #[serde(deserialize_with = "decode::int")]
    pub status: i64,
    /// Account balance in yuan.
    #[serde(deserialize_with = "decode::float")]
    pub balance: f64,
    /// Extension code used for SMS sub-numbers.
    #[serde(deserialize_with = "decode::string")]
    pub extcode: String,
    #[serde(deserialize_with = "decode::string")]
    pub loginname: String,
    #[serde(deserialize_with = "decode::string")]
    pub linkman: String,
    #[serde(deserialize_with = "decode::string")]
    pub warningmails: String,
    #[serde(deserialize_with = "decode::string")]
    pub warningphones: String,
    /// Cards held directly by this account (not its sub-accounts).
    #[serde(deserialize_with = "decode::int")]
    pub cardqty: i64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}
