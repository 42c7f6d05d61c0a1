//! The `cardboss` binary against the sandbox: every command in table, JSON and CSV form, exit
//! codes (0 ok, 1 platform/network, 2 usage), the apikey never printed, a 10,000-card sync with
//! each card exported exactly once, and the demo.

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{bare, Run, Sandbox, BIN};
use serde_json::Value;

/// Usable, normal cards of the first page with a single APN: (msisdn, iccid, apn).
fn usable_cards(sb: &Sandbox) -> Vec<(String, String, String)> {
    let page = sb.run(&["cards", "list", "--json"]).ok().json();
    let ids: Vec<String> = page["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["msisdn"].as_str().unwrap().to_string())
        .collect();
    let mut args = vec!["cards", "detail", "--json"];
    args.extend(ids.iter().map(String::as_str));
    let details = sb.run(&args).ok().json();
    details
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["state"] == 1
                && d["msstatus"] == 2
                && !d["openapns"].as_str().unwrap_or("").contains(',')
        })
        .map(|d| {
            (
                d["msisdn"].as_str().unwrap().to_string(),
                d["iccid"].as_str().unwrap().to_string(),
                d["openapns"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn month_now() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y%m")
        .to_string()
}

// --------------------------------------------------------------------------------- customer

#[test]
fn customer_as_table_json_and_csv() {
    let sb = Sandbox::start(120);
    let table = sb.run(&["customer"]).ok();
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.starts_with("sid") && l.trim_end().ends_with("10043")),
        "{}",
        table.stdout
    );
    assert!(table
        .stdout
        .lines()
        .any(|l| l.starts_with("cardqty") && l.trim_end().ends_with("120")));
    let json = sb.run(&["customer", "--json"]).ok().json();
    assert_eq!(json["sid"], "10043");
    assert_eq!(json["cardqty"], 120);
    let csv = sb.run(&["customer", "--csv"]).ok().csv();
    assert_eq!(csv.len(), 1);
    assert_eq!(csv[0]["cardqty"], "120");
    assert_eq!(csv[0]["sid"], "10043");
}

// ------------------------------------------------------------------------------------ cards

#[test]
fn cards_list_one_page_and_all() {
    let sb = Sandbox::start(250);
    let page = sb
        .run(&["cards", "list", "--page", "2", "--json"])
        .ok()
        .json();
    assert_eq!(page["pageindex"], 2);
    assert_eq!(page["totalpage"], 3);
    assert_eq!(page["count"], 250);
    assert_eq!(page["cards"].as_array().unwrap().len(), 100);
    let table = sb.run(&["cards", "list"]).ok();
    assert!(table.stdout.starts_with("MSISDN"), "{}", table.stdout);
    assert!(table.stdout.contains("page 1 of 3 (250 cards)"));
    assert_eq!(table.stdout.lines().count(), 1 + 100 + 1);
    let all = sb.run(&["cards", "list", "--all", "--csv"]).ok().csv();
    assert_eq!(all.len(), 250);
    let unique: HashSet<&String> = all.iter().map(|r| &r["msisdn"]).collect();
    assert_eq!(unique.len(), 250);
    let all_json = sb.run(&["cards", "list", "--all", "--json"]).ok().json();
    assert_eq!(all_json.as_array().unwrap().len(), 250);
    sb.run(&["cards", "list", "--page", "0"])
        .fails(2, "INVALID_INPUT");
}

#[test]
fn cards_detail_takes_msisdns_and_iccids_in_input_order() {
    let sb = Sandbox::start(150);
    let (m0, _) = sb.card(0);
    let (_, i1) = sb.card(1);
    let (m2, _) = sb.card(2);
    let json = sb
        .run(&["cards", "detail", &i1, &m0, &m2, "--json"])
        .ok()
        .json();
    let got: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["iccid"].as_str().unwrap())
        .collect();
    assert_eq!(got[0], i1);
    let msisdns: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["msisdn"].as_str().unwrap())
        .collect();
    assert_eq!(&msisdns[1..], &[m0.as_str(), m2.as_str()]);
    // One card: a field/value listing.
    let one = sb.run(&["cards", "detail", &m0]).ok();
    assert!(one
        .stdout
        .lines()
        .any(|l| l.starts_with("msisdn") && l.contains(&m0)));
    assert!(one.stdout.lines().any(|l| l.starts_with("pkgname")));
    // Several: a table.
    let many = sb.run(&["cards", "detail", &m0, &m2]).ok();
    assert!(many.stdout.starts_with("MSISDN"));
    assert_eq!(many.stdout.lines().count(), 3);
    let csv = sb.run(&["cards", "detail", &m0, &m2, "--csv"]).ok().csv();
    assert_eq!(csv.len(), 2);
    assert!(csv[0].contains_key("expiredate") && csv[0].contains_key("pkgusedflow"));
}

#[test]
fn usage_current_and_history() {
    let sb = Sandbox::start(120);
    let (m0, i0) = sb.card(0);
    let (m1, _) = sb.card(1);
    let current = sb
        .run(&["usage", "current", &m0, &m1, "--json"])
        .ok()
        .json();
    assert_eq!(current.as_array().unwrap().len(), 2);
    assert_eq!(current[0]["msisdn"], m0.as_str());
    assert!(current[0]["pkgusedflow"].is_number());
    let csv = sb.run(&["usage", "current", &i0, "--csv"]).ok().csv();
    assert_eq!(csv[0]["iccids"], i0);
    let table = sb.run(&["usage", "current", &m0]).ok();
    assert!(table.stdout.starts_with("MSISDN"));
    let month = month_now();
    let past = sb
        .run(&["usage", "history", "--month", &month, &m0, "--json"])
        .ok()
        .json();
    assert_eq!(past[0]["month"], month.as_str());
    assert_eq!(past[0]["msisdn"], m0.as_str());
    let past_csv = sb
        .run(&["usage", "history", "--month", &month, &m0, &m1, "--csv"])
        .ok()
        .csv();
    assert_eq!(past_csv.len(), 2);
    sb.run(&["usage", "history", "--month", "2019-01", &m0])
        .fails(2, "INVALID_INPUT");
    sb.run(&["usage", "history", "--month", "201901", &m0])
        .fails(2, "INVALID_INPUT");
}

#[test]
fn packages_and_pools() {
    let sb = Sandbox::start(120);
    let (m0, _) = sb.card(0);
    let pkgs = sb.run(&["packages", &m0, "--json"]).ok().json();
    assert_eq!(pkgs["msisdn"], m0.as_str());
    assert!(!pkgs["pkgs"].as_array().unwrap().is_empty());
    let table = sb.run(&["packages", &m0]).ok();
    assert!(table.stdout.starts_with("PKGCODE"));
    assert!(table.stdout.contains("package(s) of"));
    let csv = sb.run(&["packages", &m0, "--csv"]).ok().csv();
    assert!(!csv[0]["pkgcode"].is_empty());
    let pools = sb.run(&["pools", "--json"]).ok().json();
    assert!(!pools.as_array().unwrap().is_empty());
    assert!(pools[0]["poolid"].is_string());
    let pools_csv = sb.run(&["pools", "--csv"]).ok().csv();
    assert_eq!(pools_csv.len(), pools.as_array().unwrap().len());
    assert!(sb.run(&["pools"]).ok().stdout.starts_with("SID"));
}

// ------------------------------------------------------------------------------- operations

#[test]
fn renewal_then_a_duplicate_is_refused_with_the_platform_code() {
    let sb = Sandbox::start(120);
    let (m0, _) = sb.card(0);
    let pkgs = sb.run(&["packages", &m0, "--json"]).ok().json();
    let main = pkgs["pkgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pkgcategory"].as_i64().unwrap() <= 2)
        .expect("a renewable package")
        .clone();
    let code = main["pkgcode"].as_str().unwrap();
    let months = if main["pkgcategory"] == 1 {
        12
    } else {
        main["buycycle"].as_i64().unwrap().max(1)
    }
    .to_string();
    let order = sb
        .run(&["renew", &m0, "--pkg", code, "--months", &months, "--json"])
        .ok()
        .json();
    assert_eq!(order["msisdn"], m0.as_str());
    assert!(!order["orderid"].as_str().unwrap().is_empty());
    // A second order while the first is pending: 1080, exit 1.
    let again = sb
        .run(&["renew", &m0, "--pkg", code, "--months", &months])
        .fails(1, "1080");
    assert!(again.stdout.is_empty());
    // With --repetition it is allowed; table output.
    let table = sb
        .run(&[
            "renew",
            &m0,
            "--pkg",
            code,
            "--months",
            &months,
            "--repetition",
            "--audit",
            "automatic",
        ])
        .ok();
    assert!(table.stdout.lines().any(|l| l.starts_with("orderid")));
    sb.run(&["renew", &m0, "--pkg", "nosuchpkg", "--months", "12"])
        .fails(1, "1031");
    sb.run(&["renew", &m0, "--pkg", code, "--months", "0"])
        .fails(2, "INVALID_INPUT");
    sb.run(&[
        "renew",
        &m0,
        "--pkg",
        code,
        "--months",
        "12",
        "--start-date",
        "2024/01/01",
    ])
    .fails(2, "INVALID_INPUT");
}

#[test]
fn lifecycle_operations_and_the_carrier_cooldown() {
    let sb = Sandbox::start(120);
    let cards = usable_cards(&sb);
    let (m, _, _) = &cards[0];
    let ok = sb.run(&["suspend", m]).ok();
    assert!(ok.stdout.starts_with("suspend: done"), "{}", ok.stdout);
    let state = sb.run(&["cards", "detail", m, "--json"]).ok().json();
    assert_eq!(state[0]["msstatus"], 3);
    // A new process shares the first one's cooldown state file: refused locally, nothing sent.
    let local = sb.run(&["resume", m]).fails(1, "COOLDOWN");
    assert!(local.stderr.contains("retry in 1"), "{}", local.stderr);
    let state = sb.state.path().join("cardboss/cooldowns.json");
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains(&format!(":cooldown:{m}")), "{saved}");
    // Without the shared state the carrier refuses (1099 with 13009), exit 1.
    let refused = sb
        .run(&["resume", m, "--cooldown-store", "memory:"])
        .fails(1, "1099");
    assert!(refused.stderr.contains("13009"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("retry in 180 s"),
        "{}",
        refused.stderr
    );
    let (m2, i2, _) = &cards[1];
    let json = sb.run(&["activate", i2, "--json"]).ok().json();
    assert_eq!(json["operation"], "activate");
    assert_eq!(json["ok"], true);
    let (m3, _, _) = &cards[2];
    let csv = sb.run(&["end-test", m3, "--csv"]).ok().csv();
    assert_eq!(csv[0]["operation"], "end-test");
    let _ = m2;
}

#[test]
fn data_switch_and_voice_whitelist() {
    let sb = Sandbox::start(120);
    let cards = usable_cards(&sb);
    let (m, _, apn) = &cards[0];
    let mut off = vec!["data", "off", m.as_str()];
    if !apn.is_empty() {
        off.extend(["--apn", apn.as_str()]);
    }
    assert!(sb.run(&off).ok().stdout.starts_with("data off: done"));
    let (m1, _, apn1) = &cards[1];
    let mut on = vec!["data", "on", m1.as_str(), "--min-left", "0", "--json"];
    if !apn1.is_empty() {
        on.extend(["--apn", apn1.as_str()]);
    }
    assert_eq!(sb.run(&on).ok().json()["operation"], "data on");
    sb.run(&["data", "on", m1, "--min-left", "101"])
        .fails(2, "INVALID_INPUT");
    let (m2, _, _) = &cards[2];
    let added = sb
        .run(&["whitelist", "add", m2, "13800138000", "13900139000"])
        .ok();
    assert!(added.stdout.contains("whitelist add: done"));
    // Within a minute: refused locally through the shared state file; without it, the
    // carrier-shaped refusal becomes the same one-line error, exit 1.
    sb.run(&["whitelist", "add", m2, "13700137000"])
        .fails(1, "COOLDOWN");
    sb.run(&[
        "whitelist",
        "add",
        m2,
        "13700137000",
        "--cooldown-store",
        "memory:",
    ])
    .fails(1, "13010");
    sb.run(&["whitelist", "add", m2, "1", "2", "3", "4", "5", "6"])
        .fails(2, "INVALID_INPUT");
    sb.run(&[
        "whitelist",
        "remove",
        m2,
        "13800138000",
        "13900139000",
        "13700137000",
    ])
    .fails(2, "INVALID_INPUT");
}

// -------------------------------------------------------------------------------------- sms

#[test]
fn sms_send_encrypted_template_reports_and_replies() {
    let sb = Sandbox::start(120);
    let (m0, _) = sb.card(0);
    let (_, i1) = sb.card(1);
    let plain = sb
        .run(&["sms", "send", &m0, &i1, "--text", "hello device", "--json"])
        .ok()
        .json();
    assert_eq!(plain["count"], 2);
    let task1 = plain["taskid"].as_str().unwrap().to_string();
    let enc = sb
        .run(&[
            "sms",
            "send",
            &m0,
            "--text",
            "secret hello",
            "--encrypted",
            "--csv",
        ])
        .ok()
        .csv();
    assert_eq!(enc[0]["count"], "1");
    let task2 = enc[0]["taskid"].clone();
    let tpl = sb
        .run(&[
            "sms",
            "template",
            "13800138000",
            "--template",
            "1002",
            "--param",
            "1=4321",
        ])
        .ok();
    assert!(tpl.stdout.lines().any(|l| l.starts_with("taskid")));
    sb.run(&[
        "sms",
        "template",
        "13800138000",
        "--template",
        "1002",
        "--param",
        "oops",
    ])
    .fails(2, "USAGE");
    sb.run(&["sms", "send", &m0, "--text", ""])
        .fails(2, "INVALID_INPUT");
    let reports = sb.run(&["sms", "reports", "--json"]).ok().json();
    let tasks: HashSet<&str> = reports
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["taskid"].as_str().unwrap())
        .collect();
    assert!(
        tasks.contains(task1.as_str()) && tasks.contains(task2.as_str()),
        "{reports}"
    );
    // Reports are served once.
    let again = sb.run(&["sms", "reports"]).ok();
    assert!(again.stdout.contains("0 report(s)"), "{}", again.stdout);
    let replies = sb.run(&["sms", "replies", "--csv"]).ok();
    assert!(replies.stdout.starts_with("mobile,content,apmid,scode"));
}

// ------------------------------------------------------------------------------------- push

fn signed_push(sid: &str, apikey: &str, orderid: &str) -> String {
    let data = serde_json::json!({
        "level": "info", "msg": "订单续费成功", "status": "1", "orderid": orderid, "msisdn": "1064870000001",
        "iccid": "89860000000000000001", "imsi": "460000000000001", "equipment": "", "pkgcode": "xagx010",
        "pkgname": "移动 100M 月包", "month": "12"
    })
    .to_string();
    let time = (chrono::Utc::now() + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string();
    let sign = cardboss::sign::push_sign(
        sid,
        apikey,
        "msg-1",
        "OD1002",
        "info",
        "",
        &time,
        &data,
        "订购成功",
    );
    serde_json::json!({
        "sid": sid, "id": "msg-1", "sn": "OD1002", "level": "info", "api": "", "time": time,
        "data": data, "desc": "订购成功", "sign": sign
    })
    .to_string()
}

#[test]
fn push_verify_data_and_sms_pushes() {
    let sb = Sandbox::start(50);
    let body = signed_push("10043", &sb.apikey(), "CR42");
    let table = sb.run_stdin(&["push", "verify"], &body).ok();
    assert!(
        table.stdout.contains("verified push OD1002"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("CR42"));
    let json = sb
        .run_stdin(&["push", "verify", "--json", "--max-age", "300"], &body)
        .ok()
        .json();
    assert_eq!(json["sn"], "OD1002");
    assert_eq!(json["content"]["kind"], "renewal_result");
    assert_eq!(json["content"]["result"]["orderid"], "CR42");
    assert!(json.get("sign").is_none());
    let csv = sb.run_stdin(&["push", "verify", "--csv"], &body).ok().csv();
    assert_eq!(csv[0]["orderid"], "CR42");
    assert_eq!(csv[0]["status"], "1");
    // Tampered, for another account, or without a body.
    sb.run_stdin(&["push", "verify"], &body.replace("CR42", "CR43"))
        .fails(1, "PUSH_REJECTED");
    sb.run_stdin(&["push", "verify", "--sid", "99999"], &body)
        .fails(1, "PUSH_REJECTED");
    sb.run_stdin(&["push", "verify"], "").fails(2, "USAGE");
    // SMS pushes need no key.
    let sms = r#"{"type":"P0001","data":"[{\"mobile\":\"1064807400778\",\"state\":\"DELIVRD\",\"taskId\":\"T1\"}]"}"#;
    let reports = bare()
        .args(["push", "verify", "--sms", "--json"])
        .write_stdin(sms)
        .output()
        .unwrap();
    assert_eq!(reports.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&reports.stdout).unwrap();
    assert_eq!(v["type"], "P0001");
    assert_eq!(v["reports"][0]["taskid"], "T1");
    let replies = r#"{"type":"P0002","data":"[{\"mobile\":\"1064807400778\",\"apmid\":\"a\",\"spcode\":\"106\",\"content\":\"hi\"}]"}"#;
    let table = sb.run_stdin(&["push", "verify", "--sms"], replies).ok();
    assert!(table.stdout.contains("P0002: 1 repl"), "{}", table.stdout);
    sb.run_stdin(
        &["push", "verify", "--sms"],
        r#"{"type":"P0009","data":"[]"}"#,
    )
    .fails(1, "PUSH_REJECTED");
}

// ----------------------------------------------------------------------- exit codes, secrets

#[test]
fn usage_errors_exit_2() {
    let sb = Sandbox::start(30);
    sb.run(&["suspend", "not-a-card"]).fails(2, "INVALID_INPUT");
    sb.run(&["cards", "detail", "12"]).fails(2, "INVALID_INPUT");
    let clap = sb.run(&["cards", "list", "--no-such-flag"]);
    assert_eq!(clap.code, 2);
    assert!(clap.stderr.contains("--no-such-flag"));
    assert_eq!(sb.run(&["customer", "--json", "--csv"]).code, 2);
    assert_eq!(sb.run(&["frobnicate"]).code, 2);
    let no_key = bare()
        .args(["customer"])
        .env("CARDBOSS_SID", "10043")
        .output()
        .unwrap();
    assert_eq!(no_key.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("CARDBOSS_APIKEY"));
    let short_key = bare()
        .args(["customer", "--sid", "10043", "--apikey", "tooshort"])
        .output()
        .unwrap();
    assert_eq!(short_key.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&short_key.stderr).contains("tooshort"));
    sb.run(&["sync", "--out", "fleet.txt"]).fails(2, "USAGE");
    sb.run(&["sync"]).fails(2, "USAGE");
    let help = sb.run(&["--help"]).ok();
    assert!(help.stdout.contains("demo"));
}

#[test]
fn platform_and_network_errors_exit_1_without_the_key() {
    let sb = Sandbox::start(30);
    let wrong = "ffffffffffffffffffffffffffffffff";
    let out = sb
        .cmd()
        .args(["customer"])
        .env("CARDBOSS_APIKEY", wrong)
        .output()
        .unwrap();
    let run = Run::checked(out, wrong, &["customer (wrong key)"]).fails(1, "1005");
    assert!(
        run.stderr.contains("authentication failed"),
        "{}",
        run.stderr
    );
    // Nothing listens on port 9 of localhost (discard): connection refused.
    let out = sb
        .cmd()
        .args(["customer", "--url", "http://127.0.0.1:9", "--timeout", "2"])
        .output()
        .unwrap();
    Run::checked(out, &sb.apikey(), &["customer (dead url)"]).fails(1, "TRANSPORT");
}

#[test]
fn the_apikey_is_never_printed() {
    let sb = Sandbox::start(30);
    let key = sb.apikey();
    for args in [
        vec!["--help"],
        vec!["customer", "--help"],
        vec!["customer", "--json"],
        vec!["customer", "--apikey", key.as_str(), "--json"],
        vec!["cards", "list", "--csv"],
        vec!["sms", "send", "1", "--text", "x"],
        vec!["--apikey", key.as_str(), "--bogus"],
    ] {
        sb.run(&args); // `run` asserts the key appears in neither stream
    }
}

#[test]
fn config_file_in_toml_and_json() {
    let sb = Sandbox::start(40);
    let dir = tempfile::tempdir().unwrap();
    let toml_path = dir.path().join("cardboss.toml");
    std::fs::write(
        &toml_path,
        format!(
            "sid = \"{}\"\napikey = \"{}\"\nurl = \"{}\"\nops_url = \"{}\"\nconcurrency = 4\n",
            sb.h().sid(),
            sb.apikey(),
            sb.h().base_url(),
            sb.h().ops_url()
        ),
    )
    .unwrap();
    let out = bare()
        .args(["customer", "--json", "--config"])
        .arg(&toml_path)
        .output()
        .unwrap();
    let run = Run::checked(out, &sb.apikey(), &["customer --config toml"]).ok();
    assert_eq!(run.json()["cardqty"], 40);
    let json_path = dir.path().join("cardboss.json");
    let cfg = serde_json::json!({"sid": sb.h().sid(), "apikey": sb.apikey(), "base_url": sb.h().base_url()});
    std::fs::write(&json_path, cfg.to_string()).unwrap();
    let out = bare()
        .args(["customer", "--csv"])
        .env("CARDBOSS_CONFIG", &json_path)
        .output()
        .unwrap();
    let run = Run::checked(out, &sb.apikey(), &["customer CARDBOSS_CONFIG json"]).ok();
    assert_eq!(run.csv()[0]["cardqty"], "40");
    // Flags win over the file.
    let out = bare()
        .args(["customer", "--config"])
        .arg(&toml_path)
        .args(["--apikey", "ffffffffffffffffffffffffffffffff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, format!("apikey = \"{}\"\nsid = ", sb.apikey())).unwrap();
    let out = bare()
        .args(["customer", "--config"])
        .arg(&bad)
        .output()
        .unwrap();
    let run = Run::checked(out, &sb.apikey(), &["customer --config bad"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

// ------------------------------------------------------------------------------------- sync

#[test]
fn sync_of_10000_cards_exports_every_card_exactly_once() {
    let sb = Sandbox::start(10_000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fleet.csv");
    let run = sb
        .run(&["sync", "--out", out.to_str().unwrap(), "--json"])
        .ok();
    assert!(
        run.stderr.is_empty(),
        "no progress bar off a terminal: {}",
        run.stderr
    );
    let report = run.json();
    assert_eq!(report["sync"]["exported"], 10_000);
    assert_eq!(report["sync"]["duplicates_skipped"], 0);
    assert_eq!(report["sync"]["without_detail"], 0);
    assert_eq!(report["sync"]["without_usage"], 0);
    assert!(!dir.path().join("fleet.csv.partial").exists());
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (msisdn, iccid, detail, usage, mno) = (
        col("msisdn"),
        col("iccid"),
        col("detail_found"),
        col("usage_found"),
        col("mno"),
    );
    let mut seen = HashSet::new();
    let mut rows = 0;
    for rec in reader.records() {
        let rec = rec.unwrap();
        rows += 1;
        assert!(
            seen.insert(rec[msisdn].to_string()),
            "{} exported twice",
            &rec[msisdn]
        );
        assert!(!rec[iccid].is_empty());
        assert_eq!(&rec[detail], "true");
        assert_eq!(&rec[usage], "true");
        assert!(!rec[mno].is_empty());
    }
    assert_eq!(rows, 10_000);
    let fleet: HashSet<String> = sb.all_msisdns().into_iter().collect();
    assert_eq!(seen, fleet, "the export is the fleet");
}

#[test]
fn sync_to_jsonl_with_summary() {
    let sb = Sandbox::start(450);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fleet.jsonl");
    let report = sb
        .run(&[
            "sync",
            "--out",
            out.to_str().unwrap(),
            "--summary",
            "--json",
            "--concurrency",
            "3",
        ])
        .ok()
        .json();
    assert_eq!(report["sync"]["exported"], 450);
    let text = std::fs::read_to_string(&out).unwrap();
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 450);
    let unique: HashSet<&str> = records
        .iter()
        .map(|r| r["msisdn"].as_str().unwrap())
        .collect();
    assert_eq!(unique.len(), 450);
    assert!(records
        .iter()
        .all(|r| r["detail_found"] == true && r["usage_found"] == true));
    // The summary agrees with the records.
    let s = &report["summary"];
    assert_eq!(s["total"], 450);
    let grouped: u64 = s["by_state_operator"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["cards"].as_u64().unwrap())
        .sum();
    assert_eq!(grouped, 450);
    let over = records
        .iter()
        .filter(|r| r["pkgtotalflow"].as_f64().unwrap_or(0.0) > 0.0)
        .filter(|r| r["pkgusedflow"].as_f64().unwrap() / r["pkgtotalflow"].as_f64().unwrap() >= 0.8)
        .count();
    assert_eq!(s["over_80_percent"].as_array().unwrap().len(), over);
    for e in s["expiring_within_30_days"].as_array().unwrap() {
        let days = e["days_left"].as_i64().unwrap();
        assert!((0..=30).contains(&days));
    }
    // Summary alone, for people and as CSV.
    let table = sb.run(&["sync", "--summary"]).ok();
    assert!(table.stdout.contains("synced 450 cards"));
    assert!(table.stdout.contains("Cards by state and operator"));
    assert!(table.stdout.contains("of their package"));
    assert!(table.stdout.contains("Packages expiring within 30 days"));
    let csv = sb.run(&["sync", "--summary", "--csv"]).ok().csv();
    assert!(csv.iter().any(|r| r["section"] == "by_state_operator"));
}

#[test]
fn an_incomplete_sync_names_its_missing_cards_and_resumes_to_every_card_once() {
    use cardboss_sandbox::faults::{FaultConfig, FaultKind};
    let sb = Sandbox::start(3_000);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fleet.csv");
    let resume = dir.path().join("fleet.checkpoint");
    let set_faults = |rate: f64| {
        let mut faults = FaultConfig::new(rate);
        faults.kinds = vec![FaultKind::Http500, FaultKind::Reset, FaultKind::Code1090];
        sb.h().state().lock().faults = faults;
    };
    let args = [
        "sync",
        "--out",
        out.to_str().unwrap(),
        "--resume",
        resume.to_str().unwrap(),
        "--retry-budget",
        "0",
        "--json",
    ];
    // 60% of the requests fail; without a budget a page or batch that fails its 4 attempts is
    // named, not re-tried. Page 1 failing (nothing to name) fails the run before any record:
    // it is simply run again.
    set_faults(0.6);
    let first = loop {
        let run = sb.run(&args);
        assert_eq!(run.code, 1, "{}", run.stderr);
        if run.stderr.contains("incomplete sync") {
            break run;
        }
    };
    let report = first.json();
    let missing = report["sync"]["missing_cards"].as_array().unwrap().len()
        + 100 * report["sync"]["missing_pages"].as_array().unwrap().len();
    assert!(missing > 0, "{report}");
    assert_eq!(report["sync"]["complete"], false);
    assert!(first.stderr.contains("--resume"), "{}", first.stderr);
    assert!(
        resume.exists() && !out.exists(),
        "the partial file and checkpoint are kept"
    );

    set_faults(0.0);
    let second = sb.run(&args).ok().json();
    assert_eq!(second["sync"]["complete"], true, "{second}");
    assert!(!resume.exists(), "a finished sync leaves no checkpoint");
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "msisdn")
        .unwrap();
    let mut seen = HashSet::new();
    for rec in reader.records() {
        let msisdn = rec.unwrap()[col].to_string();
        assert!(seen.insert(msisdn.clone()), "{msisdn} exported twice");
    }
    let fleet: HashSet<String> = sb.all_msisdns().into_iter().collect();
    assert_eq!(
        seen, fleet,
        "the two runs together export the fleet, each card once"
    );
}

// ------------------------------------------------------------------------- sandbox and demo

#[test]
fn sandbox_subcommand_serves_in_the_foreground() {
    let mut child = std::process::Command::new(BIN)
        .args(["sandbox", "--port1", "0", "--port2", "0", "--cards", "75"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready: Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("ready line {line:?}: {e}"));
    assert_eq!(ready["event"], "ready");
    let out = bare()
        .args(["customer", "--json"])
        .env("CARDBOSS_SID", ready["sid"].as_str().unwrap())
        .env("CARDBOSS_APIKEY", ready["apikey"].as_str().unwrap())
        .env("CARDBOSS_URL", ready["base_url"].as_str().unwrap())
        .env("CARDBOSS_OPS_URL", ready["ops_url"].as_str().unwrap())
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["cardqty"], 75);
    let help = bare().args(["sandbox", "--help"]).output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("--port1"));
    let bad = bare()
        .args(["sandbox", "--cards", "lots"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn demo_walks_through_every_flow_and_exits_0() {
    let out = bare().arg("demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "demo failed: {stderr}\n{stdout}"
    );
    for section in [
        "[1/6] Account",
        "[2/6] Fleet sync",
        "3000 cards exported once each",
        "Cards by state and operator",
        "[3/6] Usage",
        "[4/6] Renewal confirmed by push",
        "push OD1002 verified",
        "SUCCEEDED",
        "[5/6] Suspend / resume",
        "refused locally by the SDK's cooldown guard, retry in 180 s",
        "carrier 13009",
        "resume: ok",
        "[6/6] Encrypted SMS",
        "P0001 push (delivery reports) received",
        "Demo complete",
    ] {
        assert!(
            stdout.contains(section),
            "demo report lacks {section:?}:\n{stdout}"
        );
    }
    assert!(
        !stdout.contains(cardboss_sandbox::DEFAULT_APIKEY)
            && !stderr.contains(cardboss_sandbox::DEFAULT_APIKEY)
    );
}
