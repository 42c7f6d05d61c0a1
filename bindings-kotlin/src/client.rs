//! The client object (its options are the core's `ClientOptions`) and how calls name their cards.

use std::sync::Arc;

use cardboss::{Client, ClientOptions};

use crate::error::{guard, Result};

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
