//! Fault injection: each kind observable; POST faults before/after recorded in the ledger.

mod common;
use common::*;
use serde_json::json;

async fn set(t: &T, kind: &str, stage: Option<&str>) {
    t.admin_post(
        "faults",
        json!({"rate": 1.0, "kinds": [kind], "delay_secs": 0.6, "stage": stage}),
    )
    .await;
}

#[tokio::test]
async fn each_fault_kind() {
    let t = boot().await;
    let q = t.signed(&[], &[]);
    let url = format!(
        "{}?{}",
        t.url(false, "customer/get"),
        serde_urlencoded::to_string(&q).unwrap()
    );
    set(&t, "http500", None).await;
    assert_eq!(t.c.get(&url).send().await.unwrap().status(), 500);
    set(&t, "http502", None).await;
    let r = t.c.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 502);
    assert!(r.text().await.unwrap().contains("<html>"));
    set(&t, "truncated", None).await;
    let body = t.c.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(
        body.starts_with('{') && serde_json::from_str::<serde_json::Value>(&body).is_err(),
        "{body}"
    );
    set(&t, "code1090", None).await;
    let v: serde_json::Value =
        serde_json::from_str(&t.c.get(&url).send().await.unwrap().text().await.unwrap()).unwrap();
    assert_eq!(code(&v), "1090");
    set(&t, "reset", None).await;
    let res = match t.c.get(&url).send().await {
        Ok(r) => r.text().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(
        res.is_err(),
        "a reset connection cannot yield a whole answer"
    );
    set(&t, "delay", None).await;
    let quick = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();
    let e = quick.get(&url).send().await.unwrap_err();
    assert!(e.is_timeout());
    // Admin routes are never faulted.
    assert_eq!(t.admin_get("stats").await["endpoints"]["customer/get"], 6);
    t.admin_post("faults", json!({"rate": 0.0})).await;
    assert_eq!(code(&t.get("customer/get", &[], &[]).await), "0");
    t.h.shutdown().await;
}

#[tokio::test]
async fn post_faults_before_and_after() {
    let t = boot().await;
    let m = t.card_where(|c| c.msstatus == 2);
    let m2 = t.card_where(|c| c.msstatus == 2 && c.msisdn != m);
    let send = |msisdn: String| {
        let t = &t;
        async move {
            let form = t.signed(
                &[("msisdn", &msisdn), ("iccid", ""), ("stopkeep", "0")],
                &["msisdn", "iccid", "stopkeep"],
            );
            t.c.post(t.url(true, "card/stopkeep"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string(&form).unwrap())
                .send()
                .await
                .unwrap()
        }
    };
    set(&t, "http500", Some("before")).await;
    assert_eq!(send(m.clone()).await.status(), 500);
    assert_eq!(
        t.admin_get(&format!("cards/{m}")).await["msstatus"],
        2,
        "nothing happened"
    );
    set(&t, "http502", Some("after")).await;
    assert_eq!(send(m2.clone()).await.status(), 502);
    assert_eq!(
        t.admin_get(&format!("cards/{m2}")).await["msstatus"],
        3,
        "it took effect"
    );
    let ledger = t.admin_get("ledger").await;
    let l = ledger.as_array().unwrap();
    assert_eq!(l.len(), 2);
    assert_eq!(
        (
            l[0]["applied"].as_bool(),
            l[0]["fault"]["stage"].as_str(),
            l[0]["fault"]["kind"].as_str()
        ),
        (Some(false), Some("before"), Some("http500"))
    );
    assert_eq!(l[0]["cards"][0], m.as_str());
    assert_eq!(
        (l[1]["applied"].as_bool(), l[1]["fault"]["stage"].as_str()),
        (Some(true), Some("after"))
    );
    assert_eq!(l[1]["cards"][0], m2.as_str());
    // A retry of the after-faulted operation hits the cooldown: nothing is duplicated.
    t.admin_post("faults", json!({"rate": 0.0})).await;
    let v: serde_json::Value =
        serde_json::from_str(&send(m2.clone()).await.text().await.unwrap()).unwrap();
    assert_eq!(code(&v), "1099");
    assert_eq!(t.admin_get("ledger").await.as_array().unwrap().len(), 2);
    t.h.shutdown().await;
}

#[tokio::test]
async fn fault_rate_is_deterministic() {
    let run = || async {
        let t = boot_with(cardboss_sandbox::SandboxConfig {
            faults: 0.3,
            seed: 9,
            ..config()
        })
        .await;
        let mut statuses = Vec::new();
        for _ in 0..20 {
            t.admin_post(
                "faults",
                json!({"rate": 0.3, "kinds": ["http500", "code1090"]}),
            )
            .await;
            let q = t.signed(&[], &[]);
            let url = format!(
                "{}?{}",
                t.url(false, "customer/get"),
                serde_urlencoded::to_string(&q).unwrap()
            );
            let r = t.c.get(&url).send().await.unwrap();
            statuses.push(format!(
                "{} {}",
                r.status().as_u16(),
                r.text().await.unwrap().contains("1090")
            ));
        }
        t.h.shutdown().await;
        statuses
    };
    let a = run().await;
    assert_eq!(a, run().await);
    assert!(
        a.iter().any(|s| !s.starts_with("200 false")),
        "some faults at rate 0.3"
    );
    assert!(
        a.iter().any(|s| s.starts_with("200 false")),
        "some successes at rate 0.3"
    );
}
