//! Python methods of the models (feature `python`): `to_dict()` and a readable `__repr__`.
//!
//! The models are `#[pyclass(frozen, get_all, eq)]` where they are defined; their
//! `#[pymethods]` must live in this crate too (the orphan rule), so they are generated here, once,
//! by [`py_models!`] over the model list. Both methods go through the models' own `Serialize`
//! (the spec's table names; unknown fields flattened in as their JSON text), so they can never
//! disagree with what the other bindings see. No model holds a secret.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;

use crate::crypto::SmsPlaintext;
use crate::models::*;

/// Lists longer than this are shortened in a `repr`.
const REPR_ITEMS: usize = 3;

/// The record as a `dict` keyed by the spec's table names, in declaration order.
fn to_dict<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyDict>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let text = serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    // `json.loads` keeps the declaration order that serde_json writes.
    Ok(LOADS
        .import(py, "json", "loads")?
        .call1((text,))?
        .cast_into::<PyDict>()?)
}

/// `Name(field=value, ...)`: attribute values where the field is an attribute (nested records
/// show their own repr), the serialized value otherwise; long lists shortened.
fn repr(obj: &Bound<'_, PyAny>, name: &str, dict: &Bound<'_, PyDict>) -> PyResult<String> {
    let mut parts = Vec::with_capacity(dict.len());
    for (key, value) in dict.iter() {
        let key: String = key.extract()?;
        let value = match obj.getattr(key.as_str()) {
            Ok(attr) if !attr.is_callable() => attr,
            _ => value,
        };
        parts.push(format!("{key}={}", short_repr(&value)?));
    }
    Ok(format!("{name}({})", parts.join(", ")))
}

fn short_repr(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(list) = value.cast::<PyList>() {
        if list.len() > REPR_ITEMS {
            let mut items = Vec::with_capacity(REPR_ITEMS + 1);
            for item in list.iter().take(REPR_ITEMS) {
                items.push(item.repr()?.to_string());
            }
            items.push(format!("... {} more", list.len() - REPR_ITEMS));
            return Ok(format!("[{}]", items.join(", ")));
        }
    }
    Ok(value.repr()?.to_string())
}

/// `#[pymethods]` for each model: `__repr__`, `to_dict()`, plus any extra methods given in braces.
macro_rules! py_models {
    ($($model:ident $({ $($extra:tt)* })?),* $(,)?) => {$(
        #[pymethods]
        impl $model {
            fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
                repr(slf.as_any(), stringify!($model), &to_dict(slf.py(), slf.get())?)
            }

            /// The record as a `dict` keyed by the spec's table names.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                to_dict(py, self)
            }

            $($($extra)*)?
        }
    )*};
}

py_models!(
    Customer,
    Card,
    CardPage,
    CardDetail,
    CurrentUsage {
        /// The card's iccid (the field carries the table's name, `iccids`).
        #[getter(iccid)]
        fn py_iccid(&self) -> &str {
            CurrentUsage::iccid(self)
        }
    },
    MonthlyUsage,
    ArrearsCard,
    ArrearsPage,
    Package,
    PackageList,
    DayUsage,
    DailyUsage,
    Pool,
    RenewalOrder,
    RenewalResult {
        /// True when the renewal went through (`status == 1`).
        #[pyo3(name = "succeeded")]
        fn py_succeeded(&self) -> bool {
            RenewalResult::succeeded(self)
        }
    },
    UsageWarning,
    SmsReceipt,
    SmsReport {
        /// True when the message was delivered (`state == "DELIVRD"`).
        #[pyo3(name = "delivered")]
        fn py_delivered(&self) -> bool {
            SmsReport::delivered(self)
        }
    },
    SmsReply,
    FleetRecord,
    FleetSyncReport,
    MissingCard,
    MissingPage,
    Push,
    PushContent {
        /// `renewal_result`, `usage_warnings` or `other`.
        #[getter(kind)]
        fn py_kind(&self) -> &'static str {
            PushContent::kind(self)
        }

        /// The OD1002 renewal result, or None for another kind.
        #[getter(result)]
        fn py_result(&self) -> Option<RenewalResult> {
            match self {
                PushContent::RenewalResult { result } => Some(result.clone()),
                _ => None,
            }
        }

        /// The OD1010 warnings, or an empty list for another kind.
        #[getter(warnings)]
        fn py_warnings(&self) -> Vec<UsageWarning> {
            match self {
                PushContent::UsageWarnings { warnings } => warnings.clone(),
                _ => Vec::new(),
            }
        }
    },
    SmsPush {
        /// `P0001` (delivery reports) or `P0002` (replies).
        #[getter]
        fn r#type(&self) -> &'static str {
            SmsPush::code(self)
        }

        /// The P0001 delivery reports, or an empty list for replies.
        #[getter(reports)]
        fn py_reports(&self) -> Vec<SmsReport> {
            match self {
                SmsPush::Reports { reports } => reports.clone(),
                SmsPush::Replies { .. } => Vec::new(),
            }
        }

        /// The P0002 replies, or an empty list for reports.
        #[getter(replies)]
        fn py_replies(&self) -> Vec<SmsReply> {
            match self {
                SmsPush::Replies { replies } => replies.clone(),
                SmsPush::Reports { .. } => Vec::new(),
            }
        }
    },
    SmsPlaintext,
);
