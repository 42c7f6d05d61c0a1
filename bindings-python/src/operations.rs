//! 3.4 operations: renewals (port1) and lifecycle operations on one card (port2).
//!
//! None is retried; the cooldown guard, the checks and the signing are the core's. Each card is
//! named by the keyword arguments `msisdn=` / `iccid=`.

use cardboss::{Audit, Package, RenewOptions, RenewalOrder};
use pyo3::prelude::*;

use crate::cards::card;
use crate::client::{endpoints, Done};
use crate::error::invalid;

fn month_count(months: i64) -> cardboss::Result<u32> {
    u32::try_from(months).map_err(|_| invalid("months", "must be at least 1"))
}

fn percent(value: Option<i64>) -> cardboss::Result<Option<u32>> {
    value
        .map(|v| {
            u32::try_from(v).map_err(|_| invalid("min_left_percent", "must be between 0 and 100"))
        })
        .transpose()
}

/// An `audit=` argument: the spec's code (`2`, so also an `IntEnum` member) or a name
/// (`"automatic"`); the core's table decides ([`Audit::from_code`], [`Audit::from_name`]).
#[derive(FromPyObject)]
pub enum AuditArg {
    Code(i64),
    Name(String),
}

/// An `audit=` argument as the core's mode (also for `bulk`).
pub fn audit_mode(audit: Option<AuditArg>) -> cardboss::Result<Option<Audit>> {
    audit
        .map(|a| match a {
            AuditArg::Code(code) => Audit::from_code(code),
            AuditArg::Name(name) => Audit::from_name(&name),
        })
        .transpose()
}

/// The renewal options as the core takes them.
fn renew_options(
    repetition: Option<bool>,
    startdate: Option<String>,
    audit: Option<AuditArg>,
    remark: Option<String>,
) -> cardboss::Result<RenewOptions> {
    Ok(RenewOptions {
        repetition,
        startdate,
        audit: audit_mode(audit)?,
        remark,
    })
}

/// A `Package` argument: a copy of the object `packages()` returned (pyo3 no longer extracts a
/// class by value on its own).
pub struct PackageArg(pub Package);

impl<'a, 'py> FromPyObject<'a, 'py> for PackageArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(PackageArg(obj.cast::<Package>()?.get().clone()))
    }
}

endpoints! {
    /// 3.4.1 card/pkg/renew: orders `months` more of package `pkgcode` for a card. Confirmed
    /// later by an OD1002 push. Never retried.
    fn renew(pkgcode, months, *, msisdn = None, iccid = None, repetition = None, startdate = None, audit = None, remark = None)
        (pkgcode: String, months: i64, msisdn: Option<String>, iccid: Option<String>, repetition: Option<bool>,
         startdate: Option<String>, audit: Option<AuditArg>, remark: Option<String>) -> RenewalOrder
        => |client| client.renew(&card(msisdn, iccid)?, &pkgcode, month_count(months)?, &renew_options(repetition, startdate, audit, remark)?).await;

    /// 3.4.1 card/pkg/renew for a package as `packages()` listed it: the spec's length rule
    /// (month packs at least 12 months, long packs in whole cycles of `buycycle`) is checked
    /// first, and nothing is sent when it fails. Never retried.
    fn renew_package(package, months, *, msisdn = None, iccid = None, repetition = None, startdate = None, audit = None, remark = None)
        (package: PackageArg, months: i64, msisdn: Option<String>, iccid: Option<String>, repetition: Option<bool>,
         startdate: Option<String>, audit: Option<AuditArg>, remark: Option<String>) -> RenewalOrder
        => |client| client.renew_package(&card(msisdn, iccid)?, &package.0, month_count(months)?, &renew_options(repetition, startdate, audit, remark)?).await;

    /// 3.4.2 card/stoptest: ends the card's test period now.
    fn end_test_period(*, msisdn = None, iccid = None)(msisdn: Option<String>, iccid: Option<String>) -> Done
        => |client| client.end_test_period(&card(msisdn, iccid)?).await.map(Done::from);

    /// 3.4.3 card/foractive: activates the card now.
    fn force_activate(*, msisdn = None, iccid = None)(msisdn: Option<String>, iccid: Option<String>) -> Done
        => |client| client.force_activate(&card(msisdn, iccid)?).await.map(Done::from);

    /// 3.4.4 card/stopkeep (stopkeep=0): suspends the card.
    fn suspend(*, msisdn = None, iccid = None)(msisdn: Option<String>, iccid: Option<String>) -> Done
        => |client| client.suspend(&card(msisdn, iccid)?).await.map(Done::from);

    /// 3.4.4 card/stopkeep (stopkeep=1): resumes a suspended card.
    fn resume(*, msisdn = None, iccid = None)(msisdn: Option<String>, iccid: Option<String>) -> Done
        => |client| client.resume(&card(msisdn, iccid)?).await.map(Done::from);

    /// 3.4.5 card/switchnet (opertype=0): cuts data; `apn` when the card has several open.
    fn disable_data(*, msisdn = None, iccid = None, apn = None)(msisdn: Option<String>, iccid: Option<String>, apn: Option<String>) -> Done
        => |client| client.disable_data(&card(msisdn, iccid)?, apn.as_deref()).await.map(Done::from);

    /// 3.4.5 card/switchnet (opertype=1): restores data, only if more than `min_left_percent`
    /// of the package is left (None or 0: unconditionally).
    fn enable_data(*, msisdn = None, iccid = None, apn = None, min_left_percent = None)
        (msisdn: Option<String>, iccid: Option<String>, apn: Option<String>, min_left_percent: Option<i64>) -> Done
        => |client| client.enable_data(&card(msisdn, iccid)?, apn.as_deref(), percent(min_left_percent)?).await.map(Done::from);

    /// 3.4.6 card/setvoicewhitetable (opertype=1): adds up to 5 numbers to the voice whitelist.
    fn add_voice_whitelist(numbers, *, msisdn = None, iccid = None, group = None)
        (numbers: Vec<String>, msisdn: Option<String>, iccid: Option<String>, group: Option<String>) -> Done
        => |client| client.add_voice_whitelist(&card(msisdn, iccid)?, &numbers, group.as_deref()).await.map(Done::from);

    /// 3.4.6 card/setvoicewhitetable (opertype=0): removes up to 2 numbers (once per card per
    /// calendar month).
    fn remove_voice_whitelist(numbers, *, msisdn = None, iccid = None, group = None)
        (numbers: Vec<String>, msisdn: Option<String>, iccid: Option<String>, group: Option<String>) -> Done
        => |client| client.remove_voice_whitelist(&card(msisdn, iccid)?, &numbers, group.as_deref()).await.map(Done::from);
}
