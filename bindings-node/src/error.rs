//! The one mapping from `cardboss::Error` to JavaScript, and the two ways calls reach the core:
//! [`spawn`] (a Promise settled from napi's tokio runtime) and [`sync`].
//!
//! Both catch Rust panics (they become an `INTERNAL` error, never a crash of the process) and
//! both turn a `cardboss::Error` into a JS `CardbossError` built here, on the JS thread, with the
//! fields of the core's `ErrorInfo`. The core builds its messages without the apikey or any sign;
//! nothing here adds anything but what the core's accessors return.

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};

use futures::FutureExt;
use napi::bindgen_prelude::{
    FromNapiValue, Function, JsObjectValue, JsValue, Object, PromiseRaw, ToNapiValue, Unknown,
};
use napi::{check_status, sys, Env, Result};
use napi_derive::napi;

/// The JS `Error` for `e`, as a napi error that throws / rejects with exactly that object.
pub fn to_js_error(env: &Env, e: &cardboss::Error) -> napi::Error {
    match build_error(env, e) {
        Ok(object) => napi::Error::from(object.to_unknown()),
        Err(failed) => failed,
    }
}

pub(crate) fn build_error<'env>(env: &'env Env, e: &cardboss::Error) -> Result<Object<'env>> {
    let info = e.info();
    let mut error = match ERROR_CLASS.with(|class| class.get()) {
        Some(class) => {
            let class: Function<String, Unknown> =
                unsafe { Function::from_napi_value(env.raw(), reference_value(env, class)?)? };
            Object::from_unknown(class.new_instance(info.message)?)?
        }
        // Only before lib.js registered the class (the addon used on its own).
        None => {
            let mut error = env.create_error(napi::Error::from_reason(info.message))?;
            error.set_named_property("name", "CardbossError")?;
            error
        }
    };
    // The fields of the core's `ErrorInfo` (`message` is the Error's own).
    error.set_named_property("code", info.code)?;
    error.set_named_property("kind", info.kind.as_str())?;
    error.set_named_property("msg", info.msg)?;
    error.set_named_property("detail", info.detail)?;
    set_some(&mut error, "httpStatus", info.http_status)?;
    set_some(&mut error, "endpoint", info.endpoint)?;
    set_some(&mut error, "retryAfterMs", info.retry_after_ms)?;
    error.set_named_property("outcomeUnknown", info.outcome_unknown)?;
    set_some(&mut error, "carrierCode", info.carrier_code)?;
    set_some(&mut error, "field", info.field)?;
    set_some(&mut error, "result", info.result)?;
    Ok(error)
}

thread_local! {
    /// lib.js's `CardbossError` class, per JS thread (main or worker): a reference never
    /// deleted, as it lives as long as the addon is loaded on that thread.
    static ERROR_CLASS: Cell<Option<sys::napi_ref>> = const { Cell::new(None) };
}

/// Registers the class every error is an instance of (lib.js's `CardbossError`, a subclass of
/// `Error`), so that `err instanceof CardbossError` holds.
#[napi(js_name = "_setErrorClass", skip_typescript)]
pub fn set_error_class(env: Env, class: Function<String, Unknown>) -> Result<()> {
    let mut reference = std::ptr::null_mut();
    check_status!(unsafe {
        sys::napi_create_reference(env.raw(), class.raw(), 1, &mut reference)
    })?;
    ERROR_CLASS.with(|c| c.set(Some(reference)));
    Ok(())
}

fn reference_value(env: &Env, reference: sys::napi_ref) -> Result<sys::napi_value> {
    let mut value = std::ptr::null_mut();
    check_status!(unsafe { sys::napi_get_reference_value(env.raw(), reference, &mut value) })?;
    Ok(value)
}

/// Absent values stay absent (`'httpStatus' in err` is false), rather than `null`.
fn set_some<T: ToNapiValue>(object: &mut Object, name: &str, value: Option<T>) -> Result<()> {
    match value {
        Some(value) => object.set_named_property(name, value),
        None => Ok(()),
    }
}

/// napi's refusal of an argument of the wrong JS type (`status`, `message` of its error), as the
/// core's `InvalidInput`; `None` for any other error. napi's message names the field of an
/// options object (`... on CardSet.msisdns`), not a positional argument; it is not kept, as it
/// can quote the value (an apikey).
pub fn argument_error(status: &str, message: &str) -> Option<cardboss::Error> {
    let reason = match status {
        "InvalidArg" => "has the wrong type",
        "ObjectExpected" => "must be an object",
        "StringExpected" | "NameExpected" => "must be a string",
        "NumberExpected" => "must be a number",
        "BooleanExpected" => "must be a boolean",
        "ArrayExpected" => "must be an array",
        "FunctionExpected" => "must be a function",
        "BigintExpected" => "must be a bigint",
        "DateExpected" => "must be a Date",
        "ArrayBufferExpected" => "must be an ArrayBuffer or a Buffer",
        _ => return None,
    };
    let field = message
        .rsplit_once(" on ")
        .map(|(_, path)| path.rsplit('.').next().unwrap_or(path))
        .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or("arguments");
    Some(cardboss::Error::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    })
}

/// A panic caught at the boundary, as the core's `Internal` error.
fn internal(payload: Box<dyn Any + Send>) -> cardboss::Error {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a Rust panic".to_string());
    cardboss::Error::Internal { message }
}

/// Runs `fut` on napi's tokio runtime and returns a Promise of its value. An error or a panic
/// rejects the Promise with the `CardbossError`, built on the JS thread.
pub fn spawn<'env, T, F>(env: &'env Env, fut: F) -> Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = cardboss::Result<T>> + Send + 'static,
{
    let guarded = async move {
        Ok(AssertUnwindSafe(fut)
            .catch_unwind()
            .await
            .unwrap_or_else(|p| Err(internal(p))))
    };
    env.spawn_future_with_callback(guarded, |env, outcome| {
        outcome.map_err(|e| to_js_error(env, &e))
    })
}

/// Runs `f` now; an error or a panic throws the `CardbossError`.
pub fn sync<T>(env: &Env, f: impl FnOnce() -> cardboss::Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|p| Err(internal(p)))
        .map_err(|e| to_js_error(env, &e))
}
