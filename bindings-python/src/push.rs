//! What the platform sends to you: data pushes (4.2, signed) and SMS pushes (3.5.6).
//!
//! `Push`, `PushContent` and `SmsPush` are the core's types as Python classes (the core's are
//! enums, which pyo3 cannot make frozen attribute classes of); verification, parsing and replay
//! detection are the core's.

use std::time::Duration;

use cardboss::{
    PushContent, PushOptions, RenewalResult, SmsPush, SmsReply, SmsReport, UsageWarning,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

use crate::error::{guard, invalid};
use crate::json_to_dict;

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
    max_age_secs: Option<i64>,
    utc_offset_minutes: i32,
) -> cardboss::Result<PushOptions> {
    let max_age_secs = max_age_secs
        .map(|s| u64::try_from(s).map_err(|_| invalid("max_age_secs", "must not be negative")))
        .transpose()?;
    Ok(PushOptions {
        expected_sid,
        max_age_ms: max_age_secs.map(|s| s.saturating_mul(1000) as i64),
        utc_offset_minutes: Some(utc_offset_minutes),
    })
}

/// What a data push carries, by its `sn`: `kind` is `"renewal_result"` (OD1002, `result` set),
/// `"usage_warnings"` (OD1010, `warnings` set) or `"other"` (see `Push.data`).
#[pyclass(name = "PushContent", frozen, get_all, eq, module = "cardboss")]
#[derive(Clone, PartialEq)]
pub struct PyPushContent {
    pub kind: String,
    pub result: Option<RenewalResult>,
    pub warnings: Vec<UsageWarning>,
}

#[pymethods]
impl PyPushContent {
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        Ok(match &this.kind[..] {
            "renewal_result" => format!(
                "PushContent(kind='renewal_result', result={})",
                slf.getattr("result")?.repr()?
            ),
            "usage_warnings" => format!(
                "PushContent(kind='usage_warnings', warnings=[{} UsageWarning])",
                this.warnings.len()
            ),
            other => format!("PushContent(kind='{other}')"),
        })
    }

    /// The content as a `dict` (`kind` plus `result` or `warnings`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_to_dict(py, &self.core())
    }
}

impl PyPushContent {
    fn core(&self) -> PushContent {
        match (&self.kind[..], &self.result) {
            ("renewal_result", Some(result)) => PushContent::RenewalResult {
                result: result.clone(),
            },
            ("usage_warnings", _) => PushContent::UsageWarnings {
                warnings: self.warnings.clone(),
            },
            _ => PushContent::Other {},
        }
    }
}

impl From<PushContent> for PyPushContent {
    fn from(content: PushContent) -> Self {
        match content {
            PushContent::RenewalResult { result } => PyPushContent {
                kind: "renewal_result".into(),
                result: Some(result),
                warnings: Vec::new(),
            },
            PushContent::UsageWarnings { warnings } => PyPushContent {
                kind: "usage_warnings".into(),
                result: None,
                warnings,
            },
            PushContent::Other {} => PyPushContent {
                kind: "other".into(),
                result: None,
                warnings: Vec::new(),
            },
        }
    }
}

/// A verified data push (4.2).
#[pyclass(name = "Push", frozen, get_all, eq, module = "cardboss")]
#[derive(Clone, PartialEq)]
pub struct PyPush {
    pub sid: String,
    /// Unique message id (`PushGuard` refuses a second push with the same id).
    pub id: String,
    /// `OD1002` (renewal result) or `OD1010` (usage warnings), trimmed.
    pub sn: String,
    pub level: String,
    pub api: String,
    pub time: String,
    pub desc: String,
    /// `data` exactly as received (JSON text).
    pub data: String,
    pub content: PyPushContent,
}

#[pymethods]
impl PyPush {
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        Ok(format!(
            "Push(sid={}, id={}, sn={}, level={}, time={}, desc={}, content={})",
            PyString::new(slf.py(), &this.sid).repr()?,
            PyString::new(slf.py(), &this.id).repr()?,
            PyString::new(slf.py(), &this.sn).repr()?,
            PyString::new(slf.py(), &this.level).repr()?,
            PyString::new(slf.py(), &this.time).repr()?,
            PyString::new(slf.py(), &this.desc).repr()?,
            slf.getattr("content")?.repr()?,
        ))
    }

    /// The push as a `dict` (its fields, `content` as a nested dict).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let core = cardboss::Push {
            sid: self.sid.clone(),
            id: self.id.clone(),
            sn: self.sn.clone(),
            level: self.level.clone(),
            api: self.api.clone(),
            time: self.time.clone(),
            desc: self.desc.clone(),
            data: self.data.clone(),
            content: self.content.core(),
        };
        json_to_dict(py, &core)
    }
}

impl From<cardboss::Push> for PyPush {
    fn from(p: cardboss::Push) -> Self {
        PyPush {
            sid: p.sid,
            id: p.id,
            sn: p.sn,
            level: p.level,
            api: p.api,
            time: p.time,
            desc: p.desc,
            data: p.data,
            content: p.content.into(),
        }
    }
}

/// An SMS push (3.5.6): `type` is `"P0001"` (delivery `reports`) or `"P0002"` (`replies`).
#[pyclass(name = "SmsPush", frozen, eq, module = "cardboss")]
#[derive(Clone, PartialEq)]
pub struct PySmsPush {
    #[pyo3(get, name = "type")]
    pub kind: String,
    #[pyo3(get)]
    pub reports: Vec<SmsReport>,
    #[pyo3(get)]
    pub replies: Vec<SmsReply>,
}

#[pymethods]
impl PySmsPush {
    fn __repr__(&self) -> String {
        format!(
            "SmsPush(type='{}', reports=[{} SmsReport], replies=[{} SmsReply])",
            self.kind,
            self.reports.len(),
            self.replies.len()
        )
    }

    /// The push as a `dict` (`type` plus `reports` or `replies`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let core = if self.kind == "P0002" {
            SmsPush::Replies {
                replies: self.replies.clone(),
            }
        } else {
            SmsPush::Reports {
                reports: self.reports.clone(),
            }
        };
        json_to_dict(py, &core)
    }
}

impl From<SmsPush> for PySmsPush {
    fn from(p: SmsPush) -> Self {
        match p {
            SmsPush::Reports { reports } => PySmsPush {
                kind: "P0001".into(),
                reports,
                replies: Vec::new(),
            },
            SmsPush::Replies { replies } => PySmsPush {
                kind: "P0002".into(),
                reports: Vec::new(),
                replies,
            },
        }
    }
}

/// Verifies a data push body (JSON or form) with the account's apikey and parses its `data`.
/// Raises `PushRejectedError` for a forged, foreign (`expected_sid`) or stale (`max_age_secs`)
/// push.
#[pyfunction]
#[pyo3(signature = (body, apikey, *, expected_sid = None, max_age_secs = None, utc_offset_minutes = 480))]
pub fn verify_push(
    py: Python<'_>,
    body: Body,
    apikey: &str,
    expected_sid: Option<String>,
    max_age_secs: Option<i64>,
    utc_offset_minutes: i32,
) -> PyResult<PyPush> {
    guard(py, || {
        cardboss::verify_push(
            &body.0,
            apikey,
            &options(expected_sid, max_age_secs, utc_offset_minutes)?,
        )
        .map(PyPush::from)
    })
}

/// Parses an SMS push (unsigned). Raises `PushRejectedError` when it is not one.
#[pyfunction]
#[pyo3(signature = (body))]
pub fn parse_sms_push(py: Python<'_>, body: Body) -> PyResult<PySmsPush> {
    guard(py, || {
        cardboss::parse_sms_push(&body.0).map(PySmsPush::from)
    })
}

/// Verifies pushes and refuses replays (an id seen within `ttl` seconds). Thread-safe: share
/// one per receiver process.
#[pyclass(name = "PushGuard", frozen, module = "cardboss")]
pub struct PyPushGuard {
    inner: cardboss::PushGuard,
    capacity: usize,
    ttl: f64,
}

#[pymethods]
impl PyPushGuard {
    #[new]
    #[pyo3(signature = (capacity = 100_000, ttl = 86_400.0))]
    fn new(py: Python<'_>, capacity: usize, ttl: f64) -> PyResult<Self> {
        let duration = guard(py, || {
            Duration::try_from_secs_f64(ttl)
                .map_err(|_| invalid("ttl", "must be a positive number of seconds"))
        })?;
        Ok(PyPushGuard {
            inner: cardboss::PushGuard::new(capacity, duration),
            capacity,
            ttl,
        })
    }

    fn __repr__(&self) -> String {
        format!("PushGuard(capacity={}, ttl={})", self.capacity, self.ttl)
    }

    /// `verify_push`, then refuses the push if its id was already seen (a replay).
    #[pyo3(signature = (body, apikey, *, expected_sid = None, max_age_secs = None, utc_offset_minutes = 480))]
    fn verify(
        &self,
        py: Python<'_>,
        body: Body,
        apikey: &str,
        expected_sid: Option<String>,
        max_age_secs: Option<i64>,
        utc_offset_minutes: i32,
    ) -> PyResult<PyPush> {
        guard(py, || {
            self.inner
                .verify(
                    &body.0,
                    apikey,
                    &options(expected_sid, max_age_secs, utc_offset_minutes)?,
                )
                .map(PyPush::from)
        })
    }

    /// Records `id`; raises `PushRejectedError` when it was already recorded.
    #[pyo3(signature = (id))]
    fn check_id(&self, py: Python<'_>, id: &str) -> PyResult<()> {
        guard(py, || self.inner.check_id(id))
    }
}
