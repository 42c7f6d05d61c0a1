//! Property tests (proptest) for the rules every binding relies on (issue 9):
//!
//! - `sign` is the lowercase hex MD5 of the plain concatenation (checked against the `md-5`
//!   crate directly), `push_sign` its uppercase form, and signatures match ignoring ASCII case
//!   only;
//! - encrypted SMS round-trips for any digits-only mobiles, any key and any content (Unicode,
//!   no NUL), also when the Base64 is wrapped every 76 columns as the vendor's sample did;
//! - the lenient decoders read a number the same whether it arrives as a number or as text, and
//!   the models decode the same from the spec's *example* and *table* field names.
//!
//! Case counts are fixed below (`CASES_*`), so CI runs the same amount of work every time.

use cardboss::decode;
use cardboss::sign::{push_sign, sign, signatures_match};
use cardboss::{
    decrypt_sms, encrypt_sms, Card, CardDetail, CurrentUsage, SmsReceipt, SmsReply, SmsReport,
};
use md5::{Digest, Md5};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{json, Map, Value};

const CASES_CHEAP: u32 = 2_000;
const CASES_MODELS: u32 = 500;

fn md5_hex(text: &str) -> String {
    hex::encode(Md5::digest(text.as_bytes()))
}

/// Any Unicode text without NUL (the padding byte), 0..n characters.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>().prop_filter("no NUL", |c| *c != '\0'), 0..max)
        .prop_map(|chars| chars.into_iter().collect())
}

// ---------------------------------------------------------------------------------- signing

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES_CHEAP))]

    #[test]
    fn sign_is_lowercase_md5_of_the_concatenation(parts in proptest::collection::vec(any::<String>(), 0..10)) {
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        let expected = md5_hex(&parts.concat());
        let got = sign(&refs);
        prop_assert_eq!(&got, &expected);
        prop_assert_eq!(got.len(), 32);
        prop_assert!(got.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        // Where the concatenation is split does not matter; empty (absent) parts add nothing.
        let mut with_gaps: Vec<&str> = Vec::new();
        for part in &refs {
            with_gaps.push("");
            with_gaps.push(part);
        }
        prop_assert_eq!(sign(&with_gaps), expected);
    }

    #[test]
    fn push_sign_is_uppercase_md5_of_its_nine_fields(
        fields in proptest::collection::vec(text(24), 9),
    ) {
        let f: Vec<&str> = fields.iter().map(String::as_str).collect();
        let got = push_sign(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
        prop_assert_eq!(got, md5_hex(&fields.concat()).to_ascii_uppercase());
    }

    #[test]
    fn signatures_match_ignoring_ascii_case_only(
        input in any::<String>(),
        upper in proptest::collection::vec(any::<bool>(), 32),
        flip in 0usize..32,
    ) {
        let expected = sign(&[&input]);
        let recased: String = expected
            .chars()
            .zip(&upper)
            .map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c })
            .collect();
        prop_assert!(signatures_match(&expected, &recased));
        prop_assert!(signatures_match(&recased, &expected));
        // One hex digit changed: refused, in any case.
        let mut other: Vec<char> = recased.chars().collect();
        other[flip] = if other[flip].eq_ignore_ascii_case(&'0') { '1' } else { '0' };
        let other: String = other.into_iter().collect();
        prop_assert!(!signatures_match(&expected, &other));
        prop_assert!(!signatures_match(&expected, &recased[..31]));
        let longer = format!("{recased}0");
        prop_assert!(!signatures_match(&expected, &longer));
    }
}

// ------------------------------------------------------------------------------ encrypted SMS

fn mobiles() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec("[0-9]{1,20}", 1..12)
}

fn apikey() -> impl Strategy<Value = String> {
    "[ -~]{32}"
}

fn wrap76(base64: &str, newline: &str) -> String {
    base64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).expect("Base64 is ASCII"))
        .collect::<Vec<_>>()
        .join(newline)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES_CHEAP))]

    #[test]
    fn encrypted_sms_round_trips(
        key in apikey(),
        mobiles in mobiles(),
        content in text(200).prop_filter("content", |c| !c.is_empty() && !c.contains("##")),
        crlf in any::<bool>(),
    ) {
        let cipher = encrypt_sms(&key, &mobiles, &content).expect("encrypts");
        // Unwrapped standard Base64 of whole AES blocks, no extra block when already aligned.
        prop_assert!(!cipher.contains(['\r', '\n']));
        let plain_len = mobiles.join(",").len() + 2 + content.len();
        let bytes = (cipher.len() / 4) * 3 - cipher.matches('=').count();
        prop_assert_eq!(bytes, plain_len.div_ceil(16) * 16);

        let plain = decrypt_sms(&key, &cipher).expect("decrypts");
        prop_assert_eq!(&plain.mobiles, &mobiles);
        prop_assert_eq!(&plain.content, &content);

        let wrapped = wrap76(&cipher, if crlf { "\r\n" } else { "\n" });
        let again = decrypt_sms(&key, &wrapped).expect("wrapped Base64 decrypts");
        prop_assert_eq!(again.mobiles, mobiles);
        prop_assert_eq!(again.content, content);
    }

    #[test]
    fn another_key_never_yields_the_plaintext(
        key in apikey(),
        other in apikey(),
        mobiles in mobiles(),
        content in text(60).prop_filter("content", |c| !c.is_empty() && !c.contains("##")),
    ) {
        prop_assume!(key != other);
        let cipher = encrypt_sms(&key, &mobiles, &content).expect("encrypts");
        if let Ok(plain) = decrypt_sms(&other, &cipher) {
            prop_assert!(plain.mobiles != mobiles || plain.content != content);
        }
    }
}

// --------------------------------------------------------------------------------- decoders

#[derive(Debug, Deserialize)]
struct Int {
    #[serde(default, deserialize_with = "decode::int")]
    v: i64,
}

#[derive(Debug, Deserialize)]
struct Float {
    #[serde(default, deserialize_with = "decode::float")]
    v: f64,
}

#[derive(Debug, Deserialize)]
struct Text {
    #[serde(default, deserialize_with = "decode::string")]
    v: String,
}

#[derive(Debug, Deserialize)]
struct Date {
    #[serde(default, deserialize_with = "decode::opt_string")]
    v: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Flag {
    #[serde(default, deserialize_with = "decode::boolean")]
    v: bool,
}

fn parse<T: for<'de> Deserialize<'de>>(v: Value) -> T {
    let text = json!({ "v": v }).to_string();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Integers exactly representable as f64, as the platform's counts and codes are.
const EXACT: i64 = 1 << 53;

/// Whole numbers below this may also arrive as a float (`"count": 14.0`) in the generated
/// cases; `serde_json_float_precision` below covers the 16–17 digit literals.
const WHOLE_AS_FLOAT: i64 = 100_000_000_000_000;

/// Decimals of at most 15 significant digits (money, flows in kb: `9.5`, `53479516.16`),
/// whole ones included: `m / 10^k` is the nearest f64 to that decimal, and its shortest text is
/// the decimal itself.
fn finite() -> impl Strategy<Value = f64> {
    (-999_999_999_999_999i64..=999_999_999_999_999, 0i32..=8)
        .prop_map(|(m, k)| m as f64 / 10f64.powi(k))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES_CHEAP))]

    #[test]
    fn int_reads_numbers_and_text_alike(n in -EXACT..EXACT) {
        prop_assert_eq!(parse::<Int>(json!(n)).v, n);
        prop_assert_eq!(parse::<Int>(json!(n.to_string())).v, n);
        prop_assert_eq!(parse::<Int>(json!(format!(" {n}.0 "))).v, n);
        if n.abs() < WHOLE_AS_FLOAT {
            prop_assert_eq!(parse::<Int>(json!(n as f64)).v, n);
        }
    }

    #[test]
    fn int_refuses_fractions(n in -1_000_000i64..1_000_000, frac in 1u32..1000) {
        let text = format!("{n}.{frac:03}");
        let f: f64 = text.parse().unwrap();
        prop_assume!(f.fract() != 0.0);
        let as_number = format!(r#"{{"v":{text}}}"#);
        let as_text = format!(r#"{{"v":"{text}"}}"#);
        prop_assert!(serde_json::from_str::<Int>(&as_number).is_err());
        prop_assert!(serde_json::from_str::<Int>(&as_text).is_err());
    }

    #[test]
    fn float_reads_numbers_and_text_alike(f in finite()) {
        prop_assert_eq!(parse::<Float>(json!(f)).v, f);
        prop_assert_eq!(parse::<Float>(json!(f.to_string())).v, f);
        prop_assert_eq!(parse::<Float>(json!(format!("{f:e}"))).v, f);
    }

    #[test]
    fn string_reads_numbers_as_their_text(n in any::<i64>(), u in any::<u64>(), f in finite()) {
        prop_assert_eq!(parse::<Text>(json!(n)).v, n.to_string());
        prop_assert_eq!(parse::<Text>(json!(u)).v, u.to_string());
        prop_assert_eq!(parse::<Text>(json!(n.to_string())).v, n.to_string());
        // A float's text reads back as the same float.
        let text = parse::<Text>(json!(f)).v;
        prop_assert_eq!(text.parse::<f64>().unwrap(), f);
    }

    #[test]
    fn empty_dates_are_none(date in "[0-9]{4}-[0-9]{2}-[0-9]{2}", blank in "[ \t]{0,3}") {
        prop_assert_eq!(parse::<Date>(json!(date.clone())).v, Some(date));
        prop_assert_eq!(parse::<Date>(json!(blank)).v, None);
        prop_assert_eq!(parse::<Date>(Value::Null).v, None);
        prop_assert_eq!(serde_json::from_str::<Date>("{}").unwrap().v, None);
    }

    #[test]
    fn booleans_from_any_rendering(b in any::<bool>(), upper in any::<bool>()) {
        let word = if b { "true" } else { "false" };
        let word = if upper { word.to_uppercase() } else { word.to_string() };
        prop_assert_eq!(parse::<Flag>(json!(b)).v, b);
        prop_assert_eq!(parse::<Flag>(json!(i32::from(b))).v, b);
        prop_assert_eq!(parse::<Flag>(json!(i32::from(b).to_string())).v, b);
        prop_assert_eq!(parse::<Flag>(json!(word)).v, b);
    }
}

// ----------------------------------------------------------------------------------- models

#[derive(Clone, Copy, Debug)]
enum Kind {
    Text,
    Int,
    Float,
    Date,
}

/// A field: its table name, its example name (the same when they agree), its kind.
type Field = (&'static str, &'static str, Kind);

const CARD_DETAIL: &[Field] = &[
    ("msisdn", "msisdn", Kind::Text),
    ("iccid", "iccid", Kind::Text),
    ("imsi", "imsi", Kind::Text),
    ("imei", "imei", Kind::Text),
    ("state", "state", Kind::Int),
    ("balance", "balance", Kind::Float),
    ("status", "status", Kind::Text),
    ("msstatus", "msStatus", Kind::Int),
    ("cycle", "cycle", Kind::Int),
    ("activedate", "activedate", Kind::Date),
    ("stoptestdate", "stoptestdate", Kind::Date),
    ("stopsleepdate", "stopsleepdate", Kind::Date),
    ("expiredate", "expiredate", Kind::Date),
    ("openpool", "openpool", Kind::Int),
    ("mno", "yys", Kind::Text),
    ("pkgcode", "pkgcode", Kind::Text),
    ("pkgname", "pkgname", Kind::Text),
    ("isxn", "isxn", Kind::Text),
    ("isjyb", "isjyb", Kind::Text),
    ("isaxb", "isaxb", Kind::Text),
    ("sbbh", "sbbh", Kind::Text),
    ("openapns", "openapns", Kind::Text),
    ("apnstatus", "apnstatus", Kind::Text),
    ("onoff", "onOff", Kind::Text),
    ("online", "gprsStatus", Kind::Text),
    ("apn", "apn", Kind::Text),
    ("rat", "rat", Kind::Text),
    ("ip", "ip", Kind::Text),
    ("pkgtotalflow", "pkgtotalflow", Kind::Float),
    ("pkgusedflow", "pkgusedflow", Kind::Float),
    ("pkgtotalusedflow", "pkgtotalusedflow", Kind::Float),
    ("pkgleftflow", "pkgleftflow", Kind::Float),
    ("flowusage", "flowusage", Kind::Float),
    ("smsusage", "smsusage", Kind::Int),
    ("voiceusage", "voiceusage", Kind::Int),
    ("connectusage", "connectusage", Kind::Int),
    ("outflowusage", "outflowusage", Kind::Float),
    ("statusyncdate", "statusyncdate", Kind::Date),
    ("pkgsyncdate", "pkgsyncdate", Kind::Date),
    ("monthsincdate", "monthsyncdate", Kind::Date),
];

const CURRENT_USAGE: &[Field] = &[
    ("msisdn", "msisdn", Kind::Text),
    ("iccids", "iccid", Kind::Text),
    ("imsi", "imsi", Kind::Text),
    ("state", "state", Kind::Int),
    ("pkgtotalflow", "pkgtotalflow", Kind::Float),
    ("pkgusedflow", "pkgusedflow", Kind::Float),
    ("pkgtotalusedflow", "pkgtotalusedflow", Kind::Float),
    ("pkgleftflow", "pkgleftflow", Kind::Float),
    ("flowusage", "flowusage", Kind::Float),
    ("smsusage", "smsusage", Kind::Int),
    ("voiceusage", "voiceusage", Kind::Int),
    ("connectusage", "connectusage", Kind::Int),
    ("outflowusage", "outflowusage", Kind::Float),
];

const CARD: &[Field] = &[
    ("msisdn", "msisdns", Kind::Text),
    ("iccid", "iccid", Kind::Text),
    ("imsi", "imsi", Kind::Text),
    ("state", "state", Kind::Int),
];

const SMS_RECEIPT: &[Field] = &[
    ("count", "count", Kind::Int),
    ("fee", "fee", Kind::Int),
    ("tasked", "taskid", Kind::Text),
];

const SMS_REPORT: &[Field] = &[
    ("taskid", "taskId", Kind::Text),
    ("mobile", "mobile", Kind::Text),
    ("state", "stat", Kind::Text),
    ("rpttime", "rpttime", Kind::Date),
];

const SMS_REPLY: &[Field] = &[
    ("content", "content", Kind::Text),
    ("apmid", "apmid", Kind::Text),
    ("scode", "spcode", Kind::Text),
    ("mobile", "mobile", Kind::Text),
];

/// One field's value, before it is rendered.
#[derive(Clone, Debug)]
enum Raw {
    /// Digits (no leading zero): may travel as a JSON number or as text.
    Digits(u64),
    /// Any text: travels as text.
    Text(String),
    Int(i64),
    Float(f64),
    Date(Option<String>),
}

fn raw(kind: Kind) -> BoxedStrategy<Raw> {
    match kind {
        Kind::Text => prop_oneof![
            (1u64..u64::MAX).prop_map(Raw::Digits),
            text(16).prop_map(Raw::Text),
        ]
        .boxed(),
        Kind::Int => (-WHOLE_AS_FLOAT..WHOLE_AS_FLOAT).prop_map(Raw::Int).boxed(),
        Kind::Float => finite().prop_map(Raw::Float).boxed(),
        Kind::Date => proptest::option::of("20[0-9]{2}-[01][0-9]-[0-3][0-9]")
            .prop_map(Raw::Date)
            .boxed(),
    }
}

/// Renders a value one way or another (`style` picks): a number as a JSON number, as text, or
/// for whole numbers as a float; an absent date as "", null or no field at all.
fn render(raw: &Raw, style: u8) -> Option<Value> {
    Some(match (raw, style % 3) {
        (Raw::Digits(d), 0) => json!(d),
        (Raw::Digits(d), _) => json!(d.to_string()),
        (Raw::Text(t), _) => json!(t),
        (Raw::Int(i), 0) => json!(i),
        (Raw::Int(i), 1) => json!(i.to_string()),
        (Raw::Int(i), _) => json!(*i as f64),
        (Raw::Float(f), 0) => json!(f),
        (Raw::Float(f), _) => json!(f.to_string()),
        (Raw::Date(Some(d)), _) => json!(d),
        (Raw::Date(None), 0) => json!(""),
        (Raw::Date(None), 1) => Value::Null,
        (Raw::Date(None), _) => return None,
    })
}

/// A record as the server may send it: each field under its table or example name (`names`
/// picks per field) and rendered in one of its styles.
fn record(fields: &[Field], values: &[Raw], names: &[bool], styles: &[u8]) -> String {
    let mut map = Map::new();
    for (i, (table, example, _)) in fields.iter().enumerate() {
        if let Some(v) = render(&values[i], styles[i]) {
            let name = if names[i] { example } else { table };
            map.insert(name.to_string(), v);
        }
    }
    Value::Object(map).to_string()
}

/// Values for `fields`, and two independent choices of names and renderings.
fn records(fields: &'static [Field]) -> impl Strategy<Value = (String, String)> {
    let values: Vec<BoxedStrategy<Raw>> = fields.iter().map(|(_, _, k)| raw(*k)).collect();
    let n = fields.len();
    (
        values,
        proptest::collection::vec(any::<bool>(), n),
        proptest::collection::vec(any::<u8>(), n),
        proptest::collection::vec(any::<u8>(), n),
    )
        .prop_map(move |(values, names, a, b)| {
            let table: Vec<bool> = vec![false; n];
            (
                record(fields, &values, &table, &a),
                record(fields, &values, &names, &b),
            )
        })
}

fn same<T>(table: &str, mixed: &str) -> Result<(), TestCaseError>
where
    T: for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let a: T =
        serde_json::from_str(table).map_err(|e| TestCaseError::fail(format!("{table}: {e}")))?;
    let b: T =
        serde_json::from_str(mixed).map_err(|e| TestCaseError::fail(format!("{mixed}: {e}")))?;
    prop_assert_eq!(a, b, "table form {} vs {}", table, mixed);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES_MODELS))]

    #[test]
    fn card_detail_decodes_alike_from_table_and_example_names((table, mixed) in records(CARD_DETAIL)) {
        same::<CardDetail>(&table, &mixed)?;
        let detail: CardDetail = serde_json::from_str(&table).unwrap();
        prop_assert!(detail.extra.is_empty(), "every field is known: {:?}", detail.extra);
    }

    #[test]
    fn current_usage_decodes_alike_from_table_and_example_names((table, mixed) in records(CURRENT_USAGE)) {
        same::<CurrentUsage>(&table, &mixed)?;
        let usage: CurrentUsage = serde_json::from_str(&mixed).unwrap();
        prop_assert!(usage.extra.is_empty(), "every field is known: {:?}", usage.extra);
    }

    #[test]
    fn card_and_sms_records_decode_alike_from_table_and_example_names(
        (card_t, card_m) in records(CARD),
        (receipt_t, receipt_m) in records(SMS_RECEIPT),
        (report_t, report_m) in records(SMS_REPORT),
        (reply_t, reply_m) in records(SMS_REPLY),
    ) {
        same::<Card>(&card_t, &card_m)?;
        same::<SmsReceipt>(&receipt_t, &receipt_m)?;
        same::<SmsReport>(&report_t, &report_m)?;
        same::<SmsReply>(&reply_t, &reply_m)?;
    }
}

/// The example and table forms of NOTES.md, side by side, decode to equal structs.
#[test]
fn spec_alias_pairs_decode_equal() {
    let example = r#"{"msisdn":"1064","yys":"CM","msStatus":"2","onOff":"1","gprsStatus":"在线","monthsyncdate":"2021-07-12","balance":"9.5","state":1}"#;
    let table = r#"{"msisdn":1064,"mno":"CM","msstatus":2,"onoff":"1","online":"在线","monthsincdate":"2021-07-12","balance":9.5,"state":"1"}"#;
    let a: CardDetail = serde_json::from_str(example).unwrap();
    let b: CardDetail = serde_json::from_str(table).unwrap();
    assert_eq!(a, b);
    assert_eq!((a.mno.as_str(), a.msstatus, a.balance), ("CM", 2, 9.5));
}

/// Without serde_json's `float_roundtrip` feature, float literals of 16–17 significant digits
/// round differently from Rust's `str::parse`, so the same value would decode differently as a
/// JSON number and as text. The workspace enables the feature; this keeps it so.
#[test]
fn serde_json_float_precision() {
    for text in [
        "-546601611343.43243",
        "-954065243350.7517",
        "0.30000000000000004",
    ] {
        let exact: f64 = text.parse().unwrap();
        assert_eq!(parse::<Float>(json!(text)).v, exact, "{text} as text");
        let number: Float = serde_json::from_str(&format!(r#"{{"v":{text}}}"#)).unwrap();
        assert_eq!(number.v, exact, "{text} as a number");
    }
    let count: Int = serde_json::from_str(r#"{"v":1985755377855923.0}"#).expect("a whole float");
    assert_eq!(count.v, 1_985_755_377_855_923);
}
