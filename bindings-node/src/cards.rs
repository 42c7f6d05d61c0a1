//! 3.2 cards: listing (paged, or every card with `cards()`), details and usage (batch by batch;
//! lib.js collects the batches for `cardDetails()` and the other bulk calls).

use cardboss::{
    ArrearsPage, Batches, CardDetail, CardPage, CardStream, CurrentUsage, DailyUsage, MonthlyUsage,
    PackageList,
};
use napi::bindgen_prelude::{within_runtime_if_available, PromiseRaw};
use napi::{Env, Result};
use napi_derive::napi;

use crate::batches::chunked_class;
use crate::client::{CallOptions, CardRef, CardSet, Client};
use crate::error::sync;

#[napi]
impl Client {
    /// 3.2.1 card/list: one page (from 1) of 100 cards.
    #[napi]
    pub fn list_cards<'env>(
        &self,
        env: &'env Env,
        page: u32,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, CardPage>> {
        self.run(env, call, |c| async move { c.list_cards(page).await })
    }

    /// Every card of the account, page after page, in order, fetched ahead `concurrency` pages
    /// at a time: `for await (const card of client.cards())`, or page by page with
    /// `nextPage()`.
    #[napi]
    pub fn cards(&self, env: Env, call: Option<CallOptions>) -> Result<CardPages> {
        sync(&env, || {
            let core = self.core()?;
            CardPages::new(
                within_runtime_if_available(|| core.cards()),
                self.bounds(call)?,
            )
        })
    }

    /// 3.2.2 card/detail, batch by batch (100 cards each, in input order) as they arrive:
    /// `for await (const batch of client.cardDetailBatches({ msisdns }))`. Every card is checked
    /// now (throws `INVALID_INPUT`, nothing sent); `concurrency` batches are fetched ahead.
    /// `cardDetails()` collects them into one array.
    #[napi]
    pub fn card_detail_batches(
        &self,
        env: Env,
        cards: CardSet,
        call: Option<CallOptions>,
    ) -> Result<CardDetailBatches> {
        sync(&env, || {
            let (cards, core) = (cards.to_set()?, self.core()?);
            let batches = within_runtime_if_available(|| core.card_detail_batches(&cards))?;
            CardDetailBatches::new(batches, self.bounds(call)?)
        })
    }

    /// 3.2.3 card/usage/current, batch by batch as they arrive (like `cardDetailBatches`);
    /// `currentUsage()` collects them.
    #[napi]
    pub fn current_usage_batches(
        &self,
        env: Env,
        cards: CardSet,
        call: Option<CallOptions>,
    ) -> Result<CurrentUsageBatches> {
        sync(&env, || {
            let (cards, core) = (cards.to_set()?, self.core()?);
            let batches = within_runtime_if_available(|| core.current_usage_batches(&cards))?;
            CurrentUsageBatches::new(batches, self.bounds(call)?)
        })
    }

    /// 3.2.4 card/usage/past (`month` = `yyyyMM`, within the last 3 months), batch by batch as
    /// they arrive (like `cardDetailBatches`); `usageHistory()` collects them. `showday` is
    /// passed through as the platform's parameter of that name.
    #[napi]
    pub fn usage_history_batches(
        &self,
        env: Env,
        month: String,
        cards: CardSet,
        showday: Option<String>,
        call: Option<CallOptions>,
    ) -> Result<MonthlyUsageBatches> {
        sync(&env, || {
            let (cards, core) = (cards.to_set()?, self.core()?);
            let batches = within_runtime_if_available(|| {
                core.usage_history_batches(&month, &cards, showday.as_deref())
            })?;
            MonthlyUsageBatches::new(batches, self.bounds(call)?)
        })
    }

    /// 3.2.5 card/abnormal: one page (from 1) of cards in arrears.
    ///
    /// @deprecated Withdrawn (停用) by the platform, which may answer 1098.
    #[napi]
    #[allow(deprecated)]
    pub fn arrears<'env>(
        &self,
        env: &'env Env,
        page: u32,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, ArrearsPage>> {
        self.run(env, call, |c| async move { c.arrears(page).await })
    }

    /// 3.2.6 card/pkg/get: the packages a card has ordered.
    #[napi]
    pub fn packages<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, PackageList>> {
        self.run(
            env,
            call,
            |c| async move { c.packages(&card.checked()?).await },
        )
    }

    /// 3.2.7 card/usage/day: one day's usage (`day` = `yyyyMMdd`, within the last 7 days), for
    /// any number of cards (batched).
    ///
    /// @deprecated Withdrawn (停用) by the platform, which may answer 1098.
    #[napi]
    #[allow(deprecated)]
    pub fn daily_usage<'env>(
        &self,
        env: &'env Env,
        day: String,
        cards: CardSet,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, DailyUsage>> {
        self.run(env, call, |c| async move {
            c.daily_usage(&day, &cards.to_set()?).await
        })
    }
}

chunked_class! {
    "Every card of the account (from `client.cards()`): an async iterable of `Card`, or page by page with `nextPage()`. Pages are fetched ahead in the background until `close()` (called by `for await` when the loop ends early) or until it is garbage-collected.",
    CardPages(CardStream),
    next_page,
    "The next page of cards, `null` after the last. A failed page rejects with the `CardbossError`, and the iteration ends there.",
    "Promise<Array<Card> | null>"
}

chunked_class! {
    "The batches of `client.cardDetailBatches()`: an async iterable of `CardDetail[]` (up to 100 each, in input order), or batch by batch with `nextBatch()`.",
    CardDetailBatches(Batches<CardDetail>),
    next_batch,
    "The next batch, `null` after the last. A failed batch rejects with the `CardbossError` (naming the batch), and the iteration ends there.",
    "Promise<Array<CardDetail> | null>"
}

chunked_class! {
    "The batches of `client.currentUsageBatches()`: an async iterable of `CurrentUsage[]`.",
    CurrentUsageBatches(Batches<CurrentUsage>),
    next_batch,
    "The next batch, `null` after the last. A failed batch rejects with the `CardbossError` (naming the batch), and the iteration ends there.",
    "Promise<Array<CurrentUsage> | null>"
}

chunked_class! {
    "The batches of `client.usageHistoryBatches()`: an async iterable of `MonthlyUsage[]`.",
    MonthlyUsageBatches(Batches<MonthlyUsage>),
    next_batch,
    "The next batch, `null` after the last. A failed batch rejects with the `CardbossError` (naming the batch), and the iteration ends there.",
    "Promise<Array<MonthlyUsage> | null>"
}
