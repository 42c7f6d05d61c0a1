//! The client object (its options are the core's `ClientOptions`) and how calls name their cards.

use std::sync::Arc;

use cardboss::{Client, ClientOptions};

use crate::error::{guard, Result};

/// How calls name their cards: the core's boundary types, `CardSet` (msisdns, iccids or mixed
/// `cards`) and `CardRef` (an msisdn, an iccid or both).
pub use cardboss::{CardIds as CardSet, CardRef};

/// A CardBOSS client: one pooled HTTP client for every call, safe to share between coroutines
/// and threads. GETs are retried with backoff; POSTs (renewals, SMS, lifecycle operations) never
/// are.
#[derive(Debug, uniffi::Object)]
pub struct CardBossClient {
    pub(crate) inner: Client,
}

#[uniffi::export]
impl CardBossClient {
    /// Checks the options (`sid` and a 32-character `apikey` are required; every option left
    /// null takes the core's documented default) and builds the client.
    #[uniffi::constructor]
    pub fn new(options: ClientOptions) -> Result<Arc<Self>> {
        guard(move || {
            Client::from_options(options, "kotlin").map(|inner| Arc::new(CardBossClient { inner }))
        })
    }

    /// Like the constructor, with every option left null in `options` read from
    /// `CARDBOSS_SID`, `CARDBOSS_APIKEY`, `CARDBOSS_URL` and `CARDBOSS_OPS_URL`.
    #[uniffi::constructor(default(options = None))]
    pub fn from_env(options: Option<ClientOptions>) -> Result<Arc<Self>> {
        let options = options.unwrap_or_default().or(ClientOptions::from_env());
        Self::new(options)
    }

    /// Forgets the cooldown guard's memory of recent lifecycle operations.
    pub fn clear_cooldowns(&self) {
        self.inner.clear_cooldowns()
    }
}
