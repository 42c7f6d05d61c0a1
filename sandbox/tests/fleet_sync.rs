//! `Client::fleet_sync` against the sandbox over loopback HTTP (issue 14): a whole fleet, merged,
//! complete under faults, each card once, resumable from a checkpoint, and a run whose retry
//! budget runs out names exactly the cards it did not deliver.

use std::collections::HashSet;
use std::time::Duration;

use cardboss::{CardSet, Client, Config, FleetRecord, FleetSync, FleetSyncOptions};
use cardboss_sandbox::{SandboxConfig, SandboxHandle, Style};
use serde_json::{json, Value};

const FAULT_RATE: f64 = 0.2;
/// How late a `delay` fault answers; the client gives up a little before.
const DELAY_SECS: f64 = 1.0;
const TIMEOUT: Duration = Duration::from_millis(700);

async fn sandbox(cards: usize, seed: u64) -> SandboxHandle {
    let config = SandboxConfig {
        port1: 0,
        port2: 0,
        cards,
        seed,
        style: Style::Example,
        ..Default::default()
    };
    cardboss_sandbox::start(config)
        .await
        .expect("sandbox starts")
}

/// The default settings, but a timeout and backoff that suit a 1 s delay fault on loopback.
fn client(h: &SandboxHandle, max_retries: u32) -> Client {
    let mut config = Config::new(h.sid(), h.apikey())
        .base_url(h.base_url())
        .ops_url(h.ops_url());
    config.timeout = TIMEOUT;
    config.max_retries = max_retries;
    config.retry_base = Duration::from_millis(20);
    config.retry_cap = Duration::from_millis(200);
    Client::new(config).expect("valid config")
}

async fn faults(h: &SandboxHandle, rate: f64) {
    let url = format!("{}/_sandbox/faults", h.base_url());
    let body = json!({"rate": rate, "kinds": [], "delay_secs": DELAY_SECS});
    let text = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("admin API answers")
        .text()
        .await
        .expect("admin body");
    let set: Value = serde_json::from_str(&text).expect("admin JSON");
    assert_eq!(set["rate"].as_f64(), Some(rate), "{set}");
}

fn fleet(h: &SandboxHandle) -> Vec<String> {
    let state = h.state();
    let w = state.lock();
    w.fleet.cards.iter().map(|c| c.msisdn.clone()).collect()
}

/// Every batch until the end (or `limit` batches), flattened.
async fn drain(sync: &mut FleetSync, limit: Option<usize>) -> Vec<FleetRecord> {
    let mut all = Vec::new();
    let mut batches = 0;
    while limit.is_none_or(|l| batches < l) {
        match sync.next_batch().await {
            Some(batch) => all.extend(batch.expect("no fatal error")),
            None => break,
        }
        batches += 1;
    }
    all
}

fn msisdns(records: &[FleetRecord]) -> Vec<String> {
    records.iter().map(|r| r.msisdn.clone()).collect()
}

fn assert_once(records: &[FleetRecord]) {
    let unique: HashSet<&str> = records.iter().map(|r| r.msisdn.as_str()).collect();
    assert_eq!(unique.len(), records.len(), "no card delivered twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_cards_at_20_percent_faults_arrive_exactly_once_in_list_order() {
    const CARDS: usize = 10_000;
    let h = sandbox(CARDS, 7).await;
    let fleet = fleet(&h);
    faults(&h, FAULT_RATE).await;
    let c = client(&h, Config::new("x", "y").max_retries);

    let mut sync = c.fleet_sync(FleetSyncOptions::default()).expect("valid");
    let records = drain(&mut sync, None).await;
    let report = sync.report();
    println!("fleet_sync of {CARDS} cards at 20% faults: {report:?}");

    assert!(report.finished && report.complete, "{report:?}");
    assert!(report.missing_cards.is_empty() && report.missing_pages.is_empty());
    assert_eq!(msisdns(&records), fleet, "every card once, in list order");
    assert_eq!(report.cards, CARDS as i64);
    assert_eq!(report.pages, 100);
    assert_eq!(report.batches, 200, "one detail and one usage batch a page");
    assert!(report.requests >= 300 + report.retries, "{report:?}");
    assert!(
        records.iter().all(|r| r.detail_found && r.usage_found),
        "every card has its detail and usage"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashed_sync_resumes_from_its_checkpoint_without_repeating_a_card() {
    const CARDS: usize = 3_000;
    const K: usize = 7;
    let h = sandbox(CARDS, 21).await;
    let fleet = fleet(&h);
    faults(&h, FAULT_RATE).await;
    let c = client(&h, 3);

    let mut first = c.fleet_sync(FleetSyncOptions::default()).expect("valid");
    let mut delivered = drain(&mut first, Some(K)).await;
    let checkpoint = first.checkpoint();
    drop(first); // the crash: whatever was fetched ahead is lost with it
    assert_eq!(delivered.len(), K * 100, "{checkpoint}");
    assert!(checkpoint.len() < 200, "a small cursor: {checkpoint}");

    let options = FleetSyncOptions::default().resume_from(checkpoint);
    let mut second = c.fleet_sync(options).expect("the checkpoint is accepted");
    let rest = drain(&mut second, None).await;
    let report = second.report();
    assert!(report.complete, "{report:?}");
    assert_eq!(report.cards as usize, CARDS - K * 100, "{report:?}");
    assert_eq!(
        report.pages as usize,
        CARDS / 100 - K,
        "pages delivered before the crash are not listed again"
    );
    delivered.extend(rest);
    assert_once(&delivered);
    assert_eq!(msisdns(&delivered), fleet, "union = fleet, in order");

    // A finished run's checkpoint resumes to nothing.
    let done = second.checkpoint();
    let mut third = c
        .fleet_sync(FleetSyncOptions::default().resume_from(done))
        .unwrap();
    assert!(drain(&mut third, None).await.is_empty());
    assert_eq!(third.report().requests, 0, "nothing fetched again");
    assert!(third.report().complete);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_out_of_budget_names_exactly_the_cards_it_did_not_deliver() {
    const CARDS: usize = 2_000;
    let h = sandbox(CARDS, 5).await;
    let fleet = fleet(&h);
    faults(&h, 0.3).await;
    let c = client(&h, 0);
    let options = FleetSyncOptions {
        retry_budget: Some(0),
        ..Default::default()
    };

    // Page 1 tells the fleet's size; when a fault takes it, the run fails loudly and is started
    // again (each start is an independent 30% draw).
    let (records, report, checkpoint) = loop {
        let mut sync = c.fleet_sync(options.clone()).expect("valid");
        let mut records = Vec::new();
        let mut fatal = None;
        while let Some(batch) = sync.next_batch().await {
            match batch {
                Ok(b) => records.extend(b),
                Err(e) => fatal = Some(e),
            }
        }
        match fatal {
            Some(e) => assert_eq!(e.endpoint(), Some("card/list"), "{e}"),
            None => break (records, sync.report(), sync.checkpoint()),
        }
    };
    assert!(report.finished && !report.complete, "{report:?}");
    assert_eq!(report.retries, 0, "no budget, no re-try");
    assert!(!report.missing_cards.is_empty(), "30% faults, no retries");
    assert_once(&records);

    // Delivered, named and on named pages: each card of the fleet exactly once.
    let mut accounted: Vec<String> = msisdns(&records);
    accounted.extend(report.missing_cards.iter().map(|m| m.msisdn.clone()));
    for page in &report.missing_pages {
        let from = (page.page as usize - 1) * 100;
        accounted.extend(fleet[from..(from + 100).min(CARDS)].iter().cloned());
    }
    let set: HashSet<&String> = accounted.iter().collect();
    assert_eq!(
        set.len(),
        accounted.len(),
        "nothing both delivered and named"
    );
    assert_eq!(set.len(), CARDS, "every card delivered or named");
    for m in &report.missing_cards {
        assert!(!m.error.is_empty() && !m.code.is_empty(), "{m:?}");
        assert!(m.endpoint.starts_with("card/"), "{m:?}");
    }

    // Without faults, resuming delivers exactly what was named.
    faults(&h, 0.0).await;
    let mut resumed = c
        .fleet_sync(FleetSyncOptions::default().resume_from(checkpoint))
        .unwrap();
    let rest = drain(&mut resumed, None).await;
    assert!(resumed.report().complete, "{:?}", resumed.report());
    let mut all = records;
    all.extend(rest);
    assert_once(&all);
    let got: HashSet<String> = msisdns(&all).into_iter().collect();
    assert_eq!(got, fleet.iter().cloned().collect::<HashSet<_>>());
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_the_list_repeats_is_delivered_once_and_counted() {
    let h = sandbox(250, 3).await;
    let fleet = fleet(&h);
    {
        // The listing repeats card 0 at its end, as a fleet changing under a listing does.
        let state = h.state();
        let mut w = state.lock();
        let first = w.fleet.cards[0].clone();
        w.fleet.cards.push(first);
    }
    let c = client(&h, 3);
    let options = FleetSyncOptions {
        details: false,
        concurrency: Some(2),
        ..Default::default()
    };
    let mut sync = c.fleet_sync(options).unwrap();
    let records = drain(&mut sync, None).await;
    let report = sync.report();
    assert_eq!(msisdns(&records), fleet);
    assert_eq!(report.duplicates, 1, "{report:?}");
    assert!(report.complete);
    assert!(records
        .iter()
        .all(|r| !r.detail_found && r.mno.is_none() && r.usage_found && r.flowusage.is_some()));
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_wins_over_the_detail_and_optional_parts_are_fetched() {
    let h = sandbox(120, 9).await;
    let c = client(&h, 3);
    let month = cardboss::sign::timestamp(chrono::Utc::now(), 480)[..6].to_string();
    let options = FleetSyncOptions {
        packages: true,
        history_month: Some(month.clone()),
        ..Default::default()
    };
    let mut sync = c.fleet_sync(options).unwrap();
    let records = drain(&mut sync, None).await;
    assert_eq!(records.len(), 120);
    let ids: Vec<String> = msisdns(&records[..10]);
    let usage = c
        .current_usage(&CardSet::Msisdns(ids.clone()))
        .await
        .unwrap();
    let details = c.card_details(&CardSet::Msisdns(ids)).await.unwrap();
    for ((r, u), d) in records.iter().zip(&usage).zip(&details) {
        assert_eq!(r.flowusage, Some(u.flowusage), "usage's counter");
        assert_eq!(
            r.pkgname.as_deref(),
            Some(d.pkgname.as_str()),
            "detail's field"
        );
        assert_eq!(r.mno.as_deref(), Some(d.mno.as_str()));
        let packages = c
            .packages(&cardboss::CardRef::msisdn(&r.msisdn))
            .await
            .unwrap();
        assert_eq!(r.packages.as_ref(), Some(&packages.pkgs));
        let history = r.history.as_ref().expect("this month's usage");
        assert_eq!(history.month, month);
    }
    assert_eq!(
        sync.report().batches,
        120 + 3 * 2,
        "packages per card, 3 parts × 2 pages"
    );

    // Bad options are refused before anything is sent.
    let bad = FleetSyncOptions {
        history_month: Some("199901".into()),
        ..Default::default()
    };
    assert_eq!(c.fleet_sync(bad).unwrap_err().code(), "INVALID_INPUT");
    let bad = FleetSyncOptions::default().resume_from("{\"v\":9}");
    assert_eq!(c.fleet_sync(bad).unwrap_err().code(), "INVALID_INPUT");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_card_set_is_fetched_and_returned_in_input_order() {
    let h = sandbox(50, 4).await;
    let (a, b, c_iccid) = {
        let state = h.state();
        let w = state.lock();
        let cards = &w.fleet.cards;
        (
            cards[3].msisdn.clone(),
            cards[7].msisdn.clone(),
            cards[5].iccid.clone(),
        )
    };
    let c = client(&h, 3);
    let set = CardSet::mixed([a.clone(), c_iccid.clone(), b.clone()]);
    let details = c.card_details(&set).await.unwrap();
    let got: Vec<(&str, &str)> = details
        .iter()
        .map(|d| (d.msisdn.as_str(), d.iccid.as_str()))
        .collect();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].0, a);
    assert_eq!(got[1].1, c_iccid);
    assert_eq!(got[2].0, b);
    let usage = c.current_usage(&set).await.unwrap();
    assert_eq!(usage[1].iccids, c_iccid);
    assert_eq!(
        c.card_details(&CardSet::mixed(["12345", "not an id"]))
            .await
            .unwrap_err()
            .code(),
        "INVALID_INPUT"
    );
    h.shutdown().await;
}

async fn requests_served(h: &SandboxHandle) -> u64 {
    let url = format!("{}/_sandbox/stats", h.base_url());
    let text = reqwest::get(url).await.unwrap().text().await.unwrap();
    let stats: Value = serde_json::from_str(&text).unwrap();
    stats["total"].as_u64().expect("a request count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_sync_sends_nothing_more_than_what_was_in_flight() {
    const CARDS: usize = 20_000;
    let h = sandbox(CARDS, 13).await;
    let c = client(&h, 3);
    let before = requests_served(&h).await;
    let mut sync = c
        .fleet_sync(FleetSyncOptions {
            concurrency: Some(2),
            ..Default::default()
        })
        .unwrap();
    let first = sync.next_batch().await.unwrap().unwrap();
    assert_eq!(first.len(), 100);
    drop(sync);
    // Whenever this is read, the run can have sent at most what its pipeline holds (2 pages
    // being listed, 2 units being enriched, 2 handed over, each unit 3 requests), nowhere near
    // the 600 requests of the whole fleet: nothing new starts after the drop.
    c.customer().await.unwrap();
    let sent = requests_served(&h).await - before;
    assert!(sent <= 40, "{sent} requests after a drop at batch 1");
    h.shutdown().await;
}

/// Changes the order and membership of the sandbox's fleet, as a platform whose fleet changes
/// between two listings does, and rebuilds the sandbox's indexes of it.
fn reshape(h: &SandboxHandle, change: impl FnOnce(&mut Vec<cardboss_sandbox::data::Card>)) {
    let state = h.state();
    let mut w = state.lock();
    let fleet = &mut w.fleet;
    let old: Vec<String> = fleet.cards.iter().map(|c| c.msisdn.clone()).collect();
    change(&mut fleet.cards);
    fleet.by_msisdn.clear();
    fleet.by_iccid.clear();
    for (i, c) in fleet.cards.iter().enumerate() {
        fleet.by_msisdn.insert(c.msisdn.clone(), i as u32);
        fleet.by_iccid.insert(c.iccid.clone(), i as u32);
    }
    for members in &mut fleet.pool_members {
        *members = members
            .iter()
            .filter_map(|&i| fleet.by_msisdn.get(&old[i as usize]).copied())
            .collect();
    }
    fleet.rendered = cardboss_sandbox::render::RenderCache::new(fleet.cards.len());
}

/// A new card like `like`, with ids of a block no other card has.
fn new_card(like: &cardboss_sandbox::data::Card, n: usize) -> cardboss_sandbox::data::Card {
    let mut card = like.clone();
    card.msisdn = format!("1500{:09}", n);
    card.iccid = format!("8986099{:013}", n);
    card
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_after_the_fleet_changed_delivers_no_card_twice_and_lists_the_new_pages() {
    const CARDS: usize = 3_000;
    const K: usize = 7;
    let h = sandbox(CARDS, 33).await;
    let before = fleet(&h);
    faults(&h, FAULT_RATE).await;
    let c = client(&h, 3);

    let mut first = c.fleet_sync(FleetSyncOptions::default()).expect("valid");
    let mut delivered = drain(&mut first, Some(K)).await;
    let checkpoint = first.checkpoint();
    drop(first);
    assert_eq!(delivered.len(), K * 100);
    assert!(checkpoint.len() < 300, "still a small cursor: {checkpoint}");

    // While the sync is down: 150 cards are added in front (every card after them moves 150
    // places on, so cards already delivered now stand on the pages still to list), a delivered
    // card moves to the end, and 120 cards are added at the end (30 pages become 33).
    reshape(&h, |cards| {
        let like = cards[0].clone();
        let front: Vec<_> = (0..150).map(|n| new_card(&like, n)).collect();
        cards.splice(0..0, front);
        let moved = cards.remove(150 + 10);
        cards.push(moved);
        cards.extend((150..270).map(|n| new_card(&like, n)));
    });
    let after = fleet(&h);
    assert_eq!(after.len().div_ceil(100), 33);
    let delivered_set: HashSet<String> = msisdns(&delivered).into_iter().collect();
    let moved_on = after[K * 100..]
        .iter()
        .filter(|m| delivered_set.contains(*m))
        .count();
    assert!(
        moved_on > 100,
        "the change moved delivered cards onto later pages"
    );

    let options = FleetSyncOptions::default().resume_from(checkpoint);
    let mut second = c.fleet_sync(options).expect("the checkpoint is accepted");
    let rest = drain(&mut second, None).await;
    let report = second.report();
    assert!(report.complete, "{report:?}");
    assert_eq!(
        report.duplicates as usize, moved_on,
        "every delivered card listed again is dropped and counted"
    );
    assert_eq!(report.pages, 33 - K as i64, "pages 8 to 33: the fleet grew");
    delivered.extend(rest);
    assert_once(&delivered);
    // Every card there throughout, and every card added behind the cursor; the ones added in
    // front of it are for the next sync.
    let mut expected: HashSet<String> = before.into_iter().collect();
    expected.extend(after[after.len() - 120..].iter().cloned());
    let got: HashSet<String> = msisdns(&delivered).into_iter().collect();
    assert_eq!(got, expected);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_counts_every_http_attempt_the_sandbox_served() {
    const CARDS: usize = 2_000;
    let h = sandbox(CARDS, 17).await;
    faults(&h, FAULT_RATE).await;
    let c = client(&h, 3);
    let served = requests_served(&h).await;
    let mut sync = c.fleet_sync(FleetSyncOptions::default()).expect("valid");
    drain(&mut sync, None).await;
    let report = sync.report();
    let served = requests_served(&h).await - served;
    assert!(report.complete, "{report:?}");
    assert_eq!(report.requests as u64, served, "{report:?}");
    let calls = report.pages + report.batches;
    assert!(
        report.requests > calls,
        "20% faults: attempts beyond the {calls} calls: {report:?}"
    );
    h.shutdown().await;
}
