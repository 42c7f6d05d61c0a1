//! Bulk results (thousands of records) cross into JS as one JSON text that V8 parses.
//!
//! napi's object conversion sets every field of every record with its own call on the JS thread:
//! for 100,000 card details that blocked the event loop for seconds and held the whole Rust
//! vector meanwhile. Here the records are turned into JSON on the tokio worker instead, in
//! exactly the shape the napi objects have (table field names, unknown fields under `extra`,
//! absent options left out), and the JS thread only runs `JSON.parse`.

use std::collections::HashSet;
use std::ptr;

use napi::bindgen_prelude::ToNapiValue;
use napi::{check_status, sys};
use serde::Serialize;
use serde_json::{Map, Value};

/// Records already encoded as a JSON array.
pub struct JsonRecords(String);

impl JsonRecords {
    /// Encodes `records` like their napi objects: the fields a record type declares stay at the
    /// top, without nulls; everything else (the flattened `extra`) goes back under `extra`.
    /// Records are consumed one at a time, so only one is ever held twice.
    pub fn encode<T: Serialize + Default>(records: Vec<T>) -> cardboss::Result<Self> {
        let fail = |e: serde_json::Error| cardboss::Error::Internal {
            message: format!("encoding records: {e}"),
        };
        let declared: HashSet<String> = match serde_json::to_value(T::default()).map_err(fail)? {
            Value::Object(map) => map.into_iter().map(|(k, _)| k).collect(),
            _ => HashSet::new(),
        };
        let mut out = Vec::with_capacity(records.len() * 1024 + 2);
        out.push(b'[');
        for (index, record) in records.into_iter().enumerate() {
            let Value::Object(fields) = serde_json::to_value(&record).map_err(fail)? else {
                continue;
            };
            drop(record);
            let mut top = Map::with_capacity(fields.len());
            let mut extra = Map::new();
            for (key, value) in fields {
                if declared.contains(&key) {
                    if !value.is_null() {
                        top.insert(key, value);
                    }
                } else {
                    extra.insert(key, value);
                }
            }
            top.insert("extra".into(), Value::Object(extra));
            if index > 0 {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, &top).map_err(fail)?;
        }
        out.push(b']');
        String::from_utf8(out)
            .map(JsonRecords)
            .map_err(|e| cardboss::Error::Internal {
                message: format!("encoding records: {e}"),
            })
    }
}

impl ToNapiValue for JsonRecords {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let text = String::to_napi_value(env, val.0)?;
        let mut global = ptr::null_mut();
        check_status!(sys::napi_get_global(env, &mut global))?;
        let mut json = ptr::null_mut();
        check_status!(sys::napi_get_named_property(
            env,
            global,
            c"JSON".as_ptr(),
            &mut json
        ))?;
        let mut parse = ptr::null_mut();
        check_status!(sys::napi_get_named_property(
            env,
            json,
            c"parse".as_ptr(),
            &mut parse
        ))?;
        let mut parsed = ptr::null_mut();
        let args = [text];
        check_status!(sys::napi_call_function(
            env,
            json,
            parse,
            1,
            args.as_ptr(),
            &mut parsed
        ))?;
        Ok(parsed)
    }
}
