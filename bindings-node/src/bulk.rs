//! Bulk lifecycle operations: `client.bulk(op, cards, options)` runs the core's `BulkRun` to its
//! end and resolves with its `BulkReport`; `client.bulkRun(...)` hands the outcomes over one by
//! one (lib.js adds `for await`). The queue, cooldowns, requeues, read-backs and the journal are
//! the core's; `options` is the core's `BulkSettings` as the caller gave it, plus a `signal`.
//!
//! A signal (or the client's `close()`) cancels a run rather than cutting it: requests in flight
//! finish and are journaled, the cards not sent are `not_attempted`, and the report still names
//! every card.

use std::collections::VecDeque;
use std::future::Future;

use cardboss::{BulkOutcome, BulkReport, BulkSettings};
use napi::bindgen_prelude::{within_runtime_if_available, FromNapiValue, PromiseRaw};
use napi::{sys, Env, Result};
use napi_derive::napi;
use tokio::sync::{mpsc, oneshot};

use crate::client::{CallOptions, CardSet, Client, Signal};
use crate::error::{spawn, sync};

/// What a bulk run takes besides `BulkSettings`, in the same options object.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct BulkCall {
    /// Cancels the run when aborted: requests in flight finish, the cards not sent are reported
    /// `not_attempted` (the report's `stopped` says so), and the journal stays valid.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
}

/// The options object of `bulk()` and `bulkRun()`: `BulkSettings & BulkCall`, read twice.
#[derive(Default)]
pub struct BulkArgs {
    settings: BulkSettings,
    call: BulkCall,
}

impl FromNapiValue for BulkArgs {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        Ok(BulkArgs {
            settings: unsafe { BulkSettings::from_napi_value(env, value)? },
            call: unsafe { BulkCall::from_napi_value(env, value)? },
        })
    }
}

#[napi]
impl Client {
    /// Runs `op` (`suspend`, `resume`, `end_test_period`, `force_activate`, `disable_data`,
    /// `enable_data`, `renew`) on every card, and resolves with the report: every card's
    /// outcome, nothing applied twice. Rejects with `INVALID_INPUT` before any request on a bad
    /// card, operation, parameter or journal. `signal` cancels the run (it still resolves).
    #[napi(
        ts_args_type = "op: string, cards: CardSet, options?: (BulkSettings & BulkCall) | undefined | null"
    )]
    pub fn bulk<'env>(
        &self,
        env: &'env Env,
        op: String,
        cards: CardSet,
        options: Option<BulkArgs>,
    ) -> Result<PromiseRaw<'env, BulkReport>> {
        match self.start_bulk(op, cards, options) {
            Ok((run, cancelled)) => spawn(env, async move { Ok(to_end(run, cancelled).await) }),
            Err(e) => spawn(env, async move { Err(e) }),
        }
    }

    /// `bulk()` outcome by outcome, as each card is settled:
    /// `for await (const outcome of client.bulkRun('suspend', { msisdns }))`; leaving the loop
    /// early cancels the run. Throws `INVALID_INPUT` (nothing sent) on bad input.
    #[napi(
        ts_args_type = "op: string, cards: CardSet, options?: (BulkSettings & BulkCall) | undefined | null"
    )]
    pub fn bulk_run(
        &self,
        env: Env,
        op: String,
        cards: CardSet,
        options: Option<BulkArgs>,
    ) -> Result<BulkRun> {
        sync(&env, || {
            let (run, cancelled) = self.start_bulk(op, cards, options)?;
            Ok(BulkRun::new(run, cancelled))
        })
    }
}

impl Client {
    /// The core's run, started, and what cancels it (the signal, the client's `close()`).
    fn start_bulk(
        &self,
        op: String,
        cards: CardSet,
        options: Option<BulkArgs>,
    ) -> cardboss::Result<(
        cardboss::BulkRun,
        impl Future<Output = String> + Send + 'static,
    )> {
        let BulkArgs { settings, call } = options.unwrap_or_default();
        let (cards, core) = (cards.to_set()?, self.core()?);
        let bounds = self.bounds(Some(CallOptions {
            signal: call.signal,
            timeout_ms: None,
        }))?;
        let run = within_runtime_if_available(|| core.bulk_named(&op, &cards, settings))?;
        Ok((run, bounds.cancelled()))
    }
}

/// Takes every outcome (they are in the report) until the run ends; cancels it on `cancelled`.
async fn to_end(mut run: cardboss::BulkRun, cancelled: impl Future<Output = String>) -> BulkReport {
    tokio::pin!(cancelled);
    let mut listening = true;
    loop {
        tokio::select! {
            outcome = run.next() => if outcome.is_none() { break },
            _ = &mut cancelled, if listening => {
                run.cancel();
                listening = false;
            }
        }
    }
    run.finish().await
}

/// What the JS object asks of the task that owns the core's run.
enum Ask {
    Next(oneshot::Sender<Option<BulkOutcome>>),
    Report(oneshot::Sender<BulkReport>),
    Cancel,
}

/// A bulk run started by `client.bulkRun()`: an async iterable of `BulkOutcome` (each card once,
/// as it is settled), or outcome by outcome with `nextOutcome()`; `report()` at any time.
///
/// One task owns the core's run and answers these calls, so that a `report()` or a cancel is
/// served while a `nextOutcome()` waits.
#[napi]
pub struct BulkRun {
    asks: mpsc::UnboundedSender<Ask>,
}

impl BulkRun {
    fn new(
        run: cardboss::BulkRun,
        cancelled: impl Future<Output = String> + Send + 'static,
    ) -> Self {
        let (asks, rx) = mpsc::unbounded_channel();
        napi::bindgen_prelude::spawn(own(run, cancelled, rx));
        BulkRun { asks }
    }

    fn ask<T: Send + 'static>(
        &self,
        ask: impl FnOnce(oneshot::Sender<T>) -> Ask,
    ) -> impl Future<Output = cardboss::Result<T>> + Send + 'static {
        let (tx, rx) = oneshot::channel();
        let _ = self.asks.send(ask(tx));
        async move {
            rx.await.map_err(|_| cardboss::Error::Internal {
                message: "the bulk run's task ended".into(),
            })
        }
    }
}

#[napi]
impl BulkRun {
    /// The next card's outcome, `null` once every card is settled.
    #[napi(ts_return_type = "Promise<BulkOutcome | null>")]
    pub fn next_outcome<'env>(
        &self,
        env: &'env Env,
    ) -> Result<PromiseRaw<'env, Option<BulkOutcome>>> {
        spawn(env, self.ask(Ask::Next))
    }

    /// The counts and the outcomes so far; complete once `nextOutcome()` gave `null`.
    #[napi]
    pub fn report<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, BulkReport>> {
        spawn(env, self.ask(Ask::Report))
    }

    /// Sends nothing more: requests in flight finish, the cards not sent are `not_attempted`
    /// (still given by the iteration). Called by `for await` when the loop ends early.
    #[napi]
    pub fn cancel(&self) {
        let _ = self.asks.send(Ask::Cancel);
    }
}

/// The task behind a `BulkRun`. Until a cancel, it takes an outcome from the core only when JS
/// asks for one, so an unread run waits as the core's does; once cancelled, it takes every
/// outcome as it comes and keeps them for JS, so that the run ends (and frees its journal)
/// whether or not anyone reads on.
async fn own(
    mut run: cardboss::BulkRun,
    cancelled: impl Future<Output = String>,
    mut asks: mpsc::UnboundedReceiver<Ask>,
) {
    tokio::pin!(cancelled);
    let mut kept: VecDeque<BulkOutcome> = VecDeque::new();
    let mut waiting: VecDeque<oneshot::Sender<Option<BulkOutcome>>> = VecDeque::new();
    let (mut cancelling, mut ended, mut open) = (false, false, true);
    // Once the JS object is collected, only the `nextOutcome()`s still waiting are served.
    while open || !(ended || waiting.is_empty()) {
        tokio::select! {
            ask = asks.recv(), if open => match ask {
                Some(Ask::Next(reply)) => match kept.pop_front() {
                    Some(outcome) => drop(reply.send(Some(outcome))),
                    None if ended => drop(reply.send(None)),
                    None => waiting.push_back(reply),
                },
                Some(Ask::Report(reply)) => drop(reply.send(run.report())),
                Some(Ask::Cancel) => {
                    run.cancel();
                    cancelling = true;
                }
                // The JS object was collected (`client.bulkRun(...).nextOutcome()`): nothing
                // more can be asked; the run is cancelled.
                None => {
                    open = false;
                    run.cancel();
                    cancelling = true;
                }
            },
            _ = &mut cancelled, if !cancelling => {
                run.cancel();
                cancelling = true;
            }
            outcome = run.next(), if !ended && (cancelling || !waiting.is_empty()) => {
                match outcome {
                    Some(outcome) => match waiting.pop_front() {
                        Some(reply) => drop(reply.send(Some(outcome))),
                        None => kept.push_back(outcome),
                    },
                    None => {
                        ended = true;
                        for reply in waiting.drain(..) {
                            let _ = reply.send(None);
                        }
                    }
                }
            }
        }
    }
}
