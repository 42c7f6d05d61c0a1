//! The models as Python values (feature `python`), defined here once for every model.
//!
//! The models are `#[pyclass(frozen, get_all, eq)]` where they are defined; their
//! `#[pymethods]` must live in this crate too (the orphan rule), so they are generated here by
//! [`py_models!`] over the one model list, which also registers them ([`register`]). Each model:
//! - is built from keyword arguments named like `to_dict()`'s keys (`Card(msisdn=..., state=1)`),
//!   through the model's own `Deserialize`, so a fixture is decoded exactly like an answer;
//! - compares, hashes (by its content), pickles (`__getnewargs_ex__`: its keyword arguments) and
//!   copies;
//! - shows dates (`yyyy-MM-dd` on the wire) as `datetime.date` and coded values as the
//!   `enum.IntEnum` (operators: a `str` enum) built from [`crate::codes`], so `card.state == 1`
//!   still holds. A value missing from its table stays the plain value; a date that is not
//!   `yyyy-MM-dd` is `None` (the text stays in `to_dict()`). These getters replace the ones
//!   `get_all` makes for the same fields: pyo3 installs a class's `#[pymethods]` after its field
//!   getters, and the last getter of a name wins (the Python tests check each conversion).
//!
//! `to_dict()` and `repr` go through `Serialize` (the spec's table names; unknown fields
//! flattened in), so they never disagree with what the other bindings see. No model holds a
//! secret.

use std::hash::{Hash, Hasher};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::codes::{self, CodeTable};
use crate::crypto::SmsPlaintext;
use crate::models::*;

mod stubs;

/// Lists longer than this are shortened in a `repr`.
const REPR_ITEMS: usize = 3;

/// The module the classes claim (`module = "cardboss"` on each pyclass), for pickling.
const MODULE: &str = "cardboss";

fn value_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The record as a `dict` keyed by the spec's table names, in declaration order.
fn to_dict<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyDict>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let text = serde_json::to_string(value).map_err(value_error)?;
    // `json.loads` keeps the declaration order that serde_json writes.
    Ok(LOADS
        .import(py, "json", "loads")?
        .call1((text,))?
        .cast_into::<PyDict>()?)
}

/// `Name(field=value, ...)`: attribute values where the field is an attribute (nested records
/// show their own repr, dates and codes their Python value), the serialized value otherwise;
/// long lists shortened.
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

/// The keys a model's keyword arguments may use: its serialized fields (`extra` aside).
fn field_names<T: Serialize + Default>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// A model from keyword arguments: checked against its field names, turned into JSON and
/// decoded by the model's `Deserialize`. `extra` (a dict of str) is flattened in.
fn construct<T: Serialize + DeserializeOwned + Default>(
    cls: &Bound<'_, PyType>,
    fields: Option<&Bound<'_, PyDict>>,
) -> PyResult<T> {
    let name = cls.name()?;
    let known = field_names::<T>();
    let has_extra = cls.hasattr("extra")?;
    let mut object = Map::new();
    let mut extra = Map::new();
    for (key, value) in fields.into_iter().flat_map(|f| f.iter()) {
        let key: String = key.extract()?;
        if key == "extra" && has_extra {
            let entries = value.cast::<PyDict>().map_err(|_| {
                PyTypeError::new_err(format!("{name}(): extra must be a dict of str"))
            })?;
            for (k, v) in entries.iter() {
                let (k, v): (String, String) = (k.extract()?, v.extract()?);
                if known.contains(&k) {
                    return Err(PyTypeError::new_err(format!(
                        "{name}(): extra repeats the field '{k}'"
                    )));
                }
                extra.insert(k, Value::String(v));
            }
        } else if known.contains(&key) {
            object.insert(key, to_json(&value)?);
        } else {
            return Err(PyTypeError::new_err(format!(
                "{name}() got an unexpected keyword argument '{key}' (fields: {})",
                known.join(", ")
            )));
        }
    }
    object.extend(extra);
    serde_json::from_value(Value::Object(object))
        .map_err(|e| PyValueError::new_err(format!("{name}(): {e}")))
}

/// A Python value as JSON: dates as `yyyy-MM-dd`, enums as their value (they are `int`/`str`
/// subclasses), models as their `to_dict()`.
fn to_json(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    let py = value.py();
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(Value::from(value.extract::<i64>()?));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err("a number must be finite"));
    }
    if value.is_instance_of::<PyString>() {
        return Ok(Value::String(value.extract()?));
    }
    if value.is_instance(date_class(py)?)? {
        return Ok(Value::String(value.call_method0("isoformat")?.extract()?));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in dict.iter() {
            map.insert(k.extract()?, to_json(&v)?);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        return value
            .try_iter()?
            .map(|item| to_json(&item?))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    if value.hasattr("to_dict")? {
        return to_json(&value.call_method0("to_dict")?);
    }
    Err(PyTypeError::new_err(format!(
        "cannot use a {} as a field value",
        value.get_type().name()?
    )))
}

/// The keyword arguments that rebuild the record (pickle's `__getnewargs_ex__`).
fn kwargs<'py, T: Serialize + Default>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyDict>> {
    let known = field_names::<T>();
    let all = to_dict(py, value)?;
    let out = PyDict::new(py);
    let extra = PyDict::new(py);
    for (key, value) in all.iter() {
        if known.contains(&key.extract::<String>()?) {
            out.set_item(key, value)?;
        } else {
            extra.set_item(key, value)?;
        }
    }
    if !extra.is_empty() {
        out.set_item("extra", extra)?;
    }
    Ok(out)
}

/// A hash of the record's content that equal records share: its JSON with object keys sorted
/// (`extra` is a map with no order).
fn content_hash<T: Serialize>(value: &T) -> PyResult<u64> {
    fn feed(value: &Value, h: &mut impl Hasher) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<_> = map.keys().collect();
                keys.sort();
                for k in keys {
                    k.hash(h);
                    feed(&map[k], h);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| feed(v, h)),
            // -0.0 == 0.0, so both hash as 0.0.
            Value::Number(n) if n.as_f64() == Some(0.0) => "0".hash(h),
            other => other.to_string().hash(h),
        }
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    feed(&serde_json::to_value(value).map_err(value_error)?, &mut h);
    Ok(h.finish())
}

fn date_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    DATE.import(py, "datetime", "date")
}

/// A `yyyy-MM-dd` text as a `datetime.date`; `None` when absent or not a date.
fn date<'py>(py: Python<'py>, text: &Option<String>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let parsed = text
        .as_deref()
        .and_then(|t| chrono::NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok());
    let Some(d) = parsed else { return Ok(None) };
    use chrono::Datelike;
    Ok(Some(date_class(py)?.call1((
        d.year(),
        d.month(),
        d.day(),
    ))?))
}

/// The Python enum classes built from the code tables, by name.
fn enums(py: Python<'_>) -> PyResult<&Bound<'_, PyDict>> {
    static ENUMS: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
    ENUMS
        .get_or_try_init(py, || {
            let enum_module = py.import("enum")?;
            let out = PyDict::new(py);
            let build = |base: &str, table_name: &str, doc: &str, members: Bound<'_, PyList>| {
                let kwargs = PyDict::new(py);
                kwargs.set_item("module", MODULE)?;
                kwargs.set_item("qualname", table_name)?;
                let class = if base == "str" {
                    kwargs.set_item("type", py.get_type::<PyString>())?;
                    enum_module.getattr("Enum")?
                } else {
                    enum_module.getattr("IntEnum")?
                }
                .call((table_name, members), Some(&kwargs))?;
                class.setattr("__doc__", doc)?;
                out.set_item(table_name, class)
            };
            for t in codes::INT_TABLES {
                build("int", t.name, t.doc, PyList::new(py, t.members)?)?;
            }
            for t in codes::STR_TABLES {
                build("str", t.name, t.doc, PyList::new(py, t.members)?)?;
            }
            Ok::<_, PyErr>(out.unbind())
        })
        .map(|d| d.bind(py))
}

/// A coded value as its enum member, or as itself when its table does not list it (or it is
/// `None`).
fn coded<'py, V>(
    py: Python<'py>,
    table: &CodeTable<V>,
    value: Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if value.is_none() {
        return Ok(value);
    }
    let class = enums(py)?
        .get_item(table.name)?
        .ok_or_else(|| PyValueError::new_err(table.name))?;
    match class.call1((&value,)) {
        Ok(member) => Ok(member),
        Err(e) if e.is_instance_of::<PyValueError>(py) => Ok(value),
        Err(e) => Err(e),
    }
}

/// A bulk outcome's status as its `OutcomeStatus` member (a `str` enum: `== "done"` holds).
impl<'py> IntoPyObject<'py> for OutcomeStatus {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let wire = serde_json::to_value(self).map_err(value_error)?;
        let wire = wire.as_str().unwrap_or_default();
        coded(
            py,
            &codes::OUTCOME_STATUS,
            PyString::new(py, wire).into_any(),
        )
    }
}

/// Adds the models and the code enums to the extension module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    for (name, class) in enums(m.py())?.iter() {
        m.add(name.cast_into::<PyString>()?, class)?;
    }
    add_models(m)?;
    add_views(m)
}

/// For each model, in the one list: `#[pymethods]` (constructor, `__repr__`, `__hash__`,
/// pickling and copying, `to_dict()`, the getters of its `dates(...)` and `codes(field = TABLE)`,
/// any extra methods in braces), [`add_models`], and `described_models` (what [`stubs`] renders
/// the models' stubs from; the stubs of the methods in braces are its `EXTRA_MEMBERS`).
macro_rules! py_models {
    ($(
        $model:ident
        $(dates($($date:ident),* $(,)?))?
        $(codes($($code:ident = $table:ident),* $(,)?))?
        $({ $($extra:tt)* })?
    ),* $(,)?) => {
        $(
        #[pymethods]
        impl $model {
            #[new]
            #[classmethod]
            #[pyo3(signature = (**fields))]
            fn py_new(cls: &Bound<'_, PyType>, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
                construct(cls, fields)
            }

            fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
                repr(slf.as_any(), stringify!($model), &to_dict(slf.py(), slf.get())?)
            }

            fn __hash__(&self) -> PyResult<u64> {
                content_hash(self)
            }

            fn __getnewargs_ex__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyTuple>, Bound<'py, PyDict>)> {
                Ok((PyTuple::empty(py), kwargs(py, self)?))
            }

            fn __copy__(&self) -> Self {
                self.clone()
            }

            #[pyo3(signature = (_memo))]
            fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Self {
                self.clone()
            }

            /// The record as a `dict` keyed by the spec's table names.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                to_dict(py, self)
            }

            $($(
                #[getter]
                fn $date<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
                    date(py, &self.$date)
                }
            )*)?

            $($(
                #[getter]
                fn $code<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    let value = self.$code.clone().into_pyobject(py)?.into_any();
                    coded(py, &codes::$table, value)
                }
            )*)?

            $($($extra)*)?
        }
        )*

        fn add_models(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $(m.add_class::<$model>()?;)*
            Ok(())
        }

        /// Each model as the stub generator needs it.
        fn described_models() -> Vec<stubs::Model> {
            vec![$(stubs::Model {
                name: stringify!($model),
                schema: schemars::schema_for!($model),
                order: stubs::field_order(&$model::default()),
                dates: &[$($(stringify!($date)),*)?],
                codes: vec![$($((stringify!($code), codes::$table.name)),*)?],
            }),*]
        }
    };
}

/// The generated part of `_native.pyi`: the code enums and the models (see [`stubs`]).
pub fn model_stubs() -> String {
    stubs::render(&described_models())
}

py_models!(
    Customer codes(status = STATUS),
    Card codes(state = CARD_STATE),
    CardPage,
    CardDetail
        dates(activedate, stoptestdate, stopsleepdate, expiredate, statusyncdate, pkgsyncdate, monthsyncdate)
        codes(state = CARD_STATE, msstatus = MS_STATUS, cycle = CYCLE, mno = OPERATOR),
    CurrentUsage codes(state = CARD_STATE) {
        /// The card's iccid (the field carries the table's name, `iccids`).
        #[getter(iccid)]
        fn py_iccid(&self) -> &str {
            CurrentUsage::iccid(self)
        }
    },
    MonthlyUsage,
    ArrearsCard codes(state = CARD_STATE),
    ArrearsPage,
    Package dates(startdate, enddate) codes(pkgtype = PACKAGE_TYPE, pkgcategory = PACKAGE_CATEGORY),
    PackageList,
    DayUsage,
    DailyUsage,
    Pool codes(state = STATUS),
    RenewalOrder,
    RenewalResult codes(status = RENEWAL_STATUS) {
        /// True when the renewal went through (`status == 1`).
        #[pyo3(name = "succeeded")]
        fn py_succeeded(&self) -> bool {
            RenewalResult::succeeded(self)
        }
    },
    UsageWarning dates(cardexpiry, planexpiry) codes(warning_type = WARNING_TYPE, mon = OPERATOR),
    SmsReceipt,
    SmsReport {
        /// True when the message was delivered (`state == "DELIVRD"`).
        #[pyo3(name = "delivered")]
        fn py_delivered(&self) -> bool {
            SmsReport::delivered(self)
        }
    },
    SmsReply,
    FleetRecord
        dates(activedate, stoptestdate, stopsleepdate, expiredate, statusyncdate, pkgsyncdate, monthsyncdate)
        codes(state = CARD_STATE, msstatus = MS_STATUS, cycle = CYCLE, mno = OPERATOR),
    FleetSyncReport,
    MissingCard,
    MissingPage,
    BulkOutcome,
    BulkReport {
        /// True when every card ended done or skipped.
        #[pyo3(name = "all_done")]
        fn py_all_done(&self) -> bool {
            BulkReport::all_done(self)
        }
    },
);

/// The push types (verified, never built by hand: no constructor, no pickling): `__repr__`,
/// `to_dict()` and their extra methods, and [`add_views`].
macro_rules! py_views {
    ($($model:ident $({ $($extra:tt)* })?),* $(,)?) => {
        $(
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
        )*

        fn add_views(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $(m.add_class::<$model>()?;)*
            Ok(())
        }
    };
}

py_views!(
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
    PushReply {
        /// True for the acknowledgement (`success`), which stops the platform's retries.
        #[pyo3(name = "acknowledged")]
        fn py_acknowledged(&self) -> bool {
            PushReply::acknowledged(self)
        }
    },
);
