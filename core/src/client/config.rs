use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::sign::DEFAULT_UTC_OFFSET_MINUTES;

/// Client settings. `Config::new(sid, apikey)` gives the documented defaults; set fields to
/// change them. `Debug` never shows the apikey.
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// Account id.
    pub sid: String,
    /// 32-character secret; also the key and IV of encrypted SMS.
    pub apikey: String,
    /// Root of port1 (queries, SMS, renewals).
    pub base_url: String,
    /// Root of port2 (lifecycle operations). Default: `base_url`'s host on port 8111.
    pub ops_url: Option<String>,
    /// Per request attempt.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Extra attempts for GETs (POSTs are never retried).
    pub max_retries: u32,
    /// Requests in flight at once for bulk calls.
    pub concurrency: usize,
    /// Offset of the platform's clock for `ts` (UTC+8 = 480).
    pub utc_offset_minutes: i32,
    /// Refuse repeats of lifecycle operations on a card within the carrier's window locally.
    pub cooldown_guard: bool,
    /// Where the cooldown guard keeps its windows: `None` or `memory:` this client only,
    /// `redis://host:port/db` or `file:///path` shared with the other processes naming it.
    pub cooldown_store: Option<String>,
    /// Language named in the User-Agent (`rust`, `python`, `node`, `kotlin`).
    pub language: String,
    /// First retry delay; doubles each attempt up to `retry_cap` (full jitter).
    pub retry_base: Duration,
    pub retry_cap: Duration,
}

impl Config {
    pub const DEFAULT_BASE_URL: &'static str = "http://127.0.0.1:9011";
    pub const DEFAULT_OPS_PORT: u16 = 8111;

    pub fn new(sid: impl Into<String>, apikey: impl Into<String>) -> Self {
        Config {
            sid: sid.into(),
            apikey: apikey.into(),
            base_url: Self::DEFAULT_BASE_URL.into(),
            ops_url: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            max_retries: 3,
            concurrency: 8,
            utc_offset_minutes: DEFAULT_UTC_OFFSET_MINUTES,
            cooldown_guard: true,
            cooldown_store: None,
            language: "rust".into(),
            retry_base: Duration::from_millis(200),
            retry_cap: Duration::from_secs(5),
        }
    }

    /// Builder-style setter for `base_url`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Builder-style setter for `ops_url`.
    pub fn ops_url(mut self, url: impl Into<String>) -> Self {
        self.ops_url = Some(url.into());
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.sid.trim().is_empty() {
            return Err(Error::invalid("sid", "must not be empty"));
        }
        if self.apikey.chars().count() != 32 || !self.apikey.is_ascii() {
            return Err(Error::invalid("apikey", "must be 32 ASCII characters"));
        }
        if self.concurrency == 0 {
            return Err(Error::invalid("concurrency", "must be at least 1"));
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(Error::invalid("timeout", "must be positive"));
        }
        if !(-14 * 60..=14 * 60).contains(&self.utc_offset_minutes) {
            return Err(Error::invalid(
                "utc_offset_minutes",
                "must be within ±14 hours",
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("sid", &self.sid)
            .field("apikey", &"<redacted>")
            .field("base_url", &self.base_url)
            .field("ops_url", &self.ops_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .field("concurrency", &self.concurrency)
            .field("utc_offset_minutes", &self.utc_offset_minutes)
            .field("cooldown_guard", &self.cooldown_guard)
            .field("cooldown_store", &self.cooldown_store)
            .finish_non_exhaustive()
    }
}
