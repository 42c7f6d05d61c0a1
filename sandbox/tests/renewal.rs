//! card/pkg/renew: rules, orders, approval, automatic audit, OD1002 push; OD1010 warnings.

mod common;
use common::*;
use serde_json::{json, Value};

const SIGNED: [&str; 4] = ["msisdn", "iccid", "pkgcode", "month"];

fn parse_push(body: &str) -> Value {
    serde_json::from_str(body).unwrap()
}

fn verify(v: &Value, apikey: &str) {
    let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
    let expected = cardboss::sign::push_sign(
        &s("sid"),
        apikey,
        &s("id"),
        &s("sn"),
        &s("level"),
        &s("api"),
        &s("time"),
        &s("data"),
        &s("desc"),
    );
    assert_eq!(s("sign"), expected);
    assert_eq!(expected, expected.to_uppercase());
    assert!(chrono::NaiveDateTime::parse_from_str(&s("time"), "%Y-%m-%d %H:%M:%S").is_ok());
}

#[tokio::test]
async fn renewal_flow() {
    let rx = receiver(1).await; // the first delivery is refused: the push is retried.
    let t = boot_with(cardboss_sandbox::SandboxConfig {
        push_url: Some(rx.url.clone()),
        ..config()
    })
    .await;
    let (m, code_month, code_long, cycle) = {
        let st = t.h.state();
        let w = st.lock();
        let today = w.today();
        let c = w
            .fleet
            .cards
            .iter()
            .find(|c| {
                c.pool.is_none()
                    && c.main_pkg(today)
                        .is_some_and(|p| p.def().category == 1 && p.end >= today)
            })
            .unwrap();
        let long = w
            .fleet
            .cards
            .iter()
            .find(|c| {
                c.pkgs
                    .iter()
                    .any(|p| p.def().category == 2 && p.def().buycycle == 3)
            })
            .unwrap();
        let lp = long.pkgs.iter().find(|p| p.def().category == 2).unwrap();
        (
            c.msisdn.clone(),
            c.main_pkg(today).unwrap().def().code.to_string(),
            lp.def().code.to_string(),
            long.msisdn.clone(),
        )
    };
    let renew = |msisdn: String,
                 pkg: String,
                 month: &'static str,
                 extra: Vec<(&'static str, &'static str)>| {
        let t = &t;
        async move {
            let mut p: Vec<(&str, &str)> = vec![
                ("msisdn", &msisdn),
                ("iccid", ""),
                ("pkgcode", &pkg),
                ("month", month),
            ];
            p.extend(extra);
            t.post(false, "card/pkg/renew", &p, &SIGNED).await
        }
    };
    // Month packs need at least 12 months; the package must belong to the card.
    let v = renew(m.clone(), code_month.clone(), "6", vec![]).await;
    assert_eq!(code(&v), "1031");
    assert!(
        v["result"].is_object(),
        "a failed renewal carries a result: {v}"
    );
    assert_eq!(
        code(&renew(m.clone(), "nope".into(), "12", vec![]).await),
        "1031"
    );
    // Long packs in whole cycles (a quarter pack: 3, 6, 9 …).
    assert_eq!(
        code(&renew(cycle.clone(), code_long.clone(), "4", vec![]).await),
        "1031"
    );
    assert_eq!(
        code(&renew(cycle.clone(), code_long.clone(), "6", vec![("audit", "2")]).await),
        "0"
    );
    // Balance (1007).
    t.admin_post("config", json!({"balance": 1.0})).await;
    let v = renew(m.clone(), code_month.clone(), "12", vec![]).await;
    assert_eq!(code(&v), "1007");
    assert_eq!(v["msg"], "余额不足");
    t.admin_post("config", json!({"balance": 5000.0})).await;
    // Unsigned extras (repetition, audit, remark) do not enter the sign.
    let v = renew(
        m.clone(),
        code_month.clone(),
        "12",
        vec![("remark", "hello"), ("audit", "1")],
    )
    .await;
    assert_eq!(code(&v), "0", "{v}");
    let orderid = v["result"]["orderid"].as_str().unwrap().to_string();
    let amount = v["result"]["orderamount"].as_f64().unwrap();
    assert!(amount > 0.0);
    assert!(v["result"]["ordertime"].is_string());
    // A second order while the first is pending: 1080 with the spec's detail and a result.
    let v = renew(m.clone(), code_month.clone(), "12", vec![]).await;
    assert_eq!(code(&v), "1080");
    assert_eq!(v["msg"], "套餐续费失败");
    assert!(v["detail"]
        .as_str()
        .unwrap()
        .contains(&format!("{m} 存在重复续费单")));
    assert!(v["detail"].as_str().unwrap().contains(&orderid));
    assert_eq!(v["result"]["orderid"], "");
    assert_eq!(v["result"]["msisdn"], m.as_str());
    // repetition=1 allows it.
    let v = renew(
        m.clone(),
        code_month.clone(),
        "12",
        vec![("repetition", "1")],
    )
    .await;
    assert_eq!(code(&v), "0");
    let second = v["result"]["orderid"].as_str().unwrap().to_string();
    // Nothing charged yet.
    assert_eq!(
        t.get("customer/get", &[], &[]).await["customer"]["balance"],
        5000
    );
    let before = t
        .get(
            "card/pkg/get",
            &[("msisdn", &m), ("iccid", "")],
            &["msisdn", "iccid"],
        )
        .await["result"]["count"]
        .as_u64()
        .unwrap();
    // Manual approval.
    let o = t
        .admin_post(&format!("orders/{orderid}/approve"), json!({}))
        .await;
    assert_eq!(o["status"], "confirmed");
    let after = t
        .get(
            "card/pkg/get",
            &[("msisdn", &m), ("iccid", "")],
            &["msisdn", "iccid"],
        )
        .await;
    assert_eq!(after["result"]["count"].as_u64().unwrap(), before + 1);
    let bal = t.get("customer/get", &[], &[]).await["customer"]["balance"]
        .as_f64()
        .unwrap();
    assert!((bal - (5000.0 - amount)).abs() < 1e-6, "{bal}");
    // The OD1002 push: refused once, then delivered; signed in uppercase.
    let got = rx.wait(2).await;
    assert_eq!(got[0].1, got[1].1, "a retry sends the same push");
    assert!(got[1].0.starts_with("application/json"));
    let push = parse_push(&got[1].1);
    assert_eq!(push["sn"], "OD1002");
    verify(&push, t.h.apikey());
    let data: Value = serde_json::from_str(push["data"].as_str().unwrap()).unwrap();
    assert_eq!(data["orderid"], orderid.as_str());
    assert_eq!(data["status"], "1");
    assert_eq!(data["msisdn"], m.as_str());
    // Automatic audit: confirmed when the virtual clock passes the delay.
    let orders = t.admin_get("orders").await;
    let auto = orders
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["audit"] == 2)
        .unwrap()["orderid"]
        .as_str()
        .unwrap()
        .to_string();
    t.admin_post("clock/advance", json!({"seconds": 61})).await;
    let orders = t.admin_get("orders").await;
    let st = |id: &str| {
        orders
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["orderid"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(st(&auto), "confirmed");
    assert_eq!(st(&second), "pending");
    let got = rx.wait(3).await;
    assert_eq!(parse_push(&got[2].1)["sn"], "OD1002");
    // approving twice conflicts; unknown 404
    let r =
        t.c.post(format!(
            "{}/_sandbox/orders/{orderid}/approve",
            t.h.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let r =
        t.c.post(format!("{}/_sandbox/orders/CRX/approve", t.h.base_url()))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 404);
    let ledger = t.admin_get("ledger").await;
    let actions: Vec<&str> = ledger
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "renew.order").count(), 3);
    assert_eq!(
        actions.iter().filter(|a| **a == "renew.confirmed").count(),
        2
    );
    let pushes = t.admin_get("pushes").await;
    assert_eq!(pushes[0]["delivered"], true);
    assert_eq!(pushes[0]["attempts"], 2);
    t.h.shutdown().await;
}

#[tokio::test]
async fn form_push_and_usage_warnings() {
    let rx = receiver(0).await;
    let t = boot_with(cardboss_sandbox::SandboxConfig {
        push_url: Some(rx.url.clone()),
        ..config()
    })
    .await;
    t.admin_post("config", json!({"push_format": "form"})).await;
    let (m, total) = {
        let st = t.h.state();
        let w = st.lock();
        let today = w.today();
        let c = w
            .fleet
            .cards
            .iter()
            .find(|c| {
                c.pool.is_none()
                    && c.pkg_total(today) > 0.0
                    && c.flowusage < 0.5 * c.pkg_total(today)
            })
            .unwrap();
        (c.msisdn.clone(), c.pkg_total(today))
    };
    let v = t
        .admin_post(
            &format!("cards/{m}/usage"),
            json!({"flowusage": total * 0.85}),
        )
        .await;
    assert_eq!(v["warnings"], json!([11]));
    let got = rx.wait(1).await;
    assert!(got[0].0.starts_with("application/x-www-form-urlencoded"));
    let fields: std::collections::HashMap<String, String> =
        serde_urlencoded::from_str(&got[0].1).unwrap();
    let push = json!(fields);
    assert_eq!(push["sn"], "OD1010");
    verify(&push, t.h.apikey());
    let data: Value = serde_json::from_str(push["data"].as_str().unwrap()).unwrap();
    assert_eq!(data[0]["type"], "11");
    assert_eq!(data[0]["msisdn"], m.as_str());
    // Same band again: no new warning; crossing 100 %: type 21.
    let v = t
        .admin_post(
            &format!("cards/{m}/usage"),
            json!({"flowusage": total * 0.9}),
        )
        .await;
    assert_eq!(v["warnings"], json!([]));
    let v = t
        .admin_post(
            &format!("cards/{m}/usage"),
            json!({"flowusage": total * 1.2}),
        )
        .await;
    assert_eq!(v["warnings"], json!([21]));
    assert_eq!(
        t.detail(&m).await["flowusage"].as_f64().unwrap(),
        total * 1.2
    );
    t.h.shutdown().await;
}
