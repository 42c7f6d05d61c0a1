//! Fleet sync through the Rust core, exactly like the Python and Node rows: every page of
//! card/list (`Client::cards`, pages fetched ahead), then card/detail and card/usage/current for
//! every card (`card_details` / `current_usage`, batches of 100, `concurrency` in flight).
//! Prints one JSON line with the counts the harness checks and the time of the sync alone.
//!
//! usage: cardboss-bench BASE_URL SID APIKEY CONCURRENCY [fleet]
//! With `fleet`: `Client::fleet_sync` (default options) instead, the same requests in one call,
//! pipelined, merged records batch by batch.
//! (src/bin/decode.rs measures the decoding of one answer, off the network.)

use std::collections::HashSet;
use std::time::Instant;

use cardboss::{CardSet, Client, Config};
use futures::TryStreamExt;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let fleet = args.get(5).map(String::as_str) == Some("fleet");
    if !(args.len() == 5 || args.len() == 6 && fleet) {
        eprintln!("usage: cardboss-bench BASE_URL SID APIKEY CONCURRENCY [fleet]");
        std::process::exit(2);
    }
    let mut config = Config::new(args[2].clone(), args[3].clone()).base_url(args[1].clone());
    config.concurrency = args[4].parse().expect("CONCURRENCY");
    let client = Client::new(config).expect("client");
    if fleet {
        return fleet_sync(&client).await;
    }

    let started = Instant::now();
    let cards: Vec<cardboss::Card> = client.cards().try_collect().await.expect("card/list");
    let listed = started.elapsed().as_secs_f64();
    let msisdns: Vec<String> = cards.iter().map(|c| c.msisdn.clone()).collect();
    let set = CardSet::msisdns(msisdns.iter().cloned());
    let details = client.card_details(&set).await.expect("card/detail");
    let detailed = started.elapsed().as_secs_f64();
    let usages = client
        .current_usage(&set)
        .await
        .expect("card/usage/current");
    let seconds = started.elapsed().as_secs_f64();
    let round = |x: f64| (x * 1e4).round() / 1e4;
    let phases = [
        round(listed),
        round(detailed - listed),
        round(seconds - detailed),
    ];

    let unique: HashSet<&str> = msisdns.iter().map(String::as_str).collect();
    let detail_ids: HashSet<&str> = details.iter().map(|d| d.msisdn.as_str()).collect();
    let usage_ids: HashSet<&str> = usages.iter().map(|u| u.msisdn.as_str()).collect();
    let out = serde_json::json!({
        "cards": cards.len(),
        "unique": unique.len(),
        "details": details.len(),
        "usages": usages.len(),
        "details_match": detail_ids == unique,
        "usages_match": usage_ids == unique,
        "seconds": seconds,
        "phases": phases,
    });
    println!("{out}");
}

async fn fleet_sync(client: &Client) {
    let started = Instant::now();
    let mut sync = client
        .fleet_sync(cardboss::FleetSyncOptions::default())
        .expect("fleet_sync");
    let (mut ids, mut details, mut usages) = (Vec::new(), HashSet::new(), HashSet::new());
    while let Some(batch) = sync.next_batch().await {
        for r in batch.expect("fleet_sync") {
            if r.detail_found {
                details.insert(r.msisdn.clone());
            }
            if r.usage_found {
                usages.insert(r.msisdn.clone());
            }
            ids.push(r.msisdn);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let report = sync.report();
    assert!(report.complete, "fleet_sync incomplete: {report:?}");
    let unique: HashSet<String> = ids.iter().cloned().collect();
    let out = serde_json::json!({
        "cards": ids.len(),
        "unique": unique.len(),
        "details": details.len(),
        "usages": usages.len(),
        "details_match": details == unique,
        "usages_match": usages == unique,
        "seconds": seconds,
    });
    println!("{out}");
}
