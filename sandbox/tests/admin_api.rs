//! The Rust admin API (the one the HTTP admin routes and the in-process sandboxes of the
//! bindings call): order rejection, OD1010 warnings of every type, clock, faults, stats.

mod common;
use cardboss_sandbox::{AdminError, FaultKind, OrderStatus, WarningFigures, WARNING_TYPES};
use common::*;
use serde_json::{json, Value};

const RENEW_SIGNED: [&str; 4] = ["msisdn", "iccid", "pkgcode", "month"];

async fn order(t: &T, msisdn: &str, pkg: &str) -> String {
    let p = [
        ("msisdn", msisdn),
        ("iccid", ""),
        ("pkgcode", pkg),
        ("month", "12"),
        ("repetition", "1"),
    ];
    let v = t.post(false, "card/pkg/renew", &p, &RENEW_SIGNED).await;
    assert_eq!(code(&v), "0", "{v}");
    v["result"]["orderid"].as_str().unwrap().to_string()
}

fn push_data(body: &str) -> (Value, Value) {
    let v: Value = serde_json::from_str(body).unwrap();
    let data: Value = serde_json::from_str(v["data"].as_str().unwrap()).unwrap();
    (v, data)
}

#[tokio::test]
async fn rejected_order_charges_nothing_and_pushes_status_0() {
    let rx = receiver(0).await;
    let t = boot_with(cardboss_sandbox::SandboxConfig {
        push_url: Some(rx.url.clone()),
        ..config()
    })
    .await;
    let (m, _, pkg) = month_pack_card(&t.h, 0);
    let balance = t.h.config().balance;
    let pkgs_before = t.h.card(&m).unwrap().card.pkgs.len();

    let first = order(&t, &m, &pkg).await;
    let o = t.h.reject_order(&first).expect("pending order rejected");
    assert_eq!(o.status, OrderStatus::Rejected);
    let got = rx.wait(1).await;
    let (v, data) = push_data(&got[0].1);
    assert_eq!(v["sn"], "OD1002");
    assert_eq!(v["level"], "error");
    assert_eq!(data["status"], "0");
    assert_eq!(data["orderid"], first.as_str());
    assert_eq!(data["msisdn"], m.as_str());
    assert_eq!(t.h.config().balance, balance, "nothing charged");
    assert_eq!(t.h.card(&m).unwrap().card.pkgs.len(), pkgs_before);
    assert!(t
        .h
        .ledger()
        .iter()
        .any(|e| e.action == "renew.rejected" && e.cards == [m.clone()]));

    // A settled order is not pending any more; an unknown one is unknown.
    assert_eq!(
        t.h.approve_order(&first).unwrap_err(),
        AdminError::OrderNotPending {
            orderid: first.clone(),
            status: OrderStatus::Rejected
        }
    );
    assert!(matches!(
        t.h.reject_order("CR000"),
        Err(AdminError::UnknownOrder { .. })
    ));

    // The HTTP route calls the same function.
    let second = order(&t, &m, &pkg).await;
    let v = t
        .admin_post(&format!("orders/{second}/reject"), json!({}))
        .await;
    assert_eq!(v["status"], "rejected", "{v}");
    let v = t
        .admin_post(&format!("orders/{second}/reject"), json!({}))
        .await;
    assert!(v["error"].as_str().unwrap().contains("not pending"), "{v}");
    let (_, data) = push_data(&rx.wait(2).await[1].1);
    assert_eq!(data["status"], "0");

    // Approval still confirms with status 1.
    let third = order(&t, &m, &pkg).await;
    assert_eq!(
        t.h.approve_order(&third).unwrap().status,
        OrderStatus::Confirmed
    );
    let (_, data) = push_data(&rx.wait(3).await[2].1);
    assert_eq!(data["status"], "1");
    assert!(t.h.config().balance < balance);
}

#[tokio::test]
async fn every_documented_warning_type_can_be_sent() {
    let rx = receiver(0).await;
    let t = boot().await;
    let m = t.h.msisdn(0);
    // Without a receiver nothing is pushed, and the answer says so.
    let sent = t.h.send_warning(&m, 11, WarningFigures::default()).unwrap();
    assert!(!sent.pushed);
    t.h.set_push_url(Some(rx.url.clone()));

    for (n, &ty) in WARNING_TYPES.iter().enumerate() {
        if n % 2 == 0 {
            let sent = t.h.send_warning(&m, ty, WarningFigures::default()).unwrap();
            assert!(sent.pushed);
            assert_eq!(sent.item.warning_type, ty.to_string());
        } else {
            let v = t
                .admin_post(
                    &format!("cards/{m}/warning"),
                    json!({"type": ty, "total": 100, "usage": 150.5}),
                )
                .await;
            assert_eq!(v["item"]["type"], ty.to_string(), "{v}");
            assert_eq!(v["item"]["outflow"], 50.5, "{v}");
        }
    }
    let got = rx.wait(WARNING_TYPES.len()).await;
    let mut types: Vec<String> = Vec::new();
    for (_, body) in &got {
        let (v, data) = push_data(body);
        assert_eq!(v["sn"], "OD1010");
        assert_eq!(v["level"], "warning");
        let items = data.as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["msisdn"], m.as_str());
        for k in [
            "id", "date", "mon", "iccid", "imei", "planname", "total", "usage",
        ] {
            assert!(!items[0][k].is_null(), "{k} in {data}");
        }
        types.push(items[0]["type"].as_str().unwrap().to_string());
    }
    types.sort();
    let mut want: Vec<String> = WARNING_TYPES.iter().map(u8::to_string).collect();
    want.sort();
    assert_eq!(types, want);

    assert!(matches!(
        t.h.send_warning(&m, 16, WarningFigures::default()),
        Err(AdminError::InvalidInput { .. })
    ));
    assert!(matches!(
        t.h.send_warning("1064000000000", 11, WarningFigures::default()),
        Err(AdminError::UnknownCard { .. })
    ));
}

#[tokio::test]
async fn clock_faults_and_stats_through_the_rust_api() {
    let t = boot().await;
    let before = t.h.clock();
    let after = t.h.advance_clock(3600);
    assert_eq!(after.offset_secs, before.offset_secs + 3600);
    assert!(after.unix >= before.unix + 3600);

    let m = t.h.msisdn(3);
    let q = [("msisdns", m.as_str()), ("iccids", "")];
    let cfg =
        t.h.set_faults(1.0, Some(vec!["code1090".parse().unwrap()]))
            .unwrap();
    assert_eq!(cfg.kinds, vec![FaultKind::Code1090]);
    let v = t.get("card/detail", &q, &["msisdns", "iccids"]).await;
    assert_eq!(code(&v), "1090");
    assert!(t.h.set_faults(f64::NAN, None).is_err());
    t.h.set_faults(0.0, None).unwrap();
    let v = t.get("card/detail", &q, &["msisdns", "iccids"]).await;
    assert_eq!(code(&v), "0");

    let stats = t.h.stats();
    assert_eq!(stats.endpoints["card/detail"], 2);
    assert_eq!(stats.total, 2);
    let card = t.h.card(&m).unwrap();
    assert_eq!(card.card.msisdn, m);
    let up = t.h.upstream_sms(&m, "hello");
    assert_eq!(up.mobile, m);
}
