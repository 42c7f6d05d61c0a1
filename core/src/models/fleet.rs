//! What a fleet sync (`Client::fleet_sync`) delivers: one merged record per card, and the report
//! of the run. Not a spec endpoint: the SDK's own join of 3.2.1 card/list, 3.2.2 card/detail,
//! 3.2.3 card/usage/current and optionally 3.2.4 card/usage/past and 3.2.6 card/pkg/get.

use serde::{Deserialize, Serialize};

use super::{Card, CardDetail, CurrentUsage, MonthlyUsage, Package};

/// One card: the list's fields, its details, and its current usage, which wins over the
/// detail's copy of the same counters (it is the fresher figure). Fields of a part the sync did
/// not ask for, or that the platform did not return for this card, are `None`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
// Missing fields take their default: a Python fixture names only what it needs.
#[serde(default)]
pub struct FleetRecord {
    pub msisdn: String,
    pub iccid: String,
    pub imsi: String,
    /// From the list: 0 disabled, 1 usable, 2 paused (see `rules::state_name`).
    pub state: i64,
    pub mno: Option<String>,
    pub msstatus: Option<i64>,
    pub cycle: Option<i64>,
    pub imei: Option<String>,
    pub balance: Option<f64>,
    pub openpool: Option<i64>,
    pub pkgcode: Option<String>,
    pub pkgname: Option<String>,
    pub activedate: Option<String>,
    pub stoptestdate: Option<String>,
    pub stopsleepdate: Option<String>,
    pub expiredate: Option<String>,
    pub openapns: Option<String>,
    pub apnstatus: Option<String>,
    pub onoff: Option<String>,
    pub online: Option<String>,
    pub apn: Option<String>,
    pub rat: Option<String>,
    pub ip: Option<String>,
    pub sbbh: Option<String>,
    pub pkgtotalflow: Option<f64>,
    pub pkgusedflow: Option<f64>,
    pub pkgtotalusedflow: Option<f64>,
    pub pkgleftflow: Option<f64>,
    pub flowusage: Option<f64>,
    pub smsusage: Option<i64>,
    pub voiceusage: Option<i64>,
    pub connectusage: Option<i64>,
    pub outflowusage: Option<f64>,
    pub statusyncdate: Option<String>,
    pub pkgsyncdate: Option<String>,
    pub monthsyncdate: Option<String>,
    /// card/detail answered for this card. (In Node too the records keep these names: they
    /// cross as JSON, see bindings-node/src/records.rs.)
    #[cfg_attr(feature = "napi", napi(js_name = "detail_found"))]
    pub detail_found: bool,
    /// card/usage/current answered for this card.
    #[cfg_attr(feature = "napi", napi(js_name = "usage_found"))]
    pub usage_found: bool,
    /// card/pkg/get, when the sync asked for packages.
    pub packages: Option<Vec<Package>>,
    /// card/usage/past for the sync's month, when it asked for one and the platform answered.
    pub history: Option<MonthlyUsage>,
}

impl FleetRecord {
    /// The merge rule: identifiers from the list, else from the detail; the detail's fields;
    /// then the current usage's counters over the detail's.
    pub fn merge(
        card: Card,
        detail: Option<&CardDetail>,
        usage: Option<&CurrentUsage>,
    ) -> FleetRecord {
        let pick = |a: String, b: Option<&str>| {
            if a.is_empty() {
                b.unwrap_or_default().to_string()
            } else {
                a
            }
        };
        let mut r = FleetRecord {
            msisdn: pick(card.msisdn, detail.map(|d| d.msisdn.as_str())),
            iccid: pick(card.iccid, detail.map(|d| d.iccid.as_str())),
            imsi: pick(card.imsi, detail.map(|d| d.imsi.as_str())),
            state: card.state,
            ..Default::default()
        };
        if let Some(d) = detail {
            r.detail_found = true;
            r.mno = Some(d.mno.clone());
            r.msstatus = Some(d.msstatus);
            r.cycle = Some(d.cycle);
            r.imei = Some(d.imei.clone());
            r.balance = Some(d.balance);
            r.openpool = Some(d.openpool);
            r.pkgcode = Some(d.pkgcode.clone());
            r.pkgname = Some(d.pkgname.clone());
            r.activedate = d.activedate.clone();
            r.stoptestdate = d.stoptestdate.clone();
            r.stopsleepdate = d.stopsleepdate.clone();
            r.expiredate = d.expiredate.clone();
            r.openapns = Some(d.openapns.clone());
            r.apnstatus = Some(d.apnstatus.clone());
            r.onoff = Some(d.onoff.clone());
            r.online = Some(d.online.clone());
            r.apn = Some(d.apn.clone());
            r.rat = Some(d.rat.clone());
            r.ip = Some(d.ip.clone());
            r.sbbh = Some(d.sbbh.clone());
            r.pkgtotalflow = Some(d.pkgtotalflow);
            r.pkgusedflow = Some(d.pkgusedflow);
            r.pkgtotalusedflow = Some(d.pkgtotalusedflow);
            r.pkgleftflow = Some(d.pkgleftflow);
            r.flowusage = Some(d.flowusage);
            r.smsusage = Some(d.smsusage);
            r.voiceusage = Some(d.voiceusage);
            r.connectusage = Some(d.connectusage);
            r.outflowusage = Some(d.outflowusage);
            r.statusyncdate = d.statusyncdate.clone();
            r.pkgsyncdate = d.pkgsyncdate.clone();
            r.monthsyncdate = d.monthsyncdate.clone();
        }
        if let Some(u) = usage {
            r.usage_found = true;
            r.pkgtotalflow = Some(u.pkgtotalflow);
            r.pkgusedflow = Some(u.pkgusedflow);
            r.pkgtotalusedflow = Some(u.pkgtotalusedflow);
            r.pkgleftflow = Some(u.pkgleftflow);
            r.flowusage = Some(u.flowusage);
            r.smsusage = Some(u.smsusage);
            r.voiceusage = Some(u.voiceusage);
            r.connectusage = Some(u.connectusage);
            r.outflowusage = Some(u.outflowusage);
        }
        r
    }

    /// The key a sync knows the card by (its msisdn, or its iccid when it has none): a card the
    /// list repeats is recognised by it.
    pub fn key(&self) -> &str {
        card_key(&self.msisdn, &self.iccid)
    }

    /// The share of its package the card has used (`pkgusedflow / pkgtotalflow`), when it has a
    /// package with a limit (an unlimited or unknown one has no share).
    pub fn package_used(&self) -> Option<f64> {
        match (self.pkgusedflow, self.pkgtotalflow) {
            (Some(used), Some(total)) if total > 0.0 => Some(used / total),
            _ => None,
        }
    }
}

/// The key a fleet sync knows a card by: its msisdn, or its iccid when it has none.
pub(crate) fn card_key<'a>(msisdn: &'a str, iccid: &'a str) -> &'a str {
    if msisdn.is_empty() {
        iccid
    } else {
        msisdn
    }
}

/// A card the sync listed but could not fetch a part of, after every retry its budget allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
// Missing fields take their default: a Python fixture names only what it needs.
#[serde(default)]
pub struct MissingCard {
    pub msisdn: String,
    pub iccid: String,
    /// The endpoint that failed, e.g. `card/detail`.
    pub endpoint: String,
    /// The error's stable code (`Error::code`) and message.
    pub code: String,
    pub error: String,
}

impl MissingCard {
    /// The card's key (see [`FleetRecord::key`]).
    pub fn key(&self) -> &str {
        card_key(&self.msisdn, &self.iccid)
    }
}

/// A page of card/list the sync could not fetch: its cards are unknown, so they are named by
/// the page (resuming from the checkpoint fetches it again).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
// Missing fields take their default: a Python fixture names only what it needs.
#[serde(default)]
pub struct MissingPage {
    pub page: u32,
    pub code: String,
    pub error: String,
}

/// How a fleet sync went. `complete` is true only when every listed card was delivered and no
/// page is missing; otherwise `missing_cards` and `missing_pages` name everything not delivered.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "python", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
// Missing fields take their default: a Python fixture names only what it needs.
#[serde(default)]
pub struct FleetSyncReport {
    /// The run reached its end (false while it runs, or if it was dropped or failed).
    pub finished: bool,
    pub complete: bool,
    /// Cards delivered by this run.
    pub cards: i64,
    /// List entries skipped because the card was already delivered (a fleet changing while it
    /// is listed).
    pub duplicates: i64,
    /// Pages of card/list fetched.
    pub pages: i64,
    /// Batch requests (details, usage, history) and package requests that succeeded.
    pub batches: i64,
    /// HTTP requests sent: every attempt, the transport's retries (`Config::max_retries`) and
    /// the sync's re-tries included.
    pub requests: i64,
    /// Requests the sync tried again, later, after they failed every attempt.
    pub retries: i64,
    pub missing_cards: Vec<MissingCard>,
    pub missing_pages: Vec<MissingPage>,
}
