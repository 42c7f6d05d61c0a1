//! 3.2 cards: listing (paged and streamed), details and usage (batched: see `batches.rs`).

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use chrono::Utc;
use futures::stream::{self, Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::batches::{collect, BatchStream, Batches};
use super::Client;
use crate::error::{Error, Result};
use crate::ids::{CardRef, CardSet};
use crate::models::{
    ArrearsPage, Card, CardDetail, CardDetailList, CardPage, CurrentUsage, DailyUsage,
    MonthlyUsage, PackageList, UsageList,
};
use crate::rules::{check_history_month, check_usage_day};
use crate::transport::Call;

impl Client {
    /// 3.2.1 card/list: one page (from 1) of 100 cards.
    pub async fn list_cards(&self, page: u32) -> Result<CardPage> {
        if page == 0 {
            return Err(Error::invalid("page", "pages are numbered from 1"));
        }
        let page = page.to_string();
        self.transport()
            .fetch(&Call::get("card/list", &[("pageindex", &page)]))
            .await
    }

    /// Every card of the account, page after page, in order. Pages are fetched ahead,
    /// `concurrency` at a time, by a task spawned on the current tokio runtime (call it from
    /// within one).
    pub fn cards(&self) -> CardStream {
        CardStream::start(self.clone())
    }

    /// 3.2.2 card/detail for any number of cards: batches of 100, `concurrency` at a time,
    /// results in input order.
    pub async fn card_details(&self, cards: &CardSet) -> Result<Vec<CardDetail>> {
        collect(self.detail_stream(cards)?, cards, |d| [&d.msisdn, &d.iccid]).await
    }

    /// [`Client::card_details`] batch by batch, as they arrive (see [`Batches`]). Every card is
    /// validated now; the fetching runs on the current tokio runtime (call it from within one).
    pub fn card_detail_batches(&self, cards: &CardSet) -> Result<Batches<CardDetail>> {
        Ok(Batches::spawn(
            self.detail_stream(cards)?,
            self.config().concurrency,
        ))
    }

    /// 3.2.3 card/usage/current for any number of cards, batched like `card_details`.
    pub async fn current_usage(&self, cards: &CardSet) -> Result<Vec<CurrentUsage>> {
        collect(self.current_usage_stream(cards)?, cards, |u| {
            [&u.msisdn, &u.iccids]
        })
        .await
    }

    /// [`Client::current_usage`] batch by batch, as they arrive (see [`Batches`]).
    pub fn current_usage_batches(&self, cards: &CardSet) -> Result<Batches<CurrentUsage>> {
        Ok(Batches::spawn(
            self.current_usage_stream(cards)?,
            self.config().concurrency,
        ))
    }

    /// 3.2.4 card/usage/past: a month (`yyyyMM`, within the last 3) of usage, batched.
    ///
    /// `showday` is signed although the spec's table forgets it; absent, it signs as "" and is
    /// not sent.
    /// The iccids go out as both `iccids` (URL and sign formula) and `iccid` (the table's name).
    pub async fn usage_history(
        &self,
        month: &str,
        cards: &CardSet,
        showday: Option<&str>,
    ) -> Result<Vec<MonthlyUsage>> {
        collect(self.history_stream(month, cards, showday)?, cards, |u| {
            [&u.msisdn, &u.iccid]
        })
        .await
    }

    /// [`Client::usage_history`] batch by batch, as they arrive (see [`Batches`]).
    pub fn usage_history_batches(
        &self,
        month: &str,
        cards: &CardSet,
        showday: Option<&str>,
    ) -> Result<Batches<MonthlyUsage>> {
        Ok(Batches::spawn(
            self.history_stream(month, cards, showday)?,
            self.config().concurrency,
        ))
    }

    /// 3.2.5 card/abnormal: cards in arrears, one page. Withdrawn (停用) by the platform, which
    /// may answer 1098.
    #[deprecated(note = "card/abnormal is withdrawn (停用) by the platform")]
    pub async fn arrears(&self, page: u32) -> Result<ArrearsPage> {
        if page == 0 {
            return Err(Error::invalid("page", "pages are numbered from 1"));
        }
        let page = page.to_string();
        self.transport()
            .fetch(&Call::get("card/abnormal", &[("pageindex", &page)]))
            .await
    }

    /// 3.2.6 card/pkg/get: the packages a card has ordered.
    pub async fn packages(&self, card: &CardRef) -> Result<PackageList> {
        card.validate()?;
        let (msisdn, iccid) = card.params();
        self.transport()
            .fetch(&Call::get(
                "card/pkg/get",
                &[("msisdn", msisdn), ("iccid", iccid)],
            ))
            .await
    }

    /// 3.2.7 card/usage/day: one day's (`yyyyMMdd`, within the last 7) usage, batched.
    /// Withdrawn (停用) by the platform, which may answer 1098.
    #[deprecated(note = "card/usage/day is withdrawn (停用) by the platform")]
    pub async fn daily_usage(&self, day: &str, cards: &CardSet) -> Result<DailyUsage> {
        check_usage_day(day, Utc::now(), self.config().utc_offset_minutes)?;
        let owned_day = day.to_string();
        let batches = self.batch_stream(cards, move |client, msisdns, iccids| {
            let day = owned_day.clone();
            async move {
                let page: DailyUsage = client
                    .transport()
                    .fetch(&Call::get(
                        "card/usage/day",
                        &[("day", &day), ("msisdns", &msisdns), ("iccids", &iccids)],
                    ))
                    .await?;
                Ok(page.usages)
            }
        })?;
        let usages = collect(batches, cards, |u| [&u.msisdn, &u.iccids]).await?;
        Ok(DailyUsage {
            count: usages.len() as i64,
            day: day.to_string(),
            usages,
        })
    }

    fn detail_stream(&self, cards: &CardSet) -> Result<BatchStream<CardDetail>> {
        self.batch_stream(cards, |client, msisdns, iccids| async move {
            client.detail_batch(&msisdns, &iccids).await
        })
    }

    fn current_usage_stream(&self, cards: &CardSet) -> Result<BatchStream<CurrentUsage>> {
        self.batch_stream(cards, |client, msisdns, iccids| async move {
            client.current_usage_batch(&msisdns, &iccids).await
        })
    }

    /// One card/detail request (at most 100 cards, one of the two lists empty).
    pub(crate) async fn detail_batch(
        &self,
        msisdns: &str,
        iccids: &str,
    ) -> Result<Vec<CardDetail>> {
        let list: CardDetailList = self
            .transport()
            .fetch(&Call::get(
                "card/detail",
                &[("msisdns", msisdns), ("iccids", iccids)],
            ))
            .await?;
        Ok(list.cards)
    }

    /// One card/usage/current request.
    pub(crate) async fn current_usage_batch(
        &self,
        msisdns: &str,
        iccids: &str,
    ) -> Result<Vec<CurrentUsage>> {
        let list: UsageList<CurrentUsage> = self
            .transport()
            .fetch(&Call::get(
                "card/usage/current",
                &[("msisdns", msisdns), ("iccids", iccids)],
            ))
            .await?;
        Ok(list.usages)
    }

    /// One card/usage/past request, for a month already checked.
    pub(crate) async fn history_batch(
        &self,
        month: &str,
        showday: &str,
        msisdns: &str,
        iccids: &str,
    ) -> Result<Vec<MonthlyUsage>> {
        let signed = [
            ("month", month),
            ("showday", showday),
            ("msisdns", msisdns),
            ("iccids", iccids),
        ];
        let list: UsageList<MonthlyUsage> = self
            .transport()
            .fetch(
                &Call::get("card/usage/past", &signed)
                    .with_unsigned(&[("iccid", iccids)])
                    .with_optional(&["showday"]),
            )
            .await?;
        Ok(list.usages)
    }

    fn history_stream(
        &self,
        month: &str,
        cards: &CardSet,
        showday: Option<&str>,
    ) -> Result<BatchStream<MonthlyUsage>> {
        check_history_month(month, Utc::now(), self.config().utc_offset_minutes)?;
        let month = month.to_string();
        let showday = showday.unwrap_or("").to_string();
        self.batch_stream(cards, move |client, msisdns, iccids| {
            let (month, showday) = (month.clone(), showday.clone());
            async move {
                client
                    .history_batch(&month, &showday, &msisdns, &iccids)
                    .await
            }
        })
    }
}

/// Every card of the account, in page order, fetched ahead in the background.
///
/// Use it as a `Stream` of cards, or page by page with [`CardStream::next_page`]. Dropping it
/// stops the fetching.
pub struct CardStream {
    pages: mpsc::Receiver<Result<Vec<Card>>>,
    buffer: VecDeque<Card>,
    task: JoinHandle<()>,
}

impl CardStream {
    fn start(client: Client) -> Self {
        let ahead = client.config().concurrency.max(1);
        let (tx, pages) = mpsc::channel(ahead);
        let task = tokio::spawn(async move {
            let first = match client.list_cards(1).await {
                Ok(first) => first,
                Err(e) => {
                    let _ = tx.send(Err(e)).await;
                    return;
                }
            };
            let total = first.totalpage.max(1) as u32;
            if tx.send(Ok(first.cards)).await.is_err() {
                return;
            }
            let mut rest = stream::iter(2..=total)
                .map(|page| {
                    let client = client.clone();
                    async move {
                        client
                            .list_cards(page)
                            .await
                            .map(|p| p.cards)
                            .map_err(|e| e.in_page(page, total))
                    }
                })
                .buffered(ahead);
            while let Some(page) = rest.next().await {
                let failed = page.is_err();
                if tx.send(page).await.is_err() || failed {
                    return;
                }
            }
        });
        CardStream {
            pages,
            buffer: VecDeque::new(),
            task,
        }
    }

    /// The next page of cards, `None` after the last.
    pub async fn next_page(&mut self) -> Option<Result<Vec<Card>>> {
        if !self.buffer.is_empty() {
            return Some(Ok(self.buffer.drain(..).collect()));
        }
        self.pages.recv().await
    }
}

impl Stream for CardStream {
    type Item = Result<Card>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(card) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(card)));
            }
            match self.pages.poll_recv(cx) {
                Poll::Ready(Some(Ok(page))) => self.buffer.extend(page),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl Drop for CardStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}
