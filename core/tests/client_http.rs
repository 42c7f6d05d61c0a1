//! The client over real HTTP on loopback: an axum server on two listeners (port1, port2) records
//! every request exactly as received and answers from a script.
//!
//! Checked here: the exact query strings, form bodies and headers sent and their signatures
//! (recomputed independently with the `md-5` crate), port routing, batching order and
//! concurrency, SMS splitting, retries of GETs and none of POSTs, timeouts, the cooldown guard,
//! input rules (nothing sent), error mapping, secrets kept out of `Debug` and error messages, and
//! the `cards()` stream.
#![allow(deprecated)] // card/abnormal and card/usage/day are withdrawn but still callable

mod common;

use std::time::{Duration, Instant};

use cardboss::{Audit, CardRef, CardSet, Client, Config, Error, RenewOptions, TemplateParams};
use chrono::{Datelike, Months, NaiveDate};
use common::{
    fail, md5_hex, ok, ok_empty, platform_now, Recorded, Reply, TestServer, APIKEY, PREFIX, SID,
};
use futures::StreamExt;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Helpers

fn s(v: &str) -> String {
    v.to_string()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn msisdns(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("1064787{i:06}")).collect()
}

fn iccids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("898607b81017{i:08}")).collect()
}

fn platform_today() -> NaiveDate {
    NaiveDate::parse_from_str(&platform_now()[..8], "%Y%m%d").unwrap()
}

/// The month `back` months before the platform's current one, `yyyyMM` (negative: ahead).
fn month_back(back: i32) -> String {
    let first = platform_today().with_day(1).unwrap();
    let m = if back >= 0 {
        first.checked_sub_months(Months::new(back as u32)).unwrap()
    } else {
        first
            .checked_add_months(Months::new((-back) as u32))
            .unwrap()
    };
    m.format("%Y%m").to_string()
}

fn day_back(back: i64) -> String {
    (platform_today() - chrono::Duration::days(back))
        .format("%Y%m%d")
        .to_string()
}

fn user_agent() -> String {
    format!("cardboss-sdk/{} (rust)", env!("CARGO_PKG_VERSION"))
}

/// A plausible success for any endpoint; batch endpoints echo the ids they were asked for.
fn success(rec: &Recorded) -> Reply {
    let ids = || -> Vec<(String, String)> {
        let m = rec.param("msisdns").unwrap_or_default();
        let i = rec.param("iccids").unwrap_or_default();
        if !m.is_empty() {
            m.split(',').map(|x| (s(x), s(""))).collect()
        } else {
            i.split(',')
                .filter(|x| !x.is_empty())
                .map(|x| (s(""), s(x)))
                .collect()
        }
    };
    match rec.endpoint() {
        "customer/get" => Reply::Json(json!({"code": "0", "msg": "成功", "detail": "", "customer": {"sid": SID}}).to_string()),
        "card/list" | "card/abnormal" => {
            ok(&json!({"count": 0, "pageindex": rec.param("pageindex"), "totalpage": 1, "cards": []}).to_string())
        }
        "card/detail" => {
            let cards: Vec<Value> = ids().into_iter().map(|(m, i)| json!({"msisdn": m, "iccid": i})).collect();
            ok(&json!({"count": cards.len(), "cards": cards}).to_string())
        }
        "card/usage/current" => {
            let usages: Vec<Value> = ids().into_iter().map(|(m, i)| json!({"msisdn": m, "iccid": i})).collect();
            ok(&json!({"count": usages.len(), "usages": usages}).to_string())
        }
        "card/usage/past" => {
            let usages: Vec<Value> =
                ids().into_iter().map(|(m, i)| json!({"month": rec.param("month"), "msisdn": m, "iccid": i})).collect();
            ok(&json!({"count": usages.len(), "usages": usages}).to_string())
        }
        "card/usage/day" => {
            let usages: Vec<Value> = ids().into_iter().map(|(m, _)| json!({"msisdn": m, "usage": 1})).collect();
            ok(&json!({"count": usages.len(), "day": rec.param("day"), "usages": usages}).to_string())
        }
        "card/pkg/get" => ok(&json!({"msisdn": rec.param("msisdn"), "count": 0, "pkgs": []}).to_string()),
        "pool/list" => ok(r#"{"count":0,"pools":[]}"#),
        "card/pkg/renew" => ok(&json!({"msisdn": rec.param("msisdn"), "orderid": "CR1", "orderamount": 28.8, "ordertime": "2024-04-01 10:00:00"}).to_string()),
        "sms/sendlotsms" | "sms/sendiotencryptsms" | "sms/sendsms" => {
            ok(r#"{"count":1,"fee":1,"taskid":"t1"}"#)
        }
        "sms/rpt/get" => ok(r#"{"count":0,"rpts":[]}"#),
        "sms/mo/get" => ok(r#"{"count":0,"mos":[]}"#),
        _ => ok_empty(),
    }
}

/// Checks that the request's parameters are exactly `sid, sign, ts`, then `params` in order,
/// that `sign = md5(sid + apikey + ts + signed…)` (recomputed here), that `ts` is the
/// platform's time between `before` and `after`, and, for a GET, that the raw query string is
/// exactly their encoding. Returns `(ts, sign)`.
fn check_params(
    rec: &Recorded,
    params: &[(&str, &str)],
    signed: &[&str],
    before: &str,
    after: &str,
) -> (String, String) {
    let got = rec.params();
    let keys: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    let want_keys: Vec<&str> = ["sid", "sign", "ts"]
        .into_iter()
        .chain(params.iter().map(|(k, _)| *k))
        .collect();
    assert_eq!(
        keys,
        want_keys,
        "{} parameter names and order",
        rec.endpoint()
    );
    assert_eq!(got[0].1, SID);
    let ts = got[2].1.clone();
    assert!(
        ts.len() == 14 && ts.bytes().all(|b| b.is_ascii_digit()),
        "ts {ts:?} is yyyyMMddHHmmss"
    );
    assert!(
        before <= ts.as_str() && ts.as_str() <= after,
        "ts {ts} is the platform's now (UTC+8), {before}..{after}"
    );
    let rest: Vec<(&str, &str)> = got[3..]
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(rest, params, "{} parameter values", rec.endpoint());
    let sign = md5_hex(&format!("{SID}{APIKEY}{ts}{}", signed.concat()));
    assert_eq!(
        got[1].1,
        sign,
        "{} sign = md5(sid+apikey+ts+{signed:?})",
        rec.endpoint()
    );
    if rec.method == "GET" {
        let mut all = vec![("sid", SID), ("sign", sign.as_str()), ("ts", ts.as_str())];
        all.extend_from_slice(params);
        assert_eq!(
            rec.query.as_deref(),
            Some(serde_urlencoded::to_string(&all).unwrap().as_str()),
            "exact query string"
        );
    }
    (ts, sign)
}

/// A GET to port1 with nothing in the body and no form headers.
fn check_get(rec: &Recorded, endpoint: &str) {
    assert_eq!((rec.method.as_str(), rec.port), ("GET", 1), "{endpoint}");
    assert_eq!(rec.path, format!("{PREFIX}/{endpoint}"));
    assert!(rec.body.is_empty(), "{endpoint}: GET has no body");
    assert_eq!(rec.header("content-type"), None);
    assert_eq!(rec.header("user-agent"), Some(user_agent().as_str()));
}

/// A POST to `port` with a form body, the documented headers, and nothing in the URL.
fn check_post(rec: &Recorded, endpoint: &str, port: u8) {
    assert_eq!(
        (rec.method.as_str(), rec.port),
        ("POST", port),
        "{endpoint}"
    );
    assert_eq!(rec.path, format!("{PREFIX}/{endpoint}"));
    assert_eq!(
        rec.query, None,
        "{endpoint}: POST parameters never go in the URL"
    );
    assert_eq!(
        rec.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(rec.header("content-encoding"), Some("utf-8"));
    assert_eq!(rec.header("user-agent"), Some(user_agent().as_str()));
}

/// Runs `call` against a server scripted with `script`, returns the result and the requests.
async fn run<T>(
    script: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    config: impl FnOnce(&mut Config),
    call: impl AsyncFnOnce(Client) -> cardboss::Result<T>,
) -> (cardboss::Result<T>, Vec<Recorded>, Duration) {
    let server = TestServer::start(script).await;
    let client = server.client_with(config);
    let started = Instant::now();
    let result = call(client).await;
    let elapsed = started.elapsed();
    (result, server.requests(), elapsed)
}

fn assert_invalid<T: std::fmt::Debug>(what: &str, result: cardboss::Result<T>) {
    match result {
        Err(Error::InvalidInput { .. }) => {}
        other => panic!("{what}: expected InvalidInput, got {other:?}"),
    }
}

/// Expected parameters, by name, in order.
type Params<'a> = Vec<(&'a str, &'a str)>;

const TRUNCATED: &str = r#"{"code":"0","msg":"成功","detail":"","customer":{"sid":"100"#;

// ---------------------------------------------------------------------------------------------
// What goes on the wire

#[tokio::test]
async fn get_query_strings_are_exact_and_signed() {
    let server = TestServer::start(|rec, _| success(rec)).await;
    let client = server.client();
    let before = platform_now();
    let month = month_back(1);
    let day = day_back(1);
    let two = strings(&["1064787000001", "1064787000002"]);
    let ic = strings(&["898607b8101700000001", "89860621260034888888"]);

    client.customer().await.unwrap();
    client.list_cards(3).await.unwrap();
    client
        .card_details(&CardSet::Msisdns(two.clone()))
        .await
        .unwrap();
    client
        .card_details(&CardSet::Iccids(ic.clone()))
        .await
        .unwrap();
    client
        .current_usage(&CardSet::Msisdns(two.clone()))
        .await
        .unwrap();
    client
        .current_usage(&CardSet::Iccids(ic.clone()))
        .await
        .unwrap();
    client.arrears(2).await.unwrap();
    client
        .packages(&CardRef::msisdn("1440263908508"))
        .await
        .unwrap();
    client
        .packages(&CardRef::iccid("89860426102190428508"))
        .await
        .unwrap();
    client
        .daily_usage(&day, &CardSet::Msisdns(two.clone()))
        .await
        .unwrap();
    client.pools().await.unwrap();
    client.sms_reports().await.unwrap();
    client.sms_replies().await.unwrap();
    client
        .usage_history(&month, &CardSet::Iccids(ic.clone()), Some("1"))
        .await
        .unwrap();
    let after = platform_now();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 14);
    let m2 = "1064787000001,1064787000002";
    let i2 = "898607b8101700000001,89860621260034888888";
    #[rustfmt::skip]
    let expected: Vec<(&str, Params, Vec<&str>)> = vec![
        ("customer/get", vec![], vec![]),
        ("card/list", vec![("pageindex", "3")], vec!["3"]),
        ("card/detail", vec![("msisdns", m2), ("iccids", "")], vec![m2, ""]),
        ("card/detail", vec![("msisdns", ""), ("iccids", i2)], vec!["", i2]),
        ("card/usage/current", vec![("msisdns", m2), ("iccids", "")], vec![m2, ""]),
        ("card/usage/current", vec![("msisdns", ""), ("iccids", i2)], vec!["", i2]),
        ("card/abnormal", vec![("pageindex", "2")], vec!["2"]),
        ("card/pkg/get", vec![("msisdn", "1440263908508"), ("iccid", "")], vec!["1440263908508", ""]),
        ("card/pkg/get", vec![("msisdn", ""), ("iccid", "89860426102190428508")], vec!["", "89860426102190428508"]),
        ("card/usage/day", vec![("day", day.as_str()), ("msisdns", m2), ("iccids", "")], vec![day.as_str(), m2, ""]),
        ("pool/list", vec![], vec![]),
        ("sms/rpt/get", vec![], vec![]),
        ("sms/mo/get", vec![], vec![]),
        // showday given: sent and signed; iccids sent as both `iccids` and `iccid`.
        ("card/usage/past", vec![("month", month.as_str()), ("showday", "1"), ("msisdns", ""), ("iccids", i2), ("iccid", i2)],
            vec![month.as_str(), "1", "", i2]),
    ];
    for (rec, (endpoint, params, signed)) in reqs.iter().zip(&expected) {
        check_get(rec, endpoint);
        check_params(rec, params, signed, &before, &after);
    }
}

#[tokio::test]
async fn usage_history_without_showday_signs_it_empty_and_does_not_send_it() {
    let server = TestServer::start(|rec, _| success(rec)).await;
    let client = server.client();
    let before = platform_now();
    let month = month_back(0);
    let got = client
        .usage_history(&month, &CardSet::msisdns(["1440263908508"]), None)
        .await
        .unwrap();
    let after = platform_now();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].month, month);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    check_get(&reqs[0], "card/usage/past");
    let signed = [month.as_str(), "", "1440263908508", ""];
    let params = [
        ("month", month.as_str()),
        ("msisdns", "1440263908508"),
        ("iccids", ""),
        ("iccid", ""),
    ];
    check_params(&reqs[0], &params, &signed, &before, &after);
}

#[tokio::test]
async fn post_bodies_are_signed_forms_with_the_documented_headers() {
    let server = TestServer::start(|rec, _| success(rec)).await;
    let client = server.client_with(|c| c.cooldown_guard = false);
    let before = platform_now();
    let card = CardRef::msisdn("1064710578361");
    let both = CardRef {
        msisdn: Some(s("1064710578361")),
        iccid: Some(s("898607b8101700728023")),
    };
    let by_iccid = CardRef::iccid("898607b8101700728023");
    let options = RenewOptions {
        repetition: Some(true),
        startdate: Some(s("2024-01-01")),
        audit: Some(Audit::Automatic),
        remark: Some(s("续费 & more=1+1")),
    };
    let mobiles = strings(&["1064807400778", "1064807400779"]);
    let content = "重启 reboot & a=b+c%";

    let order = client.renew(&card, "xagx020", 12, &options).await.unwrap();
    assert_eq!(order.orderid, "CR1");
    client
        .renew(&by_iccid, "xagx020", 3, &RenewOptions::default())
        .await
        .unwrap();
    client.end_test_period(&by_iccid).await.unwrap();
    client.force_activate(&both).await.unwrap();
    client.suspend(&card).await.unwrap();
    client.resume(&card).await.unwrap();
    client.disable_data(&card, Some("CMIOT")).await.unwrap();
    client.enable_data(&card, None, Some(30)).await.unwrap();
    client.enable_data(&card, None, None).await.unwrap();
    client
        .add_voice_whitelist(&card, &strings(&["13800010001", "13800010002"]), Some("G1"))
        .await
        .unwrap();
    client
        .remove_voice_whitelist(&card, &strings(&["13800010001"]), None)
        .await
        .unwrap();
    client.send_iot_sms(&mobiles, content).await.unwrap();
    client
        .send_iot_sms_encrypted(&mobiles, content)
        .await
        .unwrap();
    let params = TemplateParams::from_values(["xx客户", "用量即将到期"]).unwrap();
    client
        .send_template_sms(&strings(&["15951977097"]), "1001", &params)
        .await
        .unwrap();
    let after = platform_now();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 14);
    let (m, i) = ("1064710578361", "898607b8101700728023");
    let ms = "1064807400778,1064807400779";
    #[rustfmt::skip]
    let expected: Vec<(&str, u8, Params, Vec<&str>)> = vec![
        // Renewal: only msisdn+iccid+pkgcode+month signed; the options sent unsigned.
        ("card/pkg/renew", 1, vec![("msisdn", m), ("iccid", ""), ("pkgcode", "xagx020"), ("month", "12"),
            ("repetition", "1"), ("startdate", "2024-01-01"), ("audit", "2"), ("remark", "续费 & more=1+1")],
            vec![m, "", "xagx020", "12"]),
        ("card/pkg/renew", 1, vec![("msisdn", ""), ("iccid", i), ("pkgcode", "xagx020"), ("month", "3")],
            vec!["", i, "xagx020", "3"]),
        ("card/stoptest", 2, vec![("msisdn", ""), ("iccid", i)], vec!["", i]),
        ("card/foractive", 2, vec![("msisdn", m), ("iccid", i)], vec![m, i]),
        ("card/stopkeep", 2, vec![("msisdn", m), ("iccid", ""), ("stopkeep", "0")], vec![m, "", "0"]),
        ("card/stopkeep", 2, vec![("msisdn", m), ("iccid", ""), ("stopkeep", "1")], vec![m, "", "1"]),
        // switchnet signs apnname + opertype + marginrat; the optional (可选) ones are signed as
        // "" when absent and then left off the wire.
        ("card/switchnet", 2, vec![("msisdn", m), ("iccid", ""), ("apnname", "CMIOT"), ("opertype", "0")],
            vec![m, "", "CMIOT", "0", ""]),
        ("card/switchnet", 2, vec![("msisdn", m), ("iccid", ""), ("opertype", "1"), ("marginrat", "30")],
            vec![m, "", "", "1", "30"]),
        ("card/switchnet", 2, vec![("msisdn", m), ("iccid", ""), ("opertype", "1")],
            vec![m, "", "", "1", ""]),
        // setvoicewhitetable signs opertype + taskid + content (taskid optional, likewise);
        // numbers joined by `_`.
        ("card/setvoicewhitetable", 2, vec![("msisdn", m), ("iccid", ""), ("opertype", "1"), ("taskid", "G1"),
            ("content", "13800010001_13800010002")], vec![m, "", "1", "G1", "13800010001_13800010002"]),
        ("card/setvoicewhitetable", 2, vec![("msisdn", m), ("iccid", ""), ("opertype", "0"),
            ("content", "13800010001")], vec![m, "", "0", "", "13800010001"]),
        ("sms/sendlotsms", 1, vec![("mobile", ms), ("content", content)], vec![ms, content]),
    ];
    for (rec, (endpoint, port, params, signed)) in reqs.iter().zip(&expected) {
        check_post(rec, endpoint, *port);
        check_params(rec, params, signed, &before, &after);
    }

    // Encrypted SMS: the text decrypts back; the sign covers the Base64 exactly as sent.
    let enc = &reqs[12];
    check_post(enc, "sms/sendiotencryptsms", 1);
    let text = enc.param("text").unwrap();
    assert!(
        !text.contains('\n') && !text.contains('\r'),
        "sent unwrapped"
    );
    let plain = cardboss::decrypt_sms(APIKEY, &text).unwrap();
    assert_eq!(plain.mobiles, mobiles);
    assert_eq!(plain.content, content);
    check_params(
        enc,
        &[("text", text.as_str())],
        &[text.as_str()],
        &before,
        &after,
    );

    // Template SMS: signs mobile + tplid; the variables go in `content`, joined by `|`.
    let tpl = &reqs[13];
    check_post(tpl, "sms/sendsms", 1);
    let tcontent = "@1@=xx客户|@2@=用量即将到期";
    check_params(
        tpl,
        &[
            ("mobile", "15951977097"),
            ("tplid", "1001"),
            ("content", tcontent),
        ],
        &["15951977097", "1001"],
        &before,
        &after,
    );
}

#[tokio::test]
async fn user_agent_names_the_sdk_version_and_language() {
    assert_eq!(cardboss::VERSION, env!("CARGO_PKG_VERSION"));
    let server = TestServer::start(|rec, _| success(rec)).await;
    let client = server.client();
    client.pools().await.unwrap();
    client
        .suspend(&CardRef::msisdn("1064787000001"))
        .await
        .unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for rec in &reqs {
        assert_eq!(
            rec.header("user-agent"),
            Some(format!("cardboss-sdk/{} (rust)", cardboss::VERSION).as_str())
        );
    }
    // The language is configurable for the bindings.
    let python = server.client_with(|c| c.language = s("python"));
    python.pools().await.unwrap();
    assert_eq!(
        server.requests()[2].header("user-agent"),
        Some(format!("cardboss-sdk/{} (python)", cardboss::VERSION).as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// Ports

#[tokio::test]
async fn lifecycle_operations_go_to_port2_everything_else_to_port1() {
    let server = TestServer::start(|rec, _| success(rec)).await;
    let client = server.client_with(|c| c.cooldown_guard = false);
    let card = CardRef::msisdn("1064787000001");
    let set = CardSet::msisdns(["1064787000001"]);
    let one = strings(&["1064787000001"]);

    client.customer().await.unwrap();
    client.list_cards(1).await.unwrap();
    client.card_details(&set).await.unwrap();
    client.current_usage(&set).await.unwrap();
    client
        .usage_history(&month_back(0), &set, None)
        .await
        .unwrap();
    client.arrears(1).await.unwrap();
    client.packages(&card).await.unwrap();
    client.daily_usage(&day_back(0), &set).await.unwrap();
    client.pools().await.unwrap();
    client
        .renew(&card, "p1", 12, &RenewOptions::default())
        .await
        .unwrap();
    client.send_iot_sms(&one, "hi").await.unwrap();
    client.send_iot_sms_encrypted(&one, "hi").await.unwrap();
    client
        .send_template_sms(&one, "1", &TemplateParams::default())
        .await
        .unwrap();
    client.sms_reports().await.unwrap();
    client.sms_replies().await.unwrap();
    client.end_test_period(&card).await.unwrap();
    client.force_activate(&card).await.unwrap();
    client.suspend(&card).await.unwrap();
    client.resume(&card).await.unwrap();
    client.disable_data(&card, None).await.unwrap();
    client.enable_data(&card, None, None).await.unwrap();
    client.add_voice_whitelist(&card, &one, None).await.unwrap();
    client
        .remove_voice_whitelist(&card, &one, None)
        .await
        .unwrap();

    let port2 = [
        "card/stoptest",
        "card/foractive",
        "card/stopkeep",
        "card/switchnet",
        "card/setvoicewhitetable",
    ];
    let reqs = server.requests();
    assert_eq!(reqs.len(), 23);
    for rec in &reqs {
        let want = if port2.contains(&rec.endpoint()) {
            2
        } else {
            1
        };
        assert_eq!(rec.port, want, "{} goes to port{want}", rec.endpoint());
        assert!(rec.path.starts_with("/iotapi/rest/v2/"), "{}", rec.path);
    }
    let seen: std::collections::BTreeSet<&str> = reqs.iter().map(|r| r.endpoint()).collect();
    assert_eq!(seen.len(), 20, "every endpoint was called: {seen:?}");
}

#[test]
fn default_ops_url_is_the_base_host_on_port_8111() {
    let config = Config::new(SID, APIKEY);
    assert_eq!(config.base_url, "http://127.0.0.1:9011");
    assert_eq!(Config::DEFAULT_BASE_URL, "http://127.0.0.1:9011");
    assert_eq!(config.ops_url, None, "derived from base_url unless set");
    assert_eq!(Config::DEFAULT_OPS_PORT, 8111);
    assert_eq!(cardboss::PATH_PREFIX, "/iotapi/rest/v2");
    // The documented defaults.
    assert_eq!(config.timeout, Duration::from_secs(30));
    assert_eq!(config.connect_timeout, Duration::from_secs(5));
    assert_eq!(config.max_retries, 3);
    assert_eq!(config.concurrency, 8);
    assert_eq!(config.utc_offset_minutes, 480);
    assert!(config.cooldown_guard);
    assert_eq!(config.language, "rust");
    assert_eq!(
        (config.retry_base, config.retry_cap),
        (Duration::from_millis(200), Duration::from_secs(5))
    );
    // A client builds with the derived ops URL, for a name or an IP, and setters keep what is given.
    for base in [
        "http://10.1.2.3:9011",
        "http://cardboss.example:9011/",
        "https://10.1.2.3",
    ] {
        Client::new(Config::new(SID, APIKEY).base_url(base))
            .unwrap_or_else(|e| panic!("{base}: {e}"));
    }
    let explicit = Config::new(SID, APIKEY)
        .base_url("http://10.1.2.3:9011")
        .ops_url("http://10.1.2.3:18111");
    assert_eq!(explicit.ops_url.as_deref(), Some("http://10.1.2.3:18111"));
    // What the client derives: the base URL's host with the port replaced by 8111.
    let mut derived = reqwest::Url::parse("http://10.1.2.3:9011").unwrap();
    derived.set_port(Some(Config::DEFAULT_OPS_PORT)).unwrap();
    assert_eq!(derived.as_str(), "http://10.1.2.3:8111/");
    assert!(Client::new(Config::new(SID, APIKEY).base_url("not a url")).is_err());
}

// ---------------------------------------------------------------------------------------------
// Batching

/// Delays batch answers so that later batches finish first.
fn reversed_delays(rec: &Recorded, _: usize) -> Reply {
    let ids = rec
        .param("msisdns")
        .filter(|m| !m.is_empty())
        .or_else(|| rec.param("iccids"))
        .unwrap();
    let first = ids.split(',').next().unwrap().to_string();
    let index: u64 = first[first.len() - 3..].parse::<u64>().unwrap() / 100;
    success(rec).after(300u64.saturating_sub(index * 120))
}

fn batch_ids(rec: &Recorded) -> Vec<String> {
    let m = rec.param("msisdns").unwrap();
    let i = rec.param("iccids").unwrap();
    let (used, unused) = if m.is_empty() { (i, m) } else { (m, i) };
    assert_eq!(unused, "", "the unused key of the pair is sent empty");
    used.split(',').map(String::from).collect()
}

#[tokio::test]
async fn card_details_split_into_batches_of_100_and_keep_input_order() {
    let server = TestServer::start(reversed_delays).await;
    let client = server.client();
    let ids = msisdns(250);
    let cards = client
        .card_details(&CardSet::Msisdns(ids.clone()))
        .await
        .unwrap();
    let got: Vec<String> = cards.iter().map(|c| c.msisdn.clone()).collect();
    assert_eq!(
        got, ids,
        "results concatenated in input order although batch 3 answered first"
    );

    let mut reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    // The later batches did answer first.
    assert!(reqs.iter().all(|r| r.endpoint() == "card/detail"));
    reqs.sort_by_key(|r| batch_ids(r)[0].clone());
    let batches: Vec<Vec<String>> = reqs.iter().map(batch_ids).collect();
    assert_eq!(
        batches.iter().map(Vec::len).collect::<Vec<_>>(),
        [100, 100, 50]
    );
    assert_eq!(
        batches.concat(),
        ids,
        "each batch is the next 100 of the input, in order"
    );
}

#[tokio::test]
async fn usage_batches_by_iccid_and_history_keep_order_too() {
    let server = TestServer::start(reversed_delays).await;
    let client = server.client();
    let ids = iccids(250);
    let usages = client
        .current_usage(&CardSet::Iccids(ids.clone()))
        .await
        .unwrap();
    assert_eq!(
        usages.iter().map(|u| u.iccids.clone()).collect::<Vec<_>>(),
        ids
    );
    let months = client
        .usage_history(&month_back(1), &CardSet::Iccids(ids.clone()), None)
        .await
        .unwrap();
    assert_eq!(
        months.iter().map(|u| u.iccid.clone()).collect::<Vec<_>>(),
        ids
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 6);
    for rec in &reqs {
        assert!(batch_ids(rec).len() <= 100);
        assert_eq!(rec.param("msisdns").as_deref(), Some(""));
    }
}

/// Refuses the batch that starts at the 101st card of `msisdns(n)` (1031), answers the others.
fn batch_2_fails(rec: &Recorded, _: usize) -> Reply {
    if rec.param("msisdns").unwrap().starts_with("1064787000100") {
        fail("1031", "参数值错误", "")
    } else {
        success(rec)
    }
}

#[tokio::test]
async fn bulk_results_batch_by_batch_arrive_in_input_order() {
    let server = TestServer::start(reversed_delays).await;
    let client = server.client();
    let ids = msisdns(250);
    let set = CardSet::Msisdns(ids.clone());

    let mut details = client.card_detail_batches(&set).unwrap();
    let mut sizes = vec![];
    let mut got = vec![];
    while let Some(batch) = details.next_batch().await {
        let batch = batch.unwrap();
        sizes.push(batch.len());
        got.extend(batch.into_iter().map(|d| d.msisdn));
    }
    assert_eq!(sizes, [100, 100, 50], "one item per batch of 100");
    assert_eq!(got, ids, "in input order although batch 3 answered first");

    // The same through the Stream impl, for the two usage calls.
    let usage: Vec<Vec<cardboss::CurrentUsage>> = client
        .current_usage_batches(&set)
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    let usage_ids: Vec<String> = usage.concat().into_iter().map(|u| u.msisdn).collect();
    assert_eq!(usage_ids, ids);
    let history: Vec<Vec<cardboss::MonthlyUsage>> = client
        .usage_history_batches(&month_back(1), &set, None)
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        history.iter().map(Vec::len).collect::<Vec<_>>(),
        [100, 100, 50]
    );
    assert_eq!(server.requests().len(), 9);
}

#[tokio::test]
async fn bulk_batches_refuse_bad_input_at_once_and_end_at_a_failed_batch() {
    let server = TestServer::start(batch_2_fails).await;
    let client = server.client();
    let mut bad = msisdns(150);
    bad[120] = "10647x".into();
    assert_invalid(
        "a malformed card",
        client.card_detail_batches(&CardSet::Msisdns(bad)),
    );
    assert_invalid(
        "a month out of range",
        client.usage_history_batches("199901", &CardSet::Msisdns(msisdns(2)), None),
    );
    assert!(server.requests().is_empty(), "nothing sent for bad input");

    let items: Vec<cardboss::Result<Vec<cardboss::CardDetail>>> = client
        .card_detail_batches(&CardSet::Msisdns(msisdns(350)))
        .unwrap()
        .collect()
        .await;
    assert_eq!(
        items.len(),
        2,
        "batch 1, then batch 2's error, then the end"
    );
    assert_eq!(items[0].as_ref().unwrap().len(), 100);
    let e = items[1].as_ref().unwrap_err();
    assert_eq!(e.code(), "1031");
    assert!(e.endpoint().unwrap().contains("batch 2 of 4"));
}

#[tokio::test]
async fn dropping_the_batches_stops_the_fetching() {
    let server = TestServer::start(|rec, _| success(rec).after(50)).await;
    let client = server.client_with(|c| c.concurrency = 1);
    let mut details = client
        .card_detail_batches(&CardSet::Msisdns(msisdns(2000)))
        .unwrap();
    assert_eq!(details.next_batch().await.unwrap().unwrap().len(), 100);
    drop(details);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let sent = server.requests().len();
    assert!(
        sent <= 4,
        "after the drop, no more batches are requested ({sent} of 20 sent)"
    );
}

#[tokio::test]
async fn bulk_calls_respect_the_concurrency_limit() {
    for limit in [1usize, 3] {
        let server = TestServer::start(|rec, _| success(rec).after(60)).await;
        let client = server.client_with(|c| c.concurrency = limit);
        let ids = msisdns(1000);
        let cards = client
            .card_details(&CardSet::Msisdns(ids.clone()))
            .await
            .unwrap();
        assert_eq!(cards.len(), 1000);
        assert_eq!(server.requests().len(), 10);
        assert_eq!(
            server.max_inflight(),
            limit,
            "at most {limit} batches in flight, and the limit is used"
        );
    }
}

#[tokio::test]
async fn more_than_1000_sms_numbers_go_in_several_requests_and_receipts_merge() {
    let server = TestServer::start(|rec, n| {
        let count = rec
            .param("mobile")
            .map(|m| m.split(',').count())
            .unwrap_or(0);
        ok(&json!({"count": count, "fee": count * 2, "taskid": format!("task-{n}")}).to_string())
    })
    .await;
    let client = server.client();
    let mobiles = msisdns(2500);
    let receipt = client.send_iot_sms(&mobiles, "reboot").await.unwrap();
    assert_eq!(receipt.count, 2500);
    assert_eq!(receipt.fee, 5000);
    assert_eq!(receipt.taskid, "task-0", "the first request's task id");
    assert_eq!(
        receipt.taskids,
        strings(&["task-0", "task-1", "task-2"]),
        "every task id kept, in order"
    );

    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    let chunks: Vec<Vec<String>> = reqs
        .iter()
        .map(|r| {
            r.param("mobile")
                .unwrap()
                .split(',')
                .map(String::from)
                .collect()
        })
        .collect();
    assert_eq!(
        chunks.iter().map(Vec::len).collect::<Vec<_>>(),
        [1000, 1000, 500]
    );
    assert_eq!(chunks.concat(), mobiles, "sent in input order");
    for rec in &reqs {
        assert_eq!(rec.param("content").as_deref(), Some("reboot"));
        let (ts, sign) = (rec.param("ts").unwrap(), rec.param("sign").unwrap());
        let mobile = rec.param("mobile").unwrap();
        assert_eq!(
            sign,
            md5_hex(&format!("{SID}{APIKEY}{ts}{mobile}reboot")),
            "each part signed on its own"
        );
    }
}

#[tokio::test]
async fn an_sms_send_failing_part_way_names_the_task_ids_already_sent() {
    let server = TestServer::start(|rec, n| {
        if n == 2 {
            return fail("1099", "运营商接口失败", "");
        }
        let count = rec.param("mobile").unwrap().split(',').count();
        ok(&json!({"count": count, "fee": count, "taskid": format!("task-{n}")}).to_string())
    })
    .await;
    let e = server
        .client()
        .send_iot_sms(&msisdns(3500), "reboot")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "1099");
    let endpoint = e.endpoint().unwrap();
    assert!(
        endpoint.contains("batch 3 of 4") && endpoint.contains("taskids task-0, task-1"),
        "{endpoint}"
    );
    assert_eq!(server.requests().len(), 3, "nothing sent after the failure");
}

#[tokio::test]
async fn more_than_1000_encrypted_sms_numbers_split_too() {
    let server =
        TestServer::start(|_, n| ok(&format!(r#"{{"count":1,"fee":1,"taskid":"e{n}"}}"#))).await;
    let client = server.client();
    let mobiles = msisdns(1500);
    let receipt = client
        .send_iot_sms_encrypted(&mobiles, "状态查询")
        .await
        .unwrap();
    assert_eq!(receipt.taskids, strings(&["e0", "e1"]));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let decrypted: Vec<cardboss::SmsPlaintext> = reqs
        .iter()
        .map(|r| cardboss::decrypt_sms(APIKEY, &r.param("text").unwrap()).unwrap())
        .collect();
    assert_eq!(decrypted[0].mobiles, mobiles[..1000]);
    assert_eq!(decrypted[1].mobiles, mobiles[1000..]);
    assert!(decrypted.iter().all(|p| p.content == "状态查询"));
}

// ---------------------------------------------------------------------------------------------
// Retries

/// The first attempt gets `first`, later ones a success. Returns the requests.
async fn get_after(first: Reply) -> (cardboss::Result<cardboss::Customer>, Vec<Recorded>) {
    let before = platform_now();
    let (result, reqs, _) = run(
        move |rec, n| if n == 0 { first.clone() } else { success(rec) },
        |_| {},
        async |c| c.customer().await,
    )
    .await;
    let after = platform_now();
    for rec in &reqs {
        // Every attempt is signed afresh for its own ts.
        check_params(rec, &[], &[], &before, &after);
    }
    (result, reqs)
}

#[tokio::test]
async fn get_is_retried_on_500_and_502_html() {
    for first in [
        Reply::status(500, "Internal Server Error"),
        Reply::status(500, r#"{"code":"1090","msg":"系统内部错误","detail":""}"#),
        Reply::Raw {
            status: 502,
            body: s("<html><body><h1>502 Bad Gateway</h1></body></html>"),
            headers: vec![(s("content-type"), s("text/html"))],
        },
        Reply::status(503, ""),
    ] {
        let (result, reqs) = get_after(first.clone()).await;
        assert_eq!(result.unwrap().sid, SID, "{first:?}");
        assert_eq!(reqs.len(), 2, "{first:?}: one retry");
    }
}

#[tokio::test]
async fn get_is_retried_on_truncated_json_code_1090_and_a_dropped_connection() {
    for first in [
        Reply::Json(s(TRUNCATED)),
        fail("1090", "系统内部错误", ""),
        fail("1091", "系统内部错误", ""),
        Reply::Drop,
    ] {
        let (result, reqs) = get_after(first.clone()).await;
        assert_eq!(result.unwrap_or_else(|e| panic!("{first:?}: {e}")).sid, SID);
        assert_eq!(reqs.len(), 2, "{first:?}: one retry");
    }
}

#[tokio::test]
async fn get_is_retried_on_429_after_retry_after_with_a_fresh_ts_and_sign() {
    let first = Reply::Raw {
        status: 429,
        body: s("Too Many Requests"),
        headers: vec![(s("retry-after"), s("1"))],
    };
    let (result, reqs) = get_after(first).await;
    assert_eq!(result.unwrap().sid, SID);
    assert_eq!(reqs.len(), 2);
    let gap = reqs[1].at - reqs[0].at;
    assert!(
        gap >= Duration::from_millis(950),
        "Retry-After: 1 honoured, waited {gap:?}"
    );
    assert!(gap < Duration::from_secs(3), "but not much longer: {gap:?}");
    let (p0, p1) = (reqs[0].params(), reqs[1].params());
    assert_ne!(p0[2].1, p1[2].1, "a fresh ts after a second");
    assert_ne!(p0[1].1, p1[1].1, "hence a fresh sign");
}

#[tokio::test]
async fn get_gives_up_after_max_retries_with_a_typed_error() {
    async fn always(reply: Reply, retries: u32) -> (Error, usize) {
        let (result, reqs, _) = run(
            move |_, _| reply.clone(),
            |c| c.max_retries = retries,
            async |c| c.pools().await,
        )
        .await;
        (result.unwrap_err(), reqs.len())
    }
    let (e, n) = always(Reply::status(500, "oops"), 2).await;
    assert_eq!(n, 3, "1 + max_retries attempts");
    assert!(matches!(e, Error::Http { status: 500, .. }), "{e:?}");
    assert!(!e.outcome_unknown(), "a GET changes nothing");
    let (e, n) = always(
        Reply::Raw {
            status: 502,
            body: s("<html>bad gateway</html>"),
            headers: vec![],
        },
        1,
    )
    .await;
    assert_eq!(n, 2);
    assert!(
        matches!(&e, Error::Http { status: 502, body_prefix, .. } if body_prefix.contains("bad gateway")),
        "{e:?}"
    );
    let (e, n) = always(fail("1090", "系统内部错误", ""), 2).await;
    assert_eq!(n, 3);
    assert!(
        matches!(e, Error::Api { .. }) && e.code() == "1090",
        "{e:?}"
    );
    let (e, n) = always(Reply::Json(s(TRUNCATED)), 2).await;
    assert_eq!(n, 3);
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    let (e, n) = always(Reply::Drop, 2).await;
    assert_eq!(n, 3);
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    let (e, n) = always(Reply::status(500, "oops"), 0).await;
    assert_eq!(n, 1, "max_retries 0: one attempt");
    assert_eq!(e.http_status(), Some(500));
    // A definite refusal is not retried.
    let (e, n) = always(fail("1005", "账号鉴权失败", ""), 3).await;
    assert_eq!(n, 1);
    assert!(matches!(e, Error::Auth { .. }), "{e:?}");
    let (e, n) = always(Reply::status(404, "<html>Not Found</html>"), 3).await;
    assert_eq!(n, 1, "404 is not retried");
    assert!(matches!(e, Error::Http { status: 404, .. }), "{e:?}");
}

#[tokio::test]
async fn post_is_never_retried_and_says_the_outcome_is_unknown() {
    let card = CardRef::msisdn("1064710578361");
    let renew = async |c: Client| {
        c.renew(
            &CardRef::msisdn("1064710578361"),
            "xagx020",
            12,
            &RenewOptions::default(),
        )
        .await
    };
    for reply in [
        Reply::status(500, "Internal Server Error"),
        Reply::Raw {
            status: 502,
            body: s("<html>502</html>"),
            headers: vec![],
        },
        Reply::Drop,
        Reply::Json(s(TRUNCATED)),
        fail("1090", "系统内部错误", ""),
    ] {
        let (result, reqs, _) = run(
            {
                let r = reply.clone();
                move |_, _| r.clone()
            },
            |_| {},
            renew,
        )
        .await;
        let e = result.unwrap_err();
        assert_eq!(reqs.len(), 1, "{reply:?}: a POST is sent exactly once");
        assert!(e.outcome_unknown(), "{reply:?}: {e:?}");
        assert!(
            e.to_string().contains("outcome is unknown"),
            "{reply:?}: {e}"
        );
    }
    // Timeout: one request, Error::Timeout well before the server's delay.
    let (result, reqs, elapsed) = run(
        |rec, _| success(rec).after(3000),
        |c| c.timeout = Duration::from_millis(200),
        async |c| c.send_iot_sms(&strings(&["1064807400778"]), "reboot").await,
    )
    .await;
    let e = result.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout {
                outcome_unknown: true,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("outcome is unknown"), "{e}");
    assert_eq!(reqs.len(), 1);
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    // Lifecycle operations likewise (and a definite server refusal is not "unknown").
    let (result, reqs, _) = run(
        |_, _| Reply::status(500, "x"),
        |_| {},
        async |c| c.suspend(&CardRef::msisdn("1064710578361")).await,
    )
    .await;
    assert!(result.unwrap_err().outcome_unknown());
    assert_eq!(reqs.len(), 1);
    let (result, _, _) = run(
        |_, _| fail("1031", "参数值错误", ""),
        |_| {},
        async |c| c.resume(&card).await,
    )
    .await;
    assert!(!result.unwrap_err().outcome_unknown());
}

// ---------------------------------------------------------------------------------------------
// Timeouts

#[tokio::test]
async fn timeouts_are_honoured() {
    let (result, reqs, elapsed) = run(
        |rec, _| success(rec).after(3000),
        |c| {
            c.timeout = Duration::from_millis(200);
            c.max_retries = 0;
        },
        async |c| c.customer().await,
    )
    .await;
    let e = result.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout {
                outcome_unknown: false,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.endpoint(), Some("customer/get"));
    assert_eq!(reqs.len(), 1);
    assert!(
        elapsed >= Duration::from_millis(180) && elapsed < Duration::from_millis(1000),
        "{elapsed:?}"
    );

    // A GET that times out is retried, each attempt with its own timeout.
    let (result, reqs, elapsed) = run(
        |rec, n| {
            if n < 2 {
                success(rec).after(3000)
            } else {
                success(rec)
            }
        },
        |c| c.timeout = Duration::from_millis(200),
        async |c| c.customer().await,
    )
    .await;
    assert_eq!(result.unwrap().sid, SID);
    assert_eq!(reqs.len(), 3);
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
}

// ---------------------------------------------------------------------------------------------
// Cooldown guard

#[tokio::test]
async fn cooldown_guard_refuses_a_repeat_on_the_same_card_without_a_request() {
    let server = TestServer::start(|rec, _| success(rec)).await;
    let client = server.client();
    let a = CardRef::msisdn("1064787000001");
    let b = CardRef::msisdn("1064787000002");

    client.suspend(&a).await.unwrap();
    let e = client.suspend(&a).await.unwrap_err();
    match &e {
        Error::Cooldown {
            endpoint,
            card,
            retry_after_secs,
        } => {
            assert_eq!(endpoint, "card/stopkeep");
            assert_eq!(card, "1064787000001");
            assert!((170..=180).contains(retry_after_secs), "{retry_after_secs}");
        }
        other => panic!("expected Cooldown, got {other:?}"),
    }
    assert_eq!(e.code(), "COOLDOWN");
    assert_eq!(
        server.requests().len(),
        1,
        "the refused repeat sent nothing"
    );
    // Any lifecycle operation on that card is refused; another card is fine.
    assert!(matches!(
        client.resume(&a).await,
        Err(Error::Cooldown { .. })
    ));
    assert!(matches!(
        client.disable_data(&a, None).await,
        Err(Error::Cooldown { .. })
    ));
    client.suspend(&b).await.unwrap();
    assert_eq!(server.requests().len(), 2);
    // The voice whitelist has its own, 1-minute window.
    let one = strings(&["13800010001"]);
    client.add_voice_whitelist(&a, &one, None).await.unwrap();
    match client.add_voice_whitelist(&a, &one, None).await {
        Err(Error::Cooldown {
            retry_after_secs, ..
        }) => assert!((50..=60).contains(&retry_after_secs)),
        other => panic!("expected Cooldown, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 3);
    // Clones share the guard; clearing it allows the repeat.
    assert!(matches!(
        client.clone().suspend(&a).await,
        Err(Error::Cooldown { .. })
    ));
    client.clear_cooldowns();
    client.suspend(&a).await.unwrap();
    assert_eq!(server.requests().len(), 4);
    // Queries are never guarded.
    client.packages(&a).await.unwrap();
    client.packages(&a).await.unwrap();

    // Without the guard, the repeat goes out.
    let unguarded = server.client_with(|c| c.cooldown_guard = false);
    unguarded.suspend(&a).await.unwrap();
    unguarded.suspend(&a).await.unwrap();
    assert_eq!(server.requests().len(), 8);
}

#[tokio::test]
async fn cooldown_starts_after_a_carrier_refusal_but_not_after_a_definite_error() {
    let server = TestServer::start(|rec, _| match rec.param("msisdn").as_deref() {
        Some("1064787000001") => fail(
            "1099",
            "上级错误",
            "通道方返回错误码:13009,同一卡号 3 分钟内不能通过此类接口重复办理业务",
        ),
        _ => fail("1031", "参数值错误", "apnname 参数不能为空"),
    })
    .await;
    let client = server.client();
    let limited = CardRef::msisdn("1064787000001");
    assert!(matches!(
        client.suspend(&limited).await,
        Err(Error::RateLimited { .. })
    ));
    assert!(
        matches!(client.suspend(&limited).await, Err(Error::Cooldown { .. })),
        "the carrier's window started"
    );
    let refused = CardRef::msisdn("1064787000002");
    assert!(matches!(
        client.disable_data(&refused, None).await,
        Err(Error::Api { .. })
    ));
    assert!(
        matches!(
            client.disable_data(&refused, Some("CMIOT")).await,
            Err(Error::Api { .. })
        ),
        "a refused request may be fixed and resent"
    );
    assert_eq!(server.requests().len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Rules checked before the network

#[tokio::test]
async fn invalid_inputs_send_nothing() {
    let server = TestServer::start(|rec, _| success(rec)).await;
    let client = server.client_with(|c| c.cooldown_guard = false);
    let card = CardRef::msisdn("1064787000001");
    let none = CardSet::Msisdns(vec![]);
    let ok_set = CardSet::msisdns(["1064787000001"]);

    assert_invalid("empty msisdns", client.card_details(&none).await);
    assert_invalid(
        "empty iccids",
        client.current_usage(&CardSet::Iccids(vec![])).await,
    );
    assert_invalid("empty list from lists", CardSet::from_lists(vec![], vec![]));
    assert_invalid(
        "non-digit msisdn",
        client
            .card_details(&CardSet::msisdns(["1064787000001", "10647870000a1"]))
            .await,
    );
    assert_invalid(
        "short iccid",
        client
            .current_usage(&CardSet::iccids(["898607b81017"]))
            .await,
    );
    assert_invalid(
        "iccid with a dash",
        client
            .card_details(&CardSet::iccids(["898607b8-101700000001"]))
            .await,
    );
    assert_invalid(
        "card without ids",
        client.packages(&CardRef::default()).await,
    );
    assert_invalid(
        "bad msisdn card",
        client.packages(&CardRef::msisdn("abc")).await,
    );
    assert_invalid(
        "bad iccid card",
        client.suspend(&CardRef::iccid("123")).await,
    );
    assert_invalid("page 0", client.list_cards(0).await);
    assert_invalid("arrears page 0", client.arrears(0).await);
    for month in [
        s("2024-1"),
        s("202413"),
        s("202400"),
        s(""),
        s("20240"),
        month_back(3),
        month_back(12),
        month_back(-1),
    ] {
        assert_invalid(
            &format!("month {month:?}"),
            client.usage_history(&month, &ok_set, None).await,
        );
    }
    assert_invalid(
        "empty cards for a good month",
        client.usage_history(&month_back(0), &none, None).await,
    );
    for day in [
        s("2024513"),
        s("20241332"),
        s(""),
        day_back(7),
        day_back(30),
        day_back(-1),
    ] {
        assert_invalid(
            &format!("day {day:?}"),
            client.daily_usage(&day, &ok_set).await,
        );
    }
    assert_invalid(
        "months 0",
        client
            .renew(&card, "xagx020", 0, &RenewOptions::default())
            .await,
    );
    assert_invalid(
        "empty pkgcode",
        client.renew(&card, "", 12, &RenewOptions::default()).await,
    );
    let bad_date = RenewOptions {
        startdate: Some(s("2024/01/01")),
        ..Default::default()
    };
    assert_invalid(
        "bad startdate",
        client.renew(&card, "xagx020", 12, &bad_date).await,
    );
    assert_invalid(
        "bad renew card",
        client
            .renew(
                &CardRef::msisdn("x1"),
                "xagx020",
                12,
                &RenewOptions::default(),
            )
            .await,
    );
    let six: Vec<String> = (0..6).map(|i| format!("1380001000{i}")).collect();
    assert_invalid(
        "6 numbers to add",
        client.add_voice_whitelist(&card, &six, None).await,
    );
    assert_invalid(
        "3 numbers to remove",
        client.remove_voice_whitelist(&card, &six[..3], None).await,
    );
    assert_invalid(
        "no number",
        client.add_voice_whitelist(&card, &[], None).await,
    );
    assert_invalid(
        "non-digit number",
        client
            .add_voice_whitelist(&card, &strings(&["1380001000a"]), None)
            .await,
    );
    assert_invalid(
        "margin > 100",
        client.enable_data(&card, None, Some(101)).await,
    );
    let one = strings(&["1064807400778"]);
    assert_invalid("no mobiles", client.send_iot_sms(&[], "hi").await);
    assert_invalid("empty content", client.send_iot_sms(&one, "").await);
    assert_invalid(
        "351 characters",
        client.send_iot_sms(&one, &"a".repeat(351)).await,
    );
    assert_invalid(
        "351 Chinese characters",
        client.send_iot_sms_encrypted(&one, &"中".repeat(351)).await,
    );
    assert_invalid(
        "non-digit mobile",
        client
            .send_iot_sms(&strings(&["1064807400778", "10648x"]), "hi")
            .await,
    );
    assert_invalid(
        "empty mobile",
        client.send_iot_sms(&strings(&[""]), "hi").await,
    );
    assert_invalid(
        "encrypted, no mobiles",
        client.send_iot_sms_encrypted(&[], "hi").await,
    );
    assert_invalid(
        "encrypted, empty content",
        client.send_iot_sms_encrypted(&one, "").await,
    );
    assert_invalid(
        "template, no mobiles",
        client
            .send_template_sms(&[], "1", &TemplateParams::default())
            .await,
    );
    assert_invalid(
        "template, no template",
        client
            .send_template_sms(&one, "", &TemplateParams::default())
            .await,
    );
    assert_invalid(
        "template, non-digit phone",
        client
            .send_template_sms(&strings(&["1595197709x"]), "1", &TemplateParams::default())
            .await,
    );
    assert!(
        server.requests().is_empty(),
        "nothing was sent: {:?}",
        server.requests()
    );

    // 350 characters is the limit, not over it.
    client.send_iot_sms(&one, &"a".repeat(350)).await.unwrap();
    assert_eq!(server.requests().len(), 1);

    // The apikey must be 32 (ASCII) characters, checked at construction.
    for key in [
        "",
        "0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdef0",
        "0123456789abcdef0123456789abcde中",
    ] {
        let mut config = server.config();
        config.apikey = key.to_string();
        match Client::new(config) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "apikey"),
            other => panic!("apikey {key:?}: expected InvalidInput, got {other:?}"),
        }
    }
    assert_eq!(server.requests().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Error mapping

#[tokio::test]
async fn errors_map_to_their_types() {
    let server = TestServer::start(|rec, _| match rec.endpoint() {
        "customer/get" => fail("1005", "账号鉴权失败", "1.确定 apikey 是否正确"),
        "pool/list" => Reply::Json(s(r#"{"code":1030,"msg":"超过 ip 最大请求速度","detail":""}"#)),
        "card/stopkeep" => fail("1099", "上级错误", "通道方返回错误码:13009,同一卡号 3 分钟内不能通过此类接口重复办理业务"),
        "card/setvoicewhitetable" => Reply::Json(s(r#"{"status":"12144","message":"本月删除白名单号码次数已达上限，本次业务办理失败","result":[]}"#)),
        "card/pkg/renew" => Reply::Json(s(r#"{"code":"1080","msg":"套餐续费失败","detail":"重复续费","result":{"msisdn":"1064710578361","orderid":"","orderamount":0}}"#)),
        "sms/rpt/get" => fail("1006", "IP 鉴权失败", ""),
        "sms/mo/get" => fail("1098", "API 停用", ""),
        _ => success(rec),
    })
    .await;
    let client = server.client_with(|c| c.max_retries = 0);
    let card = CardRef::msisdn("1064710578361");

    let e = client.customer().await.unwrap_err();
    assert!(matches!(e, Error::Auth { .. }), "{e:?}");
    assert_eq!((e.code(), e.kind()), (s("1005"), "auth"));
    assert_eq!(e.failure().unwrap().detail, "1.确定 apikey 是否正确");
    assert_eq!(e.endpoint(), Some("customer/get"));
    assert_eq!(e.http_status(), Some(200));

    let e = client.sms_reports().await.unwrap_err();
    assert!(matches!(e, Error::Auth { .. }), "1006: {e:?}");

    let e = client.pools().await.unwrap_err();
    assert!(matches!(e, Error::RateLimited { .. }), "{e:?}");
    assert_eq!(e.code(), "1030", "a numeric code reads as text");

    let e = client.suspend(&card).await.unwrap_err();
    assert!(matches!(e, Error::RateLimited { .. }), "{e:?}");
    assert_eq!(e.code(), "1099");
    assert_eq!(e.failure().unwrap().carrier_code.as_deref(), Some("13009"));
    assert!(e.retry_after_secs().is_some());

    let e = client
        .remove_voice_whitelist(&card, &strings(&["13800010001"]), None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Api { .. }), "{e:?}");
    assert_eq!(e.code(), "12144");
    assert_eq!(
        e.failure().unwrap().msg,
        "本月删除白名单号码次数已达上限，本次业务办理失败"
    );

    let e = client
        .renew(&card, "xagx020", 12, &RenewOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Api { .. }), "{e:?}");
    assert_eq!(e.code(), "1080");
    let result: Value =
        serde_json::from_str(e.failure().unwrap().result.as_deref().unwrap()).unwrap();
    assert_eq!(result["msisdn"], "1064710578361");
    assert_eq!(result["orderid"], "");

    let e = client.sms_replies().await.unwrap_err();
    assert!(
        matches!(e, Error::Api { .. }) && e.code() == "1098",
        "withdrawn API: {e:?}"
    );

    // 1030 on a GET is worth retrying.
    let retrying = server.client_with(|c| c.max_retries = 2);
    let before = server.requests().len();
    assert!(matches!(
        retrying.pools().await,
        Err(Error::RateLimited { .. })
    ));
    assert_eq!(server.requests().len() - before, 3);
}

#[tokio::test]
async fn a_batch_failure_names_the_batch() {
    let server = TestServer::start(batch_2_fails).await;
    let e = server
        .client()
        .card_details(&CardSet::Msisdns(msisdns(250)))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "1031");
    let endpoint = e.endpoint().unwrap();
    assert!(
        endpoint.contains("batch 2 of 3") && endpoint.contains("1064787000100"),
        "{endpoint}"
    );
}

// ---------------------------------------------------------------------------------------------
// Secrets

fn assert_no_secret(what: &str, text: &str, signs: &[String]) {
    assert!(!text.contains(APIKEY), "{what} shows the apikey: {text}");
    assert!(
        !text.contains(&APIKEY[..16]) && !text.contains(&APIKEY[16..]),
        "{what} shows half the apikey: {text}"
    );
    for sign in signs {
        assert!(
            !text.to_ascii_lowercase().contains(sign),
            "{what} shows a sign: {text}"
        );
    }
}

#[tokio::test]
async fn debug_and_error_messages_never_show_the_apikey_or_a_sign() {
    let server = TestServer::start(|rec, n| match (rec.endpoint(), n) {
        ("customer/get", _) => fail("1005", "账号鉴权失败", "确定 apikey 是否正确"),
        ("pool/list", _) => Reply::status(500, "<html>Internal Server Error</html>"),
        ("sms/rpt/get", _) => Reply::Json(s(TRUNCATED)),
        ("sms/mo/get", _) => Reply::Drop,
        ("card/list", _) => success(rec).after(2000),
        ("card/stopkeep", _) => fail("1099", "上级错误", "通道方返回错误码:13009"),
        ("card/setvoicewhitetable", _) => {
            Reply::Json(s(r#"{"status":"12144","message":"上限","result":[]}"#))
        }
        ("card/pkg/renew", _) => Reply::Drop,
        ("sms/sendlotsms", _) => success(rec).after(2000),
        _ => success(rec),
    })
    .await;
    let client = server.client_with(|c| {
        c.max_retries = 1;
        c.timeout = Duration::from_millis(200);
    });
    let config = server.config();
    let card = CardRef::msisdn("1064787000001");
    let one = strings(&["1064787000001"]);

    let mut errors: Vec<Error> = vec![
        client.customer().await.unwrap_err(),
        client.pools().await.unwrap_err(),
        client.sms_reports().await.unwrap_err(),
        client.sms_replies().await.unwrap_err(),
        client.list_cards(1).await.unwrap_err(),
        client.suspend(&card).await.unwrap_err(),
        client.suspend(&card).await.unwrap_err(),
        client
            .add_voice_whitelist(&card, &one, None)
            .await
            .unwrap_err(),
        client
            .renew(&card, "p", 12, &RenewOptions::default())
            .await
            .unwrap_err(),
        client.send_iot_sms(&one, "hi").await.unwrap_err(),
        client.send_iot_sms(&one, "").await.unwrap_err(),
        client
            .card_details(&CardSet::Msisdns(vec![]))
            .await
            .unwrap_err(),
    ];
    // Nothing listening: a connection error (reqwest's own message would show the URL).
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut unreachable = config.clone();
    unreachable.base_url = format!("http://127.0.0.1:{closed}");
    unreachable.ops_url = Some(format!("http://127.0.0.1:{closed}"));
    unreachable.max_retries = 0;
    let unreachable = Client::new(unreachable).unwrap();
    errors.push(unreachable.pools().await.unwrap_err());
    errors.push(unreachable.resume(&card).await.unwrap_err());
    let mut bad = config.clone();
    bad.apikey = format!("{APIKEY}x");
    errors.push(Client::new(bad).unwrap_err());
    let kinds: std::collections::BTreeSet<&str> = errors.iter().map(Error::kind).collect();
    for kind in [
        "auth",
        "http",
        "decode",
        "transport",
        "timeout",
        "rate_limited",
        "cooldown",
        "api",
        "invalid_input",
    ] {
        assert!(kinds.contains(kind), "covered {kind}: {kinds:?}");
    }

    let signs: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.param("sign").unwrap().to_ascii_lowercase())
        .collect();
    assert!(signs.len() >= 10);
    for e in &errors {
        assert_no_secret("error Display", &e.to_string(), &signs);
        assert_no_secret("error Debug", &format!("{e:?}"), &signs);
    }
    assert_no_secret("Config Debug", &format!("{config:?}"), &signs);
    assert_no_secret("Client Debug", &format!("{client:?}"), &signs);
    assert!(format!("{config:?}").contains(SID), "Debug is still useful");
}

#[tokio::test]
async fn a_server_echoing_the_request_does_not_leak_the_sign_into_errors() {
    // Some front ends echo the request line in their error pages.
    let server = TestServer::start(|rec, _| {
        let echo = format!(
            "<html>No handler for {} {}?{} {}</html>",
            rec.method,
            rec.path,
            rec.query.clone().unwrap_or_default(),
            String::from_utf8_lossy(&rec.body)
        );
        if rec.endpoint() == "pool/list" {
            Reply::status(200, &echo)
        } else {
            Reply::status(404, &echo)
        }
    })
    .await;
    let client = server.client_with(|c| c.max_retries = 0);
    let errors = vec![
        client.customer().await.unwrap_err(),
        client.pools().await.unwrap_err(),
        client
            .renew(
                &CardRef::msisdn("1064787000001"),
                "p",
                12,
                &RenewOptions::default(),
            )
            .await
            .unwrap_err(),
    ];
    let signs: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.param("sign").unwrap())
        .collect();
    for e in &errors {
        assert_no_secret("error Display", &e.to_string(), &signs);
    }
}

// ---------------------------------------------------------------------------------------------
// The cards() stream

#[tokio::test]
async fn cards_stream_yields_every_card_of_every_page_once_in_order() {
    const TOTAL: usize = 237;
    let server = TestServer::start(|rec, _| {
        let page: usize = rec.param("pageindex").unwrap().parse().unwrap();
        let cards: Vec<Value> = (0..TOTAL)
            .skip((page - 1) * 100)
            .take(100)
            .map(|i| json!({"msisdns": format!("1064787{i:06}"), "iccid": "", "imsi": "", "state": "1"}))
            .collect();
        let reply = ok(&json!({"count": TOTAL, "pageindex": page, "totalpage": 3, "cards": cards}).to_string());
        // Page 2 is slow: page 3 arrives first.
        if page == 2 { reply.after(200) } else { reply }
    })
    .await;
    let client = server.client();
    let cards: Vec<cardboss::Card> = client.cards().map(|c| c.unwrap()).collect().await;
    let got: Vec<String> = cards.iter().map(|c| c.msisdn.clone()).collect();
    assert_eq!(got, msisdns(TOTAL), "every card, in order, exactly once");
    let mut pages: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.param("pageindex").unwrap())
        .collect();
    assert_eq!(
        pages[0], "1",
        "page 1 first: it tells how many pages there are"
    );
    pages.sort();
    assert_eq!(pages, ["1", "2", "3"], "each page fetched once");

    // Page by page, too.
    let mut stream = client.cards();
    let mut sizes = vec![];
    while let Some(page) = stream.next_page().await {
        sizes.push(page.unwrap().len());
    }
    assert_eq!(sizes, [100, 100, 37]);
}

#[tokio::test]
async fn cards_stream_ends_with_the_error_of_a_failing_page() {
    let server = TestServer::start(|rec, _| {
        let page: usize = rec.param("pageindex").unwrap().parse().unwrap();
        if page == 2 {
            return fail("1031", "参数值错误", "");
        }
        let cards: Vec<Value> = (0..2)
            .map(|i| json!({"msisdn": format!("10647870{page}{i:04}")}))
            .collect();
        ok(&json!({"count": 6, "pageindex": page, "totalpage": 3, "cards": cards}).to_string())
    })
    .await;
    let items: Vec<cardboss::Result<cardboss::Card>> = server.client().cards().collect().await;
    assert_eq!(
        items.len(),
        3,
        "page 1's cards, then the error, then the end: {items:?}"
    );
    assert!(items[0].is_ok() && items[1].is_ok());
    assert_eq!(items[2].as_ref().unwrap_err().code(), "1031");
}

#[tokio::test]
async fn the_client_is_shared_between_tasks() {
    let server = TestServer::start(|rec, _| success(rec).after(20)).await;
    let client = server.client();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .card_details(&CardSet::msisdns([format!("10647870000{i:02}")]))
                    .await
            })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        let cards = task.await.unwrap().unwrap();
        assert_eq!(cards[0].msisdn, format!("10647870000{i:02}"));
    }
    assert_eq!(server.requests().len(), 8);
}
