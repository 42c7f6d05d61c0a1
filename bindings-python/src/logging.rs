//! The core's `tracing` events, forwarded to Python's `logging` logger `cardboss`.
//!
//! Only events whose target is the core (`cardboss::…`) are forwarded; the core's events carry
//! endpoint names, attempts, timings and error texts, never the apikey or a sign. To keep the
//! GIL out of the request path, the logger's effective level is read whenever Python calls into
//! the SDK (the GIL is held then anyway) and events below it are dropped without touching Python.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicI32, Ordering};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// Effective level of the `cardboss` logger as last seen (logging.WARNING until then).
static LEVEL: AtomicI32 = AtomicI32::new(30);
static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn logger(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    LOGGER
        .get_or_try_init(py, || {
            Ok(py
                .import("logging")?
                .call_method1("getLogger", ("cardboss",))?
                .unbind())
        })
        .map(|l| l.bind(py))
}

/// Installs the forwarding subscriber as the process's default (unless one is set already).
pub fn install(py: Python<'_>) {
    refresh(py);
    let _ = tracing::subscriber::set_global_default(PyLogging);
}

/// Re-reads the `cardboss` logger's effective level.
pub fn refresh(py: Python<'_>) {
    if let Ok(level) = logger(py)
        .and_then(|l| l.call_method0("getEffectiveLevel"))
        .and_then(|l| l.extract::<i32>())
    {
        LEVEL.store(level, Ordering::Relaxed);
    }
}

fn python_level(level: &Level) -> i32 {
    match *level {
        Level::ERROR => 40,
        Level::WARN => 30,
        Level::INFO => 20,
        Level::DEBUG => 10,
        Level::TRACE => 5,
    }
}

fn is_core(target: &str) -> bool {
    target == "cardboss" || target.starts_with("cardboss::")
}

struct PyLogging;

impl Subscriber for PyLogging {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if is_core(meta.target()) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        is_core(meta.target()) && python_level(meta.level()) >= LEVEL.load(Ordering::Relaxed)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let level = python_level(event.metadata().level());
        let mut line = fields.message;
        for (name, value) in &fields.pairs {
            let _ = write!(line, " {name}={value}");
        }
        // Never attach during interpreter shutdown.
        let _ = Python::try_attach(|py| -> PyResult<()> {
            let extra = PyDict::new(py);
            let values = PyDict::new(py);
            for (name, value) in fields.pairs {
                values.set_item(name, value)?;
            }
            extra.set_item("cardboss", values)?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("extra", extra)?;
            logger(py)?.call_method("log", (level, line), Some(&kwargs))?;
            Ok(())
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[derive(Default)]
struct Fields {
    message: String,
    pairs: Vec<(&'static str, String)>,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            self.pairs.push((field.name(), format!("{value:?}")));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.pairs.push((field.name(), value.to_string()));
        }
    }
}
