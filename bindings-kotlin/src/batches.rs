//! Bulk results batch by batch: one object per record type around the core's `Batches<T>`
//! (UniFFI objects cannot be generic), made by the `*_batches` methods of the client (see
//! `cards.rs`). In Kotlin, `asFlow()` turns one into a `Flow<List<T>>`.

use std::sync::Arc;

use cardboss::{Batches, CardDetail, CurrentUsage, MonthlyUsage};
use futures::FutureExt;
use tokio::sync::Mutex;
use uniffi::deps::async_compat::Compat;

use crate::error::{guarded, CardBossError, Result};

/// Runs `start` (a core call that validates its input, then spawns its fetching on the current
/// tokio runtime) inside the runtime every async export of this crate runs on, UniFFI's
/// (`async_runtime = "tokio"`), so a synchronous export can start background work.
pub(crate) fn on_runtime<T>(start: impl FnOnce() -> cardboss::Result<T>) -> Result<T> {
    // The future finishes on its first poll (it never awaits): `Compat` enters the runtime for
    // that poll, which is when `start` runs.
    match Compat::new(async move { start() }).now_or_never() {
        Some(r) => r.map_err(CardBossError::from),
        None => Err(cardboss::Error::Internal {
            message: "a synchronous start did not finish".into(),
        }
        .into()),
    }
}

/// Declares `$name`, the batches of one bulk call whose records are `$record`.
macro_rules! batches_object {
    ($(#[$doc:meta])* $name:ident, $record:ty) => {
        $(#[$doc])*
        ///
        /// Batches of up to 100 records come in input order, fetched ahead in the background
        /// (`concurrency` requests at a time) from the moment the object is made; at most
        /// `concurrency` finished batches wait unread. A failed batch is the last: its
        /// exception is thrown by `nextBatch()`, which answers `null` after it. Closing the
        /// object (or letting it be collected) stops the fetching.
        #[derive(uniffi::Object)]
        pub struct $name {
            batches: Mutex<Batches<$record>>,
        }

        impl $name {
            pub(crate) fn new(batches: Batches<$record>) -> Arc<Self> {
                Arc::new($name {
                    batches: Mutex::new(batches),
                })
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl $name {
            /// The next batch, in input order; `null` after the last (and after a failure).
            pub async fn next_batch(&self) -> Result<Option<Vec<$record>>> {
                guarded(async { self.batches.lock().await.next_batch().await.transpose() }).await
            }
        }
    };
}

batches_object!(
    /// 3.2.2 card/detail batch by batch (see `CardBossClient.cardDetailBatches`).
    CardDetailBatches,
    CardDetail
);

batches_object!(
    /// 3.2.3 card/usage/current batch by batch (see `CardBossClient.currentUsageBatches`).
    CurrentUsageBatches,
    CurrentUsage
);

batches_object!(
    /// 3.2.4 card/usage/past batch by batch (see `CardBossClient.usageHistoryBatches`).
    MonthlyUsageBatches,
    MonthlyUsage
);
