//! 3.4 operations: renewals (port1) and lifecycle operations on one card (port2).
//!
//! None of these is ever retried automatically: a renewal costs money and a lifecycle change
//! starts the carrier's per-card cooldown. A failure whose outcome is unknown says so.

use super::Client;
use crate::cooldown::OpClass;
use crate::error::{Error, Result};
use crate::ids::CardRef;
use crate::models::{Package, RenewOptions, RenewalOrder};
use crate::rules::{check_renewal_months, check_whitelist};
use crate::transport::{Call, Port};

impl Client {
    /// 3.4.1 card/pkg/renew: orders `months` more of package `pkgcode` for `card`.
    ///
    /// Only `msisdn, iccid, pkgcode, month` are signed; the options are sent unsigned. The
    /// order is confirmed later by an OD1002 push.
    pub async fn renew(
        &self,
        card: &CardRef,
        pkgcode: &str,
        months: u32,
        options: &RenewOptions,
    ) -> Result<RenewalOrder> {
        card.validate()?;
        check_renewal(pkgcode, months, options)?;
        let (msisdn, iccid) = card.params();
        let month = months.to_string();
        let audit = options.audit.map(|a| a.code().to_string());
        let mut unsigned: Vec<(&'static str, &str)> = Vec::new();
        if let Some(rep) = options.repetition {
            unsigned.push(("repetition", if rep { "1" } else { "0" }));
        }
        if let Some(date) = &options.startdate {
            unsigned.push(("startdate", date));
        }
        if let Some(audit) = &audit {
            unsigned.push(("audit", audit));
        }
        if let Some(remark) = &options.remark {
            unsigned.push(("remark", remark));
        }
        let signed = [
            ("msisdn", msisdn),
            ("iccid", iccid),
            ("pkgcode", pkgcode),
            ("month", month.as_str()),
        ];
        let call = Call::post("card/pkg/renew", Port::Data, &signed).with_unsigned(&unsigned);
        self.transport().fetch(&call).await
    }

    /// [`Client::renew`] for a package as `packages()` listed it, so the spec's length rule
    /// (month packs ≥ 12 months, long packs in whole cycles) is checked before anything is sent.
    pub async fn renew_package(
        &self,
        card: &CardRef,
        package: &Package,
        months: u32,
        options: &RenewOptions,
    ) -> Result<RenewalOrder> {
        check_renewal_months(package.pkgcategory, package.buycycle, months)?;
        self.renew(card, &package.pkgcode, months, options).await
    }

    /// 3.4.2 card/stoptest: ends the card's test period now.
    pub async fn end_test_period(&self, card: &CardRef) -> Result<()> {
        self.lifecycle("card/stoptest", OpClass::Lifecycle, card, &[])
            .await
    }

    /// 3.4.3 card/foractive: activates the card now.
    pub async fn force_activate(&self, card: &CardRef) -> Result<()> {
        self.lifecycle("card/foractive", OpClass::Lifecycle, card, &[])
            .await
    }

    /// 3.4.4 card/stopkeep with `stopkeep=0`: suspends the card.
    pub async fn suspend(&self, card: &CardRef) -> Result<()> {
        self.lifecycle(
            "card/stopkeep",
            OpClass::Lifecycle,
            card,
            &[("stopkeep", "0")],
        )
        .await
    }

    /// 3.4.4 card/stopkeep with `stopkeep=1`: resumes a suspended card.
    pub async fn resume(&self, card: &CardRef) -> Result<()> {
        self.lifecycle(
            "card/stopkeep",
            OpClass::Lifecycle,
            card,
            &[("stopkeep", "1")],
        )
        .await
    }

    /// 3.4.5 card/switchnet with `opertype=0`: cuts data. A card with several APNs open needs
    /// `apn`.
    pub async fn disable_data(&self, card: &CardRef, apn: Option<&str>) -> Result<()> {
        let signed = [
            ("apnname", apn.unwrap_or("")),
            ("opertype", "0"),
            ("marginrat", ""),
        ];
        self.lifecycle("card/switchnet", OpClass::Lifecycle, card, &signed)
            .await
    }

    /// 3.4.5 card/switchnet with `opertype=1`: restores data, only if more than
    /// `min_left_percent` of the package is left (none or 0: unconditionally).
    pub async fn enable_data(
        &self,
        card: &CardRef,
        apn: Option<&str>,
        min_left_percent: Option<u32>,
    ) -> Result<()> {
        check_min_left_percent(min_left_percent)?;
        let margin = min_left_percent.map(|p| p.to_string()).unwrap_or_default();
        let signed = [
            ("apnname", apn.unwrap_or("")),
            ("opertype", "1"),
            ("marginrat", margin.as_str()),
        ];
        self.lifecycle("card/switchnet", OpClass::Lifecycle, card, &signed)
            .await
    }

    /// 3.4.6 card/setvoicewhitetable with `opertype=1`: adds up to 5 numbers.
    pub async fn add_voice_whitelist(
        &self,
        card: &CardRef,
        numbers: &[String],
        group: Option<&str>,
    ) -> Result<()> {
        self.voice_whitelist(card, numbers, group, true).await
    }

    /// 3.4.6 card/setvoicewhitetable with `opertype=0`: removes up to 2 numbers. The carrier
    /// allows one removal per card per calendar month.
    pub async fn remove_voice_whitelist(
        &self,
        card: &CardRef,
        numbers: &[String],
        group: Option<&str>,
    ) -> Result<()> {
        self.voice_whitelist(card, numbers, group, false).await
    }

    async fn voice_whitelist(
        &self,
        card: &CardRef,
        numbers: &[String],
        group: Option<&str>,
        adding: bool,
    ) -> Result<()> {
        check_whitelist(numbers, adding)?;
        let content = numbers.join("_");
        let signed = [
            ("opertype", if adding { "1" } else { "0" }),
            ("taskid", group.unwrap_or("")),
            ("content", content.as_str()),
        ];
        self.lifecycle(
            "card/setvoicewhitetable",
            OpClass::VoiceWhitelist,
            card,
            &signed,
        )
        .await
    }

    /// A port2 operation: checked, guarded by the cooldown, sent once, remembered.
    async fn lifecycle(
        &self,
        endpoint: &'static str,
        class: OpClass,
        card: &CardRef,
        extra: &[(&'static str, &str)],
    ) -> Result<()> {
        card.validate()?;
        let key = card.key();
        let window = if self.config().cooldown_guard {
            Some(self.inner.cooldowns.claim(class, &key, endpoint).await?)
        } else {
            None
        };
        let (msisdn, iccid) = card.params();
        let mut signed: Vec<(&'static str, &str)> = vec![("msisdn", msisdn), ("iccid", iccid)];
        signed.extend_from_slice(extra);
        let call = Call::post(endpoint, Port::Ops, &signed).with_optional(&[
            "apnname",
            "marginrat",
            "taskid",
        ]);
        let outcome = self.transport().execute(&call).await;
        // The carrier's window starts whenever the operation reached it (or may have).
        let reached = match &outcome {
            Ok(()) => true,
            Err(e) => e.outcome_unknown() || matches!(e, Error::RateLimited { .. }),
        };
        if let Some(window) = window {
            let kept = if reached {
                self.inner.cooldowns.reached(window).await
            } else {
                self.inner.cooldowns.not_reached(window).await
            };
            // The operation's own outcome matters more; a store that failed now was working a
            // moment ago, and the claim still expires with the window.
            if let Err(e) = kept {
                tracing::warn!(error = %e, endpoint, "could not update the cooldown window");
            }
        }
        outcome
    }
}

/// What `renew` checks before sending, whatever the card (bulk runs check it once for all).
pub(crate) fn check_renewal(pkgcode: &str, months: u32, options: &RenewOptions) -> Result<()> {
    if pkgcode.trim().is_empty() {
        return Err(Error::invalid("pkgcode", "must not be empty"));
    }
    if months < 1 {
        return Err(Error::invalid("months", "must be at least 1"));
    }
    if let Some(date) = &options.startdate {
        if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() || date.len() != 10 {
            return Err(Error::invalid(
                "startdate",
                format!("{date:?} is not a date in yyyy-MM-dd form"),
            ));
        }
    }
    Ok(())
}

/// What `enable_data` checks of its threshold before sending.
pub(crate) fn check_min_left_percent(min_left_percent: Option<u32>) -> Result<()> {
    if min_left_percent.is_some_and(|p| p > 100) {
        return Err(Error::invalid(
            "min_left_percent",
            "must be between 0 and 100",
        ));
    }
    Ok(())
}
