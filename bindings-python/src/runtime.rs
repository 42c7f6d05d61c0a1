//! One shared tokio runtime for the process, safe across `fork()`, and the two ways Python
//! waits on it: blocking with the GIL released (`Client`) or as an asyncio awaitable
//! (`AsyncClient`); plus [`Ready`], the awaitable of a result that needs no waiting.
//!
//! A forked child inherits the parent's runtime without its worker threads, so the runtime is
//! kept per process id: a child builds its own on first use. The parent's copy is leaked in the
//! child on purpose (dropping it would wait for threads that do not exist there).

use std::cell::OnceCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use futures::FutureExt;
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration, PyStopIteration};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCFunction, PyModule};
use pyo3::IntoPyObjectExt;
use pyo3_async_runtimes::generic::{ContextExt, Runtime as GenericRuntime};
use pyo3_async_runtimes::TaskLocals;
use tokio::runtime::Runtime;

use crate::error::{panic_error, to_pyerr};
use crate::logging;

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// How often a blocked synchronous call wakes up to let Python handle signals (Ctrl-C).
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// The runtime of this process (built on first use, and again in a forked child).
pub fn runtime() -> &'static Runtime {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    match *slot {
        Some((owner, rt)) if owner == pid => rt,
        _ => {
            let rt: &'static Runtime = Box::leak(Box::new(
                tokio::runtime::Builder::new_multi_thread()
                    .enable_all()
                    .thread_name("cardboss")
                    .build()
                    .expect("cannot start the cardboss tokio runtime"),
            ));
            *slot = Some((pid, rt));
            rt
        }
    }
}

/// Runs `fut` on the runtime and waits for it with the GIL released. Every 100 ms it checks
/// Python's signals, so Ctrl-C interrupts a long call (the request is then abandoned).
pub fn block_on<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = cardboss::Result<T>> + Send + 'static,
{
    logging::refresh(py);
    let rt = runtime();
    let mut handle = rt.spawn(fut);
    loop {
        let waited = py.detach(|| {
            rt.block_on(async { tokio::time::timeout(SIGNAL_CHECK, &mut handle).await })
        });
        match waited {
            Ok(Ok(Ok(value))) => return Ok(value),
            Ok(Ok(Err(error))) => return Err(to_pyerr(py, error)),
            Ok(Err(join)) => {
                let error = match join.try_into_panic() {
                    Ok(payload) => panic_error(payload),
                    Err(join) => cardboss::Error::Internal {
                        message: join.to_string(),
                    },
                };
                return Err(to_pyerr(py, error));
            }
            Err(_elapsed) => {
                if let Err(interrupt) = py.check_signals() {
                    handle.abort();
                    return Err(interrupt);
                }
            }
        }
    }
}

/// What an awaitable resolves to; converted (and errors raised) on the event loop's side,
/// with the GIL held.
pub enum Outcome<T> {
    Value(T),
    Failed(cardboss::Error),
    /// End of an async iterator.
    Stop,
}

impl<'py, T: IntoPyObject<'py>> IntoPyObject<'py> for Outcome<T> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Outcome::Value(value) => value.into_bound_py_any(py),
            Outcome::Failed(error) => Err(to_pyerr(py, error)),
            Outcome::Stop => Err(PyStopAsyncIteration::new_err(())),
        }
    }
}

/// Runs `f`, a step that needs no waiting, with a panic turned into `Outcome::Failed`.
pub fn settle_now<T>(f: impl FnOnce() -> Option<Outcome<T>>) -> Option<Outcome<T>> {
    std::panic::catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|p| Some(Outcome::Failed(panic_error(p))))
}

/// An awaitable whose outcome is already known (an async iterator's next item that has already
/// arrived): awaiting it involves neither the event loop nor the runtime. `__await__` returns
/// the object itself, whose first `__next__` raises `StopIteration(value)`, or the error.
#[pyclass(module = "cardboss", name = "_Ready")]
pub struct Ready {
    result: Option<PyResult<Py<PyAny>>>,
}

impl Ready {
    /// The awaitable of `outcome`, converted now (a failure or the end is raised when awaited).
    pub fn awaitable<'py, T>(py: Python<'py>, outcome: Outcome<T>) -> PyResult<Bound<'py, PyAny>>
    where
        T: IntoPyObject<'py>,
    {
        let result = Some(outcome.into_pyobject(py).map(Bound::unbind));
        Ok(Bound::new(py, Ready { result })?.into_any())
    }
}

#[pymethods]
impl Ready {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self) -> PyResult<Option<Py<PyAny>>> {
        match self.result.take() {
            Some(Ok(value)) => Err(PyStopIteration::new_err((value,))),
            Some(Err(error)) => Err(error),
            None => Err(PyRuntimeError::new_err(
                "cannot reuse an already awaited awaitable",
            )),
        }
    }
}

/// `fut` as an asyncio awaitable bound to the running event loop. Cancelling the awaitable
/// drops the Rust future; a panic becomes `InternalError`.
pub fn future_into_py<'py, T, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    F: Future<Output = Outcome<T>> + Send + 'static,
{
    logging::refresh(py);
    pyo3_async_runtimes::generic::future_into_py::<ForkSafeTokio, _, Outcome<T>>(py, async move {
        Ok(AssertUnwindSafe(fut)
            .catch_unwind()
            .await
            .unwrap_or_else(|p| Outcome::Failed(panic_error(p))))
    })
}

/// [`future_into_py`] for a core call.
pub fn call_into_py<'py, T, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    F: Future<Output = cardboss::Result<T>> + Send + 'static,
{
    future_into_py(
        py,
        fut.map(|r| match r {
            Ok(value) => Outcome::Value(value),
            Err(error) => Outcome::Failed(error),
        }),
    )
}

const LAZY_PY: &std::ffi::CStr = cr#"
async def lazy(start):
    """Awaits what `start()` returns, calling it only once awaited (inside the running loop)."""
    return await start()
"#;

static LAZY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A core call as a real coroutine: nothing runs until it is awaited, so
/// `asyncio.run(client.customer())` and `asyncio.create_task(...)` work, and it can be created
/// outside a running loop. Once awaited it runs on the shared runtime ([`call_into_py`]).
pub fn coroutine<'py, T, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    F: Future<Output = cardboss::Result<T>> + Send + 'static,
{
    let slot = Mutex::new(Some(fut));
    let start = PyCFunction::new_closure(
        py,
        None,
        None,
        move |args, _kwargs| -> PyResult<Py<PyAny>> {
            let fut = slot
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take()
                .ok_or_else(|| {
                    PyRuntimeError::new_err("cannot reuse an already awaited coroutine")
                })?;
            Ok(call_into_py(args.py(), fut)?.unbind())
        },
    )?;
    let lazy = LAZY.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(
            PyModule::from_code(py, LAZY_PY, c"cardboss/_lazy.py", c"cardboss._lazy")?
                .getattr("lazy")?
                .unbind(),
        )
    })?;
    lazy.bind(py).call1((start,))
}

/// Hand-overs of results to asyncio in progress (queued or running on the blocking pool), with
/// the process they belong to (a forked child starts from zero).
static HANDOVERS: Mutex<(u32, usize)> = Mutex::new((0, 0));

/// How long the interpreter's exit waits, at most, for hand-overs in progress.
const EXIT_DRAIN: Duration = Duration::from_secs(1);

/// One hand-over in progress, counted from `start` until dropped.
struct Handover;

impl Handover {
    fn start() -> Self {
        let pid = std::process::id();
        let mut count = HANDOVERS.lock().unwrap_or_else(|p| p.into_inner());
        if count.0 != pid {
            *count = (pid, 0);
        }
        count.1 += 1;
        Handover
    }

    fn pending() -> usize {
        let count = HANDOVERS.lock().unwrap_or_else(|p| p.into_inner());
        if count.0 == std::process::id() {
            count.1
        } else {
            0
        }
    }
}

impl Drop for Handover {
    fn drop(&mut self) {
        let mut count = HANDOVERS.lock().unwrap_or_else(|p| p.into_inner());
        if count.0 == std::process::id() {
            count.1 = count.1.saturating_sub(1);
        }
    }
}

/// Registers an `atexit` hook that lets the hand-overs in progress finish (GIL released, at
/// most [`EXIT_DRAIN`]). Without it a runtime thread still running Python code when the
/// interpreter finalizes is stopped by Python in the middle of it, and the unwinding frees
/// objects without the GIL: a crash at exit after an `asyncio.run(...)` that just awaited a call.
pub fn drain_at_exit(py: Python<'_>) -> PyResult<()> {
    let drain = PyCFunction::new_closure(
        py,
        Some(c"_drain_at_exit"),
        None,
        |args, _kwargs| -> PyResult<()> {
            args.py().detach(|| {
                let deadline = std::time::Instant::now() + EXIT_DRAIN;
                while Handover::pending() > 0 && std::time::Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
            Ok(())
        },
    )?;
    py.import("atexit")?.call_method1("register", (drain,))?;
    Ok(())
}

/// pyo3-async-runtimes' glue over [`runtime`] (its own tokio runtime is a process-wide
/// `OnceLock` that a forked child could not replace).
pub struct ForkSafeTokio;

tokio::task_local! {
    static TASK_LOCALS: OnceCell<TaskLocals>;
}

impl GenericRuntime for ForkSafeTokio {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = tokio::task::JoinHandle<()>;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        runtime().spawn(fut)
    }

    /// pyo3-async-runtimes hands each result to asyncio here, attached to Python.
    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        let handover = Handover::start();
        runtime().spawn_blocking(move || {
            let _handover = handover;
            f()
        })
    }
}

impl ContextExt for ForkSafeTokio {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        let cell = OnceCell::new();
        let _ = cell.set(locals);
        Box::pin(TASK_LOCALS.scope(cell, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS
            .try_with(|c| c.get().cloned())
            .unwrap_or_default()
    }
}
