//! Where the time of decoding a card/detail answer goes: the core's model (`cardboss::CardDetail`,
//! whose unknown fields are kept by `#[serde(flatten)] extra`), the same model without the
//! flattened map, and a plain `serde_json::Value`. Each decodes the envelope first into a
//! `RawValue` and then the `result`, as the core does; the first pass is also timed alone.
//!
//! usage: decode BODY_FILE   (a whole card/detail answer, e.g. 100 cards)
//! Prints one JSON line: {variant: microseconds per answer (median of 7 timings)}.

use std::time::Instant;

use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    result: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct CoreList {
    cards: Vec<cardboss::CardDetail>,
}

#[derive(Deserialize)]
struct PlainList {
    cards: Vec<Plain>,
}

/// `cardboss::CardDetail`'s fields and decoders, without `#[serde(flatten)] extra`.
#[derive(Deserialize, Default)]
#[serde(default)]
#[allow(dead_code)]
struct Plain {
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub msisdn: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub iccid: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub imsi: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub imei: String,
    #[serde(deserialize_with = "cardboss::decode::int")]
    pub state: i64,
    #[serde(deserialize_with = "cardboss::decode::float")]
    pub balance: f64,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub status: String,
    #[serde(alias = "msStatus", deserialize_with = "cardboss::decode::int")]
    pub msstatus: i64,
    #[serde(deserialize_with = "cardboss::decode::int")]
    pub cycle: i64,
    #[serde(deserialize_with = "cardboss::decode::opt_string")]
    pub activedate: Option<String>,
    #[serde(deserialize_with = "cardboss::decode::opt_string")]
    pub stoptestdate: Option<String>,
    #[serde(deserialize_with = "cardboss::decode::opt_string")]
    pub stopsleepdate: Option<String>,
    #[serde(deserialize_with = "cardboss::decode::opt_string")]
    pub expiredate: Option<String>,
    #[serde(deserialize_with = "cardboss::decode::int")]
    pub openpool: i64,
    #[serde(alias = "yys", deserialize_with = "cardboss::decode::string")]
    pub mno: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub pkgcode: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub pkgname: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub isxn: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub isjyb: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub isaxb: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub sbbh: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub openapns: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub apnstatus: String,
    #[serde(alias = "onOff", deserialize_with = "cardboss::decode::string")]
    pub onoff: String,
    #[serde(alias = "gprsStatus", deserialize_with = "cardboss::decode::string")]
    pub online: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub apn: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub rat: String,
    #[serde(deserialize_with = "cardboss::decode::string")]
    pub ip: String,
    #[serde(deserialize_with = "cardboss::decode::float")]
    pub pkgtotalflow: f64,
    #[serde(deserialize_with = "cardboss::decode::float")]
    pub pkgusedflow: f64,
    #[serde(deserialize_with = "cardboss::decode::float")]
    pub pkgtotalusedflow: f64,
    #[serde(deserialize_with = "cardboss::decode::float")]
    pub pkgleftflow: f64,
    #[serde(deserialize_with = "cardboss::decode::float")]
    pub flowusage: f64,
    #[serde(deserialize_with = "cardboss::decode::int")]
    pub smsusage: i64,
    #[serde(deserialize_with = "cardboss::decode::int")]
    pub voiceusage: i64,
    #[serde(deserialize_with = "cardboss::decode::int")]
    pub connectusage: i64,
    #[serde(deserialize_with = "cardboss::decode::float")]
    pub outflowusage: f64,
    #[serde(deserialize_with = "cardboss::decode::opt_string")]
    pub statusyncdate: Option<String>,
    #[serde(deserialize_with = "cardboss::decode::opt_string")]
    pub pkgsyncdate: Option<String>,
    #[serde(
        alias = "monthsincdate",
        deserialize_with = "cardboss::decode::opt_string"
    )]
    pub monthsyncdate: Option<String>,
}

fn result(body: &[u8]) -> &str {
    let env: Envelope = serde_json::from_slice(body).expect("envelope");
    env.result.expect("result").get()
}

fn time_it(body: &[u8], f: impl Fn(&[u8]) -> usize) -> f64 {
    let expected = f(body);
    assert!(expected > 0);
    let mut n = 1;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            assert_eq!(f(body), expected);
        }
        if t.elapsed().as_secs_f64() > 0.2 {
            break;
        }
        n *= 2;
    }
    let mut times: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                std::hint::black_box(f(body));
            }
            t.elapsed().as_secs_f64() / n as f64 * 1e6
        })
        .collect();
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    times[3]
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: decode BODY_FILE");
    let body = std::fs::read(path).expect("BODY_FILE");
    let envelope = time_it(&body, |b| result(b).len());
    let core = time_it(&body, |b| {
        serde_json::from_str::<CoreList>(result(b))
            .expect("core model")
            .cards
            .len()
    });
    let plain = time_it(&body, |b| {
        serde_json::from_str::<PlainList>(result(b))
            .expect("plain model")
            .cards
            .len()
    });
    let value = time_it(&body, |b| {
        serde_json::from_str::<serde_json::Value>(result(b)).expect("value")["cards"]
            .as_array()
            .map_or(0, Vec::len)
    });
    let cards = serde_json::from_str::<CoreList>(result(&body))
        .unwrap()
        .cards
        .len();
    println!(
        "{}",
        serde_json::json!({
            "cards_per_answer": cards,
            "bytes_per_answer": body.len(),
            "envelope pass alone (RawValue), µs": envelope,
            "core model (flatten extra), µs": core,
            "same fields without flatten, µs": plain,
            "serde_json::Value, µs": value,
        })
    );
}
