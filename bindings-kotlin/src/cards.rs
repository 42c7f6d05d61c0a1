//! 3.2 cards: listing (paged, or every card through a pager), details and usage (batched by
//! the core, collected or batch by batch: see `batches.rs`).

use std::sync::Arc;

use cardboss::rules::non_negative;
use cardboss::{
    ArrearsPage, Card, CardDetail, CardPage, CardStream, Client, CurrentUsage, DailyUsage,
    MonthlyUsage, PackageList,
};
use tokio::sync::Mutex;

use crate::batches::{on_runtime, CardDetailBatches, CurrentUsageBatches, MonthlyUsageBatches};
use crate::client::{CardBossClient, CardRef, CardSet};
use crate::error::{guard, guarded, Result};

#[uniffi::export(async_runtime = "tokio")]
impl CardBossClient {
    /// 3.2.1 card/list: one page (from 1) of 100 cards.
    pub async fn list_cards(&self, page: i32) -> Result<CardPage> {
        guarded(async { self.inner.list_cards(non_negative("page", page)?).await }).await
    }

    /// Every card of the account, page after page, in order; pages are fetched ahead,
    /// `concurrency` at a time, from the first `nextPage()`. In Kotlin, `cards().asFlow()` gives
    /// a `Flow<Card>`.
    pub fn cards(&self) -> Arc<CardPager> {
        Arc::new(CardPager {
            client: self.inner.clone(),
            stream: Mutex::new(None),
        })
    }

    /// 3.2.2 card/detail for any number of cards: batches of 100, `concurrency` at a time,
    /// results in input order.
    pub async fn card_details(&self, cards: CardSet) -> Result<Vec<CardDetail>> {
        guarded(async { self.inner.card_details(&cards.to_set()?).await }).await
    }

    /// 3.2.3 card/usage/current for any number of cards, batched like `cardDetails`.
    pub async fn current_usage(&self, cards: CardSet) -> Result<Vec<CurrentUsage>> {
        guarded(async { self.inner.current_usage(&cards.to_set()?).await }).await
    }

    /// 3.2.4 card/usage/past: a month (`yyyyMM`, within the last 3) of usage, batched.
    /// `showday` is signed although the spec's table forgets it.
    #[uniffi::method(default(showday = None))]
    pub async fn usage_history(
        &self,
        month: String,
        cards: CardSet,
        showday: Option<String>,
    ) -> Result<Vec<MonthlyUsage>> {
        guarded(async {
            self.inner
                .usage_history(&month, &cards.to_set()?, showday.as_deref())
                .await
        })
        .await
    }

    /// `cardDetails` batch by batch, as they arrive. Every card is checked now (a bad one throws
    /// `InvalidInput` and nothing is sent); the fetching starts at once, in the background. In
    /// Kotlin, `cardDetailBatches(cards).asFlow()` gives a `Flow<List<CardDetail>>`.
    pub fn card_detail_batches(&self, cards: CardSet) -> Result<Arc<CardDetailBatches>> {
        guard(|| {
            let cards = cards.to_set()?;
            on_runtime(|| self.inner.card_detail_batches(&cards)).map(CardDetailBatches::new)
        })
    }

    /// `currentUsage` batch by batch, like `cardDetailBatches`.
    pub fn current_usage_batches(&self, cards: CardSet) -> Result<Arc<CurrentUsageBatches>> {
        guard(|| {
            let cards = cards.to_set()?;
            on_runtime(|| self.inner.current_usage_batches(&cards)).map(CurrentUsageBatches::new)
        })
    }

    /// `usageHistory` batch by batch, like `cardDetailBatches` (the month is checked
    /// now too).
    #[uniffi::method(default(showday = None))]
    pub fn usage_history_batches(
        &self,
        month: String,
        cards: CardSet,
        showday: Option<String>,
    ) -> Result<Arc<MonthlyUsageBatches>> {
        guard(|| {
            let cards = cards.to_set()?;
            on_runtime(|| {
                self.inner
                    .usage_history_batches(&month, &cards, showday.as_deref())
            })
            .map(MonthlyUsageBatches::new)
        })
    }

    /// 3.2.5 card/abnormal: cards in arrears, one page.
    /// Deprecated: withdrawn (停用) by the platform, which may answer 1098.
    #[allow(deprecated)]
    pub async fn arrears(&self, page: i32) -> Result<ArrearsPage> {
        guarded(async { self.inner.arrears(non_negative("page", page)?).await }).await
    }

    /// 3.2.6 card/pkg/get: the packages a card has ordered.
    pub async fn packages(&self, card: CardRef) -> Result<PackageList> {
        guarded(async { self.inner.packages(&card.checked()?).await }).await
    }

    /// 3.2.7 card/usage/day: one day's (`yyyyMMdd`, within the last 7) usage, batched.
    /// Deprecated: withdrawn (停用) by the platform, which may answer 1098.
    #[allow(deprecated)]
    pub async fn daily_usage(&self, day: String, cards: CardSet) -> Result<DailyUsage> {
        guarded(async { self.inner.daily_usage(&day, &cards.to_set()?).await }).await
    }
}

/// Every card of the account, page by page (see `CardBossClient.cards`). Closing it (or
/// letting it be collected) stops the fetching.
#[derive(uniffi::Object)]
pub struct CardPager {
    client: Client,
    stream: Mutex<Option<CardStream>>,
}

impl std::fmt::Debug for CardPager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardPager").finish_non_exhaustive()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl CardPager {
    /// The next page of cards, `null` after the last. A failure ends the listing.
    pub async fn next_page(&self) -> Result<Option<Vec<Card>>> {
        guarded(async {
            let mut stream = self.stream.lock().await;
            let stream = stream.get_or_insert_with(|| self.client.cards());
            stream.next_page().await.transpose()
        })
        .await
    }
}
