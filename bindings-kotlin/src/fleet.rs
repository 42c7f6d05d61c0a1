//! Fleet sync: `client.fleetSync(options)` gives a [`FleetSyncBatches`] around the core's
//! `FleetSync` (batches of `FleetRecord` with `nextBatch()`, and the run's `report()` and
//! `checkpoint()` from the core's status handle); in Kotlin, `asFlow()` makes it a
//! `Flow<List<FleetRecord>>`. The join, de-duplication, re-tries, budget and cursor are the
//! core's.

use std::sync::Arc;

use cardboss::{FleetRecord, FleetSync, FleetSyncReport, FleetSyncStatus};
use tokio::sync::Mutex;

use crate::batches::on_runtime;
use crate::client::CardBossClient;
use crate::error::{guard, guarded, Result};

/// What a fleet sync fetches; anything left `null` keeps the core's default (details and usage
/// on, packages off, no history month, the client's concurrency, the core's retry budget).
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct FleetSyncOptions {
    #[uniffi(default = None)]
    pub details: Option<bool>,
    #[uniffi(default = None)]
    pub usage: Option<bool>,
    /// card/pkg/get of every card (one request per card).
    #[uniffi(default = None)]
    pub packages: Option<bool>,
    /// card/usage/past for this month (`yyyyMM`, within the last 3).
    #[uniffi(default = None)]
    pub history_month: Option<String>,
    /// Requests in flight at once.
    #[uniffi(default = None)]
    pub concurrency: Option<u32>,
    /// Tokens of the run's retry budget (a re-try costs 5, a success gives one back).
    #[uniffi(default = None)]
    pub retry_budget: Option<u32>,
    /// `checkpoint()` of an earlier run, to continue it.
    #[uniffi(default = None)]
    pub checkpoint: Option<String>,
}

impl FleetSyncOptions {
    fn to_core(&self) -> cardboss::FleetSyncOptions {
        cardboss::FleetSyncOptions {
            history_month: self.history_month.clone(),
            concurrency: self.concurrency.map(|c| c as usize),
            retry_budget: self.retry_budget,
            resume_from: self.checkpoint.clone(),
            ..cardboss::FleetSyncOptions::with_parts(self.details, self.usage, self.packages)
        }
    }
}

#[uniffi::export]
impl CardBossClient {
    /// The whole fleet: card/list + card/detail + card/usage/current merged per card (usage wins
    /// for the counters), optionally packages and a month's usage, batch by batch in list order,
    /// each card once; failed requests are re-tried later under a run budget and `report()`
    /// names every card not delivered. Bad options throw `InvalidInput` now, nothing sent. In
    /// Kotlin, `fleetSync(options).asFlow()` gives a `Flow<List<FleetRecord>>`.
    pub fn fleet_sync(&self, options: FleetSyncOptions) -> Result<Arc<FleetSyncBatches>> {
        guard(|| {
            let sync = on_runtime(|| self.inner.fleet_sync(options.to_core()))?;
            let status = sync.status();
            Ok::<_, crate::error::CardBossError>(Arc::new(FleetSyncBatches {
                sync: Mutex::new(sync),
                status,
            }))
        })
    }
}

/// A fleet sync under way: batches of `FleetRecord` in list order, fetched ahead in the
/// background from the moment it is made. Only a failure that leaves nothing to name (page 1 of
/// the listing, the account refused) is thrown by `nextBatch()`; the rest is named in
/// `report()`. `cancel()`, closing the object or letting it be collected stops the requests.
#[derive(uniffi::Object)]
pub struct FleetSyncBatches {
    sync: Mutex<FleetSync>,
    status: FleetSyncStatus,
}

impl std::fmt::Debug for FleetSyncBatches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetSyncBatches").finish_non_exhaustive()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl FleetSyncBatches {
    /// The next batch, in list order; `null` after the last.
    pub async fn next_batch(&self) -> Result<Option<Vec<FleetRecord>>> {
        guarded(async { self.sync.lock().await.next_batch().await.transpose() }).await
    }

    /// The run's counts and what it could not fetch; `finished` after the last batch.
    pub fn report(&self) -> FleetSyncReport {
        self.status.report()
    }

    /// JSON text of what was received so far, for `FleetSyncOptions(checkpoint = …)`.
    pub fn checkpoint(&self) -> String {
        self.status.checkpoint()
    }

    /// Stops the sync's requests now; the batches then end and the report stays unfinished.
    pub fn cancel(&self) {
        self.status.cancel()
    }
}
