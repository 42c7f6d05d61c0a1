//! 3.4 operations: renewals (port1) and lifecycle operations on one card (port2). None is ever
//! retried; the core's cooldown guard refuses repeats within the carrier's window.

use cardboss::rules::non_negative;
use cardboss::{Package, RenewOptions, RenewalOrder};

use crate::client::{CardBossClient, CardRef};
use crate::error::{guarded, Result};

#[uniffi::export(async_runtime = "tokio")]
impl CardBossClient {
    /// 3.4.1 card/pkg/renew: orders `months` more of package `pkgcode` for `card`. Confirmed
    /// later by an OD1002 push.
    #[uniffi::method(default(options = None))]
    pub async fn renew(
        &self,
        card: CardRef,
        pkgcode: String,
        months: i32,
        options: Option<RenewOptions>,
    ) -> Result<RenewalOrder> {
        guarded(async {
            self.inner
                .renew(
                    &card.checked()?,
                    &pkgcode,
                    non_negative("months", months)?,
                    &options.unwrap_or_default(),
                )
                .await
        })
        .await
    }

    /// 3.4.1 card/pkg/renew for `package` as `packages()` listed it: the spec's renewal length
    /// rule (a month pack for at least 12 months, a long pack in whole cycles of `buycycle`)
    /// is checked first, and a breach throws `InvalidInput` with nothing sent.
    #[uniffi::method(default(options = None))]
    pub async fn renew_package(
        &self,
        card: CardRef,
        package: Package,
        months: i32,
        options: Option<RenewOptions>,
    ) -> Result<RenewalOrder> {
        guarded(async {
            self.inner
                .renew_package(
                    &card.checked()?,
                    &package,
                    non_negative("months", months)?,
                    &options.unwrap_or_default(),
                )
                .await
        })
        .await
    }

    /// 3.4.2 card/stoptest: ends the card's test period now.
    pub async fn end_test_period(&self, card: CardRef) -> Result<()> {
        guarded(async { self.inner.end_test_period(&card.checked()?).await }).await
    }

    /// 3.4.3 card/foractive: activates the card now.
    pub async fn force_activate(&self, card: CardRef) -> Result<()> {
        guarded(async { self.inner.force_activate(&card.checked()?).await }).await
    }

    /// 3.4.4 card/stopkeep (stopkeep=0): suspends the card.
    pub async fn suspend(&self, card: CardRef) -> Result<()> {
        guarded(async { self.inner.suspend(&card.checked()?).await }).await
    }

    /// 3.4.4 card/stopkeep (stopkeep=1): resumes a suspended card.
    pub async fn resume(&self, card: CardRef) -> Result<()> {
        guarded(async { self.inner.resume(&card.checked()?).await }).await
    }

    /// 3.4.5 card/switchnet (opertype=0): cuts data. A card with several APNs open needs `apn`.
    #[uniffi::method(default(apn = None))]
    pub async fn disable_data(&self, card: CardRef, apn: Option<String>) -> Result<()> {
        guarded(async {
            self.inner
                .disable_data(&card.checked()?, apn.as_deref())
                .await
        })
        .await
    }

    /// 3.4.5 card/switchnet (opertype=1): restores data, only if more than `min_left_percent`
    /// of the package is left (null or 0: unconditionally).
    #[uniffi::method(default(apn = None, min_left_percent = None))]
    pub async fn enable_data(
        &self,
        card: CardRef,
        apn: Option<String>,
        min_left_percent: Option<i32>,
    ) -> Result<()> {
        guarded(async {
            self.inner
                .enable_data(
                    &card.checked()?,
                    apn.as_deref(),
                    min_left_percent
                        .map(|p| non_negative("min_left_percent", p))
                        .transpose()?,
                )
                .await
        })
        .await
    }

    /// 3.4.6 card/setvoicewhitetable (opertype=1): adds up to 5 numbers.
    #[uniffi::method(default(group = None))]
    pub async fn add_voice_whitelist(
        &self,
        card: CardRef,
        numbers: Vec<String>,
        group: Option<String>,
    ) -> Result<()> {
        guarded(async {
            self.inner
                .add_voice_whitelist(&card.checked()?, &numbers, group.as_deref())
                .await
        })
        .await
    }

    /// 3.4.6 card/setvoicewhitetable (opertype=0): removes up to 2 numbers; the carrier allows
    /// one removal per card per calendar month.
    #[uniffi::method(default(group = None))]
    pub async fn remove_voice_whitelist(
        &self,
        card: CardRef,
        numbers: Vec<String>,
        group: Option<String>,
    ) -> Result<()> {
        guarded(async {
            self.inner
                .remove_voice_whitelist(&card.checked()?, &numbers, group.as_deref())
                .await
        })
        .await
    }
}
