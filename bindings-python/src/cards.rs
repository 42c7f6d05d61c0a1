//! 3.2 cards: listing (one page, or every card through an iterator), details and usage.
//!
//! Card sets are keyword arguments `msisdns=` / `iccids=` (msisdns win when both are given, as
//! the spec says); single cards `msisdn=` / `iccid=`. Batching, validation and paging are the
//! core's.

use std::collections::VecDeque;
use std::sync::Arc;

use cardboss::{
    ArrearsPage, Card, CardDetail, CardPage, CardRef, CardSet, CardStream, CurrentUsage,
    DailyUsage, MonthlyUsage, PackageList,
};
use futures::FutureExt;
use pyo3::exceptions::PyDeprecationWarning;
use pyo3::prelude::*;

use crate::client::{endpoints, AsyncClient, Client};
use crate::error::{invalid, to_pyerr};
use crate::runtime::{block_on, future_into_py, runtime, settle_now, Outcome, Ready};

/// A card set from the keyword arguments.
pub fn cards(
    msisdns: Option<Vec<String>>,
    iccids: Option<Vec<String>>,
) -> cardboss::Result<CardSet> {
    CardSet::from_lists(msisdns.unwrap_or_default(), iccids.unwrap_or_default())
}

/// One card from the keyword arguments.
pub fn card(msisdn: Option<String>, iccid: Option<String>) -> cardboss::Result<CardRef> {
    CardRef::new(msisdn, iccid)
}

/// A page number as the core takes it (it refuses 0 itself).
fn page_number(page: i64) -> cardboss::Result<u32> {
    u32::try_from(page).map_err(|_| invalid("page", "pages are numbered from 1"))
}

endpoints! {
    /// 3.2.1 card/list: one page (from 1) of 100 cards.
    fn list_cards(page = 1)(page: i64) -> CardPage => |client| client.list_cards(page_number(page)?).await;

    /// 3.2.2 card/detail for any number of cards (batches of 100, results in input order).
    fn card_details(*, msisdns = None, iccids = None)(msisdns: Option<Vec<String>>, iccids: Option<Vec<String>>) -> Vec<CardDetail>
        => |client| client.card_details(&cards(msisdns, iccids)?).await;

    /// 3.2.3 card/usage/current for any number of cards.
    fn current_usage(*, msisdns = None, iccids = None)(msisdns: Option<Vec<String>>, iccids: Option<Vec<String>>) -> Vec<CurrentUsage>
        => |client| client.current_usage(&cards(msisdns, iccids)?).await;

    /// 3.2.4 card/usage/past: a month (`yyyyMM`, within the last 3) of usage.
    fn usage_history(month, *, msisdns = None, iccids = None, showday = None)
        (month: String, msisdns: Option<Vec<String>>, iccids: Option<Vec<String>>, showday: Option<String>) -> Vec<MonthlyUsage>
        => |client| client.usage_history(&month, &cards(msisdns, iccids)?, showday.as_deref()).await;

    /// 3.2.6 card/pkg/get: the packages a card has ordered.
    fn packages(*, msisdn = None, iccid = None)(msisdn: Option<String>, iccid: Option<String>) -> PackageList
        => |client| client.packages(&card(msisdn, iccid)?).await;
}

#[allow(deprecated)]
async fn arrears(client: cardboss::Client, page: i64) -> cardboss::Result<ArrearsPage> {
    client.arrears(page_number(page)?).await
}

#[allow(deprecated)]
async fn daily_usage(
    client: cardboss::Client,
    day: String,
    set: cardboss::Result<CardSet>,
) -> cardboss::Result<DailyUsage> {
    client.daily_usage(&day, &set?).await
}

fn withdrawn(py: Python<'_>, endpoint: &str) -> PyResult<()> {
    let message = format!("{endpoint} is withdrawn (停用) by the platform, which may answer 1098");
    PyErr::warn(
        py,
        &py.get_type::<PyDeprecationWarning>(),
        &std::ffi::CString::new(message)?,
        2,
    )
}

#[pymethods]
impl Client {
    /// 3.2.5 card/abnormal: cards in arrears, one page. Deprecated: withdrawn by the platform.
    #[pyo3(signature = (page = 1))]
    fn arrears(&self, py: Python<'_>, page: i64) -> PyResult<ArrearsPage> {
        withdrawn(py, "card/abnormal")?;
        self.run(py, move |client| arrears(client, page))
    }

    /// 3.2.7 card/usage/day: one day's (`yyyyMMdd`, within the last 7) usage. Deprecated:
    /// withdrawn by the platform.
    #[pyo3(signature = (day, *, msisdns = None, iccids = None))]
    fn daily_usage(
        &self,
        py: Python<'_>,
        day: String,
        msisdns: Option<Vec<String>>,
        iccids: Option<Vec<String>>,
    ) -> PyResult<DailyUsage> {
        withdrawn(py, "card/usage/day")?;
        self.run(py, move |client| {
            daily_usage(client, day, cards(msisdns, iccids))
        })
    }

    /// Every card of the account, page after page (fetched ahead in the background).
    fn iter_cards(&self, py: Python<'_>) -> PyResult<CardIterator> {
        let client = self.shared.client().map_err(|e| to_pyerr(py, e))?;
        Ok(CardIterator {
            pages: PageState::start(&client),
        })
    }
}

#[pymethods]
impl AsyncClient {
    /// 3.2.5 card/abnormal: cards in arrears, one page. Deprecated: withdrawn by the platform.
    #[pyo3(signature = (page = 1))]
    fn arrears<'py>(&self, py: Python<'py>, page: i64) -> PyResult<Bound<'py, PyAny>> {
        withdrawn(py, "card/abnormal")?;
        self.spawn(py, move |client| arrears(client, page))
    }

    /// 3.2.7 card/usage/day: one day's (`yyyyMMdd`, within the last 7) usage. Deprecated:
    /// withdrawn by the platform.
    #[pyo3(signature = (day, *, msisdns = None, iccids = None))]
    fn daily_usage<'py>(
        &self,
        py: Python<'py>,
        day: String,
        msisdns: Option<Vec<String>>,
        iccids: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        withdrawn(py, "card/usage/day")?;
        self.spawn(py, move |client| {
            daily_usage(client, day, cards(msisdns, iccids))
        })
    }

    /// Every card of the account, page after page: `async for card in client.iter_cards()`.
    fn iter_cards(&self, py: Python<'_>) -> PyResult<AsyncCardIterator> {
        let client = self.shared.client().map_err(|e| to_pyerr(py, e))?;
        Ok(AsyncCardIterator {
            pages: PageState::start(&client),
        })
    }
}

/// The core's card stream and the rest of the page being handed out, shared by an iterator and
/// the waits it started.
type Pages = Arc<tokio::sync::Mutex<PageState>>;

struct PageState {
    stream: Option<CardStream>,
    buffer: VecDeque<Card>,
}

impl PageState {
    fn start(client: &cardboss::Client) -> Pages {
        let _runtime = runtime().enter();
        Arc::new(tokio::sync::Mutex::new(PageState {
            stream: Some(client.cards()),
            buffer: VecDeque::new(),
        }))
    }

    /// The next card when it needs no waiting: buffered, or in a page that has already
    /// arrived. `None`: the next page is still on its way.
    fn ready(&mut self) -> Option<Outcome<Card>> {
        loop {
            if let Some(card) = self.buffer.pop_front() {
                return Some(Outcome::Value(card));
            }
            let stream = self.stream.as_mut()?;
            let page = stream.next_page().now_or_never()?;
            if let Some(end) = self.file(page) {
                return Some(end);
            }
        }
    }

    /// The next card, waiting for its page if needed.
    async fn next(&mut self) -> Outcome<Card> {
        loop {
            if let Some(card) = self.buffer.pop_front() {
                return Outcome::Value(card);
            }
            let Some(stream) = self.stream.as_mut() else {
                return Outcome::Stop;
            };
            let page = stream.next_page().await;
            if let Some(end) = self.file(page) {
                return end;
            }
        }
    }

    /// Buffers a page; an error or the end of the stream ends the iteration (once).
    fn file(&mut self, page: Option<cardboss::Result<Vec<Card>>>) -> Option<Outcome<Card>> {
        match page {
            Some(Ok(cards)) => {
                self.buffer.extend(cards);
                None
            }
            Some(Err(error)) => {
                self.stream = None;
                Some(Outcome::Failed(error))
            }
            None => {
                self.stream = None;
                Some(Outcome::Stop)
            }
        }
    }
}

/// The next card without waiting, if the iterator is not in use by another caller.
fn ready_card(pages: &Pages) -> Option<Outcome<Card>> {
    let mut state = pages.try_lock().ok()?;
    if state.stream.is_none() && state.buffer.is_empty() {
        return Some(Outcome::Stop);
    }
    settle_now(|| state.ready())
}

/// Iterator over every card (`for card in client.iter_cards()`).
#[pyclass(frozen, module = "cardboss")]
pub struct CardIterator {
    pages: Pages,
}

#[pymethods]
impl CardIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Card>> {
        let outcome = match ready_card(&self.pages) {
            Some(outcome) => outcome,
            None => {
                let pages = self.pages.clone();
                block_on(py, async move { Ok(pages.lock().await.next().await) })?
            }
        };
        match outcome {
            Outcome::Value(card) => Ok(Some(card)),
            Outcome::Failed(error) => Err(to_pyerr(py, error)),
            Outcome::Stop => Ok(None),
        }
    }
}

/// Async iterator over every card (`async for card in client.iter_cards()`).
#[pyclass(frozen, module = "cardboss")]
pub struct AsyncCardIterator {
    pages: Pages,
}

#[pymethods]
impl AsyncCardIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // A card that has already arrived needs neither the runtime nor the event loop.
        if let Some(outcome) = ready_card(&self.pages) {
            return Ready::awaitable(py, outcome);
        }
        let pages = self.pages.clone();
        future_into_py(py, async move { pages.lock().await.next().await })
    }
}
