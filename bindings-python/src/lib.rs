//! The `cardboss._native` extension module of the Python package `cardboss`.
//!
//! Translation only: every rule (signing, validation, batching, retries, cooldowns, decoding,
//! push verification) is the core crate's. Files follow the spec's grouping: `customer`,
//! `cards` (with `batches`, its bulk results batch by batch, and `fleet`, the whole fleet
//! synced), `bulk` (one lifecycle operation on many cards), `pools`, `operations`, `sms`,
//! `push`; `testing` is the in-process sandbox of `cardboss.testing`; `client` builds the two
//! clients, `error` maps the one error type to the exception hierarchy, `runtime` holds the
//! shared tokio runtime and `logging` forwards the core's events
//! to Python's `logging`.

// `cardboss::Error` is large by design (the core allows the same lint).
#![allow(clippy::result_large_err)]

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

mod batches;
mod bulk;
mod cards;
mod client;
mod customer;
mod error;
mod fleet;
mod logging;
mod operations;
mod pools;
mod push;
mod runtime;
mod sign;
mod sms;
mod testing;

/// A serializable value as the Python object `json.loads` makes of it.
pub(crate) fn json_to_object<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let text = serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    LOADS.import(py, "json", "loads")?.call1((text,))
}

/// Panics, for the test that checks a panic surfaces as `InternalError`.
#[pyfunction]
fn _debug_panic(py: Python<'_>) -> PyResult<()> {
    error::guard(py, || -> cardboss::Result<()> {
        panic!("deliberate panic for a test")
    })
}

/// An awaitable that panics inside the runtime, for the same test on the async path.
#[pyfunction]
fn _debug_panic_async(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    runtime::coroutine(py, async {
        panic!("deliberate panic in a task for a test");
        #[allow(unreachable_code)]
        cardboss::Result::<()>::Ok(())
    })
}

/// The generated part of `_native.pyi` (the code enums and the models), for
/// `bindings-python/stubs.py`, which writes it into the stub file or checks it is there.
#[pyfunction]
fn _model_stubs() -> String {
    cardboss::python::model_stubs()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    logging::install(py);
    runtime::drain_at_exit(py)?;

    m.add("__version__", cardboss::VERSION)?;
    m.add("PUSH_ACK", cardboss::PUSH_ACK)?;
    m.add("DEFAULT_BASE_URL", cardboss::Config::DEFAULT_BASE_URL)?;

    m.add_class::<client::Client>()?;
    m.add_class::<client::AsyncClient>()?;
    m.add_class::<cards::CardIterator>()?;
    m.add_class::<cards::AsyncCardIterator>()?;
    m.add_class::<batches::BatchIterator>()?;
    m.add_class::<batches::AsyncBatchIterator>()?;
    m.add_class::<fleet::FleetSync>()?;
    m.add_class::<fleet::AsyncFleetSync>()?;
    m.add_class::<bulk::BulkIterator>()?;
    m.add_class::<bulk::AsyncBulkIterator>()?;

    // The models, the push types and the code enums, from the core's lists.
    cardboss::python::register(m)?;
    m.add_class::<push::PyPushGuard>()?;
    m.add_class::<push::PyPushTicket>()?;

    m.add_class::<testing::Sandbox>()?;

    m.add_function(wrap_pyfunction!(push::verify_push, m)?)?;
    m.add_function(wrap_pyfunction!(push::parse_sms_push, m)?)?;
    m.add_function(wrap_pyfunction!(push::push_reply, m)?)?;
    m.add_function(wrap_pyfunction!(sms::encrypt_sms, m)?)?;
    m.add_function(wrap_pyfunction!(sms::decrypt_sms, m)?)?;
    m.add_function(wrap_pyfunction!(sms::sms_billing_count, m)?)?;
    m.add_function(wrap_pyfunction!(sign::sign, m)?)?;
    m.add_function(wrap_pyfunction!(sign::timestamp, m)?)?;
    m.add_function(wrap_pyfunction!(_debug_panic, m)?)?;
    m.add_function(wrap_pyfunction!(_debug_panic_async, m)?)?;
    m.add_function(wrap_pyfunction!(_model_stubs, m)?)?;
    export_all(m)
}

/// `__all__`: every public name the module ended up with, so `cardboss/__init__.py` re-exports
/// them without a second list.
fn export_all(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let mut names: Vec<String> = m
        .dict()
        .keys()
        .iter()
        .map(|k| k.extract::<String>())
        .collect::<PyResult<_>>()?;
    names.retain(|n| !n.starts_with('_'));
    names.sort();
    m.add("__all__", names)
}
