//! The SDK (core `Client`) against the sandbox over loopback HTTP: every core method, both
//! response styles, lifecycle state, cooldowns, renewals confirmed by push, SMS queues, and GET
//! retries through injected faults.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cardboss::{
    Audit, CardRef, CardSet, Client, Config, Error, PushContent, PushOptions, RenewOptions,
};
use cardboss_sandbox::{SandboxConfig, SandboxHandle, Style};
use futures::TryStreamExt;
use serde_json::{json, Value};

async fn sandbox(cards: usize, style: Style, push_url: Option<String>) -> SandboxHandle {
    let config = SandboxConfig {
        port1: 0,
        port2: 0,
        cards,
        style,
        legacy: true,
        push_url,
        // Our SDK sends both keys of every pair: strict mode proves it.
        strict: true,
        ..Default::default()
    };
    cardboss_sandbox::start(config)
        .await
        .expect("sandbox starts")
}

fn client(h: &SandboxHandle, guard: bool) -> Client {
    let mut config = Config::new(h.sid(), h.apikey())
        .base_url(h.base_url())
        .ops_url(h.ops_url());
    config.cooldown_guard = guard;
    config.retry_base = Duration::from_millis(5);
    config.retry_cap = Duration::from_millis(50);
    config.timeout = Duration::from_secs(5);
    Client::new(config).expect("valid config")
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
    let text = request.send().await.unwrap().text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

async fn requests_made(h: &SandboxHandle) -> u64 {
    admin(h, "stats", None).await["total"].as_u64().unwrap()
}

fn this_month() -> String {
    cardboss::timestamp(chrono::Utc::now(), 480)[..6].to_string()
}

#[tokio::test]
async fn every_query_endpoint_decodes_in_both_styles() {
    for style in [Style::Example, Style::Table] {
        let h = sandbox(250, style, None).await;
        let c = client(&h, true);

        let me = c.customer().await.unwrap();
        assert_eq!(me.sid, h.sid());
        assert!(me.balance > 0.0 && me.status == 1, "{me:?}");

        let page = c.list_cards(1).await.unwrap();
        assert_eq!(
            (page.count, page.totalpage, page.cards.len()),
            (250, 3, 100)
        );
        assert!(page
            .cards
            .iter()
            .all(|card| card.msisdn.len() == 13 && card.iccid.len() == 20));

        let cards: Vec<_> = c.cards().try_collect().await.unwrap();
        let unique: HashSet<_> = cards.iter().map(|card| card.msisdn.clone()).collect();
        assert_eq!((cards.len(), unique.len()), (250, 250));

        // Batches of 100, results in input order (reverse the fleet to prove it).
        let msisdns: Vec<String> = cards.iter().rev().map(|card| card.msisdn.clone()).collect();
        let details = c
            .card_details(&CardSet::Msisdns(msisdns.clone()))
            .await
            .unwrap();
        let got: Vec<_> = details.iter().map(|d| d.msisdn.clone()).collect();
        assert_eq!(got, msisdns);
        for d in &details {
            assert!(
                ["CM", "CT", "UN"].contains(&d.mno.as_str()),
                "{style:?}: mno {d:?}"
            );
            assert!((0..=6).contains(&d.msstatus));
            assert!(
                ["在线", "离线"].contains(&d.online.as_str()),
                "{style:?}: online {:?}",
                d.online
            );
            assert!(!d.onoff.is_empty());
            assert!(d.monthsyncdate.is_some() || d.pkgsyncdate.is_none());
        }

        let iccids: Vec<String> = cards
            .iter()
            .take(150)
            .map(|card| card.iccid.clone())
            .collect();
        let usage = c
            .current_usage(&CardSet::Iccids(iccids.clone()))
            .await
            .unwrap();
        assert_eq!(
            usage.iter().map(|u| u.iccids.clone()).collect::<Vec<_>>(),
            iccids
        );

        let history = c
            .usage_history(
                &this_month(),
                &CardSet::Msisdns(msisdns[..120].to_vec()),
                None,
            )
            .await
            .unwrap();
        assert!(!history.is_empty());
        assert!(history
            .iter()
            .all(|m| m.month == this_month() && msisdns.contains(&m.msisdn)));

        let pkgs = c.packages(&CardRef::msisdn(&msisdns[0])).await.unwrap();
        assert!(
            pkgs.count >= 1 && pkgs.pkgs.iter().any(|p| p.mainpkg),
            "{pkgs:?}"
        );

        let pools = c.pools().await.unwrap();
        assert!(pools.iter().any(|p| p.sid == h.sid()) && pools.iter().any(|p| p.sid != h.sid()));

        #[allow(deprecated)]
        {
            let today = cardboss::timestamp(chrono::Utc::now(), 480)[..8].to_string();
            let daily = c
                .daily_usage(&today, &CardSet::Msisdns(msisdns[..5].to_vec()))
                .await
                .unwrap();
            assert_eq!(daily.day, today);
            c.arrears(1).await.unwrap();
        }
        h.shutdown().await;
    }
}

#[tokio::test]
async fn withdrawn_endpoints_answer_1098_without_legacy() {
    let h = sandbox(10, Style::Example, None).await;
    admin(&h, "config", Some(json!({"legacy": false}))).await;
    #[allow(deprecated)]
    let err = client(&h, true).arrears(1).await.unwrap_err();
    assert_eq!((err.kind(), err.code().as_str()), ("api", "1098"));
    h.shutdown().await;
}

#[tokio::test]
async fn lifecycle_changes_state_and_cooldowns_hold() {
    let h = sandbox(50, Style::Example, None).await;
    let guarded = client(&h, true);
    let msisdn = guarded.list_cards(1).await.unwrap().cards[3].msisdn.clone();
    let card = CardRef::msisdn(&msisdn);
    let state = |c: Client, m: String| async move {
        c.card_details(&CardSet::Msisdns(vec![m]))
            .await
            .unwrap()
            .remove(0)
            .msstatus
    };

    guarded.suspend(&card).await.unwrap();
    assert_eq!(state(guarded.clone(), msisdn.clone()).await, 3);

    // The local guard refuses the repeat without a request.
    let before = requests_made(&h).await;
    let err = guarded.resume(&card).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Cooldown {
                retry_after_secs: 170..=180,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(requests_made(&h).await, before, "nothing was sent");

    // Without the guard the carrier refuses: 1099 carrying 13009.
    let unguarded = client(&h, false);
    let err = unguarded.resume(&card).await.unwrap_err();
    assert_eq!((err.kind(), err.code().as_str()), ("rate_limited", "1099"));
    assert_eq!(
        err.failure().unwrap().carrier_code.as_deref(),
        Some("13009")
    );

    admin(&h, "clock/advance", Some(json!({"seconds": 181}))).await;
    unguarded.resume(&card).await.unwrap();
    assert_eq!(state(guarded.clone(), msisdn.clone()).await, 2);

    // Data off and on, and the voice whitelist, on other cards.
    let cards = guarded.list_cards(1).await.unwrap().cards;
    let details = guarded
        .card_details(&CardSet::Msisdns(
            cards.iter().map(|c| c.msisdn.clone()).collect(),
        ))
        .await
        .unwrap();
    let single_apn = details
        .iter()
        .find(|d| !d.openapns.contains(',') && d.msisdn != msisdn)
        .unwrap();
    guarded
        .disable_data(&CardRef::msisdn(&single_apn.msisdn), None)
        .await
        .unwrap();
    let after = guarded
        .card_details(&CardSet::msisdns([single_apn.msisdn.clone()]))
        .await
        .unwrap();
    assert!(
        after[0].apnstatus.contains("暂停"),
        "{:?}",
        after[0].apnstatus
    );

    if let Some(multi) = details.iter().find(|d| d.openapns.contains(',')) {
        let err = unguarded
            .disable_data(&CardRef::msisdn(&multi.msisdn), None)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "1031");
    }

    let other = CardRef::msisdn(&cards[7].msisdn);
    let numbers = vec!["13800000001".to_string(), "13800000002".to_string()];
    guarded
        .add_voice_whitelist(&other, &numbers, None)
        .await
        .unwrap();
    let err = guarded
        .remove_voice_whitelist(&other, &numbers[..1], None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "cooldown");
    h.shutdown().await;
}

/// A push receiver on loopback that stores bodies and answers `success`.
async fn receiver() -> (String, Arc<Mutex<Vec<Vec<u8>>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let store = bodies.clone();
    let app = axum::Router::new().route(
        "/push",
        axum::routing::post(move |body: axum::body::Bytes| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push(body.to_vec());
                cardboss::PUSH_ACK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/push", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, bodies)
}

#[tokio::test]
async fn renewal_is_confirmed_by_a_signed_push() {
    let (url, bodies) = receiver().await;
    let h = sandbox(30, Style::Example, Some(url)).await;
    let c = client(&h, true);
    let msisdn = c.list_cards(1).await.unwrap().cards[0].msisdn.clone();
    let card = CardRef::msisdn(&msisdn);
    let main = c
        .packages(&card)
        .await
        .unwrap()
        .pkgs
        .into_iter()
        .find(|p| p.mainpkg)
        .unwrap();
    let options = RenewOptions {
        audit: Some(Audit::Automatic),
        ..Default::default()
    };
    let order = c.renew(&card, &main.pkgcode, 12, &options).await.unwrap();
    assert!(
        !order.orderid.is_empty() && order.orderamount > 0.0,
        "{order:?}"
    );

    // A second order while the first is pending: 1080, with the result kept.
    let err = c
        .renew(&card, &main.pkgcode, 12, &RenewOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "1080");
    assert!(err.failure().unwrap().result.is_some());

    admin(&h, "clock/advance", Some(json!({"seconds": 120}))).await;
    let mut push = None;
    for _ in 0..100 {
        if let Some(body) = bodies.lock().unwrap().first().cloned() {
            push = Some(body);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let body = push.expect("an OD1002 push arrives");
    let options = PushOptions {
        expected_sid: Some(h.sid().into()),
        max_age_ms: Some(600_000),
        ..Default::default()
    };
    let verified = cardboss::verify_push(&body, h.apikey(), &options).unwrap();
    let PushContent::RenewalResult { result } = verified.content else {
        panic!("{verified:?}")
    };
    assert_eq!(
        (result.orderid.as_str(), result.succeeded()),
        (order.orderid.as_str(), true)
    );
    assert!(cardboss::verify_push(&body, "ffffffffffffffffffffffffffffffff", &options).is_err());
    h.shutdown().await;
}

#[tokio::test]
async fn sms_are_sent_reported_and_answered() {
    let h = sandbox(30, Style::Table, None).await;
    let c = client(&h, true);
    let mobiles: Vec<String> = c.list_cards(1).await.unwrap().cards[..3]
        .iter()
        .map(|x| x.msisdn.clone())
        .collect();

    let plain = c.send_iot_sms(&mobiles, "reboot").await.unwrap();
    assert_eq!((plain.count, plain.fee), (3, 3));
    let long = "x".repeat(100);
    let encrypted = c
        .send_iot_sms_encrypted(&mobiles[..1], &long)
        .await
        .unwrap();
    assert_eq!((encrypted.count, encrypted.fee), (1, 2));
    let params = vec![
        ("1".to_string(), "张三".to_string()),
        ("2".to_string(), "即将到期".to_string()),
    ];
    let template = c
        .send_template_sms(&["13800000001".to_string()], "1001", &params)
        .await
        .unwrap();
    assert_eq!(template.count, 1);
    assert_ne!(plain.taskid, encrypted.taskid);

    let reports = c.sms_reports().await.unwrap();
    let tasks: HashSet<_> = reports.iter().map(|r| r.taskid.clone()).collect();
    assert!(
        tasks.contains(&plain.taskid) && tasks.contains(&encrypted.taskid),
        "{reports:?}"
    );
    assert!(
        reports.iter().all(|r| r.rpttime.is_some()),
        "table style carries rpttime"
    );
    assert!(
        c.sms_reports().await.unwrap().is_empty(),
        "a report is fetched once"
    );

    admin(
        &h,
        "sms/upstream",
        Some(json!({"mobile": mobiles[0], "content": "OK 42"})),
    )
    .await;
    let replies = c.sms_replies().await.unwrap();
    assert!(replies
        .iter()
        .any(|r| r.mobile == mobiles[0] && r.content == "OK 42" && !r.scode.is_empty()));

    let err = c
        .send_template_sms(&["13800000001".to_string()], "9999", &params)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "1031");
    h.shutdown().await;
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let h = sandbox(10, Style::Example, None).await;
    let c = client(&h, true);
    let before = requests_made(&h).await;
    let card = CardRef::msisdn("1064787000001");
    let errors = vec![
        c.card_details(&CardSet::Msisdns(vec![])).await.unwrap_err(),
        c.card_details(&CardSet::msisdns(["10647870000x1"]))
            .await
            .unwrap_err(),
        c.usage_history("201901", &CardSet::msisdns(["1064787000001"]), None)
            .await
            .unwrap_err(),
        c.renew(&card, "xagx010", 0, &RenewOptions::default())
            .await
            .unwrap_err(),
        c.send_iot_sms(&["1064787000001".into()], "")
            .await
            .unwrap_err(),
        c.send_iot_sms(&["1064787000001".into()], &"x".repeat(351))
            .await
            .unwrap_err(),
        c.add_voice_whitelist(&card, &vec!["13800000001".to_string(); 6], None)
            .await
            .unwrap_err(),
        c.remove_voice_whitelist(&card, &vec!["13800000001".to_string(); 3], None)
            .await
            .unwrap_err(),
    ];
    for e in &errors {
        assert_eq!(e.code(), "INVALID_INPUT", "{e}");
    }
    assert_eq!(requests_made(&h).await, before, "nothing was sent");
    h.shutdown().await;
}

#[tokio::test]
async fn gets_retry_through_faults_and_lose_no_card() {
    let h = sandbox(600, Style::Example, None).await;
    let mut config = Config::new(h.sid(), h.apikey())
        .base_url(h.base_url())
        .ops_url(h.ops_url());
    config.max_retries = 8;
    config.retry_base = Duration::from_millis(2);
    config.retry_cap = Duration::from_millis(20);
    config.timeout = Duration::from_secs(2);
    let c = Client::new(config).unwrap();
    let kinds = json!(["http500", "http502", "reset", "truncated", "code1090"]);
    admin(&h, "faults", Some(json!({"rate": 0.3, "kinds": kinds}))).await;

    let cards: Vec<_> = c.cards().try_collect().await.unwrap();
    let unique: HashSet<_> = cards.iter().map(|x| x.msisdn.clone()).collect();
    assert_eq!((cards.len(), unique.len()), (600, 600));
    let ids = CardSet::Msisdns(cards.iter().map(|x| x.msisdn.clone()).collect());
    assert_eq!(c.card_details(&ids).await.unwrap().len(), 600);
    h.shutdown().await;
}
