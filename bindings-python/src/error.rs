//! The one mapping from `cardboss::Error` to the exceptions of `cardboss.errors` (a plain Python
//! module, so tracebacks and types are real): the class is picked by the core's `ErrorKind`, the
//! fields are the core's `ErrorInfo`, copied. Messages come from the core, which never puts a
//! secret in them.

use std::any::Any;

use cardboss::ErrorKind;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};

/// The exception class for each kind (an exhaustive match: a new kind must be given one).
fn class_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Api => "ApiError",
        ErrorKind::Auth => "AuthError",
        ErrorKind::RateLimited => "RateLimitedError",
        ErrorKind::InvalidInput => "InvalidInputError",
        ErrorKind::Cooldown => "CooldownError",
        ErrorKind::Timeout => "TimeoutError",
        ErrorKind::Transport => "TransportError",
        ErrorKind::Http => "HttpError",
        ErrorKind::Decode => "DecodeError",
        ErrorKind::PushRejected => "PushRejectedError",
        ErrorKind::PushReplay => "PushReplayError",
        ErrorKind::PushInFlight => "PushInFlightError",
        ErrorKind::StoreUnavailable => "StoreUnavailableError",
        ErrorKind::Internal => "InternalError",
        ErrorKind::Cancelled => "CancelledError",
    }
}

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    ERRORS
        .get_or_try_init(py, || Ok(py.import("cardboss.errors")?.unbind()))
        .map(|m| m.bind(py))
}

/// The Python exception for a core error.
pub fn to_pyerr(py: Python<'_>, error: cardboss::Error) -> PyErr {
    match build(py, &error) {
        Ok(err) => err,
        // Only if the classes cannot be reached (interpreter shutting down): still no secret.
        Err(_) => pyo3::exceptions::PyRuntimeError::new_err(error.to_string()),
    }
}

fn build(py: Python<'_>, error: &cardboss::Error) -> PyResult<PyErr> {
    let info = error.info();
    let class = errors_module(py)?.getattr(class_name(info.kind))?;
    let fields = PyDict::new(py);
    fields.set_item("kind", info.kind.as_str())?;
    fields.set_item("code", info.code)?;
    fields.set_item("msg", info.msg)?;
    fields.set_item("detail", info.detail)?;
    fields.set_item("field", info.field)?;
    fields.set_item("endpoint", info.endpoint)?;
    fields.set_item("http_status", info.http_status)?;
    fields.set_item("retry_after_ms", info.retry_after_ms)?;
    fields.set_item("outcome_unknown", info.outcome_unknown)?;
    fields.set_item("carrier_code", info.carrier_code)?;
    fields.set_item("result", info.result)?;
    Ok(PyErr::from_value(
        class.call((info.message,), Some(&fields))?,
    ))
}

/// A caught panic as the core's `Internal` error.
pub fn panic_error(payload: Box<dyn Any + Send>) -> cardboss::Error {
    let message = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    };
    cardboss::Error::Internal { message }
}

/// Runs a synchronous core call, turning its error and any panic into the Python exception.
pub fn guard<T>(py: Python<'_>, f: impl FnOnce() -> cardboss::Result<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(to_pyerr(py, error)),
        Err(payload) => Err(to_pyerr(py, panic_error(payload))),
    }
}

/// A bad argument noticed while translating it (a negative count, a non-finite timeout).
pub fn invalid(field: &str, reason: &str) -> cardboss::Error {
    cardboss::Error::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    }
}
