//! Bulk lifecycle operations: one operation (suspend, resume, a renewal, …) on thousands of
//! cards, with an outcome for every card and nothing applied twice.
//!
//! Why it is in the core: the loop an operator writes by hand gets the platform's rules wrong,
//! and each rule must hold in every language the same way:
//! - The carrier refuses a second lifecycle operation on a card within its window (3 minutes;
//!   13009/13010 inside a 1099). A card whose window is open waits for it (the client's own
//!   cooldown memory says how long), and a carrier refusal puts the card back in the queue
//!   after the window instead of failing it.
//! - A POST is never replayed when it may have been applied. Only a refusal that proves nothing
//!   was applied puts a card back in the queue: the carrier's cooldown, 1030 (too fast), an HTTP
//!   429, a connection that never opened. 1030 and 429 also slow the whole run down: the number
//!   of requests in flight halves (down to one) and the run pauses; it grows back by one after as
//!   many successes as it allows (additive increase, multiplicative decrease).
//! - An answer that may or may not have been applied (a timeout, a broken connection, 1090–1092)
//!   is settled at the end of the run by reading the card back (card/detail `msstatus`) when
//!   the state can prove it (suspend, resume, force activate, end of test); otherwise it stays
//!   `unknown`, with what to check. A renewal is never sent again.
//! - With a journal (`journal.rs`) a run killed at any point can be repeated: cards with a final
//!   outcome are not sent again, and the unsettled ones are read back first.
//!
//! How it runs: one background task keeps a queue of cards (each with the time it may go), at
//! most `limit` requests in flight, and hands each outcome over a channel as it is settled.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, Notify};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use super::operations::{check_min_left_percent, check_renewal};
use super::Client;
use crate::cooldown::OpClass;
use crate::error::{Error, Result};
use crate::ids::{CardRef, CardSet};
use crate::journal::{Earlier, Journal};
use crate::models::{BulkOutcome, BulkReport, OutcomeStatus, Package, RenewOptions};
use crate::rules::{check_renewal_months, LIFECYCLE_COOLDOWN_SECS};
use crate::transport::ATTEMPTS;

mod settings;
pub use settings::BulkSettings;

/// Times a card may be put back in the queue (carrier cooldowns, 1030, connections that never
/// opened) before it is reported as refused.
pub const DEFAULT_MAX_REQUEUES: u32 = 5;
/// The first pause after the platform says "too fast"; doubles while it goes on, up to 30 s.
const FIRST_PAUSE: Duration = Duration::from_millis(500);
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// The operation of a bulk run.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BulkOp {
    /// 3.4.2 card/stoptest.
    EndTestPeriod,
    /// 3.4.3 card/foractive.
    ForceActivate,
    /// 3.4.4 card/stopkeep 0.
    Suspend,
    /// 3.4.4 card/stopkeep 1.
    Resume,
    /// 3.4.5 card/switchnet 0.
    DisableData { apn: Option<String> },
    /// 3.4.5 card/switchnet 1.
    EnableData {
        apn: Option<String>,
        min_left_percent: Option<u32>,
    },
    /// 3.4.1 card/pkg/renew by package code.
    Renew {
        pkgcode: String,
        months: u32,
        options: RenewOptions,
    },
    /// 3.4.1 card/pkg/renew of a package as `packages()` listed it: the spec's length rule is
    /// checked once, before anything is sent.
    RenewPackage {
        package: Package,
        months: u32,
        options: RenewOptions,
    },
}

impl BulkOp {
    /// The operations without parameters, by the names the bindings and the CLI use.
    pub fn from_name(name: &str) -> Result<BulkOp> {
        Ok(match name {
            "end_test_period" | "stoptest" => BulkOp::EndTestPeriod,
            "force_activate" | "activate" => BulkOp::ForceActivate,
            "suspend" => BulkOp::Suspend,
            "resume" => BulkOp::Resume,
            "disable_data" => BulkOp::DisableData { apn: None },
            "enable_data" => BulkOp::EnableData {
                apn: None,
                min_left_percent: None,
            },
            _ => {
                return Err(Error::invalid(
                    "op",
                    format!(
                        "{name:?} is not an operation: end_test_period, force_activate, suspend, \
                         resume, disable_data, enable_data (renew takes a package and months)"
                    ),
                ))
            }
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            BulkOp::EndTestPeriod => "end_test_period",
            BulkOp::ForceActivate => "force_activate",
            BulkOp::Suspend => "suspend",
            BulkOp::Resume => "resume",
            BulkOp::DisableData { .. } => "disable_data",
            BulkOp::EnableData { .. } => "enable_data",
            BulkOp::Renew { .. } | BulkOp::RenewPackage { .. } => "renew",
        }
    }

    fn endpoint(&self) -> &'static str {
        match self {
            BulkOp::EndTestPeriod => "card/stoptest",
            BulkOp::ForceActivate => "card/foractive",
            BulkOp::Suspend | BulkOp::Resume => "card/stopkeep",
            BulkOp::DisableData { .. } | BulkOp::EnableData { .. } => "card/switchnet",
            BulkOp::Renew { .. } | BulkOp::RenewPackage { .. } => "card/pkg/renew",
        }
    }

    fn is_renewal(&self) -> bool {
        matches!(self, BulkOp::Renew { .. } | BulkOp::RenewPackage { .. })
    }

    /// Whether `msstatus` (card/detail: 0 库存, 1 待激活, 2 正常, 3 停机, 4 销号, 5 其他, 6 测试)
    /// shows the operation's result; `None` when the state cannot tell.
    fn reached(&self, msstatus: i64) -> Option<bool> {
        match self {
            BulkOp::Suspend => Some(msstatus == 3),
            BulkOp::Resume | BulkOp::ForceActivate => Some(msstatus == 2),
            BulkOp::EndTestPeriod => Some(msstatus != 6),
            _ => None,
        }
    }

    /// Everything that can be checked before a request, by the checks the single-card calls
    /// make: the whole run is refused at once rather than every card one by one.
    fn validate(&self) -> Result<()> {
        match self {
            BulkOp::EnableData {
                min_left_percent, ..
            } => check_min_left_percent(*min_left_percent),
            BulkOp::Renew {
                pkgcode,
                months,
                options,
            } => check_renewal(pkgcode, *months, options),
            BulkOp::RenewPackage {
                package,
                months,
                options,
            } => {
                check_renewal_months(package.pkgcategory, package.buycycle, *months)?;
                check_renewal(&package.pkgcode, *months, options)
            }
            _ => Ok(()),
        }
    }

    /// Sends the operation for one card; a renewal answers its order id.
    async fn send(&self, client: &Client, card: &CardRef) -> Result<Option<String>> {
        match self {
            BulkOp::EndTestPeriod => client.end_test_period(card).await.map(|()| None),
            BulkOp::ForceActivate => client.force_activate(card).await.map(|()| None),
            BulkOp::Suspend => client.suspend(card).await.map(|()| None),
            BulkOp::Resume => client.resume(card).await.map(|()| None),
            BulkOp::DisableData { apn } => client
                .disable_data(card, apn.as_deref())
                .await
                .map(|()| None),
            BulkOp::EnableData {
                apn,
                min_left_percent,
            } => client
                .enable_data(card, apn.as_deref(), *min_left_percent)
                .await
                .map(|()| None),
            BulkOp::Renew {
                pkgcode,
                months,
                options,
            } => client
                .renew(card, pkgcode, *months, options)
                .await
                .map(|o| Some(o.orderid)),
            BulkOp::RenewPackage {
                package,
                months,
                options,
            } => client
                .renew_package(card, package, *months, options)
                .await
                .map(|o| Some(o.orderid)),
        }
    }
}

/// How a bulk run goes (like `FleetSyncOptions`, built with `..Default::default()`).
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOptions {
    /// Requests in flight at most; default the client's `concurrency`.
    pub concurrency: Option<usize>,
    /// The journal file (created if missing; an earlier run's is continued).
    pub journal: Option<PathBuf>,
    /// Validate and report what would be sent; send nothing (and write no journal).
    pub dry_run: bool,
    /// A card whose cooldown window is open waits for it (default true); otherwise it is
    /// reported `not_attempted` with the time left.
    pub wait_cooldowns: bool,
    /// Read the cards first and skip those already in the target state (default false).
    pub check_state: bool,
    /// Cards not sent by then are reported `not_attempted` (default: none).
    pub deadline: Option<Duration>,
    /// Default [`DEFAULT_MAX_REQUEUES`].
    pub max_requeues: Option<u32>,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            concurrency: None,
            journal: None,
            dry_run: false,
            wait_cooldowns: true,
            check_state: false,
            deadline: None,
            max_requeues: None,
        }
    }
}

impl Client {
    /// Starts `op` on every card of `cards`; see the module docs. Everything is validated first
    /// (the ids, the operation, the journal): bad input fails here, before any request.
    ///
    /// Must be called inside a Tokio runtime (it spawns the run's task).
    pub fn bulk(&self, op: BulkOp, cards: &CardSet, options: BulkOptions) -> Result<BulkRun> {
        cards.validate()?;
        op.validate()?;
        let concurrency = options.concurrency.unwrap_or(self.config().concurrency);
        if concurrency == 0 {
            return Err(Error::invalid("concurrency", "must be at least 1"));
        }
        let refs = card_refs(cards);
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = refs.iter().find(|c| !seen.insert(c.key())) {
            return Err(Error::invalid(
                "cards",
                format!("{} is given twice", dup.key()),
            ));
        }
        let (journal, earlier) = match (&options.journal, options.dry_run) {
            (Some(path), false) => {
                let (j, e) = Journal::open(path, op.name())?;
                (Some(j), e)
            }
            _ => (None, HashMap::new()),
        };
        let (tx, rx) = mpsc::channel(256);
        let shared = Arc::new(Shared {
            report: Mutex::new(BulkReport {
                op: op.name().to_string(),
                cards: refs.len() as i64,
                ..Default::default()
            }),
            cancelled: AtomicBool::new(false),
            wake: Notify::new(),
            attempts: Arc::new(AtomicI64::new(0)),
        });
        let run = Run {
            client: self.clone(),
            op,
            options,
            concurrency,
            journal,
            shared: shared.clone(),
            tx,
        };
        let task = tokio::spawn(run.drive(refs, earlier));
        Ok(BulkRun { rx, shared, task })
    }
}

impl Client {
    /// [`Client::bulk`] with the operation by name (`suspend`, `renew`, …; see
    /// [`BulkOp::from_name`]) and its parameters and options as the bindings and the CLI give
    /// them ([`BulkSettings`]).
    pub fn bulk_named(&self, op: &str, cards: &CardSet, settings: BulkSettings) -> Result<BulkRun> {
        let (op, options) = settings.resolve(op)?;
        self.bulk(op, cards, options)
    }
}

fn card_refs(cards: &CardSet) -> Vec<CardRef> {
    match cards {
        CardSet::Msisdns(ids) => ids.iter().map(CardRef::msisdn).collect(),
        CardSet::Iccids(ids) => ids.iter().map(CardRef::iccid).collect(),
        CardSet::Mixed(ids) => ids.iter().map(|id| CardRef::from_id(id)).collect(),
    }
}

/// A running bulk operation: outcomes as they are settled, then the report. Dropping it cancels
/// the run (requests in flight finish and are journaled; the rest are not sent).
pub struct BulkRun {
    rx: mpsc::Receiver<BulkOutcome>,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl BulkRun {
    /// The next settled outcome; `None` when the run is over.
    pub async fn next(&mut self) -> Option<BulkOutcome> {
        self.rx.recv().await
    }

    /// Waits for the end of the run (outcomes not taken with `next` are in the report).
    pub async fn finish(mut self) -> BulkReport {
        while self.rx.recv().await.is_some() {}
        let _ = (&mut self.task).await;
        self.report()
    }

    /// The report so far (complete once `next` has answered `None`).
    pub fn report(&self) -> BulkReport {
        let mut report = self.shared.lock().clone();
        report.requests = self.shared.attempts.load(Ordering::Relaxed);
        report
    }

    /// Sends nothing more: requests in flight finish, the cards not sent are `not_attempted`.
    pub fn cancel(&self) {
        self.shared.cancelled.store(true, Ordering::SeqCst);
        self.shared.wake.notify_one();
    }
}

impl Drop for BulkRun {
    fn drop(&mut self) {
        self.cancel();
    }
}

struct Shared {
    report: Mutex<BulkReport>,
    cancelled: AtomicBool,
    wake: Notify,
    /// HTTP attempts, counted by the transport (`ATTEMPTS`) in the scope of each request, as
    /// the fleet sync counts its own.
    attempts: Arc<AtomicI64>,
}

/// A card in the queue.
struct Queued {
    card: CardRef,
    key: String,
    attempts: i64,
    requeues: u32,
}

/// What one launched request came back with.
struct Sent {
    queued: Queued,
    result: Result<Option<String>>,
    /// The intent could not be journaled: nothing was sent.
    journal_error: Option<Error>,
}

struct Run {
    client: Client,
    op: BulkOp,
    options: BulkOptions,
    concurrency: usize,
    journal: Option<Journal>,
    shared: Arc<Shared>,
    tx: mpsc::Sender<BulkOutcome>,
}

impl Run {
    async fn drive(self, refs: Vec<CardRef>, earlier: HashMap<String, Earlier>) {
        let started = Instant::now();
        let deadline = self.options.deadline.map(|d| started + d);
        let mut ready: VecDeque<Queued> = VecDeque::new();
        let mut unsettled: Vec<Queued> = Vec::new();
        for card in refs {
            let key = card.key();
            let queued = Queued {
                card,
                key,
                attempts: 0,
                requeues: 0,
            };
            match earlier.get(&queued.key) {
                Some(Earlier::Final(outcome)) => {
                    self.shared.lock().from_journal += 1;
                    self.settle(outcome.clone()).await;
                }
                Some(Earlier::Unsettled) => unsettled.push(queued),
                None => ready.push_back(queued),
            }
        }
        // An earlier run's unknowns are settled before anything is sent.
        if !unsettled.is_empty() {
            self.reconcile(
                unsettled,
                "an earlier run sent it and did not learn the outcome",
            )
            .await;
        }
        if self.options.dry_run {
            let note = format!(
                "dry run: would send {} {}",
                self.op.endpoint(),
                self.op.name()
            );
            for q in ready {
                self.settle(BulkOutcome::new(&q.key, OutcomeStatus::NotAttempted).note(&note))
                    .await;
            }
            return;
        }
        if self.options.check_state {
            ready = self.skip_reached(ready).await;
        }

        let max_requeues = self.options.max_requeues.unwrap_or(DEFAULT_MAX_REQUEUES);
        let mut waiting: BinaryHeap<Reverse<(Instant, u64)>> = BinaryHeap::new();
        let mut parked: HashMap<u64, Queued> = HashMap::new();
        let mut seq = 0u64;
        let mut in_flight: JoinSet<Sent> = JoinSet::new();
        let mut limit = self.concurrency;
        let mut successes = 0usize;
        let mut paused_until: Option<Instant> = None;
        let mut pause = FIRST_PAUSE;
        let mut unknown: Vec<Queued> = Vec::new();
        let mut stop: Option<String> = None;

        loop {
            let now = Instant::now();
            if stop.is_none() && self.shared.cancelled.load(Ordering::SeqCst) {
                stop = Some("cancelled".into());
            }
            if stop.is_none() && deadline.is_some_and(|d| now >= d) {
                stop = Some("deadline reached".into());
            }
            while let Some(Reverse((at, id))) = waiting.peek().copied() {
                if at > now {
                    break;
                }
                waiting.pop();
                if let Some(q) = parked.remove(&id) {
                    ready.push_back(q);
                }
            }
            let paused = paused_until.is_some_and(|p| p > now);
            while stop.is_none() && !paused && in_flight.len() < limit {
                let Some(q) = ready.pop_front() else { break };
                // The client's own memory of the card's window: wait without sending.
                if let Some(left) = self.cooldown_left(&q.key).await {
                    if self.options.wait_cooldowns {
                        seq += 1;
                        waiting.push(Reverse((now + left, seq)));
                        parked.insert(seq, q);
                    } else {
                        let note = format!(
                            "cooling down: the card's window closes in {} s",
                            left.as_secs_f64().ceil()
                        );
                        self.settle(
                            BulkOutcome::new(&q.key, OutcomeStatus::NotAttempted).note(note),
                        )
                        .await;
                    }
                    continue;
                }
                in_flight.spawn(self.launch(q));
            }
            if in_flight.is_empty() && (stop.is_some() || (ready.is_empty() && waiting.is_empty()))
            {
                break;
            }
            let next_wake = [waiting.peek().map(|Reverse((at, _))| *at), paused_until]
                .into_iter()
                .flatten()
                .filter(|at| *at > now)
                .chain(deadline)
                .min();
            tokio::select! {
                Some(joined) = in_flight.join_next(), if !in_flight.is_empty() => {
                    let Ok(sent) = joined else { continue };
                    match self.classify(sent, max_requeues).await {
                        Next::Settled { ok } => {
                            if ok {
                                successes += 1;
                                if successes >= limit && limit < self.concurrency {
                                    limit += 1;
                                    successes = 0;
                                }
                                pause = FIRST_PAUSE;
                            }
                        }
                        Next::Unknown(q) => unknown.push(q),
                        Next::Requeue { queued, after, busy } => {
                            if busy {
                                limit = (limit / 2).max(1);
                                successes = 0;
                                paused_until = Some(Instant::now() + after.max(pause));
                                pause = (pause * 2).min(MAX_PAUSE);
                                self.shared.lock().slowdowns += 1;
                            }
                            seq += 1;
                            waiting.push(Reverse((Instant::now() + after, seq)));
                            parked.insert(seq, queued);
                        }
                        Next::Stop(reason) => stop = Some(reason),
                    }
                }
                _ = sleep_until(next_wake) => {}
                _ = self.shared.wake.notified() => {}
            }
        }
        let reason = stop.clone().unwrap_or_else(|| "the run ended".into());
        for q in ready.into_iter().chain(parked.into_values()) {
            self.settle(
                BulkOutcome::new(&q.key, OutcomeStatus::NotAttempted)
                    .note(format!("not sent: {reason}")),
            )
            .await;
        }
        if !unknown.is_empty() {
            self.reconcile(unknown, "the answer was lost").await;
        }
        self.shared.lock().stopped = stop;
    }

    /// Journals the intent, then sends.
    fn launch(
        &self,
        mut queued: Queued,
    ) -> impl std::future::Future<Output = Sent> + Send + 'static {
        let client = self.client.clone();
        let op = self.op.clone();
        let journal = self.journal.clone();
        let shared = self.shared.clone();
        async move {
            if let Some(j) = &journal {
                if let Err(e) = j.intent(&queued.key).await {
                    return Sent {
                        queued,
                        result: Ok(None),
                        journal_error: Some(e),
                    };
                }
            }
            queued.attempts += 1;
            let result = ATTEMPTS
                .scope(shared.attempts.clone(), op.send(&client, &queued.card))
                .await;
            Sent {
                queued,
                result,
                journal_error: None,
            }
        }
    }

    async fn classify(&self, sent: Sent, max_requeues: u32) -> Next {
        let Sent {
            mut queued,
            result,
            journal_error,
        } = sent;
        if let Some(e) = journal_error {
            let reason = format!("journal: {e}");
            self.settle(
                BulkOutcome::new(&queued.key, OutcomeStatus::NotAttempted)
                    .note(format!("not sent: {reason}")),
            )
            .await;
            return Next::Stop(reason);
        }
        let error = match result {
            Ok(orderid) => {
                let mut outcome = BulkOutcome::new(&queued.key, OutcomeStatus::Done);
                outcome.orderid = orderid;
                outcome.attempts = queued.attempts;
                self.record_and_settle(outcome).await;
                return Next::Settled { ok: true };
            }
            Err(e) => e,
        };
        if let Some((after, busy, why)) = self.nothing_applied(&error) {
            if queued.requeues < max_requeues {
                queued.requeues += 1;
                if let Some(j) = &self.journal {
                    if let Err(e) = j.requeued(&queued.key, &why).await {
                        let reason = format!("journal: {e}");
                        self.settle(refused(&queued, &error)).await;
                        return Next::Stop(reason);
                    }
                }
                self.shared.lock().rescheduled += 1;
                return Next::Requeue {
                    queued,
                    after,
                    busy,
                };
            }
            self.record_and_settle(refused(&queued, &error)).await;
            return Next::Settled { ok: false };
        }
        if error.outcome_unknown() {
            let mut outcome = BulkOutcome::new(&queued.key, OutcomeStatus::Unknown);
            fill_failure(&mut outcome, &error);
            outcome.attempts = queued.attempts;
            if let Some(j) = &self.journal {
                let _ = j.outcome(&outcome).await;
            }
            return Next::Unknown(queued);
        }
        let auth = matches!(error, Error::Auth { .. });
        self.record_and_settle(refused(&queued, &error)).await;
        if auth {
            return Next::Stop(format!("authentication failed: {error}"));
        }
        Next::Settled { ok: false }
    }

    /// When `error` proves the operation was not applied: how long to wait before the card
    /// goes again, whether the platform said "too fast", and why (for the journal).
    fn nothing_applied(&self, error: &Error) -> Option<(Duration, bool, String)> {
        let carrier = error
            .failure()
            .and_then(|f| f.carrier_code.as_deref())
            .unwrap_or("");
        match error {
            // The client's guard: the window is known to the second.
            Error::Cooldown {
                retry_after_secs, ..
            } => Some((
                Duration::from_secs(*retry_after_secs),
                false,
                "the card's cooldown window is open".into(),
            )),
            Error::RateLimited { .. } if matches!(carrier, "13009" | "13010") => Some((
                Duration::from_secs(LIFECYCLE_COOLDOWN_SECS),
                false,
                format!("the carrier refused a repeat within its window ({carrier})"),
            )),
            Error::RateLimited { .. } => Some((
                retry_after(error),
                true,
                "the platform said too fast (1030)".into(),
            )),
            Error::Http { status: 429, .. } => Some((
                retry_after(error),
                true,
                "the platform said too fast (HTTP 429)".into(),
            )),
            // No connection was made: nothing reached the platform.
            Error::Transport {
                outcome_unknown: false,
                ..
            } => Some((FIRST_PAUSE, false, "the connection never opened".into())),
            _ => None,
        }
    }

    async fn cooldown_left(&self, key: &str) -> Option<Duration> {
        if self.op.is_renewal() || !self.client.config().cooldown_guard {
            return None;
        }
        self.client
            .inner
            .cooldowns
            .left(OpClass::Lifecycle, key)
            .await
            .map(|left| Duration::from_secs(left.as_secs() + u64::from(left.subsec_nanos() > 0)))
    }

    /// Reads the cards back: those already in the target state are skipped.
    async fn skip_reached(&self, ready: VecDeque<Queued>) -> VecDeque<Queued> {
        let keys: Vec<String> = ready.iter().map(|q| q.key.clone()).collect();
        let states = self.read_states(&keys).await;
        let mut out = VecDeque::with_capacity(ready.len());
        for q in ready {
            let state = states.get(&q.key).copied();
            if let Some(s) = state.filter(|s| self.op.reached(*s) == Some(true)) {
                let mut outcome = BulkOutcome::new(&q.key, OutcomeStatus::Skipped)
                    .note("already in the target state");
                outcome.observed_msstatus = Some(s);
                self.record_and_settle(outcome).await;
            } else {
                out.push_back(q);
            }
        }
        out
    }

    /// Settles answers that may or may not have been applied, by reading the cards back.
    async fn reconcile(&self, cards: Vec<Queued>, why: &str) {
        let can_read = self.op.reached(2).is_some();
        let keys: Vec<String> = cards.iter().map(|q| q.key.clone()).collect();
        let states = if can_read {
            self.read_states(&keys).await
        } else {
            HashMap::new()
        };
        for q in cards {
            let observed = states.get(&q.key).copied();
            let mut outcome = match observed.and_then(|s| self.op.reached(s)) {
                Some(true) => {
                    let mut o = BulkOutcome::new(&q.key, OutcomeStatus::Done)
                        .note(format!("{why}; reading the card back shows it applied"));
                    o.reconciled = true;
                    o
                }
                Some(false) => BulkOutcome::new(&q.key, OutcomeStatus::Unknown).note(format!(
                    "{why}; the card does not show it applied: check before repeating it"
                )),
                None if self.op.is_renewal() => BulkOutcome::new(&q.key, OutcomeStatus::Unknown)
                    .note(format!(
                        "{why}; a renewal is never sent again: look for the card's order \
                         (the OD1002 push, or card/pkg/get) before renewing it again"
                    )),
                None if can_read => BulkOutcome::new(&q.key, OutcomeStatus::Unknown)
                    .note(format!("{why}; the card could not be read back")),
                None => BulkOutcome::new(&q.key, OutcomeStatus::Unknown).note(format!(
                    "{why}; the card's state cannot show this operation: check it"
                )),
            };
            outcome.observed_msstatus = observed;
            outcome.attempts = q.attempts;
            self.record_and_settle(outcome).await;
        }
    }

    /// `msstatus` by the key each card was given with; cards that could not be read are absent.
    async fn read_states(&self, keys: &[String]) -> HashMap<String, i64> {
        let mut states = HashMap::new();
        for chunk in keys.chunks(crate::rules::MAX_CARDS_PER_REQUEST) {
            let set = CardSet::mixed(chunk.iter().cloned());
            let read = ATTEMPTS.scope(self.shared.attempts.clone(), self.client.card_details(&set));
            if let Ok(details) = read.await {
                for d in details {
                    states.insert(d.msisdn.clone(), d.msstatus);
                    states.insert(d.iccid.clone(), d.msstatus);
                }
            }
        }
        states
    }

    async fn record_and_settle(&self, outcome: BulkOutcome) {
        if let Some(j) = &self.journal {
            // An outcome that cannot be journaled is still reported; the next run will read
            // the card back (its intent has no outcome after it).
            let _ = j.outcome(&outcome).await;
        }
        self.settle(outcome).await;
    }

    async fn settle(&self, outcome: BulkOutcome) {
        self.shared.lock().add(outcome.clone());
        // The consumer may have stopped reading: the report still has it.
        let _ = self.tx.send(outcome).await;
    }
}

enum Next {
    Settled {
        ok: bool,
    },
    Unknown(Queued),
    Requeue {
        queued: Queued,
        after: Duration,
        busy: bool,
    },
    Stop(String),
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, BulkReport> {
        self.report.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn refused(queued: &Queued, error: &Error) -> BulkOutcome {
    let mut outcome = BulkOutcome::new(&queued.key, OutcomeStatus::Refused);
    fill_failure(&mut outcome, error);
    outcome.attempts = queued.attempts;
    outcome
}

fn fill_failure(outcome: &mut BulkOutcome, error: &Error) {
    match error.failure() {
        Some(f) => {
            outcome.code = Some(f.carrier_code.clone().unwrap_or_else(|| f.code.clone()));
            outcome.msg = Some(f.msg.clone());
            outcome.detail = Some(f.detail.clone());
        }
        None => {
            outcome.code = Some(error.code());
            outcome.msg = Some(error.to_string());
        }
    }
}

fn retry_after(error: &Error) -> Duration {
    error
        .retry_after_secs()
        .map(Duration::from_secs)
        .unwrap_or(FIRST_PAUSE)
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
