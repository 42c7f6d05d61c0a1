//! Fleet sync through the Rust core, exactly like the Python and Node rows: every page of
//! card/list (`Client::cards`, pages fetched ahead), then card/detail and card/usage/current for
//! every card (`card_details` / `current_usage`, batches of 100, `concurrency` in flight).
//! Prints one JSON line with the counts the harness checks and the time of the sync alone.
//!
//! usage: cardboss-bench BASE_URL SID APIKEY CONCURRENCY [fleet | bulk OPS_URL IDS_FILE]
//! With `fleet`: `Client::fleet_sync` (default options) instead, the same requests in one call,
//! pipelined, merged records batch by batch.
//! With `bulk`: `Client::bulk` suspends every msisdn of IDS_FILE (one a line) instead, and the
//! line says how many were done and how many requests it took.
//! (src/bin/decode.rs measures the decoding of one answer, off the network.)

use std::collections::HashSet;
use std::time::Instant;

use cardboss::{BulkOp, BulkOptions, CardSet, Client, Config};
use futures::TryStreamExt;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(5).map(String::as_str);
    let valid = match mode {
        None => args.len() == 5,
        Some("fleet") => args.len() == 6,
        Some("bulk") => args.len() == 8,
        Some(_) => false,
    };
    if !valid {
        eprintln!(
            "usage: cardboss-bench BASE_URL SID APIKEY CONCURRENCY [fleet | bulk OPS_URL IDS_FILE]"
        );
        std::process::exit(2);
    }
    let mut config = Config::new(args[2].clone(), args[3].clone()).base_url(args[1].clone());
    config.concurrency = args[4].parse().expect("CONCURRENCY");
    if mode == Some("bulk") {
        config = config.ops_url(args[6].clone());
    }
    let client = Client::new(config).expect("client");
    match mode {
        Some("fleet") => return fleet_sync(&client).await,
        Some("bulk") => return bulk(&client, &args[7]).await,
        _ => {}
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

async fn bulk(client: &Client, ids_file: &str) {
    let text = std::fs::read_to_string(ids_file).expect("IDS_FILE");
    let ids: Vec<String> = text
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let started = Instant::now();
    let run = client
        .bulk(
            BulkOp::Suspend,
            &CardSet::msisdns(ids.iter().cloned()),
            BulkOptions::default(),
        )
        .expect("bulk");
    let report = run.finish().await;
    let seconds = started.elapsed().as_secs_f64();
    let out = serde_json::json!({
        "cards": report.cards,
        "done": report.done,
        "requests": report.requests,
        "seconds": seconds,
    });
    println!("{out}");
}
