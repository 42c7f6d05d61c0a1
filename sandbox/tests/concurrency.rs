//! Many clients at once, mixing queries and operations: the counters, the ledger and the cards'
//! state come out exact, and no answer (cached per card) shows a card as it was before a change.

mod common;
use std::sync::Arc;

use common::*;
use serde_json::Value;

const CLIENTS: usize = 16;
const ROUNDS: usize = 12;
const CARDS: usize = 400;
/// Cards 0..CLIENTS receive SMS; the stop operations use cards from here on, one each.
const FIRST_STOPPED: usize = CLIENTS;

async fn batch(t: &T, path: &str, ids: &[String]) -> Value {
    let joined = ids.join(",");
    let v = t
        .get(
            path,
            &[("msisdns", &joined), ("iccids", "")],
            &["msisdns", "iccids"],
        )
        .await;
    assert_eq!(code(&v), "0", "{path}: {v}");
    v
}

fn stopped_card(client: usize, round: usize) -> usize {
    FIRST_STOPPED + client * ROUNDS + round
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_reads_and_operations_stay_exact() {
    let t = Arc::new(
        boot_with(cardboss_sandbox::SandboxConfig {
            cards: CARDS,
            ..config()
        })
        .await,
    );
    let all: Arc<Vec<String>> = Arc::new((0..CARDS).map(|i| t.h.msisdn(i)).collect());
    let sms_before: Vec<u64> = (0..CLIENTS)
        .map(|i| t.h.card(&all[i]).unwrap().card.smsusage)
        .collect();
    // Every card's answers are rendered (and kept) before anything changes.
    for chunk in all.chunks(100) {
        batch(&t, "card/detail", chunk).await;
        batch(&t, "card/usage/current", chunk).await;
    }
    let warmup = t.h.stats();

    let mut tasks = Vec::new();
    for k in 0..CLIENTS {
        let (t, all) = (t.clone(), all.clone());
        tasks.push(tokio::spawn(async move {
            for r in 0..ROUNDS {
                let start = (r * 37 + k * 11) % (CARDS - 100);
                let ids = &all[start..start + 100];
                let v = batch(&t, "card/detail", ids).await;
                assert_eq!(v["result"]["count"], 100);
                let v = batch(&t, "card/usage/current", ids).await;
                assert_eq!(v["result"]["usages"].as_array().unwrap().len(), 100);
                let page = (k % 4 + 1).to_string();
                let v = t
                    .get("card/list", &[("pageindex", &page)], &["pageindex"])
                    .await;
                assert_eq!(code(&v), "0");
                let v = t
                    .post(
                        false,
                        "sms/sendlotsms",
                        &[("mobile", &all[k]), ("content", "ping")],
                        &["mobile", "content"],
                    )
                    .await;
                assert_eq!(code(&v), "0", "{v}");
                let m = &all[stopped_card(k, r)];
                let v = t
                    .op(
                        "card/stopkeep",
                        &[("msisdn", m), ("iccid", ""), ("stopkeep", "0")],
                        &["msisdn", "iccid", "stopkeep"],
                    )
                    .await;
                assert_eq!(code(&v), "0", "{v}");
            }
        }));
    }
    for task in tasks {
        task.await.expect("a client failed");
    }

    // Counters: every request counted once.
    let n = (CLIENTS * ROUNDS) as u64;
    let stats = t.h.stats();
    let after = |path: &str| stats.endpoints[path] - warmup.endpoints.get(path).unwrap_or(&0);
    for path in [
        "card/detail",
        "card/usage/current",
        "card/list",
        "sms/sendlotsms",
        "card/stopkeep",
    ] {
        assert_eq!(after(path), n, "{path}");
    }
    assert_eq!(stats.total, warmup.total + 5 * n);

    // Ledger: one entry per operation, ids in order without gaps.
    let ledger = t.h.ledger();
    assert_eq!(ledger.len() as u64, 2 * n);
    for (i, e) in ledger.iter().enumerate() {
        assert_eq!(e.id, i as u64 + 1);
        assert!(e.applied);
    }
    let count = |action: &str| ledger.iter().filter(|e| e.action == action).count() as u64;
    assert_eq!(count("sms.send"), n);
    assert_eq!(count("stop"), n);

    // State: SMS usage counted exactly, every stopped card stopped; the answers say the same.
    for k in 0..CLIENTS {
        let c = t.h.card(&all[k]).unwrap().card;
        assert_eq!(c.smsusage, sms_before[k] + ROUNDS as u64, "card {k}");
    }
    for chunk in all.chunks(100) {
        let detail = batch(&t, "card/detail", chunk).await;
        let usage = batch(&t, "card/usage/current", chunk).await;
        for (i, m) in chunk.iter().enumerate() {
            let c = t.h.card(m).unwrap().card;
            let d = &detail["result"]["cards"][i];
            let u = &usage["result"]["usages"][i];
            assert_eq!(d["msisdn"], m.as_str());
            assert_eq!(d["msStatus"], c.msstatus.to_string(), "{m}");
            assert_eq!(d["smsusage"], c.smsusage, "{m}");
            assert_eq!(d["gprsStatus"], if c.online { "在线" } else { "离线" });
            assert_eq!(u["smsusage"], c.smsusage, "{m}");
        }
    }
    for k in 0..CLIENTS {
        for r in 0..ROUNDS {
            assert_eq!(t.h.card(&all[stopped_card(k, r)]).unwrap().card.msstatus, 3);
        }
    }
}

/// Kept answers follow the response style and the business day (packages expire).
#[tokio::test]
async fn kept_answers_follow_the_style_and_the_day() {
    let t = boot().await;
    let m = t.card_where(|c| c.pool.is_none() && c.pkgs.iter().all(|p| p.def().totalflow > 0));
    let ids = [m.clone()];
    let before = batch(&t, "card/detail", &ids).await;
    let card = &before["result"]["cards"][0];
    assert!(card["pkgtotalflow"].as_f64().unwrap() > 0.0, "{card}");
    assert!(card.get("yys").is_some());

    t.h.update_config(cardboss_sandbox::ConfigUpdate {
        style: Some(cardboss_sandbox::Style::Table),
        ..Default::default()
    });
    let table = batch(&t, "card/detail", &ids).await;
    let card = &table["result"]["cards"][0];
    assert!(
        card.get("mno").is_some() && card.get("yys").is_none(),
        "{card}"
    );
    let usage = batch(&t, "card/usage/current", &ids).await;
    assert!(usage["result"]["usages"][0].get("iccids").is_some());

    // Three years on, every package has ended.
    t.h.advance_clock(3 * 366 * 86_400);
    let later = batch(&t, "card/detail", &ids).await;
    let card = &later["result"]["cards"][0];
    assert_eq!(card["pkgtotalflow"], 0, "{card}");
    assert_eq!(card["pkgleftflow"], 0, "{card}");
    let usage = batch(&t, "card/usage/current", &ids).await;
    assert_eq!(usage["result"]["usages"][0]["pkgtotalflow"], 0);
}
