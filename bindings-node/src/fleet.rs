//! Fleet sync: `client.fleetSync({...})` hands the core's `FleetSync` to JS as an async iterable
//! of `FleetRecord[]` (lib.js adds `for await`), with the run's `report()` and `checkpoint()`
//! read from the core's status handle. The join, de-duplication, re-tries, budget and cursor
//! are the core's.

use cardboss::{FleetRecord, FleetSync, FleetSyncReport, FleetSyncStatus};
use napi::bindgen_prelude::{within_runtime_if_available, PromiseRaw};
use napi::{Env, Result};
use napi_derive::napi;

use crate::batches::{Chunked, Pull};
use crate::client::Client;
use crate::error::sync;
use crate::records::JsonRecords;

impl Chunked for FleetSync {
    type Record = FleetRecord;
    fn next_chunk(
        &mut self,
    ) -> impl std::future::Future<Output = Option<cardboss::Result<Vec<FleetRecord>>>> + Send {
        self.next_batch()
    }
}

/// What `fleetSync()` fetches; anything left out keeps the core's default (details and usage
/// on, packages off, no history month, the client's concurrency, the core's retry budget).
#[napi(object)]
pub struct FleetSyncOptions {
    pub details: Option<bool>,
    pub usage: Option<bool>,
    /// card/pkg/get of every card (one request per card).
    pub packages: Option<bool>,
    /// card/usage/past for this month (`yyyyMM`, within the last 3).
    pub history_month: Option<String>,
    /// Requests in flight at once.
    pub concurrency: Option<u32>,
    /// Tokens of the run's retry budget (a re-try costs 5, a success gives one back).
    pub retry_budget: Option<u32>,
    /// `checkpoint()` of an earlier run, to continue it.
    pub checkpoint: Option<String>,
}

impl FleetSyncOptions {
    fn core(self) -> cardboss::FleetSyncOptions {
        cardboss::FleetSyncOptions {
            history_month: self.history_month,
            concurrency: self.concurrency.map(|c| c as usize),
            retry_budget: self.retry_budget,
            resume_from: self.checkpoint,
            ..cardboss::FleetSyncOptions::with_parts(self.details, self.usage, self.packages)
        }
    }
}

#[napi]
impl Client {
    /// The whole fleet: card/list + card/detail + card/usage/current merged per card (usage
    /// wins for the counters), optionally packages and a month's usage, as an async iterable
    /// of `FleetRecord[]` in list order, each card once; failed requests are re-tried later
    /// under a run budget, and `report()` names every card not delivered. Bad options throw
    /// now (`INVALID_INPUT`, nothing sent).
    #[napi]
    pub fn fleet_sync(
        &self,
        env: Env,
        options: Option<FleetSyncOptions>,
    ) -> Result<FleetSyncBatches> {
        sync(&env, || {
            let options = options.map(FleetSyncOptions::core).unwrap_or_default();
            let core = within_runtime_if_available(|| self.core()?.fleet_sync(options))?;
            let status = core.status();
            Ok(FleetSyncBatches {
                pull: Pull::new(core)?,
                status,
            })
        })
    }
}

/// The batches of `client.fleetSync()`: an async iterable of `FleetRecord[]` (list order, each
/// card once), or batch by batch with `nextBatch()`; `report()` and `checkpoint()` at any time.
#[napi]
pub struct FleetSyncBatches {
    pull: Pull<FleetSync>,
    status: FleetSyncStatus,
}

#[napi]
impl FleetSyncBatches {
    /// The next batch, `null` after the last. Only a failure that leaves nothing to name (page
    /// 1 of the listing, the account refused) rejects; the rest is named in `report()`.
    #[napi(ts_return_type = "Promise<Array<FleetRecord> | null>")]
    pub fn next_batch<'env>(
        &self,
        env: &'env Env,
    ) -> Result<PromiseRaw<'env, Option<JsonRecords>>> {
        self.pull.next(env)
    }

    /// The run's counts and what it could not fetch; `finished` after the last batch.
    #[napi]
    pub fn report(&self) -> FleetSyncReport {
        self.status.report()
    }

    /// JSON text of what was received so far, for `fleetSync({ checkpoint })`.
    #[napi]
    pub fn checkpoint(&self) -> String {
        self.status.checkpoint()
    }

    /// Stops the sync's requests; the next batch is then `null`. Called by `for await` when the
    /// loop ends early.
    #[napi]
    pub fn close(&self) {
        self.pull.close()
    }
}
