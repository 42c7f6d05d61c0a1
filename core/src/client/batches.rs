//! Bulk calls over any number of cards: batches of 100 (the platform's limit), `concurrency`
//! requests in flight, results in input order.
//!
//! Each bulk endpoint comes in two forms built on the same stream of batches: collected into one
//! `Vec` (`card_details`), or handed over batch by batch as they arrive (`card_detail_batches`),
//! so that a fleet of 100,000 cards can be synced in flat memory — the caller processes or
//! converts a batch and drops it while the next ones are being fetched. A mixed set
//! (`CardSet::Mixed`) is fetched as its msisdns' batches, then its iccids'; collected, the
//! results are put back in the order of its ids.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::Client;
use crate::error::Result;
use crate::ids::CardSet;
use crate::rules::MAX_CARDS_PER_REQUEST;

/// The batches of one bulk call, in input order, not yet awaited.
pub(crate) type BatchStream<T> = BoxStream<'static, Result<Vec<T>>>;

impl Client {
    /// Validates every card first (nothing is sent if one is malformed), then maps each batch of
    /// 100 through `fetch(client, msisdns, iccids)`, `concurrency` at a time. A failure names its
    /// batch. Each request gets its own handle on the client, so the stream owns everything it
    /// needs and can run on a background task.
    pub(crate) fn batch_stream<T, F, Fut>(
        &self,
        cards: &CardSet,
        fetch: F,
    ) -> Result<BatchStream<T>>
    where
        T: Send + 'static,
        F: Fn(Client, String, String) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Vec<T>>> + Send + 'static,
    {
        cards.validate()?;
        let batches = cards.batches(MAX_CARDS_PER_REQUEST);
        let total = batches.len();
        let client = self.clone();
        let stream = stream::iter(batches.into_iter().enumerate())
            .map(move |(index, (msisdns, iccids))| {
                let first = msisdns
                    .split(',')
                    .chain(iccids.split(','))
                    .find(|s| !s.is_empty())
                    .unwrap_or("")
                    .to_string();
                let request = fetch(client.clone(), msisdns, iccids);
                async move { request.await.map_err(|e| e.in_batch(index, total, &first)) }
            })
            .buffered(self.config().concurrency.max(1));
        Ok(stream.boxed())
    }
}

/// Every batch's records, concatenated (and, for a mixed set, put back in the order of its ids,
/// found by `keys`); the first failure fails the whole call.
pub(crate) async fn collect<T>(
    batches: BatchStream<T>,
    cards: &CardSet,
    keys: impl Fn(&T) -> [&str; 2],
) -> Result<Vec<T>> {
    let all = batches
        .try_fold(
            Vec::with_capacity(cards.len()),
            |mut all, batch| async move {
                all.extend(batch);
                Ok(all)
            },
        )
        .await?;
    Ok(if cards.is_mixed() {
        cards.in_input_order(all, keys)
    } else {
        all
    })
}

/// The results of a bulk call batch by batch (up to 100 records each), in input order, fetched
/// ahead in the background by a task on the tokio runtime that created it.
///
/// Use it as a `Stream` of batches or with [`Batches::next_batch`]. A failed batch is the last
/// item. Dropping it stops the fetching; at most `concurrency` finished batches wait unread.
pub struct Batches<T> {
    results: mpsc::Receiver<Result<Vec<T>>>,
    task: JoinHandle<()>,
}

impl<T: Send + 'static> Batches<T> {
    pub(crate) fn spawn(mut batches: BatchStream<T>, ahead: usize) -> Self {
        let (tx, results) = mpsc::channel(ahead.max(1));
        let task = tokio::spawn(async move {
            while let Some(batch) = batches.next().await {
                let failed = batch.is_err();
                if tx.send(batch).await.is_err() || failed {
                    return;
                }
            }
        });
        Batches { results, task }
    }
}

impl<T> Batches<T> {
    /// The next batch, `None` after the last.
    pub async fn next_batch(&mut self) -> Option<Result<Vec<T>>> {
        self.results.recv().await
    }
}

impl<T> Stream for Batches<T> {
    type Item = Result<Vec<T>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.results.poll_recv(cx)
    }
}

impl<T> Drop for Batches<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl<T> std::fmt::Debug for Batches<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batches").finish_non_exhaustive()
    }
}
