//! Response decoding of every model. The first byte picks the model type (20 of them, see
//! `MODELS`), the rest is the JSON: decoded bare, as a list, under the envelope's
//! `result`/`customer`, and inside the list wrappers (`{"result": {"cards": [...]}}`), the way
//! the client decodes a `result`. Decoding must never panic; whatever decodes must serialize
//! and decode again. (One model per execution keeps the target fast enough for millions of
//! executions; the fuzzer learns the selector like any other byte.)
#![no_main]

use cardboss::{
    ArrearsCard, ArrearsPage, Card, CardDetail, CardPage, CurrentUsage, Customer, DailyUsage,
    DayUsage, MonthlyUsage, Package, PackageList, Pool, RenewOptions, RenewalOrder, RenewalResult,
    SmsReceipt, SmsReply, SmsReport, UsageWarning,
};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The answer envelope: the payload under `result` (or `customer` for customer/get).
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
#[allow(dead_code)] // only decoded
struct Envelope<T> {
    #[serde(default)]
    result: Option<T>,
    #[serde(default)]
    customer: Option<T>,
}

/// The list wrappers of card/detail (`cards`), usage (`usages`), pools (`pools`), SMS queues
/// (`rpts`, `mos`).
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
#[allow(dead_code)] // only decoded
struct Lists<T> {
    #[serde(default = "Vec::new")]
    cards: Vec<T>,
    #[serde(default = "Vec::new")]
    usages: Vec<T>,
    #[serde(default = "Vec::new")]
    pools: Vec<T>,
    #[serde(default = "Vec::new")]
    rpts: Vec<T>,
    #[serde(default = "Vec::new")]
    mos: Vec<T>,
}

fn model<T: DeserializeOwned + Serialize>(data: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        let text = serde_json::to_string(&value).expect("a decoded model serializes");
        serde_json::from_str::<T>(&text).expect("a serialized model decodes again");
    }
    let _ = serde_json::from_slice::<Vec<T>>(data);
    let _ = serde_json::from_slice::<Envelope<T>>(data);
    let _ = serde_json::from_slice::<Envelope<Lists<T>>>(data);
}

/// Every model, in selector order (`fuzz/seed.py` writes its seeds with these indices).
const MODELS: [fn(&[u8]); 20] = [
    model::<Customer>,
    model::<Card>,
    model::<CardPage>,
    model::<CardDetail>,
    model::<CurrentUsage>,
    model::<MonthlyUsage>,
    model::<ArrearsCard>,
    model::<ArrearsPage>,
    model::<Package>,
    model::<PackageList>,
    model::<DayUsage>,
    model::<DailyUsage>,
    model::<Pool>,
    model::<RenewalOrder>,
    model::<RenewOptions>,
    model::<SmsReceipt>,
    model::<SmsReport>,
    model::<SmsReply>,
    model::<RenewalResult>,
    model::<UsageWarning>,
];

fuzz_target!(|data: &[u8]| {
    if let Some((selector, json)) = data.split_first() {
        MODELS[*selector as usize % MODELS.len()](json);
    }
});
