//! Id pairs (`msisdns`/`iccids`, `msisdn`/`iccid`): the platform answers a request that sends
//! only the key it uses, signed over that key alone (NOTES.md); strict mode answers 1012.
//! Every endpoint of the spec with a pair, on both ports, GET and POST, by hand-written
//! requests (a query string or form body put together with `format!`, MD5 signed by hand).

mod common;
use cardboss_sandbox::{SandboxConfig, SandboxHandle};
use common::*;
use serde_json::Value;

/// One hand-written request. Every parameter sent is signed, in the formula's order (the left
/// out key adds nothing to the signed text).
struct Case {
    path: &'static str,
    port2: bool,
    post: bool,
    /// Parameters besides sid, sign, ts, in the order they are sent and signed.
    params: Vec<(&'static str, String)>,
    /// The pair key left out (strict mode names it).
    missing: &'static str,
}

fn case(path: &'static str, params: &[(&'static str, &str)], missing: &'static str) -> Case {
    let spec = cardboss_sandbox::checks::ENDPOINTS
        .iter()
        .find(|e| e.path == path)
        .unwrap();
    Case {
        path,
        port2: spec.port == 2,
        post: spec.post,
        params: params.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        missing,
    }
}

/// A query naming the card by one key of its pair, then by the other.
fn both(
    path: &'static str,
    before: &[(&'static str, &str)],
    plural: bool,
    m: &str,
    i: &str,
) -> [Case; 2] {
    let (km, ki) = if plural {
        ("msisdns", "iccids")
    } else {
        ("msisdn", "iccid")
    };
    let with = |k, v| {
        let mut p = before.to_vec();
        p.push((k, v));
        p
    };
    [case(path, &with(km, m), ki), case(path, &with(ki, i), km)]
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
    for (_, v) in &case.params {
        plain.push_str(v);
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

async fn sandbox(strict: bool) -> SandboxHandle {
    cardboss_sandbox::start(SandboxConfig {
        strict,
        legacy: true,
        ..config()
    })
    .await
    .expect("sandbox starts")
}

fn cases(h: &SandboxHandle) -> Vec<Case> {
    let (m, i, pkg) = month_pack_card(h, 0);
    let now = chrono::Utc::now() + chrono::Duration::hours(8);
    let month = now.format("%Y%m").to_string();
    let day = (now - chrono::Duration::days(1))
        .format("%Y%m%d")
        .to_string();
    let mut all: Vec<Case> = Vec::new();
    all.extend(both("card/detail", &[], true, &m, &i));
    all.extend(both("card/usage/current", &[], true, &m, &i));
    all.extend(both("card/usage/past", &[("month", &month)], true, &m, &i));
    all.extend(both("card/pkg/get", &[], false, &m, &i));
    all.push(case(
        "card/usage/day",
        &[("day", &day), ("msisdns", &m)],
        "iccids",
    ));
    all.push(case(
        "card/pkg/renew",
        &[("msisdn", &m), ("pkgcode", &pkg), ("month", "12")],
        "iccid",
    ));
    all.push(case("card/stoptest", &[("msisdn", &m)], "iccid"));
    all.push(case(
        "card/setvoicewhitetable",
        &[("iccid", &i), ("opertype", "1"), ("content", "13800000000")],
        "msisdn",
    ));
    all
}

/// The other lifecycle operations share one 3-minute cooldown per card: each gets a card of
/// its own.
fn more_ops(h: &SandboxHandle) -> Vec<Case> {
    let (m2, _, _) = month_pack_card(h, 10);
    let (_, i3, _) = month_pack_card(h, 20);
    let (m4, _, _) = month_pack_card(h, 30); // one APN: switchnet needs no apnname
    vec![
        case("card/foractive", &[("msisdn", &m2)], "iccid"),
        case(
            "card/stopkeep",
            &[("iccid", &i3), ("stopkeep", "0")],
            "msisdn",
        ),
        case(
            "card/switchnet",
            &[("msisdn", &m4), ("opertype", "0")],
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
    let none = case("card/detail", &[], "msisdns");
    assert_eq!(code(&send(&h, &none).await), "1031");
    let (m, _, _) = month_pack_card(&h, 0);
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
    // The cases cover every endpoint with an id pair.
    let mut covered: Vec<&str> = cases(&h)
        .iter()
        .chain(&more_ops(&h))
        .map(|c| c.path)
        .collect();
    covered.sort();
    covered.dedup();
    let mut paired: Vec<&str> = cardboss_sandbox::checks::ENDPOINTS
        .iter()
        .filter(|e| e.required.iter().any(|k| k.starts_with("msisdn")))
        .map(|e| e.path)
        .collect();
    paired.sort();
    assert_eq!(covered, paired);
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
