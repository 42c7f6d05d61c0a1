//! Figures for RELIABILITY.md / BENCHMARKS.md (issue 14), not a CI test: seeded fleet syncs
//! (`Client::fleet_sync`, default options) against the sandbox binary at 20% injected faults of
//! every kind, each checked to deliver every card exactly once or to name exactly the cards it
//! could not deliver; and this process's peak memory (VmHWM), to compare fleet sizes.
//!
//! ```sh
//! cargo build --release -p cardboss-sandbox -p cardboss-bench
//! target/release/fleet-sync-faults --cards 100000 --runs 10     # reliability
//! target/release/fleet-sync-faults --cards 10000 --runs 1       # peak memory, vs. the next
//! target/release/fleet-sync-faults --cards 100000 --runs 1
//! ```
//!
//! Client settings are the defaults except the timeout (0.7 s, because a `delay` fault answers
//! after 1 s instead of 35 s, to keep a run short) and the backoff (20 ms base, 200 ms cap).

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cardboss::{Client, Config, FleetSyncOptions};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let cards = arg("--cards", 100_000);
    let runs = arg("--runs", 10);
    let bin = std::env::var("CARDBOSS_SANDBOX_BIN")
        .unwrap_or_else(|_| "target/release/cardboss-sandbox".into());
    let mut complete = 0;
    for seed in 1..=runs {
        let mut child = Command::new(&bin)
            .args([
                "--port1",
                "0",
                "--port2",
                "0",
                "--cards",
                &cards.to_string(),
            ])
            .args(["--seed", &seed.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the sandbox binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("ready line");
        let ready: serde_json::Value = serde_json::from_str(&line).expect("ready JSON");
        let text = |k: &str| ready[k].as_str().unwrap_or_default().to_string();
        let (base, ops) = (text("base_url"), text("ops_url"));
        let http = reqwest_free_post(&base);

        // The fleet, listed without faults: the msisdns every run must deliver once each.
        let mut config = Config::new(text("sid"), text("apikey"))
            .base_url(&base)
            .ops_url(&ops);
        let listing = Client::new(config.clone()).expect("config");
        let mut fleet: Vec<u64> = Vec::with_capacity(cards as usize);
        let mut pages = listing.cards();
        while let Some(page) = pages.next_page().await {
            fleet.extend(page.expect("clean listing").iter().map(|c| key(&c.msisdn)));
        }
        drop(pages);
        http(r#"{"rate":0.2,"kinds":[],"delay_secs":1.0}"#);

        config.timeout = Duration::from_millis(700);
        config.retry_base = Duration::from_millis(20);
        config.retry_cap = Duration::from_millis(200);
        let client = Client::new(config).expect("config");
        let started = Instant::now();
        let mut sync = client
            .fleet_sync(FleetSyncOptions::default())
            .expect("options");
        let mut delivered: Vec<u64> = Vec::with_capacity(cards as usize);
        let mut fatal = None;
        while let Some(batch) = sync.next_batch().await {
            match batch {
                Ok(records) => delivered.extend(records.iter().map(|r| key(&r.msisdn))),
                Err(e) => fatal = Some(e),
            }
        }
        let report = sync.report();
        let secs = started.elapsed().as_secs_f64();
        let unique: HashSet<u64> = delivered.iter().copied().collect();
        let twice = delivered.len() - unique.len();
        let named: HashSet<u64> = report
            .missing_cards
            .iter()
            .map(|m| key(&m.msisdn))
            .chain(report.missing_pages.iter().flat_map(|p| {
                let from = (p.page as usize - 1) * 100;
                fleet[from..(from + 100).min(fleet.len())].iter().copied()
            }))
            .collect();
        let accounted = unique.len() + named.len() == fleet.len()
            && fleet.iter().all(|k| unique.contains(k) ^ named.contains(k));
        if report.complete {
            complete += 1;
        }
        println!(
            "seed {seed}: {} cards delivered, {twice} twice, complete {}, {} missing cards + {} \
             missing pages named, accounted exactly {accounted}, {} requests, {} re-tries, \
             {secs:.1} s{}",
            delivered.len(),
            report.complete,
            report.missing_cards.len(),
            report.missing_pages.len(),
            report.requests,
            report.retries,
            fatal.map(|e| format!(", failed: {e}")).unwrap_or_default()
        );
        let _ = child.kill();
        let _ = child.wait();
    }
    println!(
        "{complete} of {runs} syncs of {cards} cards complete at 20% faults; peak memory of this \
         process {} KiB",
        peak_kib()
    );
}

/// An msisdn as a number (they are digits), so that the checker's own sets stay small.
fn key(msisdn: &str) -> u64 {
    msisdn.parse().unwrap_or(u64::MAX)
}

/// A plain HTTP/1.1 POST to the sandbox's admin API (`/_sandbox/faults`), with the standard
/// library only: the benchmark crate has no HTTP client of its own.
fn reqwest_free_post(base: &str) -> impl Fn(&str) {
    let hostport = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    move |body: &str| {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&hostport).expect("admin connect");
        let request = format!(
            "POST /_sandbox/faults HTTP/1.1\r\nHost: {hostport}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(request.as_bytes()).expect("admin write");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
}
