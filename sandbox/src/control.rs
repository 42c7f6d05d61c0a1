//! The sandbox's Rust admin API: every control a test needs (virtual clock, faults, renewal
//! orders, warnings, upstream SMS, push receivers, ledger, stats, card state, reset).
//!
//! It is the one implementation: the HTTP admin routes (`admin.rs`) and the in-process sandboxes
//! of the Python, Node and Kotlin packages all call these methods. They are synchronous, take
//! `&self`, never hold a lock across an `.await` and may be called from any thread (pushes they
//! cause are sent on the runtime the sandbox was started on). Answers are owned, `Serialize`
//! structs a binding can hand on as dicts/objects or JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::data::Card;
use crate::faults::{FaultConfig, FaultKind};
use crate::push::WarningItem;
use crate::state::{LedgerEntry, Order, OrderStatus, PushFormat, Sandbox, Settings, Upstream};
use crate::Style;

/// Why an admin call was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AdminError {
    #[error("no order {orderid}")]
    UnknownOrder { orderid: String },
    #[error("order {orderid} is not pending (it is {status:?})")]
    OrderNotPending {
        orderid: String,
        status: OrderStatus,
    },
    #[error("no card {id}")]
    UnknownCard { id: String },
    #[error("{reason}")]
    InvalidInput { reason: String },
}

impl AdminError {
    fn invalid(reason: impl Into<String>) -> AdminError {
        AdminError::InvalidInput {
            reason: reason.into(),
        }
    }
}

/// The business clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockInfo {
    /// Seconds the business clock runs ahead of real time.
    pub offset_secs: i64,
    /// `yyyy-MM-dd HH:mm:ss`, UTC+8.
    pub now: String,
    pub unix: i64,
}

/// Requests counted per endpoint path (every request that reached an endpoint, faulted or not).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub total: u64,
    pub endpoints: BTreeMap<String, u64>,
}

/// A package of a card, as the card state shows it.
#[derive(Clone, Debug, Serialize)]
pub struct PkgDetail {
    pub pkgcode: &'static str,
    pub pkgname: &'static str,
    pub startdate: String,
    pub enddate: String,
}

/// Everything the sandbox knows about one card.
#[derive(Clone, Debug, Serialize)]
pub struct CardState {
    #[serde(flatten)]
    pub card: Card,
    pub pkgs_detail: Vec<PkgDetail>,
}

impl CardState {
    pub(crate) fn of(card: &Card) -> CardState {
        CardState {
            card: card.clone(),
            pkgs_detail: card
                .pkgs
                .iter()
                .map(|p| PkgDetail {
                    pkgcode: p.def().code,
                    pkgname: p.def().name,
                    startdate: p.start.to_string(),
                    enddate: p.end.to_string(),
                })
                .collect(),
        }
    }
}

/// New usage counters of a card (absent ones stay).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct UsageUpdate {
    pub flowusage: Option<f64>,
    pub smsusage: Option<u64>,
    pub voiceusage: Option<u64>,
    pub connectusage: Option<u64>,
    pub outflowusage: Option<f64>,
}

/// The card after a usage change, and the OD1010 warning types that change triggered.
#[derive(Clone, Debug, Serialize)]
pub struct UsageChange {
    pub card: CardState,
    pub warnings: Vec<u8>,
}

/// Run-time settings plus the account balance.
#[derive(Clone, Debug, Serialize)]
pub struct ConfigView {
    #[serde(flatten)]
    pub settings: Settings,
    pub balance: f64,
}

/// Settings to change (absent ones stay). `push_url: Some(None)` removes the receiver.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ConfigUpdate {
    pub style: Option<Style>,
    pub legacy: Option<bool>,
    pub strict: Option<bool>,
    pub account_disabled: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub push_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub sms_push_url: Option<Option<String>>,
    pub push_format: Option<PushFormat>,
    pub push_max_attempts: Option<u32>,
    pub ts_window_secs: Option<u64>,
    pub balance: Option<f64>,
}

/// A field that is present (even `null`) is `Some`.
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// The documented OD1010 warning types (spec 4.2).
pub const WARNING_TYPES: &[u8] = &[11, 12, 13, 14, 15, 21, 22, 23, 24, 31, 32, 41, 42, 51];

/// Figures of a warning to send instead of the card's own (kb for flow, minutes, messages or
/// connections for the other kinds).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct WarningFigures {
    pub total: Option<f64>,
    pub usage: Option<f64>,
    pub outflow: Option<f64>,
}

/// A warning that was sent (`pushed: false` when no data push receiver is set).
#[derive(Clone, Debug, Serialize)]
pub struct WarningSent {
    pub item: WarningItem,
    pub pushed: bool,
}

impl Sandbox {
    /// The business clock.
    pub fn clock(&self) -> ClockInfo {
        let w = self.read();
        ClockInfo {
            offset_secs: w.clock_offset_secs,
            now: w.now_text(),
            unix: w.now_unix(),
        }
    }

    /// Moves the business clock by `seconds` (cooldowns expire, automatic orders confirm) and
    /// runs what became due.
    pub fn advance_clock(&self, seconds: i64) -> ClockInfo {
        self.with_pushes(|w| {
            w.clock_offset_secs += seconds;
            w.tick();
        });
        self.clock()
    }

    pub fn faults(&self) -> FaultConfig {
        self.read().faults.clone()
    }

    /// Fault rate (clamped to 0..=1) and the kinds to draw from (`None`: all kinds); the delay
    /// length and the stage stay.
    pub fn set_faults(
        &self,
        rate: f64,
        kinds: Option<Vec<FaultKind>>,
    ) -> Result<FaultConfig, AdminError> {
        let mut cfg = self.faults();
        cfg.rate = rate;
        cfg.kinds = kinds.unwrap_or_default();
        self.set_fault_config(cfg)
    }

    /// Replaces the whole fault configuration.
    pub fn set_fault_config(&self, mut cfg: FaultConfig) -> Result<FaultConfig, AdminError> {
        if cfg.rate.is_nan() {
            return Err(AdminError::invalid("fault rate is not a number"));
        }
        if !(cfg.delay_secs.is_finite() && cfg.delay_secs >= 0.0) {
            return Err(AdminError::invalid("delay_secs must be 0 or more"));
        }
        cfg.rate = cfg.rate.clamp(0.0, 1.0);
        self.lock().faults = cfg.clone();
        Ok(cfg)
    }

    /// Every renewal order, oldest first.
    pub fn orders(&self) -> Vec<Order> {
        self.read().orders.clone()
    }

    /// Confirms a pending order (the package is added, the balance charged, OD1002 with status
    /// 1 pushed; with too little balance the order fails and OD1002 has status 0).
    pub fn approve_order(&self, orderid: &str) -> Result<Order, AdminError> {
        self.with_pushes(|w| crate::operations::confirm_order(w, orderid))
    }

    /// Rejects a pending order as an auditor would: nothing is charged, OD1002 with status 0.
    pub fn reject_order(&self, orderid: &str) -> Result<Order, AdminError> {
        self.with_pushes(|w| crate::operations::reject_order(w, orderid))
    }

    /// Every recorded operation, oldest first.
    pub fn ledger(&self) -> Vec<LedgerEntry> {
        self.read().ledger.clone()
    }

    pub fn stats(&self) -> Stats {
        let endpoints = self.counts();
        Stats {
            total: endpoints.values().sum(),
            endpoints,
        }
    }

    /// Every push and what became of it, oldest first.
    pub fn pushes(&self) -> Vec<crate::push::PushRecord> {
        self.read().pushes.clone()
    }

    /// The receiver of data pushes (OD1002, OD1010); `None` stops them.
    pub fn set_push_url(&self, url: Option<String>) {
        self.lock().settings.push_url = url;
    }

    /// The receiver of SMS pushes (P0001, P0002); `None` stops them.
    pub fn set_sms_push_url(&self, url: Option<String>) {
        self.lock().settings.sms_push_url = url;
    }

    pub fn config(&self) -> ConfigView {
        let w = self.read();
        ConfigView {
            settings: w.settings.clone(),
            balance: w.account.balance,
        }
    }

    pub fn update_config(&self, c: ConfigUpdate) -> ConfigView {
        {
            let mut w = self.lock();
            let s = &mut w.settings;
            if let Some(v) = c.style {
                s.style = v;
            }
            if let Some(v) = c.legacy {
                s.legacy = v;
            }
            if let Some(v) = c.strict {
                s.strict = v;
            }
            if let Some(v) = c.account_disabled {
                s.account_disabled = v;
            }
            if let Some(v) = c.push_url {
                s.push_url = v;
            }
            if let Some(v) = c.sms_push_url {
                s.sms_push_url = v;
            }
            if let Some(v) = c.push_format {
                s.push_format = v;
            }
            if let Some(v) = c.push_max_attempts {
                s.push_max_attempts = v.max(1);
            }
            if let Some(v) = c.ts_window_secs {
                s.ts_window_secs = v;
            }
            if let Some(v) = c.balance {
                w.account.balance = v;
            }
        }
        self.config()
    }

    /// One card by msisdn or iccid.
    pub fn card(&self, id: &str) -> Result<CardState, AdminError> {
        let w = self.read();
        let i = w.fleet.find(id).ok_or_else(|| unknown_card(id))?;
        Ok(CardState::of(&w.fleet.cards[i as usize]))
    }

    /// Sets usage counters of a card; crossing 80 % / 100 % of its packages sends OD1010 types
    /// 11 / 21 (once each until usage drops below again).
    pub fn set_usage(&self, id: &str, u: UsageUpdate) -> Result<UsageChange, AdminError> {
        self.with_pushes(|w| {
            let i = w.fleet.find(id).ok_or_else(|| unknown_card(id))?;
            let c = w.fleet.card_mut(i);
            if let Some(v) = u.flowusage {
                c.flowusage = v;
            }
            if let Some(v) = u.smsusage {
                c.smsusage = v;
            }
            if let Some(v) = u.voiceusage {
                c.voiceusage = v;
            }
            if let Some(v) = u.connectusage {
                c.connectusage = v;
            }
            if let Some(v) = u.outflowusage {
                c.outflowusage = v;
            }
            let warnings = crate::push::check_usage_warnings(w, i);
            Ok(UsageChange {
                card: CardState::of(&w.fleet.cards[i as usize]),
                warnings,
            })
        })
    }

    /// Sends one OD1010 warning of `warning_type` (one of [`WARNING_TYPES`]) about a card, with
    /// the card's own figures unless `figures` overrides them.
    pub fn send_warning(
        &self,
        card: &str,
        warning_type: u8,
        figures: WarningFigures,
    ) -> Result<WarningSent, AdminError> {
        if !WARNING_TYPES.contains(&warning_type) {
            return Err(AdminError::invalid(format!(
                "warning type {warning_type} is not one of {WARNING_TYPES:?}"
            )));
        }
        self.with_pushes(|w| {
            let i = w.fleet.find(card).ok_or_else(|| unknown_card(card))?;
            let item = crate::push::warning_item(w, i, warning_type, &figures);
            let pushed = w.settings.push_url.is_some();
            crate::push::queue_warnings(w, std::slice::from_ref(&item));
            Ok(WarningSent { item, pushed })
        })
    }

    /// A device sends an upstream SMS: it joins the `sms/mo/get` queue and is pushed (P0002).
    pub fn upstream_sms(&self, mobile: &str, content: &str) -> Upstream {
        self.with_pushes(|w| crate::sms::inject_upstream(w, mobile, content))
    }
}

fn unknown_card(id: &str) -> AdminError {
    AdminError::UnknownCard { id: id.into() }
}
