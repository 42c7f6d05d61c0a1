//! 3.2 cards: listing (paged, or every card with `cards()`), details and usage (batched).

use std::sync::Arc;

use cardboss::{
    ArrearsPage, Card, CardDetail, CardPage, CardStream, CurrentUsage, DailyUsage, MonthlyUsage,
    PackageList,
};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;
use tokio::sync::Mutex;

use crate::client::{CardRef, CardSet, Client};
use crate::error::spawn;
use crate::records::JsonRecords;

#[napi]
impl Client {
    /// 3.2.1 card/list: one page (from 1) of 100 cards.
    #[napi]
    pub fn list_cards<'env>(
        &self,
        env: &'env Env,
        page: u32,
    ) -> Result<PromiseRaw<'env, CardPage>> {
        self.run(env, |c| async move { c.list_cards(page).await })
    }

    /// Every card of the account, page after page, in order, fetched ahead `concurrency` pages
    /// at a time: `for await (const card of client.cards())`, or page by page with
    /// `nextPage()`.
    #[napi]
    pub fn cards(&self) -> CardPages {
        CardPages {
            stream: Arc::new(Mutex::new(Some(
                napi::bindgen_prelude::within_runtime_if_available(|| self.core().cards()),
            ))),
        }
    }

    /// 3.2.2 card/detail for any number of cards: batches of 100, `concurrency` at a time,
    /// results in input order.
    #[napi(ts_return_type = "Promise<Array<CardDetail>>")]
    pub fn card_details<'env>(
        &self,
        env: &'env Env,
        cards: CardSet,
    ) -> Result<PromiseRaw<'env, JsonRecords>> {
        self.run(env, |c| async move {
            JsonRecords::encode::<CardDetail>(c.card_details(&cards.core()?).await?)
        })
    }

    /// 3.2.3 card/usage/current: this month's usage, for any number of cards (batched).
    #[napi(ts_return_type = "Promise<Array<CurrentUsage>>")]
    pub fn current_usage<'env>(
        &self,
        env: &'env Env,
        cards: CardSet,
    ) -> Result<PromiseRaw<'env, JsonRecords>> {
        self.run(env, |c| async move {
            JsonRecords::encode::<CurrentUsage>(c.current_usage(&cards.core()?).await?)
        })
    }

    /// 3.2.4 card/usage/past: a month's usage (`month` = `yyyyMM`, within the last 3 months),
    /// for any number of cards (batched). `showday` is passed through as the platform's
    /// parameter of that name.
    #[napi(ts_return_type = "Promise<Array<MonthlyUsage>>")]
    pub fn usage_history<'env>(
        &self,
        env: &'env Env,
        month: String,
        cards: CardSet,
        showday: Option<String>,
    ) -> Result<PromiseRaw<'env, JsonRecords>> {
        self.run(env, |c| async move {
            let usages = c
                .usage_history(&month, &cards.core()?, showday.as_deref())
                .await?;
            JsonRecords::encode::<MonthlyUsage>(usages)
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
    ) -> Result<PromiseRaw<'env, ArrearsPage>> {
        self.run(env, |c| async move { c.arrears(page).await })
    }

    /// 3.2.6 card/pkg/get: the packages a card has ordered.
    #[napi]
    pub fn packages<'env>(
        &self,
        env: &'env Env,
        card: CardRef,
    ) -> Result<PromiseRaw<'env, PackageList>> {
        self.run(env, |c| async move { c.packages(&card.core()?).await })
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
    ) -> Result<PromiseRaw<'env, DailyUsage>> {
        self.run(
            env,
            |c| async move { c.daily_usage(&day, &cards.core()?).await },
        )
    }
}

/// Every card of the account (from `client.cards()`): an async iterable of `Card`, or page by
/// page with `nextPage()`. Pages are fetched ahead in the background until `close()` (called by
/// `for await` when the loop ends early) or until it is garbage-collected.
#[napi]
pub struct CardPages {
    stream: Arc<Mutex<Option<CardStream>>>,
}

#[napi]
impl CardPages {
    /// The next page of cards, `null` after the last. A failed page rejects with the
    /// `CardbossError`, and the iteration ends there.
    #[napi]
    pub fn next_page<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Option<Vec<Card>>>> {
        let stream = self.stream.clone();
        spawn(env, async move {
            match stream.lock().await.as_mut() {
                Some(s) => s.next_page().await.transpose(),
                None => Ok(None),
            }
        })
    }

    /// Stops the background fetching; `nextPage()` then gives `null`.
    #[napi]
    pub fn close(&self) {
        if let Ok(mut stream) = self.stream.try_lock() {
            stream.take();
        } else {
            let stream = self.stream.clone();
            napi::bindgen_prelude::spawn(async move { drop(stream.lock().await.take()) });
        }
    }
}
