//! The client object, its configuration, and how calls name their cards.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use cardboss::{Client, Config};

use crate::error::{guard, Result};

/// Client settings. `sid` and `apikey` are required; every other setting left `null` takes the
/// core's documented default. `toString()` never shows the apikey.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Display)]
pub struct ClientConfig {
    /// Account id.
    pub sid: String,
    /// 32-character secret; also the key and IV of encrypted SMS.
    pub apikey: String,
    /// Root of port1 (queries, SMS, renewals). Default `http://127.0.0.1:9011`.
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// Root of port2 (lifecycle operations). Default: `base_url`'s host on port 8111.
    #[uniffi(default = None)]
    pub ops_url: Option<String>,
    /// Per request attempt, milliseconds. Default 30 000.
    #[uniffi(default = None)]
    pub timeout_ms: Option<u64>,
    /// Milliseconds. Default 5 000.
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<u64>,
    /// Extra attempts for GETs (POSTs are never retried). Default 3.
    #[uniffi(default = None)]
    pub max_retries: Option<u32>,
    /// Requests in flight at once for bulk calls. Default 8.
    #[uniffi(default = None)]
    pub concurrency: Option<u32>,
    /// Offset of the platform's clock for `ts`, minutes east of UTC. Default 480 (UTC+8).
    #[uniffi(default = None)]
    pub utc_offset_minutes: Option<i32>,
    /// Refuse repeats of lifecycle operations on a card within the carrier's window locally.
    /// Default true.
    #[uniffi(default = None)]
    pub cooldown_guard: Option<bool>,
    /// First retry delay, milliseconds; doubles each attempt up to `retry_cap_ms`. Default 200.
    #[uniffi(default = None)]
    pub retry_base_ms: Option<u64>,
    /// Milliseconds. Default 5 000.
    #[uniffi(default = None)]
    pub retry_cap_ms: Option<u64>,
}

impl fmt::Display for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ClientConfig(sid={}, apikey=<redacted>, baseUrl={:?}, opsUrl={:?})",
            self.sid, self.base_url, self.ops_url
        )
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl ClientConfig {
    /// The core's `Config`, with its defaults where nothing was given, naming Kotlin in the
    /// User-Agent.
    pub fn to_core(&self) -> Config {
        let mut c = Config::new(self.sid.clone(), self.apikey.clone());
        c.language = "kotlin".into();
        if let Some(v) = &self.base_url {
            c.base_url = v.clone();
        }
        c.ops_url = self.ops_url.clone().or(c.ops_url);
        let ms = Duration::from_millis;
        c.timeout = self.timeout_ms.map(ms).unwrap_or(c.timeout);
        c.connect_timeout = self.connect_timeout_ms.map(ms).unwrap_or(c.connect_timeout);
        c.max_retries = self.max_retries.unwrap_or(c.max_retries);
        c.concurrency = self
            .concurrency
            .map(|n| n as usize)
            .unwrap_or(c.concurrency);
        c.utc_offset_minutes = self.utc_offset_minutes.unwrap_or(c.utc_offset_minutes);
        c.cooldown_guard = self.cooldown_guard.unwrap_or(c.cooldown_guard);
        c.retry_base = self.retry_base_ms.map(ms).unwrap_or(c.retry_base);
        c.retry_cap = self.retry_cap_ms.map(ms).unwrap_or(c.retry_cap);
        c
    }
}

/// Several cards, by msisdn or by iccid (msisdns win when both are given; both empty is an
/// `InvalidInput`). Any number: the client batches by 100.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct CardSet {
    #[uniffi(default)]
    pub msisdns: Vec<String>,
    #[uniffi(default)]
    pub iccids: Vec<String>,
}

impl CardSet {
    pub(crate) fn to_core(&self) -> cardboss::Result<cardboss::CardSet> {
        cardboss::CardSet::from_lists(self.msisdns.clone(), self.iccids.clone())
    }
}

/// One card, by msisdn, iccid or both (empty strings count as absent).
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct CardRef {
    #[uniffi(default = None)]
    pub msisdn: Option<String>,
    #[uniffi(default = None)]
    pub iccid: Option<String>,
}

impl CardRef {
    pub(crate) fn to_core(&self) -> cardboss::Result<cardboss::CardRef> {
        cardboss::CardRef::new(self.msisdn.clone(), self.iccid.clone())
    }
}

/// A CardBOSS client: one pooled HTTP client for every call, safe to share between coroutines
/// and threads. GETs are retried with backoff; POSTs (renewals, SMS, lifecycle operations) never
/// are.
#[derive(Debug, uniffi::Object)]
pub struct CardBossClient {
    pub(crate) inner: Client,
}

#[uniffi::export]
impl CardBossClient {
    /// Checks the configuration (the apikey must be 32 characters) and builds the client.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>> {
        guard(move || Client::new(config.to_core()).map(|inner| Arc::new(CardBossClient { inner })))
    }

    /// Forgets the cooldown guard's memory of recent lifecycle operations.
    pub fn clear_cooldowns(&self) {
        self.inner.clear_cooldowns()
    }
}
