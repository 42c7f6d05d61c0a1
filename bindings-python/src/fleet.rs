//! Fleet sync: `client.fleet_sync(...)` hands the core's `FleetSync` to Python as an iterator of
//! lists of `FleetRecord` (`Client`) or an async iterator of them (`AsyncClient`), with the
//! run's `report` and `checkpoint()` read from the core's status handle. Everything else (the
//! join, de-duplication, re-tries, the budget, the cursor) is the core's; the waiting is the
//! batch iterators' (GIL released, event loop never blocked).

use std::sync::Arc;

use cardboss::{FleetSyncOptions, FleetSyncReport, FleetSyncStatus};
use futures::StreamExt;
use pyo3::prelude::*;

use crate::batches::{Batch, State};
use crate::client::{AsyncClient, Client, Shared};

/// Starts the core's sync on the shared runtime; options left `None` keep the core's defaults.
#[allow(clippy::too_many_arguments)]
fn start(
    py: Python<'_>,
    shared: &Shared,
    details: Option<bool>,
    usage: Option<bool>,
    packages: Option<bool>,
    history_month: Option<String>,
    concurrency: Option<usize>,
    retry_budget: Option<u32>,
    checkpoint: Option<String>,
) -> PyResult<(Arc<State>, FleetSyncStatus)> {
    let options = FleetSyncOptions {
        history_month,
        concurrency,
        retry_budget,
        resume_from: checkpoint,
        ..FleetSyncOptions::with_parts(details, usage, packages)
    };
    let mut status = None;
    let state = State::start(py, shared, |client| {
        let sync = client.fleet_sync(options)?;
        status = Some(sync.status());
        Ok(sync.map(|batch| batch.map(Batch::Fleet)).boxed())
    })?;
    let status = status
        .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("fleet sync did not start"))?;
    Ok((state, status))
}

/// `for batch in client.fleet_sync()`: lists of `FleetRecord` in list order, each card once.
/// `report` is final after the end; `checkpoint()` resumes a later sync. A failure that leaves
/// nothing to name (page 1 of the listing, or the account refused) raises; everything else is
/// named in the report.
#[pyclass(frozen, module = "cardboss")]
pub struct FleetSync {
    state: Arc<State>,
    status: FleetSyncStatus,
}

#[pymethods]
impl FleetSync {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Batch>> {
        self.state.next_blocking(py)
    }

    /// The run's counts and what it could not fetch; `finished` after the last batch.
    #[getter]
    fn report(&self) -> FleetSyncReport {
        self.status.report()
    }

    /// JSON text of what was received so far, for `fleet_sync(checkpoint=...)`.
    fn checkpoint(&self) -> String {
        self.status.checkpoint()
    }

    /// Stops the sync's requests and ends the iteration. Idempotent.
    fn close(&self) {
        self.state.close();
    }
}

/// `async for batch in client.fleet_sync()` (see `FleetSync`).
#[pyclass(frozen, module = "cardboss")]
pub struct AsyncFleetSync {
    state: Arc<State>,
    status: FleetSyncStatus,
}

#[pymethods]
impl AsyncFleetSync {
    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.state.next_awaitable(py)
    }

    #[getter]
    fn report(&self) -> FleetSyncReport {
        self.status.report()
    }

    fn checkpoint(&self) -> String {
        self.status.checkpoint()
    }

    fn close(&self) {
        self.state.close();
    }

    /// `close()`, as an awaitable (for `contextlib.aclosing`).
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.state.aclose(py)
    }
}

#[pymethods]
impl Client {
    /// The whole fleet: list + card/detail + card/usage/current merged per card (usage wins
    /// for the counters), optionally packages and a month's usage, in batches, each card once,
    /// re-tried under a run budget. An argument left `None` keeps the core's default: details
    /// and usage on, packages off. `checkpoint=` continues an earlier run.
    #[pyo3(signature = (*, details = None, usage = None, packages = None, history_month = None, concurrency = None, retry_budget = None, checkpoint = None))]
    #[allow(clippy::too_many_arguments)]
    fn fleet_sync(
        &self,
        py: Python<'_>,
        details: Option<bool>,
        usage: Option<bool>,
        packages: Option<bool>,
        history_month: Option<String>,
        concurrency: Option<usize>,
        retry_budget: Option<u32>,
        checkpoint: Option<String>,
    ) -> PyResult<FleetSync> {
        let (state, status) = start(
            py,
            &self.shared,
            details,
            usage,
            packages,
            history_month,
            concurrency,
            retry_budget,
            checkpoint,
        )?;
        Ok(FleetSync { state, status })
    }
}

#[pymethods]
impl AsyncClient {
    /// `async for batch in client.fleet_sync()`: see `Client.fleet_sync`.
    #[pyo3(signature = (*, details = None, usage = None, packages = None, history_month = None, concurrency = None, retry_budget = None, checkpoint = None))]
    #[allow(clippy::too_many_arguments)]
    fn fleet_sync(
        &self,
        py: Python<'_>,
        details: Option<bool>,
        usage: Option<bool>,
        packages: Option<bool>,
        history_month: Option<String>,
        concurrency: Option<usize>,
        retry_budget: Option<u32>,
        checkpoint: Option<String>,
    ) -> PyResult<AsyncFleetSync> {
        let (state, status) = start(
            py,
            &self.shared,
            details,
            usage,
            packages,
            history_month,
            concurrency,
            retry_budget,
            checkpoint,
        )?;
        Ok(AsyncFleetSync { state, status })
    }
}
