//! Reliability of the SDK (core `Client`) under injected faults (issue 9), through the sandbox
//! over loopback HTTP. Every fault kind at 20%: HTTP 500, 502 HTML, connection resets, answers
//! delayed beyond the client timeout, truncated JSON and code 1090.
//!
//! - a fleet sync of 10,000 cards returns every card exactly once or fails naming what it could
//!   not fetch, never a short result;
//! - 1,000 POST operations are never applied twice, and every failed one says whether its
//!   outcome is unknown, consistently with the sandbox's ledger;
//! - no call outlives its timeout × attempts plus the backoff caps.
//!
//! The figures quoted in RELIABILITY.md are printed (`cargo test -p cardboss-sandbox --test
//! reliability -- --nocapture`).

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use cardboss::{Audit, Card, CardRef, CardSet, Client, Config, Error, RenewOptions};
use cardboss_sandbox::{SandboxConfig, SandboxHandle, Style};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};

const FAULT_RATE: f64 = 0.2;
/// How late a `delay` fault answers; the client gives up a little before.
const DELAY_SECS: f64 = 1.0;
const TIMEOUT: Duration = Duration::from_millis(700);
const RETRY_BASE: Duration = Duration::from_millis(20);
const RETRY_CAP: Duration = Duration::from_millis(200);
/// Room for a loaded machine (2 shared cores) on top of the computed bound.
const SLACK: Duration = Duration::from_secs(2);

async fn sandbox(cards: usize, seed: u64) -> SandboxHandle {
    let config = SandboxConfig {
        port1: 0,
        port2: 0,
        cards,
        seed,
        style: Style::Example,
        // Our SDK sends both keys of every pair: strict mode proves it.
        strict: true,
        ..Default::default()
    };
    cardboss_sandbox::start(config)
        .await
        .expect("sandbox starts")
}

fn client(h: &SandboxHandle, max_retries: u32) -> Client {
    let mut config = Config::new(h.sid(), h.apikey())
        .base_url(h.base_url())
        .ops_url(h.ops_url());
    config.timeout = TIMEOUT;
    config.max_retries = max_retries;
    config.retry_base = RETRY_BASE;
    config.retry_cap = RETRY_CAP;
    config.cooldown_guard = false;
    config.concurrency = 8;
    Client::new(config).expect("valid config")
}

/// The longest one request may take: every attempt timing out, plus the longest backoff
/// (full jitter never exceeds `min(cap, base · 2^(n-1))`) between attempts.
fn call_bound(max_retries: u32) -> Duration {
    let attempts = max_retries + 1;
    let backoff: Duration = (1..attempts)
        .map(|n| {
            RETRY_BASE
                .saturating_mul(1u32 << (n - 1).min(16))
                .min(RETRY_CAP)
        })
        .sum();
    TIMEOUT * attempts + backoff
}

async fn admin(h: &SandboxHandle, path: &str, body: Option<Value>) -> Value {
    let http = reqwest::Client::new();
    let url = format!("{}/_sandbox/{path}", h.base_url());
    let request = match body {
        Some(b) => http
            .post(url)
            .header("content-type", "application/json")
            .body(b.to_string()),
        None => http.get(url),
    };
    let text = request
        .send()
        .await
        .expect("admin API answers")
        .text()
        .await
        .expect("admin body");
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

async fn faults(h: &SandboxHandle, rate: f64, kinds: &[&str]) {
    let set = admin(
        h,
        "faults",
        Some(json!({"rate": rate, "kinds": kinds, "delay_secs": DELAY_SECS})),
    )
    .await;
    assert_eq!(set["rate"].as_f64(), Some(rate), "{set}");
}

async fn stats(h: &SandboxHandle) -> Value {
    admin(h, "stats", None).await
}

fn requests(stats: &Value, endpoint: &str) -> u64 {
    stats["endpoints"][endpoint].as_u64().unwrap_or(0)
}

/// Whether `e` names the batch (and its first card) of a bulk call that failed.
fn names_batch(e: &Error, known: &HashSet<String>) -> bool {
    let text = e.to_string();
    let Some(at) = text.find(" from card ") else {
        return false;
    };
    let card: String = text[at + " from card ".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    text.contains("(batch ") && known.contains(&card)
}

/// The errors a fault can cause on a GET.
fn is_fault_error(e: &Error) -> bool {
    matches!(e.kind(), "timeout" | "transport" | "http" | "decode") || e.code() == "1090"
}

// ------------------------------------------------------------------------------ (a) fleet sync

#[derive(Default)]
struct SyncFigures {
    completed: bool,
    failed_at: Option<String>,
    units_ok: u64,
}

/// cards() + card_details() + current_usage() of the whole fleet: every card exactly once, or an
/// error that names what could not be fetched. Never a short `Ok`.
async fn sync(c: &Client, fleet: &[String], max_retries: u32) -> SyncFigures {
    let known: HashSet<String> = fleet.iter().cloned().collect();
    let mut figures = SyncFigures::default();

    // Listing: a stream of pages; a failure ends it with an `Err`, never silently.
    let mut cards: Vec<Card> = Vec::new();
    let mut stream = c.cards();
    let started = Instant::now();
    let listed = loop {
        match stream.try_next().await {
            Ok(Some(card)) => cards.push(card),
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    drop(stream);
    if let Err(e) = listed {
        assert!(is_fault_error(&e), "a fault-caused error: {e}");
        let endpoint = e.endpoint().unwrap_or_default();
        assert!(
            endpoint == "card/list" || endpoint.starts_with("card/list (page "),
            "the error names the listing and, past page 1, the page: {e}"
        );
        assert!(
            cards.len() < fleet.len() && cards.len().is_multiple_of(100),
            "whole pages before the error: {}",
            cards.len()
        );
        figures.units_ok = cards.len() as u64 / 100;
        figures.failed_at = Some(format!(
            "card/list after {} cards (page {}): {e}",
            cards.len(),
            cards.len() / 100 + 1
        ));
        return figures;
    }
    let listed_in = started.elapsed();
    let msisdns: Vec<String> = cards.iter().map(|c| c.msisdn.clone()).collect();
    let unique: HashSet<&String> = msisdns.iter().collect();
    assert_eq!(msisdns.len(), fleet.len(), "every card listed");
    assert_eq!(unique.len(), fleet.len(), "no card listed twice");
    assert_eq!(msisdns, fleet, "the fleet, in page order");
    figures.units_ok += fleet.len().div_ceil(100) as u64;

    // Details and usage: batches of 100; results in input order or an error naming the batch.
    let set = CardSet::Msisdns(msisdns.clone());
    let pages_bound = call_bound(max_retries) * (fleet.len().div_ceil(100) as u32);
    assert!(
        listed_in <= pages_bound + SLACK,
        "listing took {listed_in:?}"
    );
    match c.card_details(&set).await {
        Ok(details) => {
            let got: Vec<&String> = details.iter().map(|d| &d.msisdn).collect();
            assert_eq!(got.len(), fleet.len(), "one detail per card");
            assert!(
                got.iter().zip(&msisdns).all(|(a, b)| *a == b),
                "details in input order, each card once"
            );
            figures.units_ok += fleet.len().div_ceil(100) as u64;
        }
        Err(e) => {
            assert!(is_fault_error(&e), "{e}");
            assert!(names_batch(&e, &known), "the error names the batch: {e}");
            figures.failed_at = Some(e.to_string());
            return figures;
        }
    }
    match c.current_usage(&set).await {
        Ok(usage) => {
            let got: Vec<&String> = usage.iter().map(|u| &u.msisdn).collect();
            assert_eq!(got.len(), fleet.len(), "one usage per card");
            assert!(
                got.iter().zip(&msisdns).all(|(a, b)| *a == b),
                "usage in input order, each card once"
            );
            figures.units_ok += fleet.len().div_ceil(100) as u64;
        }
        Err(e) => {
            assert!(is_fault_error(&e), "{e}");
            assert!(names_batch(&e, &known), "the error names the batch: {e}");
            figures.failed_at = Some(e.to_string());
            return figures;
        }
    }
    figures.completed = true;
    figures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_sync_of_10000_cards_is_complete_or_fails_loudly() {
    const CARDS: usize = 10_000;
    let h = sandbox(CARDS, 7).await;
    let fleet: Vec<String> = h
        .state()
        .lock()
        .fleet
        .cards
        .iter()
        .map(|c| c.msisdn.clone())
        .collect();
    faults(&h, FAULT_RATE, &[]).await;

    let mut completed = 0;
    let mut failed = 0;
    // At 20% faults a page or batch fails every attempt with probability 0.2^(retries+1): with
    // the default 3 retries about one sync in three fails (300 requests), with 6 nearly none,
    // with none nearly all. Both outcomes are exercised; each must be whole or loud.
    for max_retries in [3, 6, 0] {
        let before = stats(&h).await["total"].as_u64().unwrap_or(0);
        let started = Instant::now();
        let f = sync(&client(&h, max_retries), &fleet, max_retries).await;
        let elapsed = started.elapsed();
        let sent = stats(&h).await["total"].as_u64().unwrap_or(0) - before;
        if f.completed {
            completed += 1;
            // Every request beyond one per page/batch was a faulted attempt that the SDK retried.
            println!(
                "fleet sync (max_retries {max_retries}): complete, {CARDS} cards exactly once in \
                 cards/details/usage; {sent} GET requests for {} pages+batches, {} faulted \
                 attempts retried, {:.1} s",
                f.units_ok,
                sent - f.units_ok,
                elapsed.as_secs_f64()
            );
        } else {
            failed += 1;
            println!(
                "fleet sync (max_retries {max_retries}): failed loudly after {sent} GET requests \
                 ({} pages+batches fetched), {:.1} s: {}",
                f.units_ok,
                elapsed.as_secs_f64(),
                f.failed_at.unwrap_or_default()
            );
        }
    }
    println!("fleet syncs: {completed} complete, {failed} failed with a named error, 0 short");
    h.shutdown().await;
}

// ------------------------------------------------------------------------- (b) POST operations

#[derive(Clone, Debug)]
enum OpKind {
    Renew {
        audit: Audit,
        pkgcode: String,
        months: u32,
    },
    Sms,
    Suspend,
    Resume,
}

#[derive(Clone, Debug)]
struct Op {
    n: usize,
    card: String,
    kind: OpKind,
}

impl Op {
    fn endpoint(&self) -> &'static str {
        match self.kind {
            OpKind::Renew { .. } => "card/pkg/renew",
            OpKind::Sms => "sms/sendlotsms",
            OpKind::Suspend | OpKind::Resume => "card/stopkeep",
        }
    }

    fn sms_text(&self) -> String {
        format!("reliability op {}", self.n)
    }

    fn remark(&self) -> String {
        format!("op-{}", self.n)
    }

    async fn run(&self, c: &Client) -> Result<(), Error> {
        let card = CardRef::msisdn(&self.card);
        match &self.kind {
            OpKind::Renew {
                audit,
                pkgcode,
                months,
            } => {
                let options = RenewOptions {
                    repetition: Some(true),
                    audit: Some(*audit),
                    remark: Some(self.remark()),
                    ..Default::default()
                };
                c.renew(&card, pkgcode, *months, &options).await.map(|_| ())
            }
            OpKind::Sms => c
                .send_iot_sms(std::slice::from_ref(&self.card), &self.sms_text())
                .await
                .map(|_| ()),
            OpKind::Suspend => c.suspend(&card).await,
            OpKind::Resume => c.resume(&card).await,
        }
    }

    /// Whether a ledger entry records this operation taking effect.
    fn is_applied_in(&self, e: &Value) -> bool {
        if !e["applied"].as_bool().unwrap_or(false) || e["endpoint"] != self.endpoint() {
            return false;
        }
        match self.kind {
            OpKind::Renew { .. } => {
                e["action"] == "renew.order" && e["details"]["remark"] == self.remark().as_str()
            }
            OpKind::Sms => {
                e["action"] == "sms.send" && e["details"]["content"] == self.sms_text().as_str()
            }
            OpKind::Suspend => e["action"] == "stop" && e["cards"][0] == self.card.as_str(),
            OpKind::Resume => e["action"] == "resume" && e["cards"][0] == self.card.as_str(),
        }
    }
}

struct Outcome {
    op: Op,
    result: Result<(), Error>,
    elapsed: Duration,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_are_never_applied_twice_and_failures_say_if_unknown() {
    const ROUNDS: usize = 10;
    const RENEWALS: usize = 40;
    const SMS: usize = 30;
    const STOPKEEP: usize = 30;
    let h = sandbox(2_000, 11).await;
    admin(&h, "config", Some(json!({"balance": 100_000_000.0}))).await;

    // Cards in normal service, each used by one kind of operation only; a renewal renews a
    // package the card owns, for a term every package category accepts.
    let (renew_cards, sms_cards, stop_cards) = {
        let state = h.state();
        let w = state.lock();
        let normal: Vec<&cardboss_sandbox::data::Card> = w
            .fleet
            .cards
            .iter()
            .filter(|c| c.msstatus == 2 && !c.pkgs.is_empty())
            .collect();
        assert!(
            normal.len() >= RENEWALS * ROUNDS + SMS * ROUNDS + STOPKEEP * ROUNDS / 2,
            "enough cards in service: {}",
            normal.len()
        );
        let renew: Vec<(String, String, u32)> = normal[..RENEWALS * ROUNDS]
            .iter()
            .map(|c| {
                let def = c.pkgs[0].def();
                (c.msisdn.clone(), def.code.to_string(), 12 * def.buycycle)
            })
            .collect();
        let rest = &normal[RENEWALS * ROUNDS..];
        let sms: Vec<String> = rest[..SMS * ROUNDS]
            .iter()
            .map(|c| c.msisdn.clone())
            .collect();
        let stop: Vec<String> = rest[SMS * ROUNDS..SMS * ROUNDS + STOPKEEP * ROUNDS / 2]
            .iter()
            .map(|c| c.msisdn.clone())
            .collect();
        (renew, sms, stop)
    };

    faults(&h, FAULT_RATE, &[]).await;
    let c = client(&h, 3);
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut n = 0;
    for round in 0..ROUNDS {
        let mut ops = Vec::new();
        for (i, (card, pkgcode, months)) in renew_cards[round * RENEWALS..(round + 1) * RENEWALS]
            .iter()
            .enumerate()
        {
            let audit = if i % 2 == 0 {
                Audit::Automatic
            } else {
                Audit::Manual
            };
            let kind = OpKind::Renew {
                audit,
                pkgcode: pkgcode.clone(),
                months: *months,
            };
            ops.push((card.clone(), kind));
        }
        for card in &sms_cards[round * SMS..(round + 1) * SMS] {
            ops.push((card.clone(), OpKind::Sms));
        }
        // Even rounds suspend a group of cards, odd rounds resume the same group.
        let group = &stop_cards[(round / 2) * STOPKEEP..(round / 2 + 1) * STOPKEEP];
        for card in group {
            let kind = if round % 2 == 0 {
                OpKind::Suspend
            } else {
                OpKind::Resume
            };
            ops.push((card.clone(), kind));
        }
        let ops: Vec<Op> = ops
            .into_iter()
            .map(|(card, kind)| {
                n += 1;
                Op { n, card, kind }
            })
            .collect();
        let c = &c;
        let done: Vec<Outcome> = futures::stream::iter(ops)
            .map(|op| async move {
                let started = Instant::now();
                let result = op.run(c).await;
                Outcome {
                    op,
                    result,
                    elapsed: started.elapsed(),
                }
            })
            .buffer_unordered(8)
            .collect()
            .await;
        outcomes.extend(done);
        // Let answers delayed past the client's timeout land, then move the sandbox clock past
        // the carrier's 3-minute lifecycle window so the next round is not refused with 13009.
        tokio::time::sleep(Duration::from_secs_f64(DELAY_SECS + 0.3)).await;
        admin(&h, "clock/advance", Some(json!({"seconds": 181}))).await;
    }
    faults(&h, 0.0, &[]).await;

    // Refusals the server is sure of (1031: not the card's package) are known not applied.
    let ledger_len = admin(&h, "ledger", None).await.as_array().map(Vec::len);
    let e = c
        .renew(
            &CardRef::msisdn(&renew_cards[0].0),
            "nosuchpkg",
            12,
            &RenewOptions::default(),
        )
        .await
        .expect_err("refused");
    assert_eq!(
        (e.code().as_str(), e.outcome_unknown()),
        ("1031", false),
        "{e}"
    );
    assert!(!e.to_string().contains("outcome is unknown"), "{e}");
    assert_eq!(
        admin(&h, "ledger", None).await.as_array().map(Vec::len),
        ledger_len,
        "a refusal leaves the ledger alone"
    );

    let stats = stats(&h).await;
    let ledger = admin(&h, "ledger", None).await;
    let ledger = ledger.as_array().expect("ledger is a list");
    // One request more on card/pkg/renew: the refusal above.
    let post_requests: u64 = ["card/pkg/renew", "sms/sendlotsms", "card/stopkeep"]
        .iter()
        .map(|e| requests(&stats, e))
        .sum::<u64>()
        - 1;

    // The SDK never repeats a POST: one request per operation reached the server.
    assert_eq!(outcomes.len(), ROUNDS * (RENEWALS + SMS + STOPKEEP));
    assert_eq!(
        post_requests,
        outcomes.len() as u64,
        "requests received == operations run: {stats}"
    );

    let mut duplicates = 0;
    let mut ok = 0;
    let mut failed = 0;
    let mut unknown_applied = 0;
    let mut unknown_not_applied = 0;
    let mut known_not_applied = 0;
    let mut errors_by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut worst = Duration::ZERO;
    for o in &outcomes {
        let applied: Vec<&Value> = ledger.iter().filter(|e| o.op.is_applied_in(e)).collect();
        if applied.len() > 1 {
            duplicates += 1;
        }
        let after_fault = applied
            .iter()
            .any(|e| e["fault"]["stage"] == "after" || e["fault"]["kind"] == "delay");
        worst = worst.max(o.elapsed);
        assert!(
            o.elapsed <= TIMEOUT + SLACK,
            "op {} took {:?}, beyond its timeout",
            o.op.n,
            o.elapsed
        );
        match &o.result {
            Ok(()) => {
                ok += 1;
                assert_eq!(applied.len(), 1, "a success is applied once: {:?}", o.op);
                assert!(
                    applied[0]["fault"].is_null(),
                    "a faulted request cannot succeed: {:?} {}",
                    o.op,
                    applied[0]
                );
            }
            Err(e) => {
                failed += 1;
                *errors_by_kind
                    .entry(format!("{} ({})", e.kind(), e.code()))
                    .or_default() += 1;
                let says = e.to_string().contains("outcome is unknown");
                assert_eq!(says, e.outcome_unknown(), "the message says it too: {e}");
                if after_fault || !applied.is_empty() {
                    assert!(
                        e.outcome_unknown(),
                        "op {:?} took effect ({:?}) but its error claims to know it did not: {e}",
                        o.op,
                        applied
                    );
                }
                match (e.outcome_unknown(), applied.is_empty()) {
                    (true, false) => unknown_applied += 1,
                    (true, true) => unknown_not_applied += 1,
                    (false, true) => known_not_applied += 1,
                    (false, false) => unreachable!("asserted above"),
                }
            }
        }
    }
    assert_eq!(duplicates, 0, "no operation applied twice");

    // Faults as the sandbox recorded them (a POST `delay` whose connection the client dropped
    // may leave no entry; the SDK's errors below count every failed call).
    let mut faults_by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for e in ledger.iter().filter(|e| !e["fault"].is_null()) {
        let key = format!(
            "{}/{}",
            e["fault"]["kind"].as_str().unwrap_or("?"),
            e["fault"]["stage"].as_str().unwrap_or("?")
        );
        *faults_by_kind.entry(key).or_default() += 1;
    }
    let faults_recorded: u64 = faults_by_kind.values().sum();
    println!(
        "POST operations: {} run ({} renewals audit auto/manual, {} plain SMS, {} suspend/resume) \
         over {ROUNDS} rounds; {post_requests} POST requests received (1 per operation)",
        outcomes.len(),
        RENEWALS * ROUNDS,
        SMS * ROUNDS,
        STOPKEEP * ROUNDS
    );
    println!("POST faults recorded in the ledger: {faults_recorded} {faults_by_kind:?}");
    println!(
        "POST results: {ok} ok (each applied once), {failed} failed: {unknown_applied} \
         outcome_unknown & applied, {unknown_not_applied} outcome_unknown & not applied, \
         {known_not_applied} known not applied; errors {errors_by_kind:?}"
    );
    println!(
        "POST duplicates found: {duplicates}; slowest call {:.2} s (timeout {:.2} s)",
        worst.as_secs_f64(),
        TIMEOUT.as_secs_f64()
    );
    h.shutdown().await;
}

// -------------------------------------------------------------------------------- (c) timeouts

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_never_outlive_timeout_times_attempts_plus_backoff() {
    let h = sandbox(300, 3).await;
    let (msisdns, target) = {
        let state = h.state();
        let w = state.lock();
        let m: Vec<String> = w.fleet.cards.iter().map(|c| c.msisdn.clone()).collect();
        let t = w
            .fleet
            .cards
            .iter()
            .find(|c| c.msstatus == 2)
            .map(|c| c.msisdn.clone())
            .expect("a card in service");
        (m, t)
    };
    let retries = 3;
    let c = client(&h, retries);
    let bound = call_bound(retries);

    // Every answer late: a GET tries every attempt, then fails with a timeout.
    faults(&h, 1.0, &["delay"]).await;
    let started = Instant::now();
    let e = c.customer().await.expect_err("every attempt times out");
    let get_elapsed = started.elapsed();
    assert_eq!(e.kind(), "timeout", "{e}");
    assert!(!e.outcome_unknown(), "a GET changes nothing: {e}");
    assert!(
        get_elapsed >= TIMEOUT * (retries + 1) - Duration::from_millis(50),
        "all {} attempts were made: {get_elapsed:?}",
        retries + 1
    );
    assert!(
        get_elapsed <= bound + SLACK,
        "{get_elapsed:?} > {bound:?} + slack"
    );
    // A POST is tried once and its outcome is unknown.
    let started = Instant::now();
    let e = c
        .suspend(&CardRef::msisdn(&target))
        .await
        .expect_err("times out");
    let post_elapsed = started.elapsed();
    assert_eq!(e.kind(), "timeout", "{e}");
    assert!(
        e.outcome_unknown(),
        "a timed-out POST may have been applied: {e}"
    );
    assert!(
        post_elapsed >= TIMEOUT - Duration::from_millis(50) && post_elapsed <= TIMEOUT + SLACK,
        "one attempt: {post_elapsed:?}"
    );
    println!(
        "timeouts (every answer {DELAY_SECS} s late, timeout {:.2} s): GET failed after {:.2} s \
         ({} attempts, bound {:.2} s), POST after {:.2} s (1 attempt, outcome unknown)",
        TIMEOUT.as_secs_f64(),
        get_elapsed.as_secs_f64(),
        retries + 1,
        bound.as_secs_f64(),
        post_elapsed.as_secs_f64()
    );

    // All kinds at 20%: single-request calls, each timed against the bound.
    faults(&h, FAULT_RATE, &[]).await;
    let mut worst = Duration::ZERO;
    let mut failures = 0;
    const CALLS: usize = 120;
    for i in 0..CALLS {
        let started = Instant::now();
        let result = match i % 4 {
            0 => c.customer().await.map(|_| ()),
            1 => c.list_cards(1 + (i as u32 % 3)).await.map(|_| ()),
            2 => c
                .card_details(&CardSet::Msisdns(msisdns[..100].to_vec()))
                .await
                .map(|_| ()),
            _ => c.packages(&CardRef::msisdn(&msisdns[i])).await.map(|_| ()),
        };
        let elapsed = started.elapsed();
        worst = worst.max(elapsed);
        if let Err(e) = result {
            failures += 1;
            assert!(is_fault_error(&e), "{e}");
        }
        assert!(
            elapsed <= bound + SLACK,
            "call {i} took {elapsed:?} > {bound:?}"
        );
    }
    println!(
        "timeouts (20% faults): {CALLS} GET calls, slowest {:.2} s, bound {:.2} s, {failures} \
         failed after all retries",
        worst.as_secs_f64(),
        bound.as_secs_f64()
    );
    h.shutdown().await;
}
