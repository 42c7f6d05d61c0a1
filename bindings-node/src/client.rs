//! The `Client` class, its options, and how calls name their cards. The endpoints are in the
//! files named like the spec's sections (customer, cards, pools, operations, sms).

use std::future::Future;
use std::time::Duration;

use napi::bindgen_prelude::{PromiseRaw, ToNapiValue};
use napi::{Env, Result};
use napi_derive::napi;

use crate::error::{spawn, sync};

/// Options of `new Client(...)`. Only `sid` and `apikey` are required.
#[napi(object)]
pub struct ClientOptions {
    /// Account id.
    pub sid: String,
    /// The 32-character secret (also the key and IV of encrypted SMS). Never shown in errors or
    /// by `util.inspect`.
    pub apikey: String,
    /// Root of port1: queries, SMS, renewals. Default `http://127.0.0.1:9011`.
    pub base_url: Option<String>,
    /// Root of port2: lifecycle operations. Default: `baseUrl`'s host on port 8111.
    pub ops_url: Option<String>,
    /// Timeout of each request attempt, in ms (default 30000).
    pub timeout_ms: Option<u32>,
    /// Connect timeout, in ms (default 5000).
    pub connect_timeout_ms: Option<u32>,
    /// Extra attempts for GETs (default 3); POSTs are never retried.
    pub max_retries: Option<u32>,
    /// Delay before the first retry of a GET, in ms (default 200); it doubles each attempt up to
    /// `retryCapMs`, with full jitter.
    pub retry_base_ms: Option<u32>,
    /// Longest delay between two attempts of a GET, in ms (default 5000).
    pub retry_cap_ms: Option<u32>,
    /// Requests in flight at once for bulk calls and `cards()` (default 8).
    pub concurrency: Option<u32>,
    /// Offset of the platform's clock for `ts`, in minutes east of UTC (default 480, UTC+8).
    pub utc_offset_minutes: Option<i32>,
    /// Refuse repeats of a lifecycle operation on a card within the carrier's window locally
    /// (default true).
    pub cooldown_guard: Option<bool>,
}

impl From<ClientOptions> for cardboss::Config {
    fn from(o: ClientOptions) -> Self {
        let mut config = cardboss::Config::new(o.sid, o.apikey);
        config.language = "node".into();
        if let Some(url) = o.base_url {
            config.base_url = url;
        }
        config.ops_url = o.ops_url;
        if let Some(ms) = o.timeout_ms {
            config.timeout = Duration::from_millis(ms.into());
        }
        if let Some(ms) = o.connect_timeout_ms {
            config.connect_timeout = Duration::from_millis(ms.into());
        }
        if let Some(n) = o.max_retries {
            config.max_retries = n;
        }
        if let Some(ms) = o.retry_base_ms {
            config.retry_base = Duration::from_millis(ms.into());
        }
        if let Some(ms) = o.retry_cap_ms {
            config.retry_cap = Duration::from_millis(ms.into());
        }
        if let Some(n) = o.concurrency {
            config.concurrency = n as usize;
        }
        if let Some(minutes) = o.utc_offset_minutes {
            config.utc_offset_minutes = minutes;
        }
        if let Some(guard) = o.cooldown_guard {
            config.cooldown_guard = guard;
        }
        config
    }
}

/// Several cards: `{ msisdns: [...] }` or `{ iccids: [...] }` (msisdns win when both are given).
/// Any number of cards; the SDK sends them in batches of 100.
#[napi(object)]
pub struct CardSet {
    pub msisdns: Option<Vec<String>>,
    pub iccids: Option<Vec<String>>,
}

impl CardSet {
    pub fn core(self) -> cardboss::Result<cardboss::CardSet> {
        cardboss::CardSet::from_lists(
            self.msisdns.unwrap_or_default(),
            self.iccids.unwrap_or_default(),
        )
    }
}

/// One card: `{ msisdn }`, `{ iccid }` or both.
#[napi(object)]
pub struct CardRef {
    pub msisdn: Option<String>,
    pub iccid: Option<String>,
}

impl CardRef {
    pub fn core(self) -> cardboss::Result<cardboss::CardRef> {
        cardboss::CardRef::new(self.msisdn, self.iccid)
    }
}

/// A CardBOSS client. Every network method returns a Promise and runs on the addon's own
/// runtime, never blocking the event loop; GETs are retried, POSTs never are. Share one client:
/// its connections are pooled.
///
/// ```js
/// const client = new Client({ sid: '10043', apikey: process.env.CARDBOSS_APIKEY })
/// const me = await client.customer()
/// ```
#[napi]
pub struct Client {
    inner: cardboss::Client,
}

#[napi]
impl Client {
    /// Checks the options (the apikey must be 32 characters; throws `INVALID_INPUT`) and builds
    /// the HTTP client.
    #[napi(constructor)]
    pub fn new(env: Env, options: ClientOptions) -> Result<Self> {
        let inner = sync(&env, || {
            napi::bindgen_prelude::within_runtime_if_available(|| {
                cardboss::Client::new(options.into())
            })
        })?;
        Ok(Client { inner })
    }

    /// Forgets the cooldown guard's memory of recent lifecycle operations.
    #[napi]
    pub fn clear_cooldowns(&self) {
        self.inner.clear_cooldowns()
    }
}

impl Client {
    /// Runs `call` with a handle on the core client as a Promise.
    pub(crate) fn run<'env, T, F, Fut>(
        &self,
        env: &'env Env,
        call: F,
    ) -> Result<PromiseRaw<'env, T>>
    where
        T: ToNapiValue + Send + 'static,
        F: FnOnce(cardboss::Client) -> Fut,
        Fut: Future<Output = cardboss::Result<T>> + Send + 'static,
    {
        spawn(env, call(self.inner.clone()))
    }

    pub(crate) fn core(&self) -> &cardboss::Client {
        &self.inner
    }
}
