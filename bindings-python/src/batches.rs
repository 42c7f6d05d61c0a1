//! Bulk results batch by batch: `card_detail_batches`, `current_usage_batches` and
//! `usage_history_batches` hand the core's `Batches` to Python as an iterator of lists
//! (`Client`) or an async iterator of lists (`AsyncClient`), so that a large fleet is synced in
//! flat memory.
//!
//! Every card (and the month) is validated by the core at the call, before anything is sent;
//! the core then fetches ahead on the shared runtime. Ending the iteration early (`break`,
//! `close()`, garbage collection) drops the core's `Batches`, which stops the fetching.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use cardboss::{Batches, CardDetail, CurrentUsage, FleetRecord, MonthlyUsage};
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};
use pyo3::prelude::*;
use pyo3::IntoPyObjectExt;
use tokio::sync::{Mutex, Notify};

use crate::cards::cards;
use crate::client::{AsyncClient, Client, Done, Shared};
use crate::error::{guard, to_pyerr};
use crate::runtime::{block_on, future_into_py, runtime, settle_now, Outcome, Ready};

/// One batch (up to 100 records) of any of the three bulk calls, or of a fleet sync.
pub enum Batch {
    Details(Vec<CardDetail>),
    Usage(Vec<CurrentUsage>),
    History(Vec<MonthlyUsage>),
    Fleet(Vec<FleetRecord>),
}

impl<'py> IntoPyObject<'py> for Batch {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Batch::Details(records) => records.into_bound_py_any(py),
            Batch::Usage(records) => records.into_bound_py_any(py),
            Batch::History(records) => records.into_bound_py_any(py),
            Batch::Fleet(records) => records.into_bound_py_any(py),
        }
    }
}

pub type BatchStream = BoxStream<'static, cardboss::Result<Batch>>;

/// The core's batches with their record type erased (dropping the stream drops them).
fn erase<T: Send + 'static>(batches: Batches<T>, wrap: fn(Vec<T>) -> Batch) -> BatchStream {
    batches.map(move |batch| batch.map(wrap)).boxed()
}

/// The batches still to come, shared by the iterator object and the waits it started.
pub struct State {
    stream: Mutex<Option<BatchStream>>,
    closed: AtomicBool,
    closing: Notify,
}

impl State {
    /// Calls the core (inside the runtime, which the fetching task is spawned on).
    pub fn start(
        py: Python<'_>,
        shared: &Shared,
        open: impl FnOnce(cardboss::Client) -> cardboss::Result<BatchStream>,
    ) -> PyResult<Arc<State>> {
        guard(py, || {
            let client = shared.client()?;
            let _runtime = runtime().enter();
            Ok(Arc::new(State {
                stream: Mutex::new(Some(open(client)?)),
                closed: AtomicBool::new(false),
                closing: Notify::new(),
            }))
        })
    }

    /// The next batch when it needs no waiting (already arrived, or the end); `None` when it is
    /// still on its way or another caller is waiting for it.
    fn ready(&self) -> Option<Outcome<Batch>> {
        let mut slot = self.stream.try_lock().ok()?;
        if self.closed.load(Ordering::SeqCst) {
            *slot = None;
        }
        if slot.is_none() {
            return Some(Outcome::Stop);
        }
        settle_now(|| {
            let item = slot.as_mut()?.next().now_or_never()?;
            Some(Self::settle(&mut slot, item))
        })
    }

    /// The next batch, waiting for it; `close()` ends the wait.
    async fn next(&self) -> Outcome<Batch> {
        let mut slot = self.stream.lock().await;
        let closing = self.closing.notified();
        tokio::pin!(closing);
        closing.as_mut().enable();
        if self.closed.load(Ordering::SeqCst) {
            *slot = None;
        }
        let Some(stream) = slot.as_mut() else {
            return Outcome::Stop;
        };
        let item = tokio::select! {
            item = stream.next() => Some(item),
            () = &mut closing => None,
        };
        match item {
            Some(item) => Self::settle(&mut slot, item),
            None => {
                *slot = None;
                Outcome::Stop
            }
        }
    }

    /// A failed batch is the last item: the stream is dropped with it, and at the end.
    fn settle(
        slot: &mut Option<BatchStream>,
        item: Option<cardboss::Result<Batch>>,
    ) -> Outcome<Batch> {
        match item {
            Some(Ok(batch)) => Outcome::Value(batch),
            Some(Err(error)) => {
                *slot = None;
                Outcome::Failed(error)
            }
            None => {
                *slot = None;
                Outcome::Stop
            }
        }
    }

    /// `__next__`: a batch that has arrived at once, else waiting with the GIL released.
    pub fn next_blocking(self: &Arc<Self>, py: Python<'_>) -> PyResult<Option<Batch>> {
        let outcome = match self.ready() {
            Some(outcome) => outcome,
            None => {
                let state = self.clone();
                block_on(py, async move { Ok(state.next().await) })?
            }
        };
        match outcome {
            Outcome::Value(batch) => Ok(Some(batch)),
            Outcome::Failed(error) => Err(to_pyerr(py, error)),
            Outcome::Stop => Ok(None),
        }
    }

    /// `__anext__`: an awaitable of the next batch, which never blocks the event loop.
    pub fn next_awaitable<'py>(self: &Arc<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // A batch that has already arrived needs neither the runtime nor the event loop.
        if let Some(outcome) = self.ready() {
            return Ready::awaitable(py, outcome);
        }
        let state = self.clone();
        future_into_py(py, async move { state.next().await })
    }

    /// `aclose()`: closes, as an awaitable (for `contextlib.aclosing`).
    pub fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.close();
        Ready::awaitable(py, Outcome::Value(Done))
    }

    /// Stops the fetching now (a wait in progress ends with the end of the iteration).
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.closing.notify_waiters();
        if let Ok(mut slot) = self.stream.try_lock() {
            *slot = None;
        }
    }
}

/// Iterator over the batches of a bulk call (`for batch in client.card_detail_batches(...)`):
/// each item is a list of up to 100 records, in input order. A failed batch raises its error
/// and ends the iteration.
#[pyclass(frozen, generic, module = "cardboss")]
pub struct BatchIterator {
    state: Arc<State>,
}

#[pymethods]
impl BatchIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Batch>> {
        self.state.next_blocking(py)
    }

    /// Stops the background fetching and ends the iteration. Idempotent.
    fn close(&self) {
        self.state.close();
    }
}

/// Async iterator over the batches of a bulk call
/// (`async for batch in client.card_detail_batches(...)`).
#[pyclass(frozen, generic, module = "cardboss")]
pub struct AsyncBatchIterator {
    state: Arc<State>,
}

#[pymethods]
impl AsyncBatchIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.state.next_awaitable(py)
    }

    /// Stops the background fetching and ends the iteration. Idempotent.
    fn close(&self) {
        self.state.close();
    }

    /// `close()`, as an awaitable (for `contextlib.aclosing`).
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.state.aclose(py)
    }
}

/// Declares each bulk call once for both clients: `Client` returns a [`BatchIterator`],
/// `AsyncClient` an [`AsyncBatchIterator`]. `body` gives the core's stream of batches.
macro_rules! batch_endpoints {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($($sig:tt)*)($($arg:ident : $ty:ty),* $(,)?) => |$client:ident| $body:expr;
    )*) => {
        #[pymethods]
        impl Client {$(
            $(#[doc = $doc])*
            #[pyo3(signature = ($($sig)*))]
            fn $name(&self, py: Python<'_>, $($arg: $ty),*) -> PyResult<BatchIterator> {
                let state = State::start(py, &self.shared, move |$client| $body)?;
                Ok(BatchIterator { state })
            }
        )*}

        #[pymethods]
        impl AsyncClient {$(
            $(#[doc = $doc])*
            #[pyo3(signature = ($($sig)*))]
            fn $name(&self, py: Python<'_>, $($arg: $ty),*) -> PyResult<AsyncBatchIterator> {
                let state = State::start(py, &self.shared, move |$client| $body)?;
                Ok(AsyncBatchIterator { state })
            }
        )*}
    };
}

batch_endpoints! {
    /// 3.2.2 card/detail batch by batch: an iterator of lists of up to 100 `CardDetail`, in
    /// input order, fetched ahead in the background. Bad input raises here, before anything is
    /// sent; ending the iteration early stops the fetching.
    fn card_detail_batches(*, msisdns = None, iccids = None)(msisdns: Option<Vec<String>>, iccids: Option<Vec<String>>)
        => |client| Ok(erase(client.card_detail_batches(&cards(msisdns, iccids)?)?, Batch::Details));

    /// 3.2.3 card/usage/current batch by batch (like `card_detail_batches`).
    fn current_usage_batches(*, msisdns = None, iccids = None)(msisdns: Option<Vec<String>>, iccids: Option<Vec<String>>)
        => |client| Ok(erase(client.current_usage_batches(&cards(msisdns, iccids)?)?, Batch::Usage));

    /// 3.2.4 card/usage/past batch by batch: a month (`yyyyMM`, within the last 3) of usage
    /// (like `card_detail_batches`).
    fn usage_history_batches(month, *, msisdns = None, iccids = None, showday = None)
        (month: String, msisdns: Option<Vec<String>>, iccids: Option<Vec<String>>, showday: Option<String>)
        => |client| Ok(erase(client.usage_history_batches(&month, &cards(msisdns, iccids)?, showday.as_deref())?, Batch::History));
}
