//! `Client` (synchronous, releases the GIL while it waits) and `AsyncClient` (awaitables for
//! asyncio): construction, context managers, and the two helpers every endpoint forwards through.
//!
//! The endpoints themselves are in the files named like the spec's sections (`customer.rs`,
//! `cards.rs`, `pools.rs`, `operations.rs`, `sms.rs`); each is declared once, by [`endpoints!`],
//! for both classes, so they cannot drift apart.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::prelude::*;

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

/// The constructor's keyword arguments, as Python passed them (see [`constructor!`]).
struct Options {
    sid: String,
    apikey: String,
    base_url: String,
    ops_url: Option<String>,
    timeout: f64,
    connect_timeout: f64,
    max_retries: i64,
    concurrency: i64,
    utc_offset_minutes: i32,
    cooldown_guard: bool,
    retry_base: f64,
    retry_cap: f64,
}

impl Options {
    /// The core's configuration; numbers Rust cannot hold are refused here, every other rule is
    /// the core's (`cardboss::Client::new` validates the rest).
    fn config(self) -> cardboss::Result<cardboss::Config> {
        let seconds = |field: &str, value: f64| {
            Duration::try_from_secs_f64(value)
                .map_err(|_| invalid(field, "must be a positive number of seconds"))
        };
        // 0 is a valid backoff (retry at once); only timeouts must be positive (the core's rule).
        let backoff = |field: &str, value: f64| {
            Duration::try_from_secs_f64(value)
                .map_err(|_| invalid(field, "must be a finite number of seconds, 0 or more"))
        };
        let mut config = cardboss::Config::new(self.sid, self.apikey).base_url(self.base_url);
        config.ops_url = self.ops_url;
        config.timeout = seconds("timeout", self.timeout)?;
        config.connect_timeout = seconds("connect_timeout", self.connect_timeout)?;
        config.max_retries = u32::try_from(self.max_retries)
            .map_err(|_| invalid("max_retries", "must be between 0 and 2**32-1"))?;
        config.concurrency = usize::try_from(self.concurrency)
            .map_err(|_| invalid("concurrency", "must be at least 1"))?;
        config.utc_offset_minutes = self.utc_offset_minutes;
        config.cooldown_guard = self.cooldown_guard;
        config.retry_base = backoff("retry_base", self.retry_base)?;
        config.retry_cap = backoff("retry_cap", self.retry_cap)?;
        config.language = "python".into();
        Ok(config)
    }

    /// The shared state of a new client (a panic becomes `InternalError`).
    fn open(self, py: Python<'_>) -> PyResult<Arc<Shared>> {
        guard(py, || Shared::new(self.config()?)).map(Arc::new)
    }
}

/// Declares the constructor of a client class: the one signature and argument list of
/// `Client(...)` and `AsyncClient(...)`, written once.
macro_rules! constructor {
    ($class:ident) => {
        #[pymethods]
        impl $class {
            #[new]
            #[pyo3(signature = (sid, apikey, *, base_url = cardboss::Config::DEFAULT_BASE_URL.to_string(),
                ops_url = None, timeout = 30.0, connect_timeout = 5.0, max_retries = 3, concurrency = 8,
                utc_offset_minutes = 480, cooldown_guard = true, retry_base = 0.2, retry_cap = 5.0))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
                sid: String,
                apikey: String,
                base_url: String,
                ops_url: Option<String>,
                timeout: f64,
                connect_timeout: f64,
                max_retries: i64,
                concurrency: i64,
                utc_offset_minutes: i32,
                cooldown_guard: bool,
                retry_base: f64,
                retry_cap: f64,
            ) -> PyResult<Self> {
                let options = Options {
                    sid,
                    apikey,
                    base_url,
                    ops_url,
                    timeout,
                    connect_timeout,
                    max_retries,
                    concurrency,
                    utc_offset_minutes,
                    cooldown_guard,
                    retry_base,
                    retry_cap,
                };
                Ok($class {
                    shared: options.open(py)?,
                })
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
