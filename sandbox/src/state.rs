//! The sandbox's shared state: the fleet, the account, orders, SMS queues, ledger, stats, clock.
//!
//! Locking: the [`World`] sits behind one `RwLock`. Queries (the bulk of any client's traffic:
//! card/list, card/detail, card/usage/…) take the read lock and run side by side; operations,
//! SMS, renewals and admin changes take the write lock for the few microseconds their change
//! takes (no I/O and no `.await` under it; pushes are sent after it is released). One lock keeps
//! what must stay consistent across cards consistent without further thought: the ledger's order
//! and ids, the balance against pending orders, SMS queues and usage counters. What every
//! request touches is kept out of the world so that it needs no write lock: the request counters
//! are atomics, the fault RNG has its own mutex (taken only while faults are on), due orders are
//! looked for under the read lock and confirmed under the write lock only when there are some,
//! and answers rendered from a card are cached per card behind per-card locks (`render.rs`).
//! Rejected alternatives: per-card locks or sharding for the state itself would need lock
//! ordering for multi-card operations and the ledger; an arc-swapped copy-on-write world would
//! copy the fleet on every operation.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard, Weak};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::Value;

use crate::data::{self, Fleet};
use crate::faults::FaultConfig;
use crate::push::{PushJob, PushRecord};
use crate::{SandboxConfig, Style};

/// How long an automatically audited order (`audit=2`) waits before it is confirmed, in
/// business-clock seconds.
pub const AUTO_AUDIT_DELAY_SECS: i64 = 60;

/// Data push body encoding (spec 4.2 shows JSON; some receivers expect a form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PushFormat {
    Json,
    Form,
}

/// Settings that can change at run time (admin `POST /_sandbox/config`).
#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    pub style: Style,
    pub legacy: bool,
    /// Refuse (1012) a request that leaves out a key of an id pair, instead of taking it as
    /// empty as the platform does.
    pub strict: bool,
    pub account_disabled: bool,
    pub push_url: Option<String>,
    pub sms_push_url: Option<String>,
    pub push_format: PushFormat,
    pub push_max_attempts: u32,
    pub ts_window_secs: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Account {
    pub sid: String,
    pub name: String,
    pub balance: f64,
    pub signature: String,
    pub loginname: String,
    pub extcode: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    Pending,
    Confirmed,
    /// Confirmed without enough balance: nothing was added.
    Failed,
    /// Refused by the (admin) auditor: nothing was charged.
    Rejected,
}

#[derive(Clone, Debug, Serialize)]
pub struct Order {
    pub orderid: String,
    pub msisdn: String,
    pub iccid: String,
    pub pkgcode: String,
    pub month: u32,
    pub amount: f64,
    pub ordertime: String,
    /// 1 manual (admin approve), 2 automatic (after [`AUTO_AUDIT_DELAY_SECS`]).
    pub audit: u8,
    pub startdate: Option<NaiveDate>,
    pub remark: String,
    pub status: OrderStatus,
    /// Business unix second at which an automatic order is confirmed.
    pub due_at: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub taskid: String,
    pub mobile: String,
    pub state: String,
    pub rpttime: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Upstream {
    pub content: String,
    pub apmid: String,
    pub spcode: String,
    pub mobile: String,
}

/// A fault attached to a ledger entry: which kind and whether it came before or after the
/// operation took effect.
#[derive(Clone, Debug, Serialize)]
pub struct FaultMark {
    pub kind: String,
    pub stage: String,
}

/// One accepted operation (or, with `applied: false`, a POST that a fault stopped before it
/// took effect).
#[derive(Clone, Debug, Serialize)]
pub struct LedgerEntry {
    pub id: u64,
    pub endpoint: String,
    pub action: String,
    pub cards: Vec<String>,
    pub time: String,
    pub applied: bool,
    pub fault: Option<FaultMark>,
    pub details: Value,
}

/// Everything mutable, behind one read-write lock.
pub struct World {
    pub sid: String,
    pub apikey: String,
    pub seed: u64,
    pub card_count: usize,
    pub settings: Settings,
    pub faults: FaultConfig,
    pub clock_offset_secs: i64,
    pub account: Account,
    pub fleet: Fleet,
    pub orders: Vec<Order>,
    pub rpts: VecDeque<Report>,
    pub mos: VecDeque<Upstream>,
    pub ledger: Vec<LedgerEntry>,
    pub pushes: Vec<PushRecord>,
    pub outbox: Vec<PushJob>,
    pub rng: StdRng,
    next_ledger_id: u64,
    /// The earliest `due_at` of a pending order, if any (maybe already settled otherwise).
    next_due: Option<i64>,
}

pub fn utc8() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8")
}

impl World {
    pub fn new(config: &SandboxConfig) -> World {
        let today = (Utc::now().with_timezone(&utc8())).date_naive();
        let fleet = data::generate(config.cards, config.seed, today);
        World {
            sid: config.sid.clone(),
            apikey: config.apikey.clone(),
            seed: config.seed,
            card_count: config.cards,
            settings: Settings {
                style: config.style,
                legacy: config.legacy,
                strict: config.strict,
                account_disabled: false,
                push_url: config.push_url.clone(),
                sms_push_url: config.sms_push_url.clone(),
                push_format: PushFormat::Json,
                push_max_attempts: 5,
                ts_window_secs: config.ts_window_secs,
            },
            faults: FaultConfig::new(config.faults),
            clock_offset_secs: 0,
            account: Account {
                sid: config.sid.clone(),
                name: "系统演示客户".into(),
                balance: 5000.0,
                signature: "【物联网卡智能管理平台】".into(),
                loginname: "jsmsxxhp".into(),
                extcode: "003".into(),
            },
            fleet,
            orders: Vec::new(),
            rpts: VecDeque::new(),
            mos: VecDeque::new(),
            ledger: Vec::new(),
            pushes: Vec::new(),
            outbox: Vec::new(),
            rng: StdRng::seed_from_u64(config.seed ^ 0x5EED_0001),
            next_ledger_id: 1,
            next_due: None,
        }
    }

    /// Business time (real time plus the admin offset), in UTC+8.
    pub fn now(&self) -> DateTime<FixedOffset> {
        (Utc::now() + chrono::Duration::seconds(self.clock_offset_secs)).with_timezone(&utc8())
    }

    pub fn now_unix(&self) -> i64 {
        self.now().timestamp()
    }

    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// `yyyy-MM-dd HH:mm:ss` of business time.
    pub fn now_text(&self) -> String {
        self.now().format("%Y-%m-%d %H:%M:%S").to_string()
    }

    /// 32 lowercase hex digits.
    pub fn hex_id(&mut self) -> String {
        let a: u128 = self.rng.random();
        format!("{a:032x}")
    }

    pub fn record(
        &mut self,
        endpoint: &str,
        action: &str,
        cards: Vec<String>,
        details: Value,
    ) -> u64 {
        let id = self.next_ledger_id;
        self.next_ledger_id += 1;
        let time = self.now_text();
        self.ledger.push(LedgerEntry {
            id,
            endpoint: endpoint.into(),
            action: action.into(),
            cards,
            time,
            applied: true,
            fault: None,
            details,
        });
        id
    }

    /// A new renewal order.
    pub fn add_order(&mut self, order: Order) {
        if let Some(d) = order.due_at {
            self.next_due = Some(self.next_due.map_or(d, |n| n.min(d)));
        }
        self.orders.push(order);
    }

    /// Whether [`World::tick`] has anything to do.
    pub fn is_due(&self) -> bool {
        self.next_due.is_some_and(|d| d <= self.now_unix())
    }

    /// Runs what time makes happen: automatic order confirmations.
    pub fn tick(&mut self) {
        if !self.is_due() {
            return;
        }
        let now = self.now_unix();
        let due: Vec<String> = self
            .orders
            .iter()
            .filter(|o| o.status == OrderStatus::Pending && o.due_at.is_some_and(|d| d <= now))
            .map(|o| o.orderid.clone())
            .collect();
        for id in due {
            let _ = crate::operations::confirm_order(self, &id);
        }
        self.next_due = self
            .orders
            .iter()
            .filter(|o| o.status == OrderStatus::Pending)
            .filter_map(|o| o.due_at)
            .min();
    }
}

/// The shared sandbox: state plus the HTTP client used for pushes.
pub struct Sandbox {
    world: RwLock<World>,
    /// Requests per endpoint, in `checks::ENDPOINTS` order.
    counters: Vec<AtomicU64>,
    pub(crate) fault_rng: Mutex<StdRng>,
    pub(crate) http: reqwest::Client,
    pub(crate) config: SandboxConfig,
    /// The runtime the servers run on: pushes are sent there, whichever thread asked.
    rt: tokio::runtime::Handle,
    /// This sandbox itself, for the push tasks (which outlive a call).
    me: Weak<Sandbox>,
}

fn fault_rng(config: &SandboxConfig) -> StdRng {
    StdRng::seed_from_u64(config.seed ^ 0xFA17_0002)
}

/// A handle to the shared state for in-process tests.
pub type SandboxState = Arc<Sandbox>;

impl Sandbox {
    /// Must run inside a tokio runtime (the one that will send pushes).
    pub(crate) fn new_shared(config: SandboxConfig) -> Arc<Sandbox> {
        let world = World::new(&config);
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        let rt = tokio::runtime::Handle::current();
        Arc::new_cyclic(|me| Sandbox {
            world: RwLock::new(world),
            counters: crate::checks::ENDPOINTS
                .iter()
                .map(|_| AtomicU64::new(0))
                .collect(),
            fault_rng: Mutex::new(fault_rng(&config)),
            http,
            config,
            rt,
            me: me.clone(),
        })
    }

    /// Locks the state for writing. Do not hold the guard across an `.await`; change cards
    /// only through `fleet.card_mut`.
    pub fn lock(&self) -> RwLockWriteGuard<'_, World> {
        self.world.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the state for reading, beside other readers.
    pub fn read(&self) -> RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a request to endpoint number `index` of `checks::ENDPOINTS`.
    pub(crate) fn count(&self, index: usize) {
        self.counters[index].fetch_add(1, Ordering::Relaxed);
    }

    /// Requests per endpoint path (the endpoints that had any).
    pub(crate) fn counts(&self) -> BTreeMap<String, u64> {
        crate::checks::ENDPOINTS
            .iter()
            .zip(&self.counters)
            .map(|(e, c)| (e.path.to_string(), c.load(Ordering::Relaxed)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Confirms the automatic orders that are due, if any, and drops rendered answers of
    /// another style or day; the write lock only when there is something to do.
    pub(crate) fn catch_up(&self) {
        let (due, stale) = {
            let w = self.read();
            let stale = !w.fleet.rendered.is_for(w.settings.style, w.today());
            (w.is_due(), stale)
        };
        if due || stale {
            self.with_pushes(|w| {
                w.tick();
                let (style, today) = (w.settings.style, w.today());
                w.fleet.rendered.refresh(style, today);
            });
        }
    }

    /// Runs `f` on the locked state, then sends the pushes it queued.
    pub(crate) fn with_pushes<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let (out, jobs) = {
            let mut w = self.lock();
            let out = f(&mut w);
            (out, std::mem::take(&mut w.outbox))
        };
        self.send_pushes(jobs);
        out
    }

    /// Sends pushes in the background, on the sandbox's runtime.
    pub(crate) fn send_pushes(&self, jobs: Vec<PushJob>) {
        let Some(me) = self.me.upgrade() else { return };
        for job in jobs {
            self.rt.spawn(crate::push::deliver(me.clone(), job));
        }
    }

    /// Number of cards in the fleet.
    pub fn card_count(&self) -> usize {
        self.read().fleet.cards.len()
    }

    /// The msisdn of the card at `index` in fleet order.
    pub fn msisdn(&self, index: usize) -> String {
        self.read().fleet.cards[index].msisdn.clone()
    }

    /// Regenerates everything from the start-up configuration (counters included).
    pub fn reset(&self) {
        let mut w = self.lock();
        *w = World::new(&self.config);
        for c in &self.counters {
            c.store(0, Ordering::Relaxed);
        }
        *self.fault_rng.lock().unwrap_or_else(|e| e.into_inner()) = fault_rng(&self.config);
    }
}
