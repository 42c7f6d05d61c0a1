//! `cardboss.testing.Sandbox`: the sandbox crate's server compiled into the package and started
//! inside this process, on free loopback ports of the shared runtime, so a user's tests need
//! neither a Rust build nor a separate binary.
//!
//! Translation only: the configuration's defaults are the sandbox crate's
//! (`SandboxConfig::in_process()`), the admin methods forward to the sandbox crate's own
//! functions (the ones its HTTP admin API under `/_sandbox/` calls), and the clients it hands
//! out are ordinary `cardboss.Client`s pointed at it.

use cardboss_sandbox::{FaultKind, InProcessSandbox, SandboxState, WarningFigures};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::client::Done;
use crate::error::to_pyerr;
use crate::json_to_object;
use crate::runtime::{block_on, future_into_py, runtime, Outcome};

/// A sandbox running in this process. `with Sandbox() as sb:` (or `async with`) stops it at the
/// end; `close()` does the same and is idempotent.
#[pyclass(frozen, module = "cardboss.testing")]
pub struct Sandbox {
    inner: InProcessSandbox,
}

impl Sandbox {
    /// Runs an admin call of the sandbox crate with the GIL released; its answer becomes the
    /// Python object of its JSON (dicts and lists), a refusal `InvalidInputError`.
    fn admin<'py, T, E>(
        &self,
        py: Python<'py>,
        call: impl FnOnce(&SandboxState) -> Result<T, E> + Send,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        T: serde::Serialize + Send,
        E: Into<cardboss::Error> + Send,
    {
        let state = self.inner.state();
        let answer = py.detach(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(state)))
                .map_err(crate::error::panic_error)
                .and_then(|r| r.map_err(Into::into))
        });
        json_to_object(py, &answer.map_err(|e| to_pyerr(py, e))?)
    }

    /// The keyword arguments of `client()` / `async_client()`: the caller's options with this
    /// sandbox's addresses.
    fn client_of<'py>(
        &self,
        py: Python<'py>,
        class: &str,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = match options {
            Some(o) => o.copy()?,
            None => PyDict::new(py),
        };
        kwargs.set_item("base_url", self.inner.base_url())?;
        kwargs.set_item("ops_url", self.inner.ops_url())?;
        py.import("cardboss")?
            .getattr(class)?
            .call((self.inner.sid(), self.inner.apikey()), Some(&kwargs))
    }
}

#[pymethods]
impl Sandbox {
    /// Starts a sandbox on free ports. Every argument left out keeps the sandbox's default
    /// (1000 cards, seed 1, style "example", lenient, no faults).
    #[new]
    #[pyo3(signature = (*, cards = None, seed = None, style = None, strict = None, faults = None, sid = None, apikey = None, legacy = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        cards: Option<i64>,
        seed: Option<i64>,
        style: Option<String>,
        strict: Option<bool>,
        faults: Option<f64>,
        sid: Option<String>,
        apikey: Option<String>,
        legacy: Option<bool>,
    ) -> PyResult<Self> {
        let options = cardboss_sandbox::SandboxOptions {
            cards,
            seed,
            style,
            strict,
            faults,
            sid,
            apikey,
            legacy,
        };
        let inner = block_on(py, InProcessSandbox::start(Some(options)))?;
        Ok(Sandbox { inner })
    }

    fn __repr__(&self) -> String {
        // Never the apikey.
        format!(
            "Sandbox(sid={:?}, base_url={:?}, ops_url={:?}{})",
            self.inner.sid(),
            self.inner.base_url(),
            self.inner.ops_url(),
            if self.closed() { ", closed=True" } else { "" }
        )
    }

    /// `http://127.0.0.1:PORT1`: queries, SMS, renewals, and the admin API under `/_sandbox/`.
    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// `http://127.0.0.1:PORT2`: lifecycle operations.
    #[getter]
    fn ops_url(&self) -> &str {
        self.inner.ops_url()
    }

    #[getter]
    fn sid(&self) -> &str {
        self.inner.sid()
    }

    /// The account's secret (a test value, not a real apikey).
    #[getter]
    fn apikey(&self) -> &str {
        self.inner.apikey()
    }

    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// A `cardboss.Client` pointed at this sandbox; `options` are `Client`'s keyword arguments.
    #[pyo3(signature = (**options))]
    fn client<'py>(
        &self,
        py: Python<'py>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.client_of(py, "Client", options)
    }

    /// A `cardboss.AsyncClient` pointed at this sandbox.
    #[pyo3(signature = (**options))]
    fn async_client<'py>(
        &self,
        py: Python<'py>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.client_of(py, "AsyncClient", options)
    }

    /// Stops both servers (the GIL is released while they finish). Idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        match self.inner.take() {
            Some(handle) => block_on(py, async move {
                handle.shutdown().await;
                Ok(())
            }),
            None => Ok(()),
        }
    }

    /// `close()` as an awaitable (the event loop is not blocked while the servers finish).
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let handle = self.inner.take();
        future_into_py(py, async move {
            if let Some(handle) = handle {
                handle.shutdown().await;
            }
            Outcome::Value(Done)
        })
    }

    /// The business clock: `{"offset_secs", "now", "unix"}`.
    fn clock<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| Ok::<_, cardboss::Error>(sb.clock()))
    }

    /// Moves the business clock forward by `seconds`: cooldowns expire, automatic renewals
    /// confirm (and push). Returns the clock.
    #[pyo3(signature = (seconds))]
    fn advance_clock<'py>(&self, py: Python<'py>, seconds: i64) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| Ok::<_, cardboss::Error>(sb.advance_clock(seconds)))
    }

    /// Injects faults into that share of API requests (0 to 1; 0 turns them off), of the given
    /// kinds (`"http500"`, `"http502"`, `"reset"`, `"delay"`, `"truncated"`, `"code1090"`;
    /// default all). Returns the fault configuration.
    #[pyo3(signature = (rate, kinds = None))]
    fn set_faults<'py>(
        &self,
        py: Python<'py>,
        rate: f64,
        kinds: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| {
            let kinds = kinds.as_deref().map(FaultKind::parse_all).transpose()?;
            sb.set_faults(rate, kinds).map_err(cardboss::Error::from)
        })
    }

    /// Every renewal order, oldest first.
    fn orders<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| Ok::<_, cardboss::Error>(sb.orders()))
    }

    /// Confirms a pending (manually audited) renewal order: the package is added and an OD1002
    /// push with status 1 goes to the push receiver. Returns the order.
    #[pyo3(signature = (orderid))]
    fn approve_order<'py>(&self, py: Python<'py>, orderid: String) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| sb.approve_order(&orderid))
    }

    /// Rejects a pending renewal order: nothing is charged, an OD1002 push with status 0 goes
    /// to the push receiver. Returns the order.
    #[pyo3(signature = (orderid))]
    fn reject_order<'py>(&self, py: Python<'py>, orderid: String) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| sb.reject_order(&orderid))
    }

    /// Every operation the sandbox accepted (and POSTs a fault stopped), oldest first.
    fn ledger<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| Ok::<_, cardboss::Error>(sb.ledger()))
    }

    /// Requests received: `{"total": n, "endpoints": {"card/detail": n, ...}}`.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| Ok::<_, cardboss::Error>(sb.stats()))
    }

    /// Every push sent (or tried), oldest first.
    fn pushes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| Ok::<_, cardboss::Error>(sb.pushes()))
    }

    /// Where data pushes (OD1002 renewals, OD1010 warnings) go; `None` stops them.
    #[pyo3(signature = (url))]
    fn set_push_url(&self, py: Python<'_>, url: Option<String>) -> PyResult<()> {
        self.admin(py, |sb| {
            sb.set_push_url(url);
            Ok::<_, cardboss::Error>(())
        })
        .map(drop)
    }

    /// Where SMS pushes (P0001 reports, P0002 replies) go; `None` stops them.
    #[pyo3(signature = (url))]
    fn set_sms_push_url(&self, py: Python<'_>, url: Option<String>) -> PyResult<()> {
        self.admin(py, |sb| {
            sb.set_sms_push_url(url);
            Ok::<_, cardboss::Error>(())
        })
        .map(drop)
    }

    /// Sends one OD1010 warning push for `card` (msisdn or iccid) of `warning_type` (11–15,
    /// 21–24, 31–32, 41–42, 51); figures left out are the card's own. Returns
    /// `{"item": {...}, "pushed": bool}`.
    #[pyo3(signature = (card, warning_type, *, total = None, usage = None, outflow = None))]
    fn send_warning<'py>(
        &self,
        py: Python<'py>,
        card: String,
        warning_type: u8,
        total: Option<f64>,
        usage: Option<f64>,
        outflow: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let figures = WarningFigures {
            total,
            usage,
            outflow,
        };
        self.admin(py, |sb| sb.send_warning(&card, warning_type, figures))
    }

    /// Everything the sandbox knows about one card (msisdn or iccid).
    #[pyo3(signature = (card))]
    fn card<'py>(&self, py: Python<'py>, card: String) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| sb.card(&card))
    }

    /// An SMS reply from a device: queued for `sms_replies()` and pushed as P0002.
    #[pyo3(signature = (mobile, content))]
    fn upstream_sms<'py>(
        &self,
        py: Python<'py>,
        mobile: String,
        content: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.admin(py, |sb| {
            Ok::<_, cardboss::Error>(sb.upstream_sms(&mobile, &content))
        })
    }

    /// Regenerates everything from the start-up configuration.
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        self.admin(py, |sb| {
            sb.reset();
            Ok::<_, cardboss::Error>(())
        })
        .map(drop)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc_info))]
    fn __exit__(&self, py: Python<'_>, _exc_info: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.close(py)
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
        _exc_info: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.aclose(py)
    }
}

impl Drop for Sandbox {
    /// A sandbox dropped without `close()` still stops its servers, in the background.
    fn drop(&mut self) {
        if let Some(handle) = self.inner.take() {
            runtime().spawn(handle.shutdown());
        }
    }
}
