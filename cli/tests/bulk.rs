//! `cardboss bulk` against the sandbox: ids from a file, the exit codes (0 done, 3 refused,
//! 4 unknown, 2 usage) each provoked for real, the `--report` CSV, a dry run and a journal re-run
//! that send nothing, renewals refused off a terminal without `--yes`, and the single `renew`
//! under the spec's package-length rule.

mod common;

use std::collections::HashMap;

use cardboss_sandbox::FaultKind;
use common::Sandbox;

/// Cards in state 正常 (msstatus 2): suspendable.
fn normal_cards(sb: &Sandbox, n: usize) -> Vec<String> {
    let h = sb.h();
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

/// Applied suspends per card, from the sandbox's ledger.
fn applied_suspends(sb: &Sandbox) -> HashMap<String, usize> {
    let mut count = HashMap::new();
    for e in sb.h().ledger() {
        if e.endpoint.ends_with("card/stopkeep")
            && e.applied
            && e.details["stopkeep"].as_str() == Some("0")
        {
            for c in e.cards {
                *count.entry(c).or_insert(0) += 1;
            }
        }
    }
    count
}

/// The code of a month pack (pkgcategory 1) that two of `cards` list, and those two cards.
fn month_pack_of_two(sb: &Sandbox, cards: &[String]) -> (String, Vec<String>) {
    let mut by_code: HashMap<String, Vec<String>> = HashMap::new();
    for m in cards {
        let pkgs = sb.run(&["packages", m, "--json"]).ok().json();
        for p in pkgs["pkgs"].as_array().unwrap() {
            if p["pkgcategory"] == 1 {
                let holders = by_code
                    .entry(p["pkgcode"].as_str().unwrap().to_string())
                    .or_default();
                holders.push(m.clone());
                if holders.len() == 2 {
                    return (p["pkgcode"].as_str().unwrap().to_string(), holders.clone());
                }
            }
        }
    }
    panic!("no month pack listed by two cards")
}

/// Requests to card/stopkeep the sandbox has seen.
fn stopkeeps(sb: &Sandbox) -> u64 {
    sb.h()
        .stats()
        .endpoints
        .iter()
        .filter(|(e, _)| e.ends_with("card/stopkeep"))
        .map(|(_, n)| *n)
        .sum()
}

fn requests(sb: &Sandbox) -> u64 {
    sb.h().stats().total
}

#[test]
fn suspend_from_a_file_with_a_report_then_a_journal_rerun_sends_nothing() {
    let sb = Sandbox::start(200);
    let cards = normal_cards(&sb, 12);
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.txt");
    // Comments and blank lines are skipped; msisdns and iccids mix.
    let (_, iccid) = {
        let i = (0..)
            .find(|&i| sb.card(i).0 == cards[11])
            .expect("index of the last card");
        sb.card(i)
    };
    let mut text = String::from("# cards to suspend\n\n");
    for m in &cards[..11] {
        text.push_str(&format!("  {m}\n"));
    }
    text.push_str(&format!("{iccid}\n"));
    std::fs::write(&ids, text).unwrap();
    let journal = dir.path().join("run.jsonl");
    let report = dir.path().join("out.csv");
    let run = sb
        .run(&[
            "bulk",
            "suspend",
            "--from-file",
            ids.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ])
        .ok();
    assert!(
        run.stdout
            .contains("suspend: 12 cards: 12 done, 0 skipped, 0 refused"),
        "{}",
        run.stdout
    );
    for m in &cards {
        assert_eq!(sb.h().card(m).unwrap().card.msstatus, 3, "{m}");
    }
    let mut r = csv::Reader::from_path(&report).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "card",
            "status",
            "code",
            "msg",
            "detail",
            "observed_msstatus",
            "orderid",
            "attempts",
            "reconciled",
            "note"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 12);
    let mut seen: Vec<String> = rows.iter().map(|r| r[0].to_string()).collect();
    seen.sort();
    let mut expected: Vec<String> = cards[..11].to_vec();
    expected.push(iccid.clone());
    expected.sort();
    assert_eq!(seen, expected);
    for row in &rows {
        assert_eq!(&row[1], "done");
        assert_eq!(&row[7], "1", "one attempt each: {row:?}");
        assert_eq!(&row[8], "false");
    }

    // The same run again with the journal: every card is final, nothing is sent.
    let before = requests(&sb);
    let again = sb
        .run(&[
            "bulk",
            "suspend",
            "--from-file",
            ids.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(requests(&sb), before);
    assert_eq!(again["from_journal"], 12);
    assert_eq!(again["done"], 12);
    assert_eq!(again["requests"], 0);
    assert!(applied_suspends(&sb).values().all(|&n| n == 1));
}

#[test]
fn ids_on_stdin_and_a_refused_card_exit_3() {
    let sb = Sandbox::start(100);
    let cards = normal_cards(&sb, 3);
    // A well-formed msisdn the platform does not know: refused (1031), nothing applied.
    let stranger = "10640000000000";
    assert!(sb.h().card(stranger).is_err());
    let stdin = format!("{}\n{}\n# end\n", cards.join("\n"), stranger);
    let run = sb
        .run_stdin(&["bulk", "suspend", "--from-file", "-", "--csv"], &stdin)
        .fails(3, "REFUSED");
    let rows = run.csv();
    assert_eq!(rows.len(), 4);
    let refused: Vec<_> = rows.iter().filter(|r| r["status"] == "refused").collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["card"], stranger);
    assert_eq!(refused[0]["code"], "1031");
    assert_eq!(
        rows.iter().filter(|r| r["status"] == "done").count(),
        3,
        "{rows:?}"
    );
    assert!(run.stderr.contains("1 refused"), "{}", run.stderr);
}

#[test]
fn lost_answers_that_cannot_be_read_back_exit_4_and_win_over_refusals() {
    let sb = Sandbox::start(100);
    let cards = normal_cards(&sb, 2);
    let stranger = "10640000000000";
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("run.jsonl");
    let journal = journal.to_str().unwrap();
    // First the stranger alone: refused, final in the journal.
    sb.run(&["bulk", "suspend", stranger, "--journal", journal])
        .fails(3, "REFUSED");
    // Then with two cards while every request answers 1090 (may or may not be applied) and the
    // read-backs too: the run cannot settle them. The refusal comes from the journal.
    sb.h()
        .set_faults(1.0, Some(vec![FaultKind::Code1090]))
        .unwrap();
    let args = [
        "bulk",
        "suspend",
        &cards[0],
        &cards[1],
        stranger,
        "--journal",
        journal,
    ];
    let run = sb.run(&args).fails(4, "UNKNOWN");
    sb.h().set_faults(0.0, None).unwrap();
    assert!(
        run.stderr.contains("1 refused, 2 unknown"),
        "{}",
        run.stderr
    );
    let unknown: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("unknown"))
        .collect();
    assert_eq!(unknown.len(), 2, "{}", run.stdout);
    assert!(
        unknown.iter().all(|l| l.contains("could not be read back")),
        "{unknown:?}"
    );
    // Once the platform answers again, the same run reads the unknown cards back first and
    // sends nothing again: a card that shows the suspension is done, one that does not stays
    // unknown with what it showed (a lost answer might still land: check before repeating).
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let before = requests(&sb);
    let sent = stopkeeps(&sb);
    let settle = sb.run(&json_args);
    let report = settle.json();
    let applied = applied_suspends(&sb);
    assert!(requests(&sb) > before, "the cards were read back");
    assert_eq!(stopkeeps(&sb), sent, "nothing sent again");
    for o in report["outcomes"].as_array().unwrap() {
        let m = o["card"].as_str().unwrap();
        if m == stranger {
            assert_eq!(o["status"], "refused");
            continue;
        }
        let state = sb.h().card(m).unwrap().card.msstatus;
        match o["status"].as_str().unwrap() {
            "done" => {
                assert_eq!(state, 3, "{m}");
                assert_eq!(applied.get(m), Some(&1), "{m}");
                assert_eq!(o["reconciled"], true, "{o}");
            }
            "unknown" => {
                assert_eq!(o["observed_msstatus"], i64::from(state), "{o}");
                assert_eq!(applied.get(m), None, "{m}");
            }
            other => panic!("{m}: {other} {o}"),
        }
    }
    let expected = if report["unknown"] == 0 { 3 } else { 4 };
    assert_eq!(settle.code, expected, "{}", settle.stderr);
}

#[test]
fn usage_errors_exit_2_and_send_nothing() {
    let sb = Sandbox::start(100);
    let cards = normal_cards(&sb, 2);
    let before = requests(&sb);
    // A bad id, a parameter suspend does not take, an unknown operation, no card at all.
    sb.run(&["bulk", "suspend", &cards[0], "12ab"])
        .fails(2, "INVALID_INPUT");
    sb.run(&["bulk", "suspend", &cards[0], "--pkgcode", "P1"])
        .fails(2, "INVALID_INPUT");
    sb.run(&["bulk", "reboot", &cards[0]])
        .fails(2, "INVALID_INPUT");
    sb.run(&["bulk", "suspend"]).fails(2, "USAGE");
    sb.run(&["bulk", "suspend", &cards[0], &cards[0]])
        .fails(2, "INVALID_INPUT");
    sb.run(&["bulk", "renew", &cards[0], "--pkgcode", "P1"])
        .fails(2, "INVALID_INPUT");
    assert_eq!(requests(&sb), before);
}

#[test]
fn a_dry_run_sends_nothing_and_a_renewal_needs_yes_off_a_terminal() {
    let sb = Sandbox::start(100);
    let cards = normal_cards(&sb, 3);
    let before = requests(&sb);
    let report = sb
        .run(&[
            "bulk",
            "suspend",
            &cards[0],
            &cards[1],
            &cards[2],
            "--dry-run",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(requests(&sb), before);
    assert_eq!(report["not_attempted"], 3);
    for m in &cards {
        assert_eq!(sb.h().card(m).unwrap().card.msstatus, 2);
    }

    // A renewal of a month pack two cards list, for the length the rule allows.
    let (code, pair) = month_pack_of_two(&sb, &normal_cards(&sb, 30));
    let code = code.as_str();
    let cards = [pair[0].clone(), pair[1].clone()];
    let renewals = |sb: &Sandbox| {
        sb.h()
            .ledger()
            .iter()
            .filter(|e| e.endpoint.ends_with("card/pkg/renew"))
            .count()
    };
    let run = sb
        .run(&[
            "bulk",
            "renew",
            &cards[0],
            &cards[1],
            "--pkgcode",
            code,
            "--months",
            "12",
        ])
        .fails(2, "USAGE");
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert_eq!(renewals(&sb), 0);
    // Shorter than a month pack allows: refused before any renewal is sent.
    sb.run(&[
        "bulk",
        "renew",
        &cards[0],
        "--pkgcode",
        code,
        "--months",
        "6",
        "--yes",
    ])
    .fails(2, "INVALID_INPUT");
    assert_eq!(renewals(&sb), 0);
    let done = sb
        .run(&[
            "bulk",
            "renew",
            &cards[0],
            &cards[1],
            "--pkgcode",
            code,
            "--months",
            "12",
            "--audit",
            "automatic",
            "--yes",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(done["done"], 2, "{done}");
    assert_eq!(renewals(&sb), 2);
    for o in done["outcomes"].as_array().unwrap() {
        assert!(!o["orderid"].as_str().unwrap().is_empty(), "{o}");
    }
}

#[test]
fn the_single_renew_follows_the_package_length_rule() {
    let sb = Sandbox::start(100);
    let m = normal_cards(&sb, 1).remove(0);
    let pkgs = sb.run(&["packages", &m, "--json"]).ok().json();
    let month_pack = pkgs["pkgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pkgcategory"] == 1)
        .expect("a month pack")
        .clone();
    let code = month_pack["pkgcode"].as_str().unwrap();
    let run = sb
        .run(&["renew", &m, "--pkg", code, "--months", "6"])
        .fails(2, "INVALID_INPUT");
    assert!(run.stderr.contains("12"), "{}", run.stderr);
    assert!(!sb
        .h()
        .ledger()
        .iter()
        .any(|e| e.endpoint.ends_with("card/pkg/renew")));
    sb.run(&["renew", &m, "--pkg", code, "--months", "12"]).ok();
}

#[test]
fn ctrl_c_stops_cleanly_and_the_journal_finishes_the_run() {
    use cardboss_sandbox::{Latency, SandboxConfig};
    use std::process::Stdio;
    // Slow answers and one request at a time: the run is still going when Ctrl-C comes.
    let sb = Sandbox::start_with(SandboxConfig {
        port1: 0,
        port2: 0,
        cards: 300,
        strict: true,
        latency: Some(Latency {
            millis: 40,
            jitter_millis: 0,
        }),
        ..Default::default()
    });
    let cards = normal_cards(&sb, 100);
    let dir = tempfile::tempdir().unwrap();
    let ids = dir.path().join("ids.txt");
    std::fs::write(&ids, cards.join("\n")).unwrap();
    let journal = dir.path().join("run.jsonl");
    let report = dir.path().join("out.csv");
    let args = [
        "bulk",
        "suspend",
        "--from-file",
        ids.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "--concurrency",
        "1",
    ];
    let child = std::process::Command::new(common::BIN)
        .args(args)
        .env("CARDBOSS_SID", sb.h().sid())
        .env("CARDBOSS_APIKEY", sb.h().apikey())
        .env("CARDBOSS_URL", sb.h().base_url())
        .env("CARDBOSS_OPS_URL", sb.h().ops_url())
        .env_remove("CARDBOSS_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for a few outcomes in the journal (an event, polled; bounded far above the need).
    let outcomes = || {
        std::fs::read_to_string(&journal)
            .unwrap_or_default()
            .matches("\"kind\":\"outcome\"")
            .count()
    };
    let start = std::time::Instant::now();
    while outcomes() < 5 {
        assert!(start.elapsed().as_secs() < 60, "no outcome in the journal");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(stderr.contains("error [INTERRUPTED]"), "{stderr}");
    assert!(stdout.contains("suspend: 100 cards:"), "{stdout}");
    // The report lists every card: the ones sent, and the rest as not attempted.
    let rows = csv::Reader::from_path(&report).unwrap().records().count();
    assert_eq!(rows, 100);
    let first = applied_suspends(&sb).len();
    assert!((5..100).contains(&first), "{first} applied before the stop");

    // The same command again finishes the run: every card suspended exactly once.
    let again = sb.run(&args).ok();
    assert!(
        again.stdout.contains(&format!("{first} from the journal")),
        "{}",
        again.stdout
    );
    let applied = applied_suspends(&sb);
    for m in &cards {
        assert_eq!(applied.get(m), Some(&1), "{m}");
    }
}
