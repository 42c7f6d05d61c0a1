//! `verify_push` on arbitrary bodies (JSON or form), with and without the sid/age checks.
//!
//! Random bytes rarely carry a valid sign, so a JSON object input is also re-signed here (the
//! fields signed as the spec says: a string's value, any other value's text as sent, null as
//! "") and verified again: that run must never be refused for its sign, and reaches the `data`
//! parsing of OD1002/OD1010 with arbitrary content.
#![no_main]

use std::collections::BTreeMap;

use cardboss::sign::push_sign;
use cardboss::{verify_push, PushOptions};
use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;

const SID: &str = "10043";
const KEY: &str = "0123456789abcdef0123456789abcdef";

fn field(raw: &RawValue) -> Option<String> {
    match raw.get() {
        "null" => Some(String::new()),
        s if s.starts_with('"') => serde_json::from_str::<String>(s).ok(),
        s => Some(s.to_string()),
    }
}

fuzz_target!(|data: &[u8]| {
    let strict = PushOptions {
        expected_sid: Some(SID.into()),
        max_age_ms: Some(300_000),
        ..Default::default()
    };
    let _ = verify_push(data, KEY, &PushOptions::default());
    let _ = verify_push(data, KEY, &strict);

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if !text.trim_start().starts_with('{') {
        return;
    }
    let Ok(mut map) = serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(text) else {
        return;
    };
    map.remove("sign");
    let get = |name: &str| {
        map.get(name)
            .map(|v| field(v))
            .unwrap_or(Some(String::new()))
    };
    let (Some(sid), Some(id), Some(sn), Some(level), Some(api), Some(time), Some(body), Some(desc)) = (
        get("sid"),
        get("id"),
        get("sn"),
        get("level"),
        get("api"),
        get("time"),
        get("data"),
        get("desc"),
    ) else {
        return;
    };
    let sign = push_sign(&sid, KEY, &id, &sn, &level, &api, &time, &body, &desc);
    let sign = RawValue::from_string(serde_json::to_string(&sign).unwrap()).unwrap();
    map.insert("sign".into(), sign);
    let signed = serde_json::to_string(&map).unwrap();
    let at = Utc.with_ymd_and_hms(2024, 4, 1, 0, 0, 0).unwrap();
    for options in [PushOptions::default(), strict] {
        if let Err(e) = cardboss::push::verify_push_at(signed.as_bytes(), KEY, &options, at) {
            assert!(
                !e.to_string().contains("sign does not match"),
                "a correctly signed push was refused for its sign: {e} ({signed})"
            );
        }
    }
});
