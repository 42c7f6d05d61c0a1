//! Id pairs (`msisdns`/`iccids`, `msisdn`/`iccid`): the platform answers a request that sends
//! only the key it uses, signed over that key alone (NOTES.md); strict mode answers 1012.
//! Every endpoint of the spec with a pair, on both ports, GET and POST, by hand-written
//! requests (a query string or form body put together with `format!`, MD5 signed by hand).

mod common;
use cardboss_sandbox::{SandboxConfig, SandboxHandle};
use common::*;
use serde_json::Value;

/// One hand-written request: what is sent, in order, and which of those values are signed.
struct Case {
    path: &'static str,
    port2: bool,
    post: bool,
    /// Parameters besides sid, sign, ts, in the order they are sent.
    params: Vec<(&'static str, String)>,
    /// Values signed after sid+apikey+ts: only the keys sent (absent ones add nothing).
    signed: Vec<&'static str>,
    /// The pair key left out (strict mode names it).
    missing: &'static str,
}

fn md5_hex(s: &str) -> String {
    // The signature by its definition, not through the SDK's signing helpers.
    use md5::Digest;
    md5::Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn send(h: &SandboxHandle, case: &Case) -> Value {
    let ts = ts();
    let mut plain = format!("{}{}{ts}", h.sid(), h.apikey());
    for k in &case.signed {
        plain.push_str(&case.params.iter().find(|(n, _)| n == k).unwrap().1);
    }
    let mut text = format!("sid={}&sign={}&ts={ts}", h.sid(), md5_hex(&plain));
    for (k, v) in &case.params {
        text.push_str(&format!("&{k}={v}"));
    }
    let base = if case.port2 {
        h.ops_url()
    } else {
        h.base_url()
    };
    let url = format!("{base}/iotapi/rest/v2/{}", case.path);
    let c = reqwest::Client::new();
    let r = if case.post {
        c.post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(text)
    } else {
        c.get(format!("{url}?{text}"))
    };
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 200, "{}", case.path);
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

fn p(k: &'static str, v: &str) -> (&'static str, String) {
    (k, v.to_string())
}

async fn sandbox(strict: bool) -> SandboxHandle {
    cardboss_sandbox::start(SandboxConfig {
        strict,
        legacy: true,
        ..config()
    })
    .await
    .expect("sandbox starts")
}

/// A card of the fleet: (msisdn, iccid, a package code it owns, whether it has one APN).
fn card(h: &SandboxHandle, i: usize) -> (String, String, String, bool) {
    let st = h.state();
    let w = st.lock();
    let today = w.today();
    let c = w
        .fleet
        .cards
        .iter()
        .skip(i)
        .find(|c| {
            c.pool.is_none()
                && c.apns.len() == 1
                && c.main_pkg(today)
                    .is_some_and(|p| p.def().category == 1 && p.end >= today)
        })
        .unwrap();
    let pkg = c.main_pkg(today).unwrap().def().code.to_string();
    (c.msisdn.clone(), c.iccid.clone(), pkg, c.apns.len() == 1)
}

fn cases(h: &SandboxHandle) -> Vec<Case> {
    let (m, i, pkg, _) = card(h, 0);
    let month = {
        let now = chrono::Utc::now() + chrono::Duration::hours(8);
        now.format("%Y%m").to_string()
    };
    let day = {
        let d = chrono::Utc::now() + chrono::Duration::hours(8) - chrono::Duration::days(1);
        d.format("%Y%m%d").to_string()
    };
    let get = |path, params: Vec<(&'static str, String)>, signed, missing| Case {
        path,
        port2: false,
        post: false,
        params,
        signed,
        missing,
    };
    let op = |path, params: Vec<(&'static str, String)>, signed, missing| Case {
        path,
        port2: true,
        post: true,
        params,
        signed,
        missing,
    };
    vec![
        get(
            "card/detail",
            vec![p("msisdns", &m)],
            vec!["msisdns"],
            "iccids",
        ),
        get(
            "card/detail",
            vec![p("iccids", &i)],
            vec!["iccids"],
            "msisdns",
        ),
        get(
            "card/usage/current",
            vec![p("msisdns", &m)],
            vec!["msisdns"],
            "iccids",
        ),
        get(
            "card/usage/current",
            vec![p("iccids", &i)],
            vec!["iccids"],
            "msisdns",
        ),
        get(
            "card/usage/past",
            vec![p("month", &month), p("msisdns", &m)],
            vec!["month", "msisdns"],
            "iccids",
        ),
        get(
            "card/usage/past",
            vec![p("month", &month), p("iccids", &i)],
            vec!["month", "iccids"],
            "msisdns",
        ),
        get(
            "card/pkg/get",
            vec![p("msisdn", &m)],
            vec!["msisdn"],
            "iccid",
        ),
        get(
            "card/pkg/get",
            vec![p("iccid", &i)],
            vec!["iccid"],
            "msisdn",
        ),
        get(
            "card/usage/day",
            vec![p("day", &day), p("msisdns", &m)],
            vec!["day", "msisdns"],
            "iccids",
        ),
        Case {
            path: "card/pkg/renew",
            port2: false,
            post: true,
            params: vec![p("msisdn", &m), p("pkgcode", &pkg), p("month", "12")],
            signed: vec!["msisdn", "pkgcode", "month"],
            missing: "iccid",
        },
        op(
            "card/stoptest",
            vec![p("msisdn", &m)],
            vec!["msisdn"],
            "iccid",
        ),
        op(
            "card/setvoicewhitetable",
            vec![
                p("iccid", &i),
                p("opertype", "1"),
                p("content", "13800000000"),
            ],
            vec!["iccid", "opertype", "content"],
            "msisdn",
        ),
    ]
}

/// The other lifecycle operations share one 3-minute cooldown per card: each gets a card of
/// its own.
fn more_ops(h: &SandboxHandle) -> Vec<Case> {
    let (m2, _, _, _) = card(h, 10);
    let (_, i3, _, _) = card(h, 20);
    let (m4, _, _, one_apn) = card(h, 30);
    assert!(one_apn);
    let op = |path, params: Vec<(&'static str, String)>, signed, missing| Case {
        path,
        port2: true,
        post: true,
        params,
        signed,
        missing,
    };
    vec![
        op(
            "card/foractive",
            vec![p("msisdn", &m2)],
            vec!["msisdn"],
            "iccid",
        ),
        op(
            "card/stopkeep",
            vec![p("iccid", &i3), p("stopkeep", "0")],
            vec!["iccid", "stopkeep"],
            "msisdn",
        ),
        op(
            "card/switchnet",
            vec![p("msisdn", &m4), p("opertype", "0")],
            vec!["msisdn", "opertype"],
            "iccid",
        ),
    ]
}

async fn lenient(path: &str) {
    let h = sandbox(false).await;
    let all: Vec<Case> = cases(&h).into_iter().chain(more_ops(&h)).collect();
    let mine: Vec<&Case> = all.iter().filter(|c| c.path == path).collect();
    assert!(!mine.is_empty());
    for case in mine {
        let v = send(&h, case).await;
        assert_eq!(code(&v), "0", "{path} without {}: {v}", case.missing);
        // The answer is about the card that was named.
        let named = &case
            .params
            .iter()
            .find(|(k, _)| k.starts_with("msisdn") || k.starts_with("iccid"))
            .unwrap()
            .1;
        let text = v.to_string();
        if !case.post {
            let st = h.state();
            let w = st.lock();
            let c = &w.fleet.cards[w.fleet.find(named).unwrap() as usize];
            assert!(text.contains(&c.msisdn), "{path}: {text}");
        }
    }
    let ledger = h.ledger();
    if all.iter().any(|c| c.path == path && c.post) {
        assert!(
            ledger.iter().any(|e| e.endpoint == path && e.applied),
            "{path} took effect"
        );
    }
    h.shutdown().await;
}

#[tokio::test]
async fn detail_lenient() {
    lenient("card/detail").await;
}

#[tokio::test]
async fn usage_current_lenient() {
    lenient("card/usage/current").await;
}

#[tokio::test]
async fn usage_past_lenient() {
    lenient("card/usage/past").await;
}

#[tokio::test]
async fn pkg_get_lenient() {
    lenient("card/pkg/get").await;
}

#[tokio::test]
async fn usage_day_lenient() {
    lenient("card/usage/day").await;
}

#[tokio::test]
async fn renew_lenient() {
    lenient("card/pkg/renew").await;
}

#[tokio::test]
async fn stoptest_lenient() {
    lenient("card/stoptest").await;
}

#[tokio::test]
async fn foractive_lenient() {
    lenient("card/foractive").await;
}

#[tokio::test]
async fn stopkeep_lenient() {
    lenient("card/stopkeep").await;
}

#[tokio::test]
async fn switchnet_lenient() {
    lenient("card/switchnet").await;
}

#[tokio::test]
async fn setvoicewhitetable_lenient() {
    lenient("card/setvoicewhitetable").await;
}

/// The lenient reading changes nothing else: both keys absent is still 1031 (both empty), and
/// the sign still covers the empty value (a sign over a value that was not sent fails).
#[tokio::test]
async fn lenient_keeps_the_other_checks() {
    let h = sandbox(false).await;
    let none = Case {
        path: "card/detail",
        port2: false,
        post: false,
        params: vec![],
        signed: vec![],
        missing: "msisdns",
    };
    assert_eq!(code(&send(&h, &none).await), "1031");
    let (m, _, _, _) = card(&h, 0);
    let ts = ts();
    let sign = md5_hex(&format!("{}{}{ts}{m}{m}", h.sid(), h.apikey()));
    let url = format!(
        "{}/iotapi/rest/v2/card/detail?sid={}&sign={sign}&ts={ts}&msisdns={m}",
        h.base_url(),
        h.sid()
    );
    let v: Value =
        serde_json::from_str(&reqwest::get(url).await.unwrap().text().await.unwrap()).unwrap();
    assert_eq!(code(&v), "1005", "{v}");
    h.shutdown().await;
}

#[tokio::test]
async fn strict_mode_refuses_a_missing_pair_key() {
    let h = sandbox(true).await;
    for case in cases(&h).iter().chain(more_ops(&h).iter()) {
        let v = send(&h, case).await;
        assert_eq!(code(&v), "1012", "{}: {v}", case.path);
        assert_eq!(
            v["detail"],
            format!("缺少必填参数: {}", case.missing),
            "{}",
            case.path
        );
    }
    assert!(h.ledger().is_empty(), "nothing took effect");
    // Switched at run time, the same sandbox is lenient.
    h.update_config(cardboss_sandbox::ConfigUpdate {
        strict: Some(false),
        ..Default::default()
    });
    assert_eq!(code(&send(&h, &cases(&h)[0]).await), "0");
    h.shutdown().await;
}
