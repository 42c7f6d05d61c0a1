//! Bulk runs: `client.bulkRun(op, cards, settings)` gives a [`BulkRun`] around the core's
//! `BulkRun` (outcomes with `next()`, then `finish()` and `report()`; `cancel()`). The settings
//! are the core's `BulkSettings` as the caller gave them: every default, range and rule (the
//! cooldown windows, no POST sent twice, the journal, read-backs) is the core's. In Kotlin,
//! `client.bulk(…)` (a suspend fun answering the report), `client.bulkFlow(…)` and
//! `run.asFlow()` are written over this object (src/main/kotlin/cardboss/CardBoss.kt).

use std::sync::Arc;

use cardboss::{BulkOutcome, BulkReport, BulkSettings};
use tokio::sync::{Mutex, Notify};

use crate::batches::on_runtime;
use crate::client::{CardBossClient, CardSet};
use crate::error::{guard, guarded, CardBossError, Result};

#[uniffi::export]
impl CardBossClient {
    /// Starts `op` (`suspend`, `resume`, `end_test_period`, `force_activate`, `disable_data`,
    /// `enable_data`, `renew`) on every card of `cards`, with `settings` (each field left null
    /// takes the core's default). Everything is checked first: bad input throws `InvalidInput`
    /// here, before any request. In Kotlin, `bulk(op, cards, settings)` waits for the report.
    pub fn bulk_run(
        &self,
        op: String,
        cards: CardSet,
        settings: BulkSettings,
    ) -> Result<Arc<BulkRun>> {
        guard(|| {
            let cards = cards.to_set()?;
            let run = on_runtime(|| self.inner.bulk_named(&op, &cards, settings))?;
            Ok::<_, CardBossError>(Arc::new(BulkRun {
                run: Arc::new(Mutex::new(run)),
                wake: Notify::new(),
            }))
        })
    }
}

/// A bulk run under way, in the background from the moment it is made: one outcome per card as
/// it is settled (`next()`), then the report. `cancel()` sends nothing more: requests in flight
/// finish and are journaled, the cards not sent are `not_attempted`. Closing the object (or
/// letting it be collected) cancels the run too.
#[derive(uniffi::Object)]
pub struct BulkRun {
    // `next()` holds the run while it waits; `cancel()` must not wait for it (an outcome can be a
    // cooldown window away), so it wakes the waiting call, which cancels the run it holds.
    run: Arc<Mutex<cardboss::BulkRun>>,
    wake: Notify,
}

impl std::fmt::Debug for BulkRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkRun").finish_non_exhaustive()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl BulkRun {
    /// The next settled outcome; `null` when the run is over.
    pub async fn next(&self) -> Result<Option<BulkOutcome>> {
        guarded(async {
            let mut run = self.run.lock().await;
            let outcome = tokio::select! {
                outcome = run.next() => outcome,
                () = self.wake.notified() => {
                    run.cancel();
                    run.next().await
                }
            };
            Ok::<_, CardBossError>(outcome)
        })
        .await
    }

    /// Waits for the end of the run and answers its report (outcomes not taken with `next()`
    /// are in it too).
    pub async fn finish(&self) -> Result<BulkReport> {
        guarded(async {
            let mut run = self.run.lock().await;
            loop {
                tokio::select! {
                    outcome = run.next() => if outcome.is_none() { break },
                    () = self.wake.notified() => run.cancel(),
                }
            }
            Ok::<_, CardBossError>(run.report())
        })
        .await
    }

    /// The report so far (waits for a `next()` in progress); complete once `next()` answered
    /// `null` or `finish()` returned.
    pub async fn report(&self) -> Result<BulkReport> {
        guarded(async { Ok::<_, CardBossError>(self.run.lock().await.report()) }).await
    }

    /// Sends nothing more; returns at once. Requests in flight finish and are journaled, the
    /// cards not sent are reported `not_attempted` (`finish()` waits for them).
    pub fn cancel(&self) {
        // A `next()`/`finish()` waiting with the run cancels it now (or the next one will);
        // otherwise the run is free and cancelled here.
        self.wake.notify_one();
        let run = self.run.clone();
        let _ = on_runtime(|| {
            tokio::spawn(async move { run.lock().await.cancel() });
            Ok(())
        });
    }
}
