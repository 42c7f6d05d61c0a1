//! 3.4 operations: renewals (port1) and lifecycle operations on one card (port2).
//!
//! None of these is ever retried: a renewal costs money and a lifecycle change starts the
//! carrier's per-card cooldown. A failure whose outcome is unknown says so (`outcomeUnknown`).

use cardboss::{Package, RenewOptions, RenewalOrder};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;

use crate::client::{CallOptions, CardRef, Client};

#[napi]
impl Client {
    /// 3.4.1 card/pkg/renew: orders `months` more of package `pkgcode` for `card`. The order is
    /// confirmed later by an OD1002 push.
    #[napi]
    pub fn renew<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        pkgcode: String,
        months: u32,
        options: Option<RenewOptions>,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, RenewalOrder>> {
        self.run(env, call, |c| async move {
            c.renew(
                &card.checked()?,
                &pkgcode,
                months,
                &options.unwrap_or_default(),
            )
            .await
        })
    }

    /// `renew()` for a package as `packages()` listed it: the spec's length rule (month packs at
    /// least 12 months, long packs in whole cycles of `buycycle`) is checked first, and a
    /// renewal that breaks it rejects with `INVALID_INPUT` without sending anything.
    #[napi]
    pub fn renew_package<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        package: Package,
        months: u32,
        options: Option<RenewOptions>,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, RenewalOrder>> {
        self.run(env, call, |c| async move {
            let options = options.unwrap_or_default();
            c.renew_package(&card.checked()?, &package, months, &options)
                .await
        })
    }

    /// 3.4.2 card/stoptest: ends the card's test period now.
    #[napi]
    pub fn end_test_period<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, ()>> {
        self.run(env, call, |c| async move {
            c.end_test_period(&card.checked()?).await
        })
    }

    /// 3.4.3 card/foractive: activates the card now.
    #[napi]
    pub fn force_activate<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, ()>> {
        self.run(env, call, |c| async move {
            c.force_activate(&card.checked()?).await
        })
    }

    /// 3.4.4 card/stopkeep (`stopkeep=0`): suspends the card.
    #[napi]
    pub fn suspend<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, ()>> {
        self.run(
            env,
            call,
            |c| async move { c.suspend(&card.checked()?).await },
        )
    }

    /// 3.4.4 card/stopkeep (`stopkeep=1`): resumes a suspended card.
    #[napi]
    pub fn resume<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, ()>> {
        self.run(
            env,
            call,
            |c| async move { c.resume(&card.checked()?).await },
        )
    }

    /// 3.4.5 card/switchnet (`opertype=0`): cuts data. A card with several APNs open needs `apn`.
    #[napi]
    pub fn disable_data<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        apn: Option<String>,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, ()>> {
        self.run(env, call, |c| async move {
            c.disable_data(&card.checked()?, apn.as_deref()).await
        })
    }

    /// 3.4.5 card/switchnet (`opertype=1`): restores data, only if more than `minLeftPercent`
    /// (0–100) of the package is left; without it, unconditionally.
    #[napi]
    pub fn enable_data<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        apn: Option<String>,
        min_left_percent: Option<u32>,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, ()>> {
        self.run(env, call, |c| async move {
            c.enable_data(&card.checked()?, apn.as_deref(), min_left_percent)
                .await
        })
    }

    /// 3.4.6 card/setvoicewhitetable (`opertype=1`): adds up to 5 numbers to the voice
    /// whitelist, optionally in group `group` (the platform's `taskid`).
    #[napi]
    pub fn add_voice_whitelist<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        numbers: Vec<String>,
        group: Option<String>,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, ()>> {
        self.run(env, call, |c| async move {
            c.add_voice_whitelist(&card.checked()?, &numbers, group.as_deref())
                .await
        })
    }

    /// 3.4.6 card/setvoicewhitetable (`opertype=0`): removes up to 2 numbers. The carrier allows
    /// one removal per card per calendar month.
    #[napi]
    pub fn remove_voice_whitelist<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        numbers: Vec<String>,
        group: Option<String>,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, ()>> {
        self.run(env, call, |c| async move {
            c.remove_voice_whitelist(&card.checked()?, &numbers, group.as_deref())
                .await
        })
    }
}
