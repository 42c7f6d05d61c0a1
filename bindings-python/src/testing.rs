//! `cardboss.testing.Sandbox`: the sandbox crate's server compiled into the package and started
//! inside this process, on free loopback ports of the shared runtime, so a user's tests need
//! neither a Rust build nor a separate binary.
//!
//! Translation only: the configuration's defaults are the sandbox crate's
//! (`SandboxConfig::in_process()`), the admin methods forward to the sandbox crate's own
//! functions (the ones its HTTP admin API under `/_sandbox/` calls), and the clients it hands
//! out are ordinary `cardboss.Client`s pointed at it.

use std::sync::Mutex;

use cardboss_sandbox::{SandboxConfig, SandboxHandle, SandboxState, Style};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::client::Done;
use crate::error::guard;
use crate::runtime::{block_on, future_into_py, runtime, Outcome};

/// A sandbox running in this process. `with Sandbox() as sb:` (or `async with`) stops it at the
/// end; `close()` does the same and is idempotent.
#[pyclass(frozen, module = "cardboss.testing")]
pub struct Sandbox {
    handle: Mutex<Option<SandboxHandle>>,
    state: SandboxState,
    base_url: String,
    ops_url: String,
    sid: String,
    apikey: String,
}

impl Sandbox {
    fn take(&self) -> Option<SandboxHandle> {
        self.handle.lock().unwrap_or_else(|p| p.into_inner()).take()
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
        kwargs.set_item("base_url", &self.base_url)?;
        kwargs.set_item("ops_url", &self.ops_url)?;
        py.import("cardboss")?
            .getattr(class)?
            .call((&self.sid, &self.apikey), Some(&kwargs))
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
        cards: Option<usize>,
        seed: Option<u64>,
        style: Option<String>,
        strict: Option<bool>,
        faults: Option<f64>,
        sid: Option<String>,
        apikey: Option<String>,
        legacy: Option<bool>,
    ) -> PyResult<Self> {
        let config = guard(py, || {
            let mut config = SandboxConfig::in_process();
            if let Some(v) = cards {
                config.cards = v;
            }
            if let Some(v) = seed {
                config.seed = v;
            }
            if let Some(v) = style {
                config.style = Style::parse(&v)?;
            }
            let _ = strict;
            if let Some(v) = faults {
                config.faults = v;
            }
            if let Some(v) = sid {
                config.sid = v;
            }
            if let Some(v) = apikey {
                config.apikey = v;
            }
            if let Some(v) = legacy {
                config.legacy = v;
            }
            Ok(config)
        })?;
        let handle = block_on(py, async move {
            cardboss_sandbox::start_in_process(config).await
        })?;
        Ok(Sandbox {
            state: handle.state(),
            base_url: handle.base_url(),
            ops_url: handle.ops_url(),
            sid: handle.sid().to_string(),
            apikey: handle.apikey().to_string(),
            handle: Mutex::new(Some(handle)),
        })
    }

    fn __repr__(&self) -> String {
        // Never the apikey.
        format!(
            "Sandbox(sid={:?}, base_url={:?}, ops_url={:?}{})",
            self.sid,
            self.base_url,
            self.ops_url,
            if self.closed() { ", closed=True" } else { "" }
        )
    }

    /// `http://127.0.0.1:PORT1`: queries, SMS, renewals, and the admin API under `/_sandbox/`.
    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `http://127.0.0.1:PORT2`: lifecycle operations.
    #[getter]
    fn ops_url(&self) -> &str {
        &self.ops_url
    }

    #[getter]
    fn sid(&self) -> &str {
        &self.sid
    }

    /// The account's secret (a test value, not a real apikey).
    #[getter]
    fn apikey(&self) -> &str {
        &self.apikey
    }

    #[getter]
    fn closed(&self) -> bool {
        self.handle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
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
        match self.take() {
            Some(handle) => block_on(py, async move {
                handle.shutdown().await;
                Ok(())
            }),
            None => Ok(()),
        }
    }

    /// `close()` as an awaitable (the event loop is not blocked while the servers finish).
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let handle = self.take();
        future_into_py(py, async move {
            if let Some(handle) = handle {
                handle.shutdown().await;
            }
            Outcome::Value(Done)
        })
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
        if let Some(handle) = self.take() {
            runtime().spawn(handle.shutdown());
        }
    }
}
