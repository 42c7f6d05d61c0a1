use serde::{Deserialize, Serialize};

use super::Extra;
use crate::decode;

/// 3.4.1 card/pkg/renew: the order the renewal created. The platform confirms it later with an
/// OD1002 push.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
#[serde(default)]
#[non_exhaustive]
pub struct RenewalOrder {
    #[serde(deserialize_with = "decode::string")]
    pub msisdn: String,
    #[serde(deserialize_with = "decode::string")]
    pub orderid: String,
    #[serde(deserialize_with = "decode::opt_string")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ordertime: Option<String>,
    /// Yuan; charged when the order takes effect.
    #[serde(deserialize_with = "decode::float")]
    pub orderamount: f64,
    #[cfg_attr(feature = "napi", napi(ts_type = "Record<string, string>"))]
    #[serde(flatten, deserialize_with = "decode::extra")]
    pub extra: Extra,
}

/// Optional parameters of a renewal (sent, not signed).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
pub struct RenewOptions {
    /// Allow a new order while an earlier one is still pending.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub repetition: Option<bool>,
    /// `yyyy-MM-dd`; default: after the card's last package.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub startdate: Option<String>,
    /// Review mode: manual (default) or automatic.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub audit: Option<Audit>,
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub remark: Option<String>,
}

/// Renewal review mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "napi", napi_derive::napi(string_enum = "lowercase"))]
#[serde(rename_all = "lowercase")]
pub enum Audit {
    /// `audit=1`: reviewed by the provider's staff.
    Manual,
    /// `audit=2`: confirmed automatically; the balance must suffice.
    Automatic,
}

impl Audit {
    pub fn param(self) -> &'static str {
        match self {
            Audit::Manual => "1",
            Audit::Automatic => "2",
        }
    }
}
