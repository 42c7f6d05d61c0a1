//! What the platform sends to you: data pushes (4.2, signed) and SMS pushes (3.5.6).
//!
//! `Push`, `PushContent`, `SmsPush` and the options are the core's types (Python classes
//! behind its `python` feature); verification, parsing, defaults and replay detection are the
//! core's too. This file only accepts the body in the forms Python has it.

use std::sync::{Arc, Mutex};

use cardboss::{Push, PushOptions, SmsPush};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::error::guard;
use crate::runtime::block_on;

/// A push body: `bytes` (the raw request body, as it should be), `str`, or anything `bytes()`
/// accepts (bytearray, memoryview).
pub struct Body(Vec<u8>);

impl<'a, 'py> FromPyObject<'a, 'py> for Body {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(bytes) = obj.cast::<PyBytes>() {
            return Ok(Body(bytes.as_bytes().to_vec()));
        }
        if let Ok(text) = obj.cast::<PyString>() {
            return Ok(Body(text.to_cow()?.as_bytes().to_vec()));
        }
        let bytes = obj.py().get_type::<PyBytes>().call1((obj,))?;
        Ok(Body(bytes.cast::<PyBytes>()?.as_bytes().to_vec()))
    }
}

fn options(
    expected_sid: Option<String>,
    max_age_ms: Option<i64>,
    utc_offset_minutes: Option<i32>,
) -> PushOptions {
    PushOptions {
        expected_sid,
        max_age_ms,
        utc_offset_minutes,
    }
}

/// Verifies a data push body (JSON or form) with the account's apikey and parses its `data`.
/// Raises `PushRejectedError` for a forged, foreign (`expected_sid`) or stale (`max_age_ms`)
/// push. Options left `None` are the core's defaults (signature only, UTC+8).
#[pyfunction]
#[pyo3(signature = (body, apikey, *, expected_sid = None, max_age_ms = None, utc_offset_minutes = None))]
pub fn verify_push(
    py: Python<'_>,
    body: Body,
    apikey: &str,
    expected_sid: Option<String>,
    max_age_ms: Option<i64>,
    utc_offset_minutes: Option<i32>,
) -> PyResult<Push> {
    let options = options(expected_sid, max_age_ms, utc_offset_minutes);
    guard(py, || cardboss::verify_push(&body.0, apikey, &options))
}

/// Parses an SMS push (unsigned). Raises `PushRejectedError` when it is not one.
#[pyfunction]
#[pyo3(signature = (body))]
pub fn parse_sms_push(py: Python<'_>, body: Body) -> PyResult<SmsPush> {
    guard(py, || cardboss::parse_sms_push(&body.0))
}

/// Refuses replays in two phases so a failed handler never loses an event: `begin` verifies
/// the push and claims its id as in flight; commit the ticket once handled (or use it as a
/// context manager: committed on a normal exit, released on an exception). `store`:
/// `memory:` (default), `redis://host:port/db` (shared by every worker), `file:///path`.
/// `None` is the core's default for every option.
#[pyclass(name = "PushGuard", frozen, module = "cardboss")]
pub struct PyPushGuard {
    inner: Arc<cardboss::PushGuard>,
}

#[pymethods]
impl PyPushGuard {
    #[new]
    #[pyo3(signature = (capacity = None, ttl_ms = None, *, store = None, in_flight_ms = None))]
    fn new(
        py: Python<'_>,
        capacity: Option<i64>,
        ttl_ms: Option<i64>,
        store: Option<String>,
        in_flight_ms: Option<i64>,
    ) -> PyResult<Self> {
        let options = cardboss::PushGuardOptions {
            store,
            capacity,
            ttl_ms,
            in_flight_ms,
        };
        let inner = guard(py, || cardboss::PushGuard::open(&options))?;
        Ok(PyPushGuard {
            inner: Arc::new(inner),
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "PushGuard(store={:?}, capacity={}, ttl_ms={}, in_flight_ms={})",
            self.inner.store_url(),
            self.inner.capacity(),
            self.inner.ttl().as_millis(),
            self.inner.in_flight().as_millis()
        )
    }

    /// Verifies the push and claims its id: raises `PushReplayError` (handled already: answer
    /// success), `PushInFlightError` (being handled), `StoreUnavailableError`, or
    /// `PushRejectedError`.
    #[pyo3(signature = (body, apikey, *, expected_sid = None, max_age_ms = None, utc_offset_minutes = None))]
    fn begin(
        &self,
        py: Python<'_>,
        body: Body,
        apikey: String,
        expected_sid: Option<String>,
        max_age_ms: Option<i64>,
        utc_offset_minutes: Option<i32>,
    ) -> PyResult<PyPushTicket> {
        let options = options(expected_sid, max_age_ms, utc_offset_minutes);
        let inner = self.inner.clone();
        let ticket = block_on(
            py,
            async move { inner.begin(&body.0, &apikey, &options).await },
        )?;
        Ok(PyPushTicket {
            ticket: Mutex::new(Some(ticket)),
        })
    }
}

/// A push whose id is claimed as in flight: `commit()` once handled, `release()` when
/// handling failed (so the platform's retry is accepted). A context manager does either.
#[pyclass(name = "PushTicket", frozen, module = "cardboss")]
pub struct PyPushTicket {
    ticket: Mutex<Option<cardboss::PushTicket>>,
}

impl PyPushTicket {
    fn take(&self) -> PyResult<cardboss::PushTicket> {
        self.ticket
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("the ticket was already used"))
    }
}

#[pymethods]
impl PyPushTicket {
    /// The verified push.
    #[getter]
    fn push(&self) -> PyResult<Push> {
        let ticket = self.ticket.lock().unwrap_or_else(|p| p.into_inner());
        ticket
            .as_ref()
            .map(|t| t.push().clone())
            .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("the ticket was already used"))
    }

    /// Marks the id handled: its replays raise `PushReplayError`.
    fn commit(&self, py: Python<'_>) -> PyResult<Push> {
        let ticket = self.take()?;
        block_on(py, ticket.commit())
    }

    /// Forgets the id, so the platform's retry is accepted.
    fn release(&self, py: Python<'_>) -> PyResult<()> {
        let ticket = self.take()?;
        block_on(py, ticket.release())
    }

    fn __enter__(&self) -> PyResult<Push> {
        self.push()
    }

    /// Commits on a normal exit, releases on an exception (which then propagates).
    #[pyo3(signature = (kind, _value, _traceback))]
    fn __exit__(
        &self,
        py: Python<'_>,
        kind: Option<Bound<'_, PyAny>>,
        _value: Option<Bound<'_, PyAny>>,
        _traceback: Option<Bound<'_, PyAny>>,
    ) -> PyResult<bool> {
        if kind.is_none() {
            self.commit(py)?;
        } else {
            self.release(py)?;
        }
        Ok(false)
    }
}
