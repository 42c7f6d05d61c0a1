//! What the platform sends to you: data pushes (4.2, signed) and SMS pushes (3.5.6).
//!
//! `Push`, `PushContent`, `SmsPush`, `PushReply` and the options are the core's types (Python
//! classes behind its `python` feature); verification, parsing, defaults, replay detection and
//! what a receiver answers are the core's too. This file only accepts the body in the forms
//! Python has it and forwards to the core. The receiver's flow around a Python handler
//! (`PushGuard.receive` / `handle` and their async forms) is written once, in Python:
//! `cardboss/push.py`, which these methods call.

use std::sync::Arc;

use cardboss::{ErrorKind, Push, PushOptions, PushReply, SmsPush};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyModule, PyString};

use crate::error::guard;
use crate::runtime::{block_on, coroutine};

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

/// What a receiver answers: `push_reply()` is the acknowledgement (200 `success`);
/// `push_reply(error)` the answer to a `CardBossError` the guard or the parser raised (a replay
/// is acknowledged again, rejected 400, in flight elsewhere 409, store unavailable 503, anything
/// else 500), decided by the core.
#[pyfunction]
#[pyo3(signature = (error = None))]
pub fn push_reply(error: Option<&Bound<'_, PyAny>>) -> PyResult<PushReply> {
    let Some(error) = error else {
        return Ok(PushReply::ack());
    };
    let kind: String = error.getattr("kind")?.extract()?;
    let kind = ErrorKind::from_name(&kind).unwrap_or(ErrorKind::Internal);
    Ok(PushReply::for_kind(kind, error.str()?.to_string()))
}

/// Calls the receiver flow `name` of `cardboss/push.py` with the guard's arguments.
#[allow(clippy::too_many_arguments)]
fn flow<'py>(
    guard: &Bound<'py, PyPushGuard>,
    name: &str,
    body: Bound<'py, PyAny>,
    apikey: String,
    handler: Bound<'py, PyAny>,
    expected_sid: Option<String>,
    max_age_ms: Option<i64>,
    utc_offset_minutes: Option<i32>,
) -> PyResult<Bound<'py, PyAny>> {
    static FLOWS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    let py = guard.py();
    let flows =
        FLOWS.get_or_try_init(py, || Ok::<_, PyErr>(py.import("cardboss.push")?.unbind()))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("expected_sid", expected_sid)?;
    kwargs.set_item("max_age_ms", max_age_ms)?;
    kwargs.set_item("utc_offset_minutes", utc_offset_minutes)?;
    flows
        .bind(py)
        .getattr(name)?
        .call((guard, body, apikey, handler), Some(&kwargs))
}

/// Refuses replays in two phases so a failed handler never loses an event: `begin` verifies
/// the push and claims its id as in flight; commit the ticket once handled (or use it as a
/// context manager: committed on a normal exit, released on an exception). `receive` does it
/// all around a handler and gives the answer to send. `store`: `memory:` (default),
/// `redis://host:port/db` (shared by every worker), `file:///path`. `None` is the core's
/// default for every option.
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
    /// `PushRejectedError`. The GIL is released while the store answers.
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
        block_on(py, async move {
            inner
                .begin(&body.0, &apikey, &options)
                .await
                .map(PyPushTicket::new)
        })
    }

    /// `begin` as a coroutine (the event loop is not blocked while the store answers).
    #[pyo3(signature = (body, apikey, *, expected_sid = None, max_age_ms = None, utc_offset_minutes = None))]
    fn begin_async<'py>(
        &self,
        py: Python<'py>,
        body: Body,
        apikey: String,
        expected_sid: Option<String>,
        max_age_ms: Option<i64>,
        utc_offset_minutes: Option<i32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = options(expected_sid, max_age_ms, utc_offset_minutes);
        let inner = self.inner.clone();
        coroutine(py, async move {
            inner
                .begin(&body.0, &apikey, &options)
                .await
                .map(PyPushTicket::new)
        })
    }

    /// The whole receiver: `begin`, then `handler(push)` on this thread, then the ticket's
    /// `finish`; returns the `PushReply` to answer. A refused push (replay, forged, in flight,
    /// store down) is logged on `cardboss.push` and answered without running the handler; an
    /// exception of the handler releases the id and propagates.
    #[pyo3(signature = (body, apikey, handler, *, expected_sid = None, max_age_ms = None, utc_offset_minutes = None))]
    #[allow(clippy::too_many_arguments)]
    fn receive<'py>(
        slf: &Bound<'py, Self>,
        body: Bound<'py, PyAny>,
        apikey: String,
        handler: Bound<'py, PyAny>,
        expected_sid: Option<String>,
        max_age_ms: Option<i64>,
        utc_offset_minutes: Option<i32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        flow(
            slf,
            "receive",
            body,
            apikey,
            handler,
            expected_sid,
            max_age_ms,
            utc_offset_minutes,
        )
    }

    /// `receive` as a coroutine: a coroutine function handler is awaited, any other runs in a
    /// thread (`asyncio.to_thread`), so the event loop is never blocked.
    #[pyo3(signature = (body, apikey, handler, *, expected_sid = None, max_age_ms = None, utc_offset_minutes = None))]
    #[allow(clippy::too_many_arguments)]
    fn receive_async<'py>(
        slf: &Bound<'py, Self>,
        body: Bound<'py, PyAny>,
        apikey: String,
        handler: Bound<'py, PyAny>,
        expected_sid: Option<String>,
        max_age_ms: Option<i64>,
        utc_offset_minutes: Option<i32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        flow(
            slf,
            "receive_async",
            body,
            apikey,
            handler,
            expected_sid,
            max_age_ms,
            utc_offset_minutes,
        )
    }

    /// `begin`, `handler(push)`, `commit`: returns the handler's value and raises the guard's
    /// errors (`PushReplayError`, ...; a failed commit too). An exception of the handler
    /// releases the id and propagates.
    #[pyo3(signature = (body, apikey, handler, *, expected_sid = None, max_age_ms = None, utc_offset_minutes = None))]
    #[allow(clippy::too_many_arguments)]
    fn handle<'py>(
        slf: &Bound<'py, Self>,
        body: Bound<'py, PyAny>,
        apikey: String,
        handler: Bound<'py, PyAny>,
        expected_sid: Option<String>,
        max_age_ms: Option<i64>,
        utc_offset_minutes: Option<i32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        flow(
            slf,
            "handle",
            body,
            apikey,
            handler,
            expected_sid,
            max_age_ms,
            utc_offset_minutes,
        )
    }

    /// `handle` as a coroutine (the handler as in `receive_async`).
    #[pyo3(signature = (body, apikey, handler, *, expected_sid = None, max_age_ms = None, utc_offset_minutes = None))]
    #[allow(clippy::too_many_arguments)]
    fn handle_async<'py>(
        slf: &Bound<'py, Self>,
        body: Bound<'py, PyAny>,
        apikey: String,
        handler: Bound<'py, PyAny>,
        expected_sid: Option<String>,
        max_age_ms: Option<i64>,
        utc_offset_minutes: Option<i32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        flow(
            slf,
            "handle_async",
            body,
            apikey,
            handler,
            expected_sid,
            max_age_ms,
            utc_offset_minutes,
        )
    }
}

/// A push whose id is claimed as in flight: `commit()` once handled, `release()` when
/// handling failed (so the platform's retry is accepted), or `finish(handled)` for the answer
/// to send. Used once: a second commit or release raises `InvalidInputError`. A context manager
/// does either; a ticket dropped while open releases the id.
#[pyclass(name = "PushTicket", frozen, module = "cardboss")]
pub struct PyPushTicket {
    ticket: Arc<cardboss::PushTicket>,
}

impl PyPushTicket {
    fn new(ticket: cardboss::PushTicket) -> Self {
        PyPushTicket {
            ticket: Arc::new(ticket),
        }
    }
}

#[pymethods]
impl PyPushTicket {
    /// The verified push.
    #[getter]
    fn push(&self) -> Push {
        self.ticket.push().clone()
    }

    /// True until the ticket is committed or released.
    #[getter]
    fn is_open(&self) -> bool {
        self.ticket.is_open()
    }

    fn __repr__(&self) -> String {
        let push = self.ticket.push();
        format!(
            "PushTicket(sid={:?}, id={:?}, sn={:?}, is_open={})",
            push.sid,
            push.id,
            push.sn,
            if self.ticket.is_open() {
                "True"
            } else {
                "False"
            }
        )
    }

    /// Marks the id handled: its replays raise `PushReplayError`.
    #[pyo3(signature = ())]
    fn commit(&self, py: Python<'_>) -> PyResult<Push> {
        let ticket = self.ticket.clone();
        block_on(py, async move { ticket.commit().await })
    }

    /// Forgets the id, so the platform's retry is accepted.
    #[pyo3(signature = ())]
    fn release(&self, py: Python<'_>) -> PyResult<()> {
        let ticket = self.ticket.clone();
        block_on(py, async move { ticket.release().await })
    }

    /// Ends the ticket once the handler ran: `handled` commits (the acknowledgement, or 503
    /// when the store could not record it), otherwise releases (500). Never raises for the
    /// store: the answer says it.
    #[pyo3(signature = (handled))]
    fn finish(&self, py: Python<'_>, handled: bool) -> PyResult<PushReply> {
        let ticket = self.ticket.clone();
        block_on(py, async move { Ok(ticket.finish(handled).await) })
    }

    /// `commit` as a coroutine.
    #[pyo3(signature = ())]
    fn commit_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let ticket = self.ticket.clone();
        coroutine(py, async move { ticket.commit().await })
    }

    /// `release` as a coroutine.
    #[pyo3(signature = ())]
    fn release_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let ticket = self.ticket.clone();
        coroutine(py, async move { ticket.release().await })
    }

    /// `finish` as a coroutine.
    #[pyo3(signature = (handled))]
    fn finish_async<'py>(&self, py: Python<'py>, handled: bool) -> PyResult<Bound<'py, PyAny>> {
        let ticket = self.ticket.clone();
        coroutine(py, async move { Ok(ticket.finish(handled).await) })
    }

    #[pyo3(signature = ())]
    fn __enter__(&self) -> Push {
        self.push()
    }

    /// Commits on a normal exit; on an exception releases the id (a store that cannot be
    /// reached then lets the claim expire) and the exception propagates unchanged.
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
            self.finish(py, false)?;
        }
        Ok(false)
    }
}
