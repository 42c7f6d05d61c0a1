//! The exception hierarchy and the one mapping from `cardboss::Error` to it (by `kind()`).
//!
//! The classes are plain Python classes (multiple inheritance: `InvalidInputError` is also a
//! `ValueError`, `TimeoutError` also the builtin's subclass), defined by the Python source below
//! when the module loads. Messages come from the core's `Display`, which never holds a secret.

use std::any::Any;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

/// The classes, in definition order; each is exported from `cardboss`.
pub const CLASSES: &[&str] = &[
    "CardBossError",
    "ApiError",
    "AuthError",
    "RateLimitedError",
    "InvalidInputError",
    "CooldownError",
    "TimeoutError",
    "TransportError",
    "HttpError",
    "DecodeError",
    "PushRejectedError",
    "InternalError",
];

const ERRORS_PY: &std::ffi::CStr = cr#"
import builtins


class CardBossError(Exception):
    """Base of every error the SDK raises.

    Attributes: ``kind`` (the core's variant: ``api``, ``auth``, ``rate_limited``,
    ``invalid_input``, ``cooldown``, ``timeout``, ``transport``, ``http``, ``decode``,
    ``push_rejected``, ``internal``), ``code`` (the platform's code such as ``"1005"`` for server
    refusals, a word such as ``"TIMEOUT"`` otherwise), ``msg``, ``detail``, ``http_status``,
    ``endpoint``, ``retry_after`` (seconds, when known), ``outcome_unknown`` (a POST that may have
    been applied), ``carrier_code`` and ``result`` (JSON text a refusal still carried).
    """

    kind = "internal"
    code = ""
    msg = ""
    detail = ""
    http_status = None
    endpoint = None
    retry_after = None
    outcome_unknown = False
    carrier_code = None
    result = None


class ApiError(CardBossError):
    """The server refused the request (a platform code other than 0)."""


class AuthError(ApiError):
    """Account disabled (1001), signature rejected (1005) or IP not allowed (1006)."""


class RateLimitedError(ApiError):
    """Too fast: 1030, or the carrier refused a repeated operation (13009, 13010)."""


class InvalidInputError(CardBossError, ValueError):
    """Bad input, found before anything was sent."""


class CooldownError(CardBossError):
    """The client's cooldown guard refused to repeat a lifecycle operation on a card so soon."""


class TimeoutError(CardBossError, builtins.TimeoutError):
    """No answer within the timeout."""


class TransportError(CardBossError):
    """The connection failed or broke."""


class HttpError(TransportError):
    """A non-2xx answer that is not a CardBOSS envelope (a proxy's error page, say)."""


class DecodeError(CardBossError):
    """A 2xx answer that is not the JSON the spec describes."""


class PushRejectedError(CardBossError, ValueError):
    """A push (webhook) body failed verification or parsing: answer it with an error."""


class InternalError(CardBossError):
    """A bug in the SDK (a Rust panic), turned into an exception."""


for _cls in (CardBossError, ApiError, AuthError, RateLimitedError, InvalidInputError,
             CooldownError, TimeoutError, TransportError, HttpError, DecodeError,
             PushRejectedError, InternalError):
    _cls.__module__ = "cardboss"
del _cls
"#;

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// Defines the classes (once) and adds them to `module`.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    let errors = errors_module(py)?;
    for name in CLASSES {
        module.add(*name, errors.getattr(*name)?)?;
    }
    Ok(())
}

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS
        .get_or_try_init(py, || {
            Ok(
                PyModule::from_code(py, ERRORS_PY, c"cardboss/_errors.py", c"cardboss._errors")?
                    .unbind(),
            )
        })
        .map(|m| m.bind(py))
}

/// The class for a core error, by its `kind()`.
fn class_name(kind: &str) -> &'static str {
    match kind {
        "api" => "ApiError",
        "auth" => "AuthError",
        "rate_limited" => "RateLimitedError",
        "invalid_input" => "InvalidInputError",
        "cooldown" => "CooldownError",
        "timeout" => "TimeoutError",
        "transport" => "TransportError",
        "http" => "HttpError",
        "decode" => "DecodeError",
        "push_rejected" => "PushRejectedError",
        _ => "InternalError",
    }
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
    use cardboss::Error as E;
    let class = errors_module(py)?.getattr(class_name(error.kind()))?;
    let message = error.to_string();
    let exc = class.call1((message.as_str(),))?;
    let failure = error.failure();
    let (msg, detail) = match (failure, error) {
        (Some(f), _) => (f.msg.clone(), f.detail.clone()),
        (None, E::InvalidInput { field, reason }) => {
            (message.clone(), format!("{field}: {reason}"))
        }
        (None, E::Cooldown { card, .. }) => (message.clone(), card.clone()),
        (
            None,
            E::Transport { message: m, .. }
            | E::Decode { message: m, .. }
            | E::Internal { message: m },
        ) => (message.clone(), m.clone()),
        (None, E::Http { body_prefix, .. }) => (message.clone(), body_prefix.clone()),
        (None, E::PushRejected { reason }) => (message.clone(), reason.clone()),
        (None, _) => (message.clone(), String::new()),
    };
    exc.setattr("kind", error.kind())?;
    exc.setattr("code", error.code())?;
    exc.setattr("msg", msg)?;
    exc.setattr("detail", detail)?;
    exc.setattr("http_status", error.http_status())?;
    exc.setattr("endpoint", error.endpoint())?;
    exc.setattr("retry_after", error.retry_after_secs())?;
    exc.setattr("outcome_unknown", error.outcome_unknown())?;
    exc.setattr("carrier_code", failure.and_then(|f| f.carrier_code.clone()))?;
    exc.setattr("result", failure.and_then(|f| f.result.clone()))?;
    Ok(PyErr::from_value(exc))
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
