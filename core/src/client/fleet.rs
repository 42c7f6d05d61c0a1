//! Fleet sync: every card of the account, listed, joined with its details and current usage
//! (and optionally its packages and a month's usage), delivered in batches in list order.
//!
//! Why it is in the core: it is the job most integrations exist for (a nightly copy of the fleet
//! into the operator's database), and doing it right takes rules that must not be rebuilt in
//! every language: the merge of list + detail + usage, the key a repeated list entry is
//! recognised by, and what to do when a request fails every attempt.
//!
//! How it runs: one background task drives a pipeline of *units*, one per list page: the page
//! is fetched, its cards not seen before are kept (a fleet changing while it is listed repeats
//! cards), their parts are fetched as one batch per part (a page is at most 100 cards, the
//! batch limit), merged, and handed over. At most `concurrency` requests are in flight and at
//! most `concurrency` units are buffered on each side, so memory is bounded by what is in
//! flight whatever the fleet's size (plus the set of keys already seen).
//!
//! Faults: a request that fails all its attempts (`Config::max_retries`) with a transient error
//! is tried again later, with a longer backoff, while the other units go on. Those re-tries draw
//! on a retry budget for the whole run (the AWS SDKs' retry quota: a re-try costs
//! [`RETRY_COST`] tokens, a success gives one back), so a platform that is down ends the run
//! quickly instead of hammering it. What could not be fetched is named in the report, card by
//! card (or page by page, for pages whose cards are unknown), never silently dropped.
//!
//! Resuming: the consumer's side keeps a cursor of what it has received (the next page, the
//! pages and cards still owed, and the exact set of cards accounted for: see `checkpoint`);
//! `checkpoint()` serialises it as JSON. A sync started with `resume_from` fetches the owed
//! cards and pages first, then lists on from the cursor, dropping every card of the set, so a
//! card is never delivered twice even when the fleet changed between the crash and the resume.
//! The number of pages is learned again (from the first page it lists), and a run whose pages
//! report a larger fleet than it started with lists the new pages too.
//!
//! What offset paging cannot do: a card added (or moved) in front of the cursor while a run is
//! under way is not listed by it; it is new to the fleet and the next sync has it.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use futures::future::join_all;
use futures::stream::{self, StreamExt};
use rand::Rng;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinHandle;

use super::Client;
use crate::error::{Error, Result};
use crate::ids::CardRef;
use crate::models::{
    Card, CardDetail, CurrentUsage, FleetRecord, FleetSyncReport, MissingCard, MissingPage,
    MonthlyUsage, Package,
};
use crate::rules::{check_history_month, is_iccid, is_msisdn, CARDS_PER_PAGE};
use crate::transport::ATTEMPTS;

mod checkpoint;
use checkpoint::{Cursor, OwedCard, Seen};

/// Tokens in a run's retry budget unless the options say otherwise.
pub const DEFAULT_RETRY_BUDGET: u32 = 500;
/// Tokens one re-try of a failed request costs.
pub const RETRY_COST: u32 = 5;

/// What a fleet sync fetches, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetSyncOptions {
    /// card/detail of every card (default true).
    pub details: bool,
    /// card/usage/current of every card (default true).
    pub usage: bool,
    /// card/pkg/get of every card: one request per card (default false).
    pub packages: bool,
    /// card/usage/past for this month (`yyyyMM`, within the last 3), batched (default none).
    pub history_month: Option<String>,
    /// Requests in flight at once; default the client's `concurrency`.
    pub concurrency: Option<usize>,
    /// Tokens of the run's retry budget; default [`DEFAULT_RETRY_BUDGET`]. 0: a request that
    /// fails all its attempts is not tried again.
    pub retry_budget: Option<u32>,
    /// A checkpoint (`FleetSync::checkpoint`) of an earlier run to continue.
    pub resume_from: Option<String>,
}

impl Default for FleetSyncOptions {
    fn default() -> Self {
        FleetSyncOptions {
            details: true,
            usage: true,
            packages: false,
            history_month: None,
            concurrency: None,
            retry_budget: None,
            resume_from: None,
        }
    }
}

impl FleetSyncOptions {
    /// The default options with each part as given, `None` keeping its default: what a
    /// binding's optional arguments pass on (the defaults live here only).
    pub fn with_parts(details: Option<bool>, usage: Option<bool>, packages: Option<bool>) -> Self {
        let defaults = Self::default();
        FleetSyncOptions {
            details: details.unwrap_or(defaults.details),
            usage: usage.unwrap_or(defaults.usage),
            packages: packages.unwrap_or(defaults.packages),
            ..defaults
        }
    }

    /// Continues the run `checkpoint` came from.
    pub fn resume_from(mut self, checkpoint: impl Into<String>) -> Self {
        self.resume_from = Some(checkpoint.into());
        self
    }
}

/// Where a unit's cards came from.
#[derive(Debug, Clone)]
enum Source {
    /// A page of the listing, fetched for the first time by this run.
    Page(u32),
    /// An owed page of an earlier run.
    OwedPage(u32),
    /// Owed cards of an earlier run, by key.
    OwedCards(Vec<String>),
}

enum Work {
    Page(u32),
    /// A page already fetched, to learn the number of pages.
    Listed(u32, Vec<Card>),
    OwedPage(u32),
    OwedCards(Vec<Card>),
}

/// A unit's outcome, handed to the consumer's side in list order.
struct Delivery {
    source: Source,
    records: Vec<FleetRecord>,
    duplicates: u64,
    missing_cards: Vec<(MissingCard, OwedCard)>,
    missing_page: Option<MissingPage>,
}

#[derive(Default)]
struct Counters {
    /// The driver went through every unit (a closed channel without it is a crash or a cancel).
    ended: AtomicBool,
    /// The largest number of pages a page of the listing reported.
    total_pages: AtomicU32,
    pages: AtomicI64,
    batches: AtomicI64,
    /// HTTP attempts, counted by the transport (`ATTEMPTS`) in the scope of each request.
    requests: Arc<AtomicI64>,
    retries: AtomicI64,
}

/// The shared state of one run's requests.
struct Run {
    client: Client,
    options: FleetSyncOptions,
    permits: Semaphore,
    budget: Mutex<u32>,
    capacity: u32,
    counters: Arc<Counters>,
    /// The cards accounted for, shared with the consumer's side (which settles them).
    seen: Arc<Mutex<Seen>>,
}

impl Client {
    /// Syncs the whole fleet: see [`FleetSync`]. The options and the checkpoint are checked now
    /// (nothing is sent if one is wrong); the run goes on a task on the current tokio runtime
    /// (call it from within one).
    pub fn fleet_sync(&self, options: FleetSyncOptions) -> Result<FleetSync> {
        if let Some(month) = &options.history_month {
            check_history_month(month, Utc::now(), self.config().utc_offset_minutes)?;
        }
        if options.concurrency == Some(0) {
            return Err(Error::invalid("concurrency", "must be at least 1"));
        }
        let (cursor, seen) = match &options.resume_from {
            Some(text) => Cursor::parse(text)?,
            None => (Cursor::start(), Seen::default()),
        };
        let concurrency = options
            .concurrency
            .unwrap_or(self.config().concurrency)
            .max(1);
        let capacity = options.retry_budget.unwrap_or(DEFAULT_RETRY_BUDGET);
        let counters = Arc::new(Counters::default());
        let seen = Arc::new(Mutex::new(seen));
        let run = Arc::new(Run {
            client: self.clone(),
            options,
            permits: Semaphore::new(concurrency),
            budget: Mutex::new(capacity),
            capacity,
            counters: counters.clone(),
            seen: seen.clone(),
        });
        let (tx, deliveries) = mpsc::channel(concurrency);
        let task = tokio::spawn(drive(run, cursor.clone(), concurrency, tx));
        let abort = task.abort_handle();
        Ok(FleetSync {
            deliveries,
            task,
            status: FleetSyncStatus {
                inner: Arc::new(Mutex::new(Received {
                    cursor,
                    report: FleetSyncReport::default(),
                    cancelled: false,
                })),
                seen,
                counters,
                abort,
            },
        })
    }
}

/// The background side of a run: the units, in order, through the pipeline; then, while pages
/// report more pages than were listed (the fleet grew), the new pages.
async fn drive(
    run: Arc<Run>,
    cursor: Cursor,
    concurrency: usize,
    tx: mpsc::Sender<Result<Delivery>>,
) {
    let mut work: Vec<Work> = Vec::new();
    for chunk in cursor.owed_cards.chunks(CARDS_PER_PAGE) {
        work.push(Work::OwedCards(
            chunk.iter().cloned().map(OwedCard::card).collect(),
        ));
    }
    work.extend(cursor.owed_pages.iter().map(|p| Work::OwedPage(*p)));
    let mut scheduled = 0;
    if !cursor.end {
        // The number of pages comes with a page; without it nothing can be named. A new run
        // asks page 1, a resumed one its next page (its last known one when it is past it).
        let probe = match cursor.pages {
            0 => 1,
            known => cursor.next_page.min(known),
        };
        match run.retrying(|| run.client.list_cards(probe)).await {
            Ok(listed) => {
                run.listed(listed.totalpage);
                work.push(Work::Listed(probe, listed.cards));
                scheduled = probe.max(cursor.next_page - 1);
            }
            Err(e) => {
                let _ = tx.send(Err(e)).await;
                return;
            }
        }
    }
    loop {
        let total = run.counters.total_pages.load(Ordering::SeqCst);
        work.extend((scheduled + 1..=total).map(Work::Page));
        scheduled = scheduled.max(total);
        if work.is_empty() {
            break;
        }
        let mut units = pipeline(&run, std::mem::take(&mut work), concurrency);
        while let Some(delivery) = units.next().await {
            if tx.send(Ok(delivery)).await.is_err() {
                return;
            }
        }
    }
    run.counters.ended.store(true, Ordering::SeqCst);
}

/// Units listed `concurrency` ahead, their fresh cards (not seen before) enriched `concurrency`
/// ahead, in order.
fn pipeline(
    run: &Arc<Run>,
    work: Vec<Work>,
    concurrency: usize,
) -> impl futures::Stream<Item = Delivery> {
    let listing = run.clone();
    let enriching = run.clone();
    stream::iter(work)
        .map(move |w| listing.clone().list(w))
        .buffered(concurrency)
        .map(move |(source, listed, missing_page)| {
            let (fresh, duplicates) = {
                let mut seen = enriching.seen.lock().unwrap_or_else(|p| p.into_inner());
                match source {
                    // Owed cards are accounted for already, and fetched whatever the set says.
                    Source::OwedCards(_) => {
                        seen.admit_owed();
                        (listed, 0)
                    }
                    _ => seen.admit(listed),
                }
            };
            enriching
                .clone()
                .enrich(source, fresh, duplicates, missing_page)
        })
        .buffered(concurrency)
}

/// The key a card is known by: its msisdn, or its iccid when it has none.
fn card_key(card: &Card) -> &str {
    crate::models::card_key(&card.msisdn, &card.iccid)
}

impl Run {
    /// A unit's cards: its page listed (or the owed cards as they are).
    async fn list(self: Arc<Self>, work: Work) -> (Source, Vec<Card>, Option<MissingPage>) {
        let (source, page) = match work {
            Work::Listed(page, cards) => return (Source::Page(page), cards, None),
            Work::OwedCards(cards) => {
                let keys = cards.iter().map(|c| card_key(c).to_string()).collect();
                return (Source::OwedCards(keys), cards, None);
            }
            Work::Page(page) => (Source::Page(page), page),
            Work::OwedPage(page) => (Source::OwedPage(page), page),
        };
        match self.retrying(|| self.client.list_cards(page)).await {
            Ok(listed) => {
                self.listed(listed.totalpage);
                (source, listed.cards, None)
            }
            Err(e) => {
                let missing = MissingPage {
                    page,
                    code: e.code(),
                    error: e.to_string(),
                };
                (source, Vec::new(), Some(missing))
            }
        }
    }

    /// The parts of a unit's cards, fetched together, merged per card in list order. Cards of a
    /// batch that failed are named, not delivered.
    async fn enrich(
        self: Arc<Self>,
        source: Source,
        cards: Vec<Card>,
        duplicates: u64,
        missing_page: Option<MissingPage>,
    ) -> Delivery {
        // One request names its cards one way: msisdns where there is one, else iccids.
        let by_msisdn = |c: &Card| is_msisdn(&c.msisdn);
        let msisdns: Vec<&str> = cards
            .iter()
            .filter(|c| by_msisdn(c))
            .map(|c| c.msisdn.as_str())
            .collect();
        let iccids: Vec<&str> = cards
            .iter()
            .filter(|c| !by_msisdn(c) && is_iccid(&c.iccid))
            .map(|c| c.iccid.as_str())
            .collect();
        let sets: Vec<(String, String)> = [
            (msisdns.join(","), String::new()),
            (String::new(), iccids.join(",")),
        ]
        .into_iter()
        .filter(|(m, i)| !m.is_empty() || !i.is_empty())
        .collect();
        let run: &Run = &self;
        let opts = &run.options;
        let client = &run.client;
        let details = self.part(opts.details, &sets, |m, i| async move {
            client.detail_batch(&m, &i).await
        });
        let usage = self.part(opts.usage, &sets, |m, i| async move {
            client.current_usage_batch(&m, &i).await
        });
        let month = opts.history_month.as_deref().unwrap_or_default();
        let history = self.part(opts.history_month.is_some(), &sets, |m, i| async move {
            client.history_batch(month, "", &m, &i).await
        });
        let packages = join_all(cards.iter().filter(|_| opts.packages).map(|c| {
            let card = CardRef {
                msisdn: Some(c.msisdn.clone()).filter(|m| is_msisdn(m)),
                iccid: Some(c.iccid.clone()).filter(|i| is_iccid(i)),
            };
            async move {
                if card.validate().is_err() {
                    return (card_key(c).to_string(), Ok(Vec::new()));
                }
                let got = run.retrying(|| client.packages(&card)).await;
                if got.is_ok() {
                    run.counters.batches.fetch_add(1, Ordering::Relaxed);
                }
                (card_key(c).to_string(), got.map(|l| l.pkgs))
            }
        }));
        let (details, usage, history, packages) = futures::join!(details, usage, history, packages);

        // Which cards failed, and why (the first failed part of its batch names the error).
        let mut failed: HashMap<&str, (&'static str, &Error)> = HashMap::new();
        for (endpoint, results) in [
            ("card/detail", errors(&details)),
            ("card/usage/current", errors(&usage)),
            ("card/usage/past", errors(&history)),
        ] {
            for (set, error) in results {
                let ids = if sets[set].0.is_empty() {
                    &iccids
                } else {
                    &msisdns
                };
                for id in ids {
                    failed.entry(id).or_insert((endpoint, error));
                }
            }
        }
        let mut package_by: HashMap<String, Vec<Package>> = HashMap::new();
        let mut package_errors: HashMap<String, Error> = HashMap::new();
        for (key, got) in packages {
            match got {
                Ok(p) => {
                    package_by.insert(key, p);
                }
                Err(e) => {
                    package_errors.insert(key, e);
                }
            }
        }
        let detail_by = index(&details, |d: &CardDetail| [&d.msisdn, &d.iccid]);
        let usage_by = index(&usage, |u: &CurrentUsage| [&u.msisdn, &u.iccids]);
        let history_by = index(&history, |h: &MonthlyUsage| [&h.msisdn, &h.iccid]);

        let mut records = Vec::with_capacity(cards.len());
        let mut missing_cards = Vec::new();
        for card in &cards {
            let key = card_key(card);
            let request_id = if by_msisdn(card) {
                card.msisdn.as_str()
            } else {
                card.iccid.as_str()
            };
            let error = failed
                .get(request_id)
                .map(|(endpoint, e)| (*endpoint, *e))
                .or_else(|| package_errors.get(key).map(|e| ("card/pkg/get", e)));
            if let Some((endpoint, e)) = error {
                missing_cards.push((
                    MissingCard {
                        msisdn: card.msisdn.clone(),
                        iccid: card.iccid.clone(),
                        endpoint: endpoint.to_string(),
                        code: e.code(),
                        error: e.to_string(),
                    },
                    OwedCard::of(card),
                ));
                continue;
            }
            let find = |by: &HashMap<String, usize>| {
                [card.msisdn.as_str(), card.iccid.as_str()]
                    .into_iter()
                    .filter(|k| !k.is_empty())
                    .find_map(|k| by.get(k).copied())
            };
            let d = find(&detail_by.0).map(|at| detail_by.1[at]);
            let u = find(&usage_by.0).map(|at| usage_by.1[at]);
            let mut record = FleetRecord::merge(card.clone(), d, u);
            if opts.packages {
                record.packages = Some(package_by.remove(key).unwrap_or_default());
            }
            record.history = find(&history_by.0).map(|at| history_by.1[at].clone());
            records.push(record);
        }
        Delivery {
            source,
            records,
            duplicates,
            missing_cards,
            missing_page,
        }
    }

    /// One part (an endpoint) of a unit: one batch request per set, each with the run's retries.
    async fn part<T, F, Fut>(
        &self,
        wanted: bool,
        sets: &[(String, String)],
        fetch: F,
    ) -> Vec<Result<Vec<T>>>
    where
        F: Fn(String, String) -> Fut,
        Fut: Future<Output = Result<Vec<T>>>,
    {
        if !wanted {
            return Vec::new();
        }
        join_all(sets.iter().map(|(m, i)| async {
            let got = self.retrying(|| fetch(m.clone(), i.clone())).await;
            if got.is_ok() {
                self.counters.batches.fetch_add(1, Ordering::Relaxed);
            }
            got
        }))
        .await
    }

    /// One request, with its attempts (the transport's) and then, while the budget lasts, more
    /// tries later with a longer backoff. At most `concurrency` requests are in flight.
    async fn retrying<T, F, Fut>(&self, request: F) -> Result<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut tries = 0u32;
        loop {
            let outcome = {
                let _permit = self.permits.acquire().await.ok();
                ATTEMPTS
                    .scope(self.counters.requests.clone(), request())
                    .await
            };
            match outcome {
                Ok(value) => {
                    let mut budget = self.budget.lock().unwrap_or_else(|p| p.into_inner());
                    *budget = (*budget + 1).min(self.capacity);
                    return Ok(value);
                }
                Err(e) if transient(&e) && self.take_retry() => {
                    tries += 1;
                    self.counters.retries.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(self.backoff(tries)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// A page of the listing was fetched; it tells how many pages there are now.
    fn listed(&self, totalpage: i64) {
        self.counters.pages.fetch_add(1, Ordering::Relaxed);
        let total = u32::try_from(totalpage.max(1)).unwrap_or(u32::MAX);
        self.counters.total_pages.fetch_max(total, Ordering::SeqCst);
    }

    fn take_retry(&self) -> bool {
        let mut budget = self.budget.lock().unwrap_or_else(|p| p.into_inner());
        if *budget >= RETRY_COST {
            *budget -= RETRY_COST;
            true
        } else {
            false
        }
    }

    /// Later than the transport's own retries: from the client's `retry_cap`, doubling, up to
    /// 16 × it, with half of it random ("equal jitter", so that a re-try always waits).
    fn backoff(&self, tries: u32) -> Duration {
        let cap = self.client.config().retry_cap;
        let ceiling = cap.saturating_mul(1u32 << (tries - 1).min(4));
        ceiling / 2 + (ceiling / 2).mul_f64(rand::rng().random::<f64>())
    }
}

/// Failures that may pass: no answer, a broken or unreadable one, a server error, "busy".
fn transient(e: &Error) -> bool {
    match e {
        Error::Timeout { .. } | Error::Transport { .. } | Error::Decode { .. } => true,
        Error::RateLimited { .. } => true,
        Error::Http { status, .. } => *status >= 500 || *status == 429,
        Error::Api { failure } => {
            matches!(failure.code.as_str(), "1030" | "1090" | "1091" | "1092")
                || failure.http_status >= 500
        }
        _ => false,
    }
}

fn errors<T>(results: &[Result<Vec<T>>]) -> Vec<(usize, &Error)> {
    results
        .iter()
        .enumerate()
        .filter_map(|(set, r)| r.as_ref().err().map(|e| (set, e)))
        .collect()
}

/// The records of a part, flattened, and where each is by msisdn and by iccid.
fn index<T>(
    results: &[Result<Vec<T>>],
    keys: impl Fn(&T) -> [&String; 2],
) -> (HashMap<String, usize>, Vec<&T>) {
    let all: Vec<&T> = results.iter().flatten().flatten().collect();
    let mut by = HashMap::new();
    for (at, r) in all.iter().enumerate() {
        for k in keys(r) {
            if !k.is_empty() {
                by.entry(k.clone()).or_insert(at);
            }
        }
    }
    (by, all)
}

/// A fleet sync under way: batches of [`FleetRecord`] in list order, each card once.
///
/// Use it with [`FleetSync::next_batch`] (or as a `Stream`). After the last batch,
/// [`FleetSync::report`] says whether the run is complete and names every card it could not
/// deliver. A failure that leaves nothing to name (page 1 of the listing, which tells the size
/// of the fleet, could not be fetched, or the account was refused) is the last item, as an error.
/// [`FleetSync::checkpoint`] is a JSON cursor of what was received so far, for
/// [`FleetSyncOptions::resume_from`]. Dropping it stops the run's requests.
pub struct FleetSync {
    deliveries: mpsc::Receiver<Result<Delivery>>,
    task: JoinHandle<()>,
    status: FleetSyncStatus,
}

/// A handle on a fleet sync's report and checkpoint, apart from the sync itself: a binding
/// keeps it while the sync is being iterated elsewhere. Cheap to clone.
#[derive(Clone)]
pub struct FleetSyncStatus {
    inner: Arc<Mutex<Received>>,
    seen: Arc<Mutex<Seen>>,
    counters: Arc<Counters>,
    abort: tokio::task::AbortHandle,
}

/// What the consumer's side has received so far.
struct Received {
    cursor: Cursor,
    report: FleetSyncReport,
    cancelled: bool,
}

impl FleetSyncStatus {
    /// The counts so far; final (`finished`) after the last batch.
    pub fn report(&self) -> FleetSyncReport {
        let mut report = self.lock().report.clone();
        let c = &self.counters;
        report.pages = c.pages.load(Ordering::Relaxed);
        report.batches = c.batches.load(Ordering::Relaxed);
        report.requests = c.requests.load(Ordering::Relaxed);
        report.retries = c.retries.load(Ordering::Relaxed);
        report
    }

    /// What was received so far, as JSON text for [`FleetSyncOptions::resume_from`].
    pub fn checkpoint(&self) -> String {
        let received = self.lock();
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        received.cursor.to_json(&seen)
    }

    /// Stops the run's requests now; the batches then end, and the report stays unfinished.
    pub fn cancel(&self) {
        self.lock().cancelled = true;
        self.abort.abort();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Received> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl FleetSync {
    /// The next batch of records, `None` after the last.
    pub async fn next_batch(&mut self) -> Option<Result<Vec<FleetRecord>>> {
        StreamExt::next(self).await
    }

    /// The counts so far; final (`finished`) after the last batch.
    pub fn report(&self) -> FleetSyncReport {
        self.status.report()
    }

    /// What was received so far, as JSON text for [`FleetSyncOptions::resume_from`].
    pub fn checkpoint(&self) -> String {
        self.status.checkpoint()
    }

    /// A handle on the report and checkpoint that outlives a move of the sync.
    pub fn status(&self) -> FleetSyncStatus {
        self.status.clone()
    }

    /// Stops the run's requests now (dropping it does the same).
    pub fn cancel(&mut self) {
        self.status.cancel();
        self.deliveries.close();
    }

    fn absorb(&mut self, d: Delivery) -> Vec<FleetRecord> {
        let mut received = self.status.lock();
        let Received { cursor, report, .. } = &mut *received;
        let seen = &self.status.seen;
        seen.lock().unwrap_or_else(|p| p.into_inner()).settle();
        let pages = self.status.counters.total_pages.load(Ordering::SeqCst);
        cursor.pages = cursor.pages.max(pages);
        match &d.source {
            Source::Page(p) => cursor.next_page = cursor.next_page.max(p + 1),
            Source::OwedPage(p) => cursor.owed_pages.retain(|o| o != p),
            Source::OwedCards(keys) => {
                let keys: HashSet<&str> = keys.iter().map(String::as_str).collect();
                cursor.owed_cards.retain(|c| !keys.contains(c.key()));
            }
        }
        if let Some(page) = d.missing_page {
            cursor.owed_pages.push(page.page);
            report.missing_pages.push(page);
        }
        for (missing, owed) in d.missing_cards {
            cursor.owed_cards.push(owed);
            report.missing_cards.push(missing);
        }
        cursor.delivered += d.records.len() as u64;
        report.cards += d.records.len() as i64;
        report.duplicates += d.duplicates as i64;
        d.records
    }

    /// The channel closed: the end, a cancel, or a driver that stopped (a bug), which must not
    /// pass for a complete run.
    fn finish(&mut self) -> Option<Result<Vec<FleetRecord>>> {
        let mut received = self.status.lock();
        if received.cancelled || received.report.finished {
            return None;
        }
        if !self.status.counters.ended.load(Ordering::SeqCst) {
            received.cancelled = true;
            return Some(Err(Error::Internal {
                message: "the fleet sync stopped before its end".into(),
            }));
        }
        received.cursor.end = true;
        let report = &mut received.report;
        report.finished = true;
        report.complete = report.missing_cards.is_empty() && report.missing_pages.is_empty();
        None
    }
}

impl futures::Stream for FleetSync {
    type Item = Result<Vec<FleetRecord>>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        loop {
            match self.deliveries.poll_recv(cx) {
                Poll::Ready(None) => return Poll::Ready(self.finish()),
                Poll::Ready(Some(Err(e))) => {
                    self.task.abort();
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(delivery))) => {
                    let records = self.absorb(delivery);
                    if !records.is_empty() {
                        return Poll::Ready(Some(Ok(records)));
                    }
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl Drop for FleetSync {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for FleetSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FleetSync")
            .field("report", &self.report())
            .finish_non_exhaustive()
    }
}
