//! Cross-language test vectors (`tests/vectors/*.json` at the workspace root).
//!
//! Every expected value in those files was produced by an independent tool (Python hashlib,
//! md5sum, openssl enc, coreutils base64, Python datetime) by `tests/vectors/generate.sh`; these
//! tests check that the Rust core agrees with them.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;

fn load<T: DeserializeOwned>(file: &str) -> Vec<T> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "tests", "vectors", file]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let cases: Vec<T> = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()));
    assert!(!cases.is_empty(), "{file} has no cases");
    cases
}

#[derive(Deserialize)]
struct SignCase {
    name: String,
    parts: Vec<String>,
    sign: String,
}

#[test]
fn sign_vectors() {
    for case in load::<SignCase>("sign.json") {
        let parts: Vec<&str> = case.parts.iter().map(String::as_str).collect();
        assert_eq!(
            cardboss::sign::sign(&parts),
            case.sign,
            "sign case {}",
            case.name
        );
        assert_eq!(
            cardboss::sign(&parts),
            case.sign,
            "re-export, case {}",
            case.name
        );
        assert!(
            cardboss::sign::signatures_match(&case.sign, &case.sign.to_ascii_uppercase()),
            "case-insensitive match, case {}",
            case.name
        );
    }
}

#[derive(Deserialize)]
struct TimestampCase {
    utc: String,
    offset_minutes: i32,
    ts: String,
}

#[test]
fn timestamp_vectors() {
    for case in load::<TimestampCase>("timestamp.json") {
        let now: DateTime<Utc> = DateTime::parse_from_rfc3339(&case.utc)
            .unwrap_or_else(|e| panic!("bad utc {}: {e}", case.utc))
            .with_timezone(&Utc);
        assert_eq!(
            cardboss::sign::timestamp(now, case.offset_minutes),
            case.ts,
            "timestamp of {} at {:+} min",
            case.utc,
            case.offset_minutes
        );
    }
}

#[derive(Deserialize)]
struct SmsCase {
    name: String,
    apikey: String,
    mobiles: Vec<String>,
    content: String,
    plaintext: String,
    base64: String,
    base64_wrapped: String,
}

#[test]
fn sms_encrypt_vectors() {
    for case in load::<SmsCase>("sms_encrypt.json") {
        let name = &case.name;
        // The file is self-consistent.
        assert_eq!(
            case.plaintext,
            format!("{}##{}", case.mobiles.join(","), case.content)
        );
        assert_eq!(
            case.base64_wrapped.replace("\r\n", ""),
            case.base64,
            "{name}"
        );
        assert!(
            case.base64_wrapped
                .lines()
                .all(|l| l.trim_end().len() <= 76),
            "{name}"
        );

        let sent = cardboss::crypto::encrypt_sms(&case.apikey, &case.mobiles, &case.content)
            .unwrap_or_else(|e| panic!("encrypt_sms {name}: {e}"));
        assert_eq!(sent, case.base64, "encrypt_sms {name}");
        assert_eq!(
            cardboss::crypto::encrypt_text(&case.apikey, &case.plaintext).unwrap(),
            case.base64,
            "encrypt_text {name}"
        );

        for text in [&case.base64, &case.base64_wrapped] {
            let plain = cardboss::crypto::decrypt_sms(&case.apikey, text)
                .unwrap_or_else(|e| panic!("decrypt_sms {name}: {e}"));
            assert_eq!(plain.mobiles, case.mobiles, "decrypt_sms mobiles {name}");
            assert_eq!(plain.content, case.content, "decrypt_sms content {name}");
            assert_eq!(
                cardboss::crypto::decrypt_text(&case.apikey, text).unwrap(),
                case.plaintext,
                "decrypt_text {name}"
            );
        }
    }
}

#[derive(Deserialize)]
struct PushCase {
    name: String,
    sid: String,
    apikey: String,
    id: String,
    sn: String,
    level: Option<String>,
    api: Option<String>,
    time: String,
    data: String,
    desc: Option<String>,
    sign: String,
    body: String,
}

#[derive(Deserialize)]
struct PushBody {
    sid: String,
    id: String,
    sign: String,
    sn: String,
    level: Option<String>,
    api: Option<String>,
    time: String,
    data: String,
    desc: Option<String>,
}

#[test]
fn push_sign_vectors() {
    let mut saw_null = false;
    for case in load::<PushCase>("push_sign.json") {
        let name = &case.name;
        saw_null |= case.api.is_none() || case.desc.is_none();
        let got = cardboss::sign::push_sign(
            &case.sid,
            &case.apikey,
            &case.id,
            &case.sn,
            case.level.as_deref().unwrap_or(""),
            case.api.as_deref().unwrap_or(""),
            &case.time,
            &case.data,
            case.desc.as_deref().unwrap_or(""),
        );
        assert_eq!(got, case.sign, "push_sign {name}");
        assert_eq!(
            got,
            got.to_ascii_uppercase(),
            "push sign is uppercase, {name}"
        );

        // `data` is JSON text; the body, as the platform sends it, carries the same fields.
        serde_json::from_str::<serde_json::Value>(&case.data)
            .unwrap_or_else(|e| panic!("data of {name} is not JSON: {e}"));
        let body: PushBody = serde_json::from_str(&case.body)
            .unwrap_or_else(|e| panic!("body of {name} does not parse: {e}"));
        assert_eq!(body.sign, case.sign, "{name}");
        assert_eq!(
            (&body.sid, &body.id, &body.sn, &body.time, &body.data),
            (&case.sid, &case.id, &case.sn, &case.time, &case.data),
            "{name}"
        );
        assert_eq!(
            (&body.level, &body.api, &body.desc),
            (&case.level, &case.api, &case.desc)
        );
        let from_body = cardboss::sign::push_sign(
            &body.sid,
            &case.apikey,
            &body.id,
            &body.sn,
            body.level.as_deref().unwrap_or(""),
            body.api.as_deref().unwrap_or(""),
            &body.time,
            &body.data,
            body.desc.as_deref().unwrap_or(""),
        );
        assert!(
            cardboss::sign::signatures_match(&from_body, &body.sign),
            "{name}"
        );
    }
    assert!(
        saw_null,
        "push_sign.json should hold a case with null api/desc"
    );
}

#[derive(Deserialize)]
struct BillingCase {
    content_chars: usize,
    content: String,
    billed: u32,
}

#[test]
fn billing_vectors() {
    for case in load::<BillingCase>("billing.json") {
        assert_eq!(case.content.chars().count(), case.content_chars);
        assert_eq!(
            cardboss::rules::sms_billing_count(&case.content),
            case.billed,
            "billing of {} chars",
            case.content_chars
        );
    }
}
