//! The common checks in the spec's order, response styles, ports, and POST/URL handling.

mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn checks_in_order() {
    let t = boot().await;
    let m = t.h.state().msisdn(0);
    // 1004: a GET endpoint called with POST.
    let v = t.post(false, "customer/get", &[], &[]).await;
    assert_eq!(code(&v), "1004");
    // 1012: required parameter missing (pageindex). (A left-out pair key: tests/pairs.rs.)
    let v = t.get("card/list", &[], &[]).await;
    assert_eq!(code(&v), "1012");
    assert_eq!(v["msg"], "请求参数缺失");
    // 1012 comes before 1024 and 1005.
    let v = t
        .get_raw(
            "card/list",
            &owned(&[("sid", "10043"), ("ts", "bad"), ("sign", "x")]),
        )
        .await;
    assert_eq!(code(&v), "1012");
    // 1024: format, then freshness.
    let v = t
        .get_raw(
            "customer/get",
            &owned(&[("sid", "10043"), ("ts", "2024-01-01"), ("sign", "x")]),
        )
        .await;
    assert_eq!(code(&v), "1024");
    let old = t.signed_at(&[], &[], "20200101000000");
    assert_eq!(code(&t.get_raw("customer/get", &old).await), "1024");
    // 1005: wrong sign, unknown sid; an uppercase sign is accepted.
    let v = t
        .get_raw(
            "customer/get",
            &owned(&[("sid", "10043"), ("ts", &ts()), ("sign", "0123")]),
        )
        .await;
    assert_eq!(code(&v), "1005");
    assert_eq!(v["msg"], "账号鉴权失败");
    let mut q = t.signed(&[], &[]);
    q[0].1 = "99999".into();
    assert_eq!(code(&t.get_raw("customer/get", &q).await), "1005");
    let mut q = t.signed(&[], &[]);
    q[2].1 = q[2].1.to_uppercase();
    assert_eq!(code(&t.get_raw("customer/get", &q).await), "0");
    // 1031: value errors after auth.
    let v = t
        .get("card/list", &[("pageindex", "0")], &["pageindex"])
        .await;
    assert_eq!(code(&v), "1031");
    let v = t
        .get(
            "card/detail",
            &[("msisdns", ""), ("iccids", "")],
            &["msisdns", "iccids"],
        )
        .await;
    assert_eq!(code(&v), "1031", "both empty");
    let v = t
        .get(
            "card/detail",
            &[("msisdns", "12ab"), ("iccids", "")],
            &["msisdns", "iccids"],
        )
        .await;
    assert_eq!(code(&v), "1031");
    // more than 100 cards
    let many: Vec<String> = (0..101).map(|i| t.h.state().msisdn(i)).collect();
    let v = t
        .get(
            "card/detail",
            &[("msisdns", &many.join(",")), ("iccids", "")],
            &["msisdns", "iccids"],
        )
        .await;
    assert_eq!(code(&v), "1031");
    // 1001 comes after the sign check.
    t.admin_post("config", json!({"account_disabled": true}))
        .await;
    assert_eq!(code(&t.get("customer/get", &[], &[]).await), "1001");
    let v = t
        .get_raw(
            "customer/get",
            &owned(&[("sid", "10043"), ("ts", &ts()), ("sign", "0123")]),
        )
        .await;
    assert_eq!(code(&v), "1005");
    t.admin_post("config", json!({"account_disabled": false}))
        .await;
    // 1098 for withdrawn endpoints unless legacy.
    let v = t
        .get("card/abnormal", &[("pageindex", "1")], &["pageindex"])
        .await;
    assert_eq!(code(&v), "1098");
    let day = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y%m%d")
        .to_string();
    let p = [
        ("day", day.as_str()),
        ("msisdns", m.as_str()),
        ("iccids", ""),
    ];
    assert_eq!(
        code(
            &t.get("card/usage/day", &p, &["day", "msisdns", "iccids"])
                .await
        ),
        "1098"
    );
    t.admin_post("config", json!({"legacy": true})).await;
    let v = t
        .get("card/abnormal", &[("pageindex", "1")], &["pageindex"])
        .await;
    assert_eq!(code(&v), "0");
    assert!(v["result"]["cards"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["balance"].as_f64().unwrap() < 0.0));
    let v = t
        .get("card/usage/day", &p, &["day", "msisdns", "iccids"])
        .await;
    assert_eq!(code(&v), "0", "{v}");
    assert_eq!(v["result"]["usages"][0]["msisdn"], m.as_str());
    t.h.shutdown().await;
}

#[tokio::test]
async fn ports_methods_and_post_body() {
    let t = boot().await;
    // A port2 endpoint on port1 and a port1 endpoint on port2 answer 404.
    let r =
        t.c.post(t.url(false, "card/stopkeep"))
            .body("")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 404);
    let r = t.c.get(t.url(true, "customer/get")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = t.c.get(t.url(false, "card/nothing")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // POST parameters in the URL are not read.
    let m = t.h.state().msisdn(1);
    let form = t.signed(
        &[("msisdn", &m), ("iccid", ""), ("stopkeep", "0")],
        &["msisdn", "iccid", "stopkeep"],
    );
    let q = serde_urlencoded::to_string(&form).unwrap();
    let r =
        t.c.post(format!("{}?{q}", t.url(true, "card/stopkeep")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(code(&v), "1012");
    let stats = t.admin_get("stats").await;
    assert_eq!(stats["endpoints"]["card/stopkeep"], 1);
    assert!(t.admin_get("ledger").await.as_array().unwrap().is_empty());
    t.h.shutdown().await;
}

#[tokio::test]
async fn example_and_table_styles() {
    let t = boot().await;
    let m = t.card_where(|c| c.pool.is_none() && c.msstatus == 2);
    // customer/get uses `customer`, example style has `signature`.
    let v = t.get("customer/get", &[], &[]).await;
    assert_eq!(v["customer"]["sid"], "10043");
    assert_eq!(v["customer"]["balance"], 5000);
    assert_eq!(v["customer"]["cardqty"], 300);
    assert!(v["customer"]["signature"].is_string());
    assert!(v.get("result").is_none());
    let list = t
        .get("card/list", &[("pageindex", "1")], &["pageindex"])
        .await;
    assert_eq!(list["result"]["count"], 300);
    assert_eq!(list["result"]["totalpage"], 3);
    assert_eq!(list["result"]["cards"].as_array().unwrap().len(), 100);
    assert!(list["result"]["cards"][0]["msisdns"].is_string());
    assert!(list["result"]["cards"][0]["state"].is_string());
    let last = t
        .get("card/list", &[("pageindex", "3")], &["pageindex"])
        .await;
    assert_eq!(last["result"]["cards"].as_array().unwrap().len(), 100);
    let d = t.detail(&m).await;
    for k in [
        "yys",
        "msStatus",
        "onOff",
        "gprsStatus",
        "monthsyncdate",
        "openapns",
        "apnstatus",
    ] {
        assert!(d.get(k).is_some(), "example detail lacks {k}: {d}");
    }
    assert!(d["onOff"] == "1" || d["onOff"] == "0");
    assert!(d["pkgtotalflow"].is_number());
    assert!(d["cycle"].is_string());
    let u = t
        .get(
            "card/usage/current",
            &[("msisdns", &m), ("iccids", "")],
            &["msisdns", "iccids"],
        )
        .await;
    assert!(u["result"]["usages"][0]["iccid"].is_string());
    assert!(u["result"]["usages"][0].get("imsi").is_some());
    let p = t
        .get(
            "card/pkg/get",
            &[("msisdn", &m), ("iccid", "")],
            &["msisdn", "iccid"],
        )
        .await;
    let pkg = &p["result"]["pkgs"][0];
    assert!(
        pkg["mainpkg"].is_boolean() && pkg["buycycle"].is_number() && pkg["totalflow"].is_number(),
        "{p}"
    );
    let pools = t.get("pool/list", &[], &[]).await;
    assert!(pools["result"]["pools"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["sid"] == "1004301"));
    // usage/past accepts iccid or iccids and signs showday.
    let month = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y%m")
        .to_string();
    let v = t
        .get(
            "card/usage/past",
            &[
                ("month", &month),
                ("showday", "1"),
                ("msisdns", &m),
                ("iccid", ""),
            ],
            &["month", "showday", "msisdns", "iccid"],
        )
        .await;
    assert_eq!(code(&v), "0", "{v}");
    assert_eq!(v["result"]["usages"][0]["month"], month.as_str());
    let v = t
        .get(
            "card/usage/past",
            &[("month", "201901"), ("msisdns", &m), ("iccids", "")],
            &["month", "showday", "msisdns", "iccids"],
        )
        .await;
    assert_eq!(code(&v), "1031");

    t.admin_post("config", json!({"style": "table"})).await;
    let list = t
        .get("card/list", &[("pageindex", "1")], &["pageindex"])
        .await;
    assert!(list["result"]["cards"][0]["msisdn"].is_string());
    let d = t.detail(&m).await;
    for k in ["mno", "msstatus", "onoff", "online", "monthsincdate"] {
        assert!(d.get(k).is_some(), "table detail lacks {k}: {d}");
    }
    assert!(d["onoff"] == "开机" || d["onoff"] == "关机");
    assert!(d.get("yys").is_none());
    let u = t
        .get(
            "card/usage/current",
            &[("msisdns", &m), ("iccids", "")],
            &["msisdns", "iccids"],
        )
        .await;
    assert!(u["result"]["usages"][0]["iccids"].is_string());
    let v = t.get("customer/get", &[], &[]).await;
    assert!(v["customer"].get("signature").is_none());
    t.h.shutdown().await;
}
