//! Bulk runs (`Client::bulk`) against the sandbox over loopback: every card settled once,
//! nothing applied twice (the sandbox's ledger), unknown answers settled by reading the cards
//! back, a journal that survives a crash, cooldowns, dry runs, bad input.

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use cardboss::{
    BulkOp, BulkOptions, BulkOutcome, CardRef, CardSet, Client, Config, OutcomeStatus, RenewOptions,
};
use cardboss_sandbox::{FaultKind, SandboxConfig, SandboxHandle};

async fn sandbox(cards: usize) -> SandboxHandle {
    cardboss_sandbox::start(SandboxConfig {
        port1: 0,
        port2: 0,
        cards,
        strict: true,
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

fn client(h: &SandboxHandle, timeout: Duration) -> Client {
    let mut config = Config::new(h.sid(), h.apikey())
        .base_url(h.base_url())
        .ops_url(h.ops_url());
    config.retry_base = Duration::from_millis(5);
    config.retry_cap = Duration::from_millis(50);
    config.timeout = timeout;
    Client::new(config).expect("valid config")
}

/// Cards in state 正常 (msstatus 2): suspendable.
fn normal_cards(h: &SandboxHandle, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0.. {
        let m = h.msisdn(i);
        if h.card(&m).unwrap().card.msstatus == 2 {
            out.push(m);
        }
        if out.len() == n {
            return out;
        }
    }
    unreachable!()
}

/// Applied suspends per card, from the ledger.
fn applied(h: &SandboxHandle, stopkeep: &str) -> HashMap<String, usize> {
    let mut count = HashMap::new();
    for e in h.ledger() {
        if e.endpoint.ends_with("card/stopkeep")
            && e.applied
            && e.details["stopkeep"].as_str() == Some(stopkeep)
        {
            for c in e.cards {
                *count.entry(c).or_insert(0) += 1;
            }
        }
    }
    count
}

fn by_card(outcomes: &[BulkOutcome]) -> HashMap<String, BulkOutcome> {
    let map: HashMap<_, _> = outcomes
        .iter()
        .map(|o| (o.card.clone(), o.clone()))
        .collect();
    assert_eq!(map.len(), outcomes.len(), "a card was settled twice");
    map
}

#[tokio::test]
async fn suspends_every_card_once_under_faults() {
    let h = sandbox(600).await;
    let cards = normal_cards(&h, 200);
    // Every kind but the delay: the others settle the operation (applied or not) before the
    // answer, so what the card shows afterwards is the truth to compare with. (A delayed
    // operation may land after the run has read the card back; the platform's can too.)
    let kinds = [
        FaultKind::Http500,
        FaultKind::Http502,
        FaultKind::Reset,
        FaultKind::Truncated,
        FaultKind::Code1090,
    ];
    h.set_faults(0.2, Some(kinds.to_vec())).unwrap();
    let c = client(&h, Duration::from_secs(5));
    let before = h.stats().total;
    let run = c
        .bulk(
            BulkOp::Suspend,
            &CardSet::msisdns(cards.clone()),
            BulkOptions::default(),
        )
        .unwrap();
    let report = run.finish().await;
    h.set_faults(0.0, None).unwrap();

    let outcomes = by_card(&report.outcomes);
    assert_eq!(outcomes.len(), cards.len());
    assert_eq!(report.cards as usize, cards.len());
    assert_eq!(
        report.done + report.unknown + report.refused + report.skipped + report.not_attempted,
        report.cards
    );
    let applied = applied(&h, "0");
    for m in &cards {
        assert!(
            applied.get(m).copied().unwrap_or(0) <= 1,
            "{m} suspended twice"
        );
        let o = &outcomes[m];
        let state = h.card(m).unwrap().card.msstatus;
        match o.status {
            OutcomeStatus::Done => assert_eq!(state, 3, "{m} reported done but not suspended"),
            OutcomeStatus::Unknown => {
                assert_ne!(state, 3, "{m} suspended but left unknown");
                assert_eq!(o.observed_msstatus, Some(i64::from(state)));
                assert!(o
                    .note
                    .as_deref()
                    .unwrap()
                    .contains("check before repeating"));
            }
            other => panic!("{m}: {other:?} {o:?}"),
        }
    }
    // At 20% faults some answers were lost after the operation applied: read back, settled.
    assert!(report.reconciled > 0, "{report:?}");
    // Every attempt (GET retries of the read-back included) is counted, as the sandbox saw it.
    assert_eq!(report.requests as u64, h.stats().total - before);
    assert!(report.done > report.cards / 2);
}

#[tokio::test]
async fn a_journal_survives_a_crash_and_nothing_is_applied_twice() {
    let h = sandbox(300).await;
    let cards = normal_cards(&h, 60);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("suspend.jsonl");
    let options = BulkOptions {
        journal: Some(journal.clone()),
        concurrency: Some(4),
        ..Default::default()
    };
    // First run: cancelled after 20 outcomes (its requests in flight finish and are journaled).
    let c = client(&h, Duration::from_secs(5));
    let mut run = c
        .bulk(
            BulkOp::Suspend,
            &CardSet::msisdns(cards[..50].to_vec()),
            options.clone(),
        )
        .unwrap();
    for _ in 0..20 {
        run.next().await.unwrap();
    }
    // While it runs, its journal is taken: a second run on it would send the same cards.
    let err = c
        .bulk(
            BulkOp::Suspend,
            &CardSet::msisdns(cards.clone()),
            options.clone(),
        )
        .err()
        .unwrap();
    assert!(err.to_string().contains("in use"), "{err}");
    run.cancel();
    let first = run.finish().await;
    assert_eq!(first.stopped.as_deref(), Some("cancelled"));
    assert!(first.not_attempted > 0, "{first:?}");
    // A graceful stop leaves no intent without its outcome.
    let text = std::fs::read_to_string(&journal).unwrap();
    for line in text.lines().filter(|l| l.contains(r#""kind":"intent""#)) {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        let card = entry["card"].as_str().unwrap();
        assert!(
            text.lines()
                .any(|l| l.contains(r#""kind":"outcome""#) && l.contains(card)),
            "{card} has no outcome after a graceful stop:\n{text}"
        );
    }
    // What a crash between an intent and its outcome leaves: one card whose operation was
    // applied, one whose request never left.
    let (applied_card, lost_card) = (&cards[50], &cards[51]);
    c.suspend(&CardRef::msisdn(applied_card)).await.unwrap();
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    for card in [applied_card, lost_card] {
        writeln!(f, r#"{{"kind":"intent","card":"{card}"}}"#).unwrap();
    }
    write!(f, r#"{{"kind":"outcome","outc"#).unwrap(); // torn by the crash
    drop(f);

    let c = client(&h, Duration::from_secs(5)); // a new process: no cooldown memory
    let report = c
        .bulk(BulkOp::Suspend, &CardSet::msisdns(cards.clone()), options)
        .unwrap()
        .finish()
        .await;
    let outcomes = by_card(&report.outcomes);
    assert_eq!(outcomes.len(), cards.len());
    assert!(report.from_journal >= 20, "{report:?}");
    let settled = &outcomes[applied_card];
    assert_eq!(settled.status, OutcomeStatus::Done);
    assert!(settled.reconciled);
    let lost = &outcomes[lost_card];
    assert_eq!(
        lost.status,
        OutcomeStatus::Unknown,
        "never re-sent: {lost:?}"
    );
    assert_eq!(lost.observed_msstatus, Some(2));
    let applied = applied(&h, "0");
    for (i, m) in cards.iter().enumerate() {
        assert!(
            applied.get(m).copied().unwrap_or(0) <= 1,
            "{m} (#{i}) suspended twice: {:?}\nfirst run: {first:?}\njournal:\n{}",
            outcomes[m],
            std::fs::read_to_string(&journal).unwrap()
        );
        if m != lost_card {
            assert_eq!(outcomes[m].status, OutcomeStatus::Done, "{:?}", outcomes[m]);
            assert_eq!(h.card(m).unwrap().card.msstatus, 3);
        }
    }
    assert!(!applied.contains_key(lost_card));

    // A third run sends nothing at all.
    let before = h.stats().total;
    let report = c
        .bulk(
            BulkOp::Suspend,
            &CardSet::msisdns(cards[..50].to_vec()),
            BulkOptions {
                journal: Some(journal.clone()),
                ..Default::default()
            },
        )
        .unwrap()
        .finish()
        .await;
    assert_eq!(report.from_journal, 50);
    assert_eq!(h.stats().total, before);

    // The journal belongs to its operation.
    let err = c
        .bulk(
            BulkOp::Resume,
            &CardSet::msisdns(cards.clone()),
            BulkOptions {
                journal: Some(journal),
                ..Default::default()
            },
        )
        .err()
        .unwrap();
    assert_eq!(err.code(), "INVALID_INPUT");
    assert!(err.to_string().contains("suspend"), "{err}");
}

#[tokio::test]
async fn cooldowns_wait_or_are_reported_and_carrier_refusals_requeue() {
    let h = sandbox(300).await;
    let cards = normal_cards(&h, 6);
    let set = CardSet::msisdns(cards.clone());
    let c = client(&h, Duration::from_secs(5));
    let report = c
        .bulk(BulkOp::Suspend, &set, BulkOptions::default())
        .unwrap()
        .finish()
        .await;
    assert_eq!(report.done, 6);

    // The client remembers the windows: without waiting, nothing is sent.
    let before = h.stats().total;
    let report = c
        .bulk(
            BulkOp::Resume,
            &set,
            BulkOptions {
                wait_cooldowns: false,
                ..Default::default()
            },
        )
        .unwrap()
        .finish()
        .await;
    assert_eq!(report.not_attempted, 6);
    assert!(report.outcomes[0]
        .note
        .as_deref()
        .unwrap()
        .contains("cooling down"));
    assert_eq!(h.stats().total, before);

    // Waiting, with a deadline shorter than the window: still nothing sent.
    let report = c
        .bulk(
            BulkOp::Resume,
            &set,
            BulkOptions {
                deadline: Some(Duration::from_millis(300)),
                ..Default::default()
            },
        )
        .unwrap()
        .finish()
        .await;
    assert_eq!(report.not_attempted, 6);
    assert_eq!(report.stopped.as_deref(), Some("deadline reached"));
    assert_eq!(h.stats().total, before);

    // A client without the memory meets the carrier's refusal (13009): the cards go back in
    // the queue, not to `refused`, until the requeues are used up.
    let fresh = client(&h, Duration::from_secs(5));
    let report = fresh
        .bulk(
            BulkOp::Resume,
            &set,
            BulkOptions {
                deadline: Some(Duration::from_secs(2)),
                ..Default::default()
            },
        )
        .unwrap()
        .finish()
        .await;
    assert_eq!(report.rescheduled, 6, "{report:?}");
    assert_eq!(report.not_attempted, 6);
    let report = client(&h, Duration::from_secs(5))
        .bulk(
            BulkOp::Resume,
            &set,
            BulkOptions {
                max_requeues: Some(0),
                ..Default::default()
            },
        )
        .unwrap()
        .finish()
        .await;
    assert_eq!(report.refused, 6);
    assert_eq!(report.outcomes[0].code.as_deref(), Some("13009"));

    // After the window (the sandbox's clock), the resumes go through.
    h.advance_clock(181);
    c.clear_cooldowns();
    let report = c
        .bulk(BulkOp::Resume, &set, BulkOptions::default())
        .unwrap()
        .finish()
        .await;
    assert_eq!(report.done, 6, "{report:?}");
    assert_eq!(applied(&h, "1").len(), 6);
}

#[tokio::test]
async fn check_state_skips_and_dry_run_sends_nothing() {
    let h = sandbox(300).await;
    let cards = normal_cards(&h, 10);
    let c = client(&h, Duration::from_secs(5));
    c.suspend(&CardRef::msisdn(&cards[0])).await.unwrap();
    let before = h.stats().total;
    let report = c
        .bulk(
            BulkOp::Suspend,
            &CardSet::mixed(cards.clone()),
            BulkOptions {
                dry_run: true,
                ..Default::default()
            },
        )
        .unwrap()
        .finish()
        .await;
    assert_eq!(report.not_attempted, 10);
    assert!(report.outcomes[0]
        .note
        .as_deref()
        .unwrap()
        .starts_with("dry run"));
    assert_eq!(h.stats().total, before);

    let before = h.stats().total;
    let report = c
        .bulk(
            BulkOp::Suspend,
            &CardSet::mixed(cards.clone()),
            BulkOptions {
                check_state: true,
                ..Default::default()
            },
        )
        .unwrap()
        .finish()
        .await;
    let outcomes = by_card(&report.outcomes);
    assert_eq!(outcomes[&cards[0]].status, OutcomeStatus::Skipped);
    assert_eq!(outcomes[&cards[0]].observed_msstatus, Some(3));
    assert_eq!(report.skipped, 1);
    assert_eq!(report.done, 9);
    // One read of the ten cards, nine suspends: exactly what the sandbox answered.
    assert_eq!(report.requests as u64, h.stats().total - before);
    assert_eq!(report.requests, 10);
    assert_eq!(applied(&h, "0")[&cards[0]], 1);
}

#[tokio::test]
async fn bad_input_fails_before_any_request() {
    let h = sandbox(100).await;
    let c = client(&h, Duration::from_secs(5));
    let m = h.msisdn(0);
    let before = h.stats().total;
    let cases: Vec<(BulkOp, CardSet)> = vec![
        (BulkOp::Suspend, CardSet::msisdns([m.clone(), m.clone()])),
        (BulkOp::Suspend, CardSet::msisdns(["12ab"])),
        (BulkOp::Suspend, CardSet::msisdns(Vec::<String>::new())),
        (
            BulkOp::Renew {
                pkgcode: "P1".into(),
                months: 0,
                options: Default::default(),
            },
            CardSet::msisdns([m.clone()]),
        ),
        (
            BulkOp::Renew {
                pkgcode: "P1".into(),
                months: 12,
                options: RenewOptions {
                    startdate: Some("2024-13-01".into()),
                    ..Default::default()
                },
            },
            CardSet::msisdns([m.clone()]),
        ),
        (
            BulkOp::EnableData {
                apn: None,
                min_left_percent: Some(101),
            },
            CardSet::msisdns([m.clone()]),
        ),
    ];
    for (op, set) in cases {
        let err = c.bulk(op.clone(), &set, BulkOptions::default()).err();
        assert_eq!(
            err.map(|e| e.code()).as_deref(),
            Some("INVALID_INPUT"),
            "{op:?} {set:?}"
        );
    }
    // A file that is not a journal is never appended to.
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes\nmore notes\n").unwrap();
    let err = c
        .bulk(
            BulkOp::Suspend,
            &CardSet::msisdns([m.clone()]),
            BulkOptions {
                journal: Some(notes.clone()),
                ..Default::default()
            },
        )
        .err()
        .unwrap();
    assert_eq!(err.code(), "INVALID_INPUT");
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "my notes\nmore notes\n"
    );
    assert!(BulkOp::from_name("explode").is_err());
    assert_eq!(BulkOp::from_name("suspend").unwrap(), BulkOp::Suspend);
    assert_eq!(h.stats().total, before);
}

#[tokio::test]
async fn a_lost_renewal_is_never_sent_again() {
    let h = sandbox(100).await;
    let m = h.msisdn(1);
    let c = client(&h, Duration::from_millis(500));
    let pkgs = c.packages(&CardRef::msisdn(&m)).await.unwrap();
    let pkgcode = pkgs
        .pkgs
        .first()
        .map(|p| p.pkgcode.clone())
        .unwrap_or("P1".into());
    let mut faults = h.faults();
    faults.rate = 1.0;
    faults.kinds = vec![FaultKind::Http500];
    faults.stage = Some(cardboss_sandbox::Stage::After);
    h.set_fault_config(faults).unwrap();
    let report = c
        .bulk(
            BulkOp::Renew {
                pkgcode,
                months: 12,
                options: Default::default(),
            },
            &CardSet::msisdns([m.clone()]),
            BulkOptions::default(),
        )
        .unwrap()
        .finish()
        .await;
    h.set_faults(0.0, None).unwrap();
    assert_eq!(report.unknown, 1, "{report:?}");
    let o = &report.outcomes[0];
    assert_eq!(o.attempts, 1);
    assert!(o.note.as_deref().unwrap().contains("never sent again"));
    let renewals = h
        .ledger()
        .into_iter()
        .filter(|e| e.endpoint.ends_with("card/pkg/renew"))
        .count();
    assert_eq!(renewals, 1);
}
