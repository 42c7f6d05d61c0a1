//! Request signing and timestamps, for callers that check or build requests themselves.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use crate::error::{guard, invalid};

/// Lowercase hex MD5 of the plain concatenation of `parts` (`[sid, apikey, ts, *params]`).
#[pyfunction]
#[pyo3(signature = (parts))]
pub fn sign(parts: Vec<String>) -> String {
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    cardboss::sign(&parts)
}

/// `yyyyMMddHHmmss` of `now` (default: the current time) on a clock `utc_offset_minutes` east
/// of UTC (default: the core's, the platform's UTC+8). A naive `datetime` is taken as local time, as
/// `datetime.timestamp()` does.
#[pyfunction]
#[pyo3(signature = (now = None, *, utc_offset_minutes = None))]
pub fn timestamp(
    py: Python<'_>,
    now: Option<Bound<'_, PyAny>>,
    utc_offset_minutes: Option<i32>,
) -> PyResult<String> {
    let now = match now {
        None => Utc::now(),
        Some(dt) => {
            let seconds: f64 = dt.call_method0("timestamp")?.extract()?;
            guard(py, || {
                DateTime::<Utc>::from_timestamp(seconds.floor() as i64, 0)
                    .ok_or_else(|| invalid("now", "is out of range"))
            })?
        }
    };
    Ok(cardboss::timestamp(
        now,
        utc_offset_minutes.unwrap_or(cardboss::sign::DEFAULT_UTC_OFFSET_MINUTES),
    ))
}
