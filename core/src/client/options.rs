//! `ClientOptions`: the client's settings as every binding receives them — each field optional,
//! durations in milliseconds, numbers signed — resolved here against [`Config::new`]'s defaults,
//! so no binding restates a default or a range.
//!
//! Signed numbers because Kotlin, Java and JavaScript have no convenient unsigned types; a
//! negative value is refused here as `InvalidInput` naming the option, before anything is sent.

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};

use super::{Client, Config};

/// The environment variables [`ClientOptions::from_env`] reads (the CLI's names too).
pub const ENV_SID: &str = "CARDBOSS_SID";
pub const ENV_APIKEY: &str = "CARDBOSS_APIKEY";
pub const ENV_URL: &str = "CARDBOSS_URL";
pub const ENV_OPS_URL: &str = "CARDBOSS_OPS_URL";

/// Client settings as a binding passes them: `None` is the documented default (see [`Config`]).
/// `Debug` never shows the apikey.
#[derive(Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
pub struct ClientOptions {
    /// Account id (required, here or in `CARDBOSS_SID`).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sid: Option<String>,
    /// The 32-character secret (required). Never shown in errors, logs or `Debug`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub apikey: Option<String>,
    /// Root of port1: queries, SMS, renewals. Default `http://127.0.0.1:9011`.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub base_url: Option<String>,
    /// Root of port2: lifecycle operations. Default: `base_url`'s host on port 8111.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ops_url: Option<String>,
    /// Timeout of each request attempt, in milliseconds (default 30000).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub timeout_ms: Option<i64>,
    /// Connect timeout, in milliseconds (default 5000).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub connect_timeout_ms: Option<i64>,
    /// Extra attempts for GETs (default 3); POSTs are never retried.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub max_retries: Option<i32>,
    /// Delay before the first retry of a GET, in milliseconds (default 200); it doubles each
    /// attempt up to `retry_cap_ms`, with full jitter. 0 retries at once.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub retry_base_ms: Option<i64>,
    /// Longest delay between two attempts of a GET, in milliseconds (default 5000).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub retry_cap_ms: Option<i64>,
    /// Requests in flight at once for bulk calls and card listings (default 8).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub concurrency: Option<i32>,
    /// Offset of the platform's clock for `ts`, in minutes east of UTC (default 480, UTC+8).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub utc_offset_minutes: Option<i32>,
    /// Refuse repeats of a lifecycle operation on a card within the carrier's window locally
    /// (default true).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cooldown_guard: Option<bool>,
    /// Where the cooldown guard keeps its windows (default `memory:`, this client only):
    /// `redis://host:port/db` or `file:///path/state.json` share them with every process that
    /// names the same store. When it cannot be reached, lifecycle operations are refused
    /// (`store_unavailable`) rather than sent unchecked.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cooldown_store: Option<String>,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("sid", &self.sid)
            .field("apikey", &self.apikey.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("ops_url", &self.ops_url)
            .field("timeout_ms", &self.timeout_ms)
            .field("connect_timeout_ms", &self.connect_timeout_ms)
            .field("max_retries", &self.max_retries)
            .field("retry_base_ms", &self.retry_base_ms)
            .field("retry_cap_ms", &self.retry_cap_ms)
            .field("concurrency", &self.concurrency)
            .field("utc_offset_minutes", &self.utc_offset_minutes)
            .field("cooldown_guard", &self.cooldown_guard)
            .field("cooldown_store", &self.cooldown_store)
            .finish()
    }
}

impl ClientOptions {
    /// `sid`, `apikey`, `base_url` and `ops_url` from `CARDBOSS_SID`, `CARDBOSS_APIKEY`,
    /// `CARDBOSS_URL` and `CARDBOSS_OPS_URL`; unset or empty variables stay `None`.
    pub fn from_env() -> ClientOptions {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) over any lookup (for tests and for other sources).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> ClientOptions {
        let var = |name: &str| lookup(name).filter(|v| !v.is_empty());
        ClientOptions {
            sid: var(ENV_SID),
            apikey: var(ENV_APIKEY),
            base_url: var(ENV_URL),
            ops_url: var(ENV_OPS_URL),
            ..ClientOptions::default()
        }
    }

    /// These options, with every field left `None` taken from `fallback` (for `from_env()`
    /// with overrides: `given.or(ClientOptions::from_env())`).
    pub fn or(self, fallback: ClientOptions) -> ClientOptions {
        ClientOptions {
            sid: self.sid.or(fallback.sid),
            apikey: self.apikey.or(fallback.apikey),
            base_url: self.base_url.or(fallback.base_url),
            ops_url: self.ops_url.or(fallback.ops_url),
            timeout_ms: self.timeout_ms.or(fallback.timeout_ms),
            connect_timeout_ms: self.connect_timeout_ms.or(fallback.connect_timeout_ms),
            max_retries: self.max_retries.or(fallback.max_retries),
            retry_base_ms: self.retry_base_ms.or(fallback.retry_base_ms),
            retry_cap_ms: self.retry_cap_ms.or(fallback.retry_cap_ms),
            concurrency: self.concurrency.or(fallback.concurrency),
            utc_offset_minutes: self.utc_offset_minutes.or(fallback.utc_offset_minutes),
            cooldown_guard: self.cooldown_guard.or(fallback.cooldown_guard),
            cooldown_store: self.cooldown_store.or(fallback.cooldown_store),
        }
    }
}

/// A millisecond option as a `Duration`; negative values are refused naming the option.
fn millis(field: &str, value: Option<i64>, default: Duration) -> Result<Duration> {
    match value {
        None => Ok(default),
        Some(ms) => u64::try_from(ms)
            .map(Duration::from_millis)
            .map_err(|_| Error::invalid(field, "must not be negative (milliseconds)")),
    }
}

fn count<T: TryFrom<i32>>(field: &str, value: Option<i32>, default: T, floor: i32) -> Result<T> {
    match value {
        None => Ok(default),
        Some(n) if n >= floor => T::try_from(n).map_err(|_| Error::invalid(field, "out of range")),
        Some(_) => Err(Error::invalid(field, format!("must be at least {floor}"))),
    }
}

impl Config {
    /// The configuration `options` describe: every `None` is [`Config::new`]'s default.
    /// `language` names the binding in the User-Agent (`python`, `node`, `kotlin`, `rust`).
    /// [`Client::from_options`] also checks the rest (a 32-character apikey, positive timeouts).
    pub fn from_options(options: ClientOptions, language: &str) -> Result<Config> {
        let sid = options
            .sid
            .ok_or_else(|| Error::invalid("sid", "is required (or set CARDBOSS_SID)"))?;
        let apikey = options
            .apikey
            .ok_or_else(|| Error::invalid("apikey", "is required (or set CARDBOSS_APIKEY)"))?;
        let mut c = Config::new(sid, apikey);
        c.language = language.to_string();
        if let Some(url) = options.base_url {
            c.base_url = url;
        }
        c.ops_url = options.ops_url.or(c.ops_url);
        c.timeout = millis("timeout_ms", options.timeout_ms, c.timeout)?;
        c.connect_timeout = millis(
            "connect_timeout_ms",
            options.connect_timeout_ms,
            c.connect_timeout,
        )?;
        c.max_retries = count("max_retries", options.max_retries, c.max_retries, 0)?;
        c.retry_base = millis("retry_base_ms", options.retry_base_ms, c.retry_base)?;
        c.retry_cap = millis("retry_cap_ms", options.retry_cap_ms, c.retry_cap)?;
        c.concurrency = count("concurrency", options.concurrency, c.concurrency, 1)?;
        c.utc_offset_minutes = options.utc_offset_minutes.unwrap_or(c.utc_offset_minutes);
        c.cooldown_guard = options.cooldown_guard.unwrap_or(c.cooldown_guard);
        c.cooldown_store = options.cooldown_store;
        Ok(c)
    }
}

impl Client {
    /// A client from a binding's options (see [`Config::from_options`]); checks them all.
    pub fn from_options(options: ClientOptions, language: &str) -> Result<Client> {
        Client::new(Config::from_options(options, language)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    fn given() -> ClientOptions {
        ClientOptions {
            sid: Some("10043".into()),
            apikey: Some(KEY.into()),
            ..Default::default()
        }
    }

    #[test]
    fn none_resolves_to_the_config_defaults() {
        let c = Config::from_options(given(), "python").unwrap();
        let d = Config::new("10043", KEY);
        assert_eq!(c.base_url, d.base_url);
        assert_eq!(c.ops_url, None);
        assert_eq!(c.timeout, d.timeout);
        assert_eq!(c.connect_timeout, d.connect_timeout);
        assert_eq!(c.max_retries, d.max_retries);
        assert_eq!(c.retry_base, d.retry_base);
        assert_eq!(c.retry_cap, d.retry_cap);
        assert_eq!(c.concurrency, d.concurrency);
        assert_eq!(c.utc_offset_minutes, d.utc_offset_minutes);
        assert_eq!(c.cooldown_guard, d.cooldown_guard);
        assert_eq!(c.language, "python");
    }

    #[test]
    fn given_values_win_and_durations_are_milliseconds() {
        let c = Config::from_options(
            ClientOptions {
                base_url: Some("http://h:1".into()),
                ops_url: Some("http://h:2".into()),
                timeout_ms: Some(1500),
                connect_timeout_ms: Some(250),
                max_retries: Some(0),
                retry_base_ms: Some(0),
                retry_cap_ms: Some(40),
                concurrency: Some(2),
                utc_offset_minutes: Some(-60),
                cooldown_guard: Some(false),
                ..given()
            },
            "node",
        )
        .unwrap();
        assert_eq!(c.base_url, "http://h:1");
        assert_eq!(c.ops_url.as_deref(), Some("http://h:2"));
        assert_eq!(c.timeout, Duration::from_millis(1500));
        assert_eq!(c.connect_timeout, Duration::from_millis(250));
        assert_eq!(c.max_retries, 0);
        assert_eq!(c.retry_base, Duration::ZERO);
        assert_eq!(c.retry_cap, Duration::from_millis(40));
        assert_eq!(c.concurrency, 2);
        assert_eq!(c.utc_offset_minutes, -60);
        assert!(!c.cooldown_guard);
    }

    fn refused(options: ClientOptions) -> String {
        match Client::from_options(options, "rust").unwrap_err() {
            Error::InvalidInput { field, .. } => field,
            other => panic!("{other}"),
        }
    }

    #[test]
    fn bad_values_are_refused_naming_the_option() {
        assert_eq!(refused(ClientOptions::default()), "sid");
        let no_key = ClientOptions {
            apikey: None,
            ..given()
        };
        assert_eq!(refused(no_key), "apikey");
        let negative = ClientOptions {
            timeout_ms: Some(-1),
            ..given()
        };
        assert_eq!(refused(negative), "timeout_ms");
        let zero = ClientOptions {
            concurrency: Some(0),
            ..given()
        };
        assert_eq!(refused(zero), "concurrency");
        let negative_retries = ClientOptions {
            max_retries: Some(-3),
            ..given()
        };
        assert_eq!(refused(negative_retries), "max_retries");
        // The core's own checks still apply after the translation.
        let short_key = ClientOptions {
            apikey: Some("short".into()),
            ..given()
        };
        assert_eq!(refused(short_key), "apikey");
        let zero_timeout = ClientOptions {
            timeout_ms: Some(0),
            ..given()
        };
        assert_eq!(refused(zero_timeout), "timeout");
    }

    #[test]
    fn environment_names_are_the_clis_and_empty_means_unset() {
        let vars = |name: &str| match name {
            "CARDBOSS_SID" => Some("10043".to_string()),
            "CARDBOSS_APIKEY" => Some(KEY.to_string()),
            "CARDBOSS_URL" => Some("http://h:9011".to_string()),
            "CARDBOSS_OPS_URL" => Some(String::new()),
            _ => None,
        };
        let o = ClientOptions::from_vars(vars);
        assert_eq!(o.sid.as_deref(), Some("10043"));
        assert_eq!(o.apikey.as_deref(), Some(KEY));
        assert_eq!(o.base_url.as_deref(), Some("http://h:9011"));
        assert_eq!(o.ops_url, None);
        let overridden = ClientOptions {
            sid: Some("9".into()),
            timeout_ms: Some(10),
            ..Default::default()
        }
        .or(o);
        assert_eq!(overridden.sid.as_deref(), Some("9"));
        assert_eq!(overridden.apikey.as_deref(), Some(KEY));
        assert_eq!(overridden.timeout_ms, Some(10));
    }

    #[test]
    fn debug_hides_the_apikey() {
        let text = format!("{:?}", given());
        assert!(!text.contains(KEY) && text.contains("<redacted>"), "{text}");
    }
}
