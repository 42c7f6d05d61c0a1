//! The client: configuration (`Config`, and `ClientOptions` as the bindings pass it), and one
//! `impl Client` block per group of endpoints, in the files named like the spec's sections
//! (customer, cards, pools, operations, sms), the fleet sync built on the cards endpoints
//! (fleet), and bulk runs of the operations (bulk).

mod batches;
mod bulk;
mod cards;
mod config;
mod customer;
mod fleet;
mod operations;
mod options;
mod pools;
mod sms;

use std::sync::Arc;

pub use batches::Batches;
pub use bulk::{BulkOp, BulkOptions, BulkRun, BulkSettings, DEFAULT_MAX_REQUEUES};
pub use cards::CardStream;
pub use config::Config;
pub use fleet::{FleetSync, FleetSyncOptions, FleetSyncStatus, DEFAULT_RETRY_BUDGET, RETRY_COST};
pub use options::{ClientOptions, ENV_APIKEY, ENV_OPS_URL, ENV_SID, ENV_URL};

use crate::cooldown::Cooldowns;
use crate::error::Result;
use crate::store::GuardStore;
use crate::transport::Transport;

/// A CardBOSS client. Cheap to clone (an `Arc` inside); share it between tasks and threads.
///
/// One pooled HTTP client (keep-alive, rustls) serves every call. GETs are retried with
/// backoff; POSTs never are, because a renewal or an SMS sent twice costs money.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    cooldowns: Cooldowns,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", self.config())
            .finish()
    }
}

impl Client {
    /// Checks the configuration (the apikey must be 32 characters) and builds the HTTP client.
    pub fn new(config: Config) -> Result<Self> {
        let store = match &config.cooldown_store {
            Some(url) => GuardStore::open(url, "cooldown_store")?,
            None => GuardStore::default(),
        };
        let cooldowns = Cooldowns::new(store, &config.sid);
        let transport = Transport::new(config)?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                cooldowns,
            }),
        })
    }

    pub fn config(&self) -> &Config {
        self.inner.transport.config()
    }

    /// Forgets the cooldown guard's memory of recent lifecycle operations (in a memory or file
    /// store; windows in a shared Redis are other workers' too and stay).
    pub fn clear_cooldowns(&self) {
        self.inner.cooldowns.clear();
    }

    fn transport(&self) -> &Transport {
        &self.inner.transport
    }
}
