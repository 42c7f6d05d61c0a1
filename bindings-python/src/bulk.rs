//! Bulk lifecycle operations: `client.bulk(op, ...)` runs the core's `Client::bulk_named` to its
//! end and returns the `BulkReport`; `client.bulk_iter(op, ...)` hands the outcomes to Python as
//! they are settled (an iterator for `Client`, an async iterator for `AsyncClient`), with the
//! run's `report`, `cancel()` and `close()`. The keyword arguments go into `BulkSettings` as
//! given: every default, range and rule (which parameter an operation takes, cooldowns,
//! requeues, the journal) is the core's.
//!
//! Stopping is always the core's cancel: requests in flight finish and are journaled, the cards
//! not sent are reported `not_attempted`. A KeyboardInterrupt in `bulk()` cancels and waits for
//! that before it is raised; cancelling the task awaiting `AsyncClient.bulk()` drops the run,
//! which cancels it the same way (its last requests finish in the background).

use std::future::{poll_fn, Future};
use std::path::PathBuf;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use cardboss::{BulkOutcome, BulkReport, BulkRun, BulkSettings, CardSet};
use futures::FutureExt;
use pyo3::prelude::*;

use crate::client::{AsyncClient, Client, Done, Shared};
use crate::error::{guard, invalid};
use crate::operations::{audit_mode, AuditArg, PackageArg};
use crate::runtime::{block_on, future_into_py, runtime, settle_now, Outcome, Ready};

/// A run's arguments as the core takes them.
struct Args {
    op: String,
    cards: CardSet,
    settings: BulkSettings,
}

/// The journal's path as `BulkSettings` holds it.
fn journal_path(path: PathBuf) -> cardboss::Result<String> {
    path.into_os_string()
        .into_string()
        .map_err(|_| invalid("journal", "must be a UTF-8 path"))
}

/// A run in progress, shared by the iterator object and the waits it started.
///
/// The core's `BulkRun` sits behind a plain mutex that is only held for one poll of its
/// `next()`, a `report()` or a `cancel()`, so the report and cancelling never wait for an
/// outcome. (Polling a fresh `next()` each time loses nothing: it is a channel's `recv`, which
/// keeps the waker it was last polled with.) `turn` lets one caller wait at a time.
pub struct Run {
    run: Mutex<BulkRun>,
    turn: tokio::sync::Mutex<()>,
    /// The core said the run is over: the report is final.
    ended: AtomicBool,
    /// `close()`d: the iteration is over.
    closed: AtomicBool,
}

impl Run {
    /// Starts the core's run (inside the runtime, which its task is spawned on); bad input is
    /// refused here, before any request.
    fn start(py: Python<'_>, shared: &Shared, args: cardboss::Result<Args>) -> PyResult<Arc<Run>> {
        guard(py, || {
            let args = args?;
            let client = shared.client()?;
            let _runtime = runtime().enter();
            let run = client.bulk_named(&args.op, &args.cards, args.settings)?;
            Ok(Arc::new(Run {
                run: Mutex::new(run),
                turn: tokio::sync::Mutex::new(()),
                ended: AtomicBool::new(false),
                closed: AtomicBool::new(false),
            }))
        })
    }

    fn lock(&self) -> MutexGuard<'_, BulkRun> {
        self.run.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<BulkOutcome>> {
        let mut run = self.lock();
        let next = pin!(run.next());
        next.poll(cx)
    }

    fn settle(&self, item: Option<BulkOutcome>) -> Outcome<BulkOutcome> {
        match item {
            // An outcome that arrives after `close()` is in the report only.
            Some(outcome) if !self.closed.load(Ordering::SeqCst) => Outcome::Value(outcome),
            Some(_) => Outcome::Stop,
            None => {
                self.ended.store(true, Ordering::SeqCst);
                Outcome::Stop
            }
        }
    }

    fn over(&self) -> bool {
        self.closed.load(Ordering::SeqCst) || self.ended.load(Ordering::SeqCst)
    }

    /// The next outcome when it needs no waiting; `None` when it is still to come or another
    /// caller is waiting for it.
    fn ready(&self) -> Option<Outcome<BulkOutcome>> {
        let _turn = self.turn.try_lock().ok()?;
        if self.over() {
            return Some(Outcome::Stop);
        }
        settle_now(|| {
            let item = self.lock().next().now_or_never()?;
            Some(self.settle(item))
        })
    }

    /// The next outcome, waiting for it.
    async fn next(&self) -> Outcome<BulkOutcome> {
        let _turn = self.turn.lock().await;
        if self.over() {
            return Outcome::Stop;
        }
        let item = poll_fn(|cx| self.poll_next(cx)).await;
        self.settle(item)
    }

    /// Waits for the end of the run (the outcomes not taken are in the report).
    async fn drain(&self) {
        let _turn = self.turn.lock().await;
        while poll_fn(|cx| self.poll_next(cx)).await.is_some() {}
        self.ended.store(true, Ordering::SeqCst);
    }

    /// The report so far: final once the iteration is over (or `close()` returned).
    pub fn report(&self) -> BulkReport {
        self.lock().report()
    }

    /// Sends nothing more; the outcomes still to come end the iteration.
    pub fn cancel(&self) {
        self.lock().cancel();
    }

    /// Waits for the end with the GIL released. An interrupt (Ctrl-C) cancels the run and
    /// still waits for its requests in flight, then is raised; a second one leaves them to
    /// finish in the background (the journal stays valid either way).
    fn finish_blocking(self: &Arc<Self>, py: Python<'_>) -> PyResult<BulkReport> {
        let run = self.clone();
        if let Err(interrupt) = block_on(py, async move {
            run.drain().await;
            Ok(())
        }) {
            self.cancel();
            let run = self.clone();
            let _ = block_on(py, async move {
                run.drain().await;
                Ok(())
            });
            return Err(interrupt);
        }
        Ok(self.report())
    }

    /// `__next__`: an outcome that has arrived at once, else waiting with the GIL released.
    fn next_blocking(self: &Arc<Self>, py: Python<'_>) -> PyResult<Option<BulkOutcome>> {
        let outcome = match self.ready() {
            Some(outcome) => outcome,
            None => {
                let run = self.clone();
                block_on(py, async move { Ok(run.next().await) })?
            }
        };
        match outcome {
            Outcome::Value(outcome) => Ok(Some(outcome)),
            Outcome::Failed(error) => Err(crate::error::to_pyerr(py, error)),
            Outcome::Stop => Ok(None),
        }
    }

    /// `__anext__`: an awaitable of the next outcome, which never blocks the event loop.
    fn next_awaitable<'py>(self: &Arc<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(outcome) = self.ready() {
            return Ready::awaitable(py, outcome);
        }
        let run = self.clone();
        future_into_py(py, async move { run.next().await })
    }

    fn close_blocking(self: &Arc<Self>, py: Python<'_>) -> PyResult<()> {
        self.closed.store(true, Ordering::SeqCst);
        self.cancel();
        self.finish_blocking(py).map(drop)
    }

    fn close_now(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.cancel();
    }

    fn aclose<'py>(self: &Arc<Self>, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.close_now();
        let run = self.clone();
        future_into_py(py, async move {
            run.drain().await;
            Outcome::Value(Done)
        })
    }
}

/// `for outcome in client.bulk_iter(...)`: each card's `BulkOutcome` once, as it is settled.
/// `report` is final after the last one; `cancel()` sends nothing more (the iteration goes on
/// with the rest: requests in flight, then the cards not sent); `close()` (and the end of a
/// `with` block) cancels and waits for the end. Dropping the iterator cancels the run.
#[pyclass(frozen, module = "cardboss")]
pub struct BulkIterator {
    run: Arc<Run>,
}

#[pymethods]
impl BulkIterator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<BulkOutcome>> {
        self.run.next_blocking(py)
    }

    /// The run's counts and the outcomes so far; final once the iteration is over.
    #[getter]
    fn report(&self) -> BulkReport {
        self.run.report()
    }

    /// Sends nothing more: requests in flight finish, the cards not sent are `not_attempted`
    /// (they still come out of the iteration).
    fn cancel(&self) {
        self.run.cancel();
    }

    /// Cancels the run and waits (GIL released) for its requests in flight, which are
    /// journaled; the iteration is over and `report` final. Idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        self.run.close_blocking(py)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc_info))]
    fn __exit__(
        &self,
        py: Python<'_>,
        _exc_info: &Bound<'_, pyo3::types::PyTuple>,
    ) -> PyResult<()> {
        self.run.close_blocking(py)
    }
}

/// `async for outcome in client.bulk_iter(...)` (see `BulkIterator`); `aclose()` (and the end
/// of an `async with` block) cancels and awaits the end.
#[pyclass(frozen, module = "cardboss")]
pub struct AsyncBulkIterator {
    run: Arc<Run>,
}

#[pymethods]
impl AsyncBulkIterator {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.run.next_awaitable(py)
    }

    /// The run's counts and the outcomes so far; final once the iteration is over.
    #[getter]
    fn report(&self) -> BulkReport {
        self.run.report()
    }

    /// Sends nothing more: requests in flight finish, the cards not sent are `not_attempted`
    /// (they still come out of the iteration).
    fn cancel(&self) {
        self.run.cancel();
    }

    /// Cancels the run and ends the iteration without waiting: its requests in flight finish
    /// in the background (`aclose()` awaits them). Idempotent.
    fn close(&self) {
        self.run.close_now();
    }

    /// Cancels the run and awaits its requests in flight, which are journaled; `report` is
    /// then final. Idempotent.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.run.aclose(py)
    }

    fn __aenter__<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let this = slf.unbind();
        future_into_py(py, async move { Outcome::Value(this) })
    }

    #[pyo3(signature = (*_exc_info))]
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        _exc_info: &Bound<'py, pyo3::types::PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.run.aclose(py)
    }
}

/// Declares the four bulk methods with the one signature: `$args` is the run's
/// `cardboss::Result<Args>` (a bad `audit=` or `cards=` raises where the core's checks do).
macro_rules! bulk_methods {
    ($(
        $(#[doc = $doc:literal])*
        fn $class:ident::$name:ident -> $ret:ty => |$this:ident, $py:ident, $args:ident| $body:expr;
    )*) => {$(
        #[pymethods]
        impl $class {
            $(#[doc = $doc])*
            #[pyo3(signature = (op, *, msisdns = None, iccids = None, cards = None, apn = None,
                                min_left_percent = None, pkgcode = None, package = None,
                                months = None, repetition = None, startdate = None, audit = None,
                                remark = None, concurrency = None, journal = None, dry_run = None,
                                wait_cooldowns = None, check_state = None, deadline_ms = None,
                                max_requeues = None))]
            #[allow(clippy::too_many_arguments)]
            fn $name<'py>(
                &self,
                $py: Python<'py>,
                op: String,
                msisdns: Option<Vec<String>>,
                iccids: Option<Vec<String>>,
                cards: Option<Vec<String>>,
                apn: Option<String>,
                min_left_percent: Option<i32>,
                pkgcode: Option<String>,
                package: Option<PackageArg>,
                months: Option<i32>,
                repetition: Option<bool>,
                startdate: Option<String>,
                audit: Option<AuditArg>,
                remark: Option<String>,
                concurrency: Option<i32>,
                journal: Option<PathBuf>,
                dry_run: Option<bool>,
                wait_cooldowns: Option<bool>,
                check_state: Option<bool>,
                deadline_ms: Option<i64>,
                max_requeues: Option<i32>,
            ) -> PyResult<$ret> {
                let $this = self;
                let $args = (|| -> cardboss::Result<Args> {
                    Ok(Args {
                        op,
                        cards: CardSet::from_parts(msisdns, iccids, cards)?,
                        settings: BulkSettings {
                            apn,
                            min_left_percent,
                            pkgcode,
                            package: package.map(|p| p.0),
                            months,
                            repetition,
                            startdate,
                            audit: audit_mode(audit)?,
                            remark,
                            concurrency,
                            journal: journal.map(journal_path).transpose()?,
                            dry_run,
                            wait_cooldowns,
                            check_state,
                            deadline_ms,
                            max_requeues,
                        },
                    })
                })();
                $body
            }
        }
    )*};
}

bulk_methods! {
    /// Runs `op` on every card and returns the `BulkReport` (GIL released). `op`: suspend,
    /// resume, end_test_period, force_activate, disable_data (`apn`), enable_data (`apn`,
    /// `min_left_percent`) or renew (`pkgcode` or `package`, `months`, `repetition`,
    /// `startdate`, `audit`, `remark`). Cards by `msisdns=`, `iccids=` or `cards=` (either form).
    /// Each card gets one outcome; nothing is applied twice: a card in its cooldown window waits
    /// for it (`wait_cooldowns=False`: not attempted), a refusal that proves nothing was applied
    /// is queued again (`max_requeues`), a lost answer is settled by reading the card back.
    /// `journal=` (a path) makes a killed run repeatable; `dry_run=True` sends nothing;
    /// `check_state=True` skips cards already in the target state; `deadline_ms` stops sending.
    /// Every argument left None is the core's default. Bad input raises before any request;
    /// Ctrl-C cancels (requests in flight finish and are journaled) and is raised.
    fn Client::bulk -> BulkReport => |this, py, args| {
        Run::start(py, &this.shared, args)?.finish_blocking(py)
    };

    /// `bulk(...)`'s run as an iterator of `BulkOutcome`, each card once as it is settled, with
    /// `report`, `cancel()` and `close()`; a context manager. Bad input raises here.
    fn Client::bulk_iter -> BulkIterator => |this, py, args| {
        Ok(BulkIterator { run: Run::start(py, &this.shared, args)? })
    };

    /// `Client.bulk(...)` as a coroutine (the run starts when awaited); cancelling the task
    /// that awaits it cancels the run (requests in flight finish and are journaled).
    fn AsyncClient::bulk -> Bound<'py, PyAny> => |this, py, args| {
        this.spawn(py, move |client| async move {
            let args = args?;
            Ok(client.bulk_named(&args.op, &args.cards, args.settings)?.finish().await)
        })
    };

    /// `Client.bulk_iter(...)` as an async iterator (`async for`, `async with`). Bad input
    /// raises here.
    fn AsyncClient::bulk_iter -> AsyncBulkIterator => |this, py, args| {
        Ok(AsyncBulkIterator { run: Run::start(py, &this.shared, args)? })
    };
}
