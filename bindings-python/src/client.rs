//! `Client` (synchronous, releases the GIL while it waits) and `AsyncClient` (awaitables for
//! asyncio): construction, context managers, and the two helpers every endpoint forwards through.
//!
//! The endpoints themselves are in the files named like the spec's sections (`customer.rs`,
//! `cards.rs`, `pools.rs`, `operations.rs`, `sms.rs`); each is declared once, by [`endpoints!`],
//! for both classes, so they cannot drift apart.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::error::{guard, invalid, to_pyerr};
use crate::runtime::{block_on, coroutine, runtime};

/// The core client of this process, the configuration it was built from, and whether it is
/// closed. A forked child gets a fresh core client (its pooled connections belong to the parent).
pub struct Shared {
    config: cardboss::Config,
    state: Mutex<Option<(u32, cardboss::Client)>>,
}

impl Shared {
    fn new(config: cardboss::Config) -> cardboss::Result<Self> {
        let client = Self::build(&config)?;
        Ok(Shared {
            config,
            state: Mutex::new(Some((std::process::id(), client))),
        })
    }

    fn build(config: &cardboss::Config) -> cardboss::Result<cardboss::Client> {
        let _runtime = runtime().enter();
        cardboss::Client::new(config.clone())
    }

    /// The core client (cheap clone), or an error once closed.
    pub fn client(&self) -> cardboss::Result<cardboss::Client> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let pid = std::process::id();
        match state.as_mut() {
            None => Err(invalid("client", "is closed")),
            Some((owner, client)) => {
                if *owner != pid {
                    *client = Self::build(&self.config)?;
                    *owner = pid;
                }
                Ok(client.clone())
            }
        }
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    fn is_closed(&self) -> bool {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    fn repr(&self, py: Python<'_>, class: &str) -> PyResult<String> {
        let c = &self.config;
        let closed = if self.is_closed() {
            ", closed=True"
        } else {
            ""
        };
        // Never the apikey.
        Ok(format!(
            "{class}(sid={}, base_url={}, ops_url={}{closed})",
            c.sid.as_str().into_pyobject(py)?.repr()?,
            c.base_url.as_str().into_pyobject(py)?.repr()?,
            c.ops_url.as_deref().into_pyobject(py)?.repr()?,
        ))
    }
}

/// The shared state of a new client (a panic becomes `InternalError`); every rule and default
/// is the core's (`cardboss::Config::from_options`).
fn open(py: Python<'_>, options: cardboss::ClientOptions) -> PyResult<Arc<Shared>> {
    guard(py, || {
        Shared::new(cardboss::Config::from_options(options, "python")?)
    })
    .map(Arc::new)
}

/// `cls(...)` with `sid`, `apikey`, `base_url` and `ops_url` from the environment
/// (`cardboss::ClientOptions::from_env`), then the caller's keyword arguments over them.
fn from_env<'py>(
    cls: &Bound<'py, pyo3::types::PyType>,
    overrides: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    let env = cardboss::ClientOptions::from_env();
    let kwargs = PyDict::new(py);
    kwargs.set_item("sid", env.sid)?;
    kwargs.set_item("apikey", env.apikey)?;
    if let Some(url) = env.base_url {
        kwargs.set_item("base_url", url)?;
    }
    if let Some(url) = env.ops_url {
        kwargs.set_item("ops_url", url)?;
    }
    if let Some(overrides) = overrides {
        kwargs.update(overrides.as_mapping())?;
    }
    cls.call((), Some(&kwargs))
}

/// Declares the constructor and `from_env()` of a client class: the one signature of
/// `Client(...)` and `AsyncClient(...)`, written once. Every option `None` is the core's default;
/// durations are milliseconds, as in every binding.
macro_rules! constructor {
    ($class:ident) => {
        #[pymethods]
        impl $class {
            #[new]
            #[pyo3(signature = (sid, apikey, *, base_url = None, ops_url = None, timeout_ms = None,
                                connect_timeout_ms = None, max_retries = None, retry_base_ms = None,
                                retry_cap_ms = None, concurrency = None, utc_offset_minutes = None,
                                cooldown_guard = None, cooldown_store = None))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
                sid: Option<String>,
                apikey: Option<String>,
                base_url: Option<String>,
                ops_url: Option<String>,
                timeout_ms: Option<i64>,
                connect_timeout_ms: Option<i64>,
                max_retries: Option<i32>,
                retry_base_ms: Option<i64>,
                retry_cap_ms: Option<i64>,
                concurrency: Option<i32>,
                utc_offset_minutes: Option<i32>,
                cooldown_guard: Option<bool>,
                cooldown_store: Option<String>,
            ) -> PyResult<Self> {
                let options = cardboss::ClientOptions {
                    sid,
                    apikey,
                    base_url,
                    ops_url,
                    timeout_ms,
                    connect_timeout_ms,
                    max_retries,
                    retry_base_ms,
                    retry_cap_ms,
                    concurrency,
                    utc_offset_minutes,
                    cooldown_guard,
                    cooldown_store,
                };
                Ok($class {
                    shared: open(py, options)?,
                })
            }

            /// A client from `CARDBOSS_SID`, `CARDBOSS_APIKEY`, `CARDBOSS_URL` and
            /// `CARDBOSS_OPS_URL` (the CLI's names); keyword arguments override them.
            #[classmethod]
            #[pyo3(signature = (**overrides))]
            fn from_env<'py>(
                cls: &Bound<'py, pyo3::types::PyType>,
                overrides: Option<&Bound<'py, PyDict>>,
            ) -> PyResult<Bound<'py, PyAny>> {
                from_env(cls, overrides)
            }
        }
    };
}

/// A synchronous CardBOSS client. Every call releases the GIL while the shared runtime works.
#[pyclass(frozen, module = "cardboss")]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

/// An asyncio CardBOSS client: the same methods as `Client`, as coroutines.
#[pyclass(frozen, module = "cardboss")]
pub struct AsyncClient {
    pub(crate) shared: Arc<Shared>,
}

impl Client {
    /// Runs a core call and waits for it with the GIL released.
    pub(crate) fn run<T, Fut>(
        &self,
        py: Python<'_>,
        call: impl FnOnce(cardboss::Client) -> Fut,
    ) -> PyResult<T>
    where
        T: Send + 'static,
        Fut: Future<Output = cardboss::Result<T>> + Send + 'static,
    {
        let client = self.shared.client().map_err(|e| to_pyerr(py, e))?;
        block_on(py, call(client))
    }
}

impl AsyncClient {
    /// A core call as a coroutine (it starts when awaited).
    pub(crate) fn spawn<'py, T, Fut>(
        &self,
        py: Python<'py>,
        call: impl FnOnce(cardboss::Client) -> Fut,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        T: for<'a> IntoPyObject<'a> + Send + 'static,
        Fut: Future<Output = cardboss::Result<T>> + Send + 'static,
    {
        let client = self.shared.client().map_err(|e| to_pyerr(py, e))?;
        coroutine(py, call(client))
    }
}

/// The result of an operation that returns nothing: `None` in Python.
pub struct Done;

impl From<()> for Done {
    fn from(_: ()) -> Self {
        Done
    }
}

impl<'py> IntoPyObject<'py> for Done {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = std::convert::Infallible;

    fn into_pyobject(self, py: Python<'py>) -> Result<Self::Output, Self::Error> {
        Ok(py.None().into_bound(py))
    }
}

/// Declares endpoints once for both `Client` (blocking) and `AsyncClient` (awaitable).
///
/// Each entry: doc comments, `fn name(<pyo3 signature>)(<typed arguments>) -> Type => |client| body;`
/// where `body` is an `async` expression giving `cardboss::Result<Type>` from the core client.
macro_rules! endpoints {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($($sig:tt)*)($($arg:ident : $ty:ty),* $(,)?) -> $ret:ty => |$client:ident| $body:expr;
    )*) => {
        #[pyo3::pymethods]
        impl crate::client::Client {$(
            $(#[doc = $doc])*
            #[pyo3(signature = ($($sig)*))]
            #[allow(clippy::too_many_arguments)]
            fn $name(&self, py: pyo3::Python<'_>, $($arg: $ty),*) -> pyo3::PyResult<$ret> {
                self.run(py, move |$client| async move { $body })
            }
        )*}

        #[pyo3::pymethods]
        impl crate::client::AsyncClient {$(
            $(#[doc = $doc])*
            #[pyo3(signature = ($($sig)*))]
            #[allow(clippy::too_many_arguments)]
            fn $name<'py>(&self, py: pyo3::Python<'py>, $($arg: $ty),*) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                self.spawn(py, move |$client| async move { $body })
            }
        )*}
    };
}
pub(crate) use endpoints;

constructor!(Client);
constructor!(AsyncClient);

#[pymethods]
impl Client {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        self.shared.repr(py, "Client")
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc_info))]
    fn __exit__(&self, _exc_info: &Bound<'_, pyo3::types::PyTuple>) {
        self.shared.close();
    }

    /// Closes the client: its pooled connections are dropped and later calls raise
    /// `InvalidInputError`. Idempotent.
    fn close(&self) {
        self.shared.close();
    }

    #[getter]
    fn closed(&self) -> bool {
        self.shared.is_closed()
    }

    #[getter]
    fn sid(&self) -> &str {
        &self.shared.config.sid
    }

    #[getter]
    fn base_url(&self) -> &str {
        &self.shared.config.base_url
    }

    #[getter]
    fn ops_url(&self) -> Option<&str> {
        self.shared.config.ops_url.as_deref()
    }

    /// Forgets the cooldown guard's memory of recent lifecycle operations.
    fn clear_cooldowns(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || self.shared.client().map(|c| c.clear_cooldowns()))
    }
}

#[pymethods]
impl AsyncClient {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        self.shared.repr(py, "AsyncClient")
    }

    fn __aenter__<'py>(slf: Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let this = slf.unbind();
        crate::runtime::future_into_py(py, async move { crate::runtime::Outcome::Value(this) })
    }

    #[pyo3(signature = (*_exc_info))]
    fn __aexit__<'py>(
        &self,
        py: Python<'py>,
        _exc_info: &Bound<'py, pyo3::types::PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.shared.close();
        crate::runtime::future_into_py(py, async move { crate::runtime::Outcome::Value(Done) })
    }

    /// Closes the client: its pooled connections are dropped and later calls raise
    /// `InvalidInputError`. Idempotent.
    fn close(&self) {
        self.shared.close();
    }

    /// `close()`, as an awaitable.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.shared.close();
        crate::runtime::future_into_py(py, async move { crate::runtime::Outcome::Value(Done) })
    }

    #[getter]
    fn closed(&self) -> bool {
        self.shared.is_closed()
    }

    #[getter]
    fn sid(&self) -> &str {
        &self.shared.config.sid
    }

    #[getter]
    fn base_url(&self) -> &str {
        &self.shared.config.base_url
    }

    #[getter]
    fn ops_url(&self) -> Option<&str> {
        self.shared.config.ops_url.as_deref()
    }

    /// Forgets the cooldown guard's memory of recent lifecycle operations.
    fn clear_cooldowns(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || self.shared.client().map(|c| c.clear_cooldowns()))
    }
}
