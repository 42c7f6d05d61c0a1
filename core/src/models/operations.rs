use serde::{Deserialize, Serialize};

use super::Extra;
use crate::decode;
use crate::error::{Error, Result};

/// 3.4.1 card/pkg/renew: the order the renewal created. The platform confirms it later with an
/// OD1002 push.
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

/// Renewal review mode, `audit=1` or `audit=2` on the wire. Bindings accept either the code or
/// the name ([`Audit::from_code`], [`Audit::from_name`]): this is the one table of both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "napi", napi_derive::napi)]
#[serde(rename_all = "lowercase")]
pub enum Audit {
    /// `audit=1`: reviewed by the provider's staff.
    Manual = 1,
    /// `audit=2`: confirmed automatically; the balance must suffice.
    Automatic = 2,
}

impl Audit {
    /// Every mode, in code order.
    pub const ALL: [Audit; 2] = [Audit::Manual, Audit::Automatic];

    /// The spec's code: 1 manual, 2 automatic.
    pub fn code(self) -> i64 {
        self as i64
    }

    /// The lowercase name: `manual`, `automatic`.
    pub fn name(self) -> &'static str {
        match self {
            Audit::Manual => "manual",
            Audit::Automatic => "automatic",
        }
    }

    /// The mode of a spec code; any other code is invalid input.
    pub fn from_code(code: i64) -> Result<Audit> {
        Audit::ALL
            .into_iter()
            .find(|a| a.code() == code)
            .ok_or_else(|| Audit::refused(&code.to_string()))
    }

    /// The mode of a name (any case) or of its code written as text (`"2"`).
    pub fn from_name(name: &str) -> Result<Audit> {
        let name = name.trim();
        Audit::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name) || a.code().to_string() == name)
            .ok_or_else(|| Audit::refused(&format!("{name:?}")))
    }

    fn refused(what: &str) -> Error {
        Error::invalid(
            "audit",
            format!("{what} is not an audit mode: 1 or \"manual\", 2 or \"automatic\""),
        )
    }
}
