//! What the platform sends to you: data pushes (4.2, signed) and SMS pushes (3.5.6).
//!
//! `Push`, `PushContent`, `SmsPush` and the options are the core's types (Python classes
//! behind its `python` feature); verification, parsing, defaults and replay detection are the
//! core's too. This file only accepts the body in the forms Python has it.

use cardboss::{Push, PushOptions, SmsPush};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::error::guard;

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

/// Verifies pushes and refuses replays (an id seen within `ttl_ms`). Thread-safe: share one per
/// receiver process. `None` is the core's default (100,000 ids, 24 hours).
#[pyclass(name = "PushGuard", frozen, module = "cardboss")]
pub struct PyPushGuard {
    inner: cardboss::PushGuard,
}

#[pymethods]
impl PyPushGuard {
    #[new]
    #[pyo3(signature = (capacity = None, ttl_ms = None))]
    fn new(py: Python<'_>, capacity: Option<i64>, ttl_ms: Option<i64>) -> PyResult<Self> {
        let inner = guard(py, || cardboss::PushGuard::with_options(capacity, ttl_ms))?;
        Ok(PyPushGuard { inner })
    }

    fn __repr__(&self) -> String {
        format!(
            "PushGuard(capacity={}, ttl_ms={})",
            self.inner.capacity(),
            self.inner.ttl().as_millis()
        )
    }

    /// `verify_push`, then refuses the push if its id was already seen (a replay).
    #[pyo3(signature = (body, apikey, *, expected_sid = None, max_age_ms = None, utc_offset_minutes = None))]
    fn verify(
        &self,
        py: Python<'_>,
        body: Body,
        apikey: &str,
        expected_sid: Option<String>,
        max_age_ms: Option<i64>,
        utc_offset_minutes: Option<i32>,
    ) -> PyResult<Push> {
        let options = options(expected_sid, max_age_ms, utc_offset_minutes);
        guard(py, || self.inner.verify(&body.0, apikey, &options))
    }

    /// Records `id`; raises `PushRejectedError` when it was already recorded.
    #[pyo3(signature = (id))]
    fn check_id(&self, py: Python<'_>, id: &str) -> PyResult<()> {
        guard(py, || self.inner.check_id(id))
    }
}
