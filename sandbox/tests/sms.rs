//! SMS: plain, encrypted (incl. 76-column Base64), template billing, queues, P0001/P0002.

mod common;
use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn sms_sending_queues_and_push() {
    let rx = receiver(0).await;
    let t = boot_with(cardboss_sandbox::SandboxConfig {
        sms_push_url: Some(rx.url.clone()),
        ..config()
    })
    .await;
    let mobiles: Vec<String> = (0..10).map(|i| t.h.state().msisdn(i)).collect();
    let joined = mobiles.join(",");
    let content = "x".repeat(71); // billed as 2
    let v = t
        .post(
            false,
            "sms/sendlotsms",
            &[("mobile", &joined), ("content", &content)],
            &["mobile", "content"],
        )
        .await;
    assert_eq!(code(&v), "0", "{v}");
    assert_eq!(v["result"]["count"], 10);
    assert_eq!(v["result"]["fee"], 20);
    let taskid = v["result"]["taskid"].as_str().unwrap().to_string();
    assert_eq!(taskid.len(), 32);
    assert!(taskid.bytes().all(|b| b.is_ascii_hexdigit()));
    // Encrypted, Base64 wrapped every 76 characters.
    let long = "reboot now please ".repeat(6);
    let text = cardboss::crypto::encrypt_sms(t.h.apikey(), &mobiles[..3], &long).unwrap();
    let wrapped: String = text
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n");
    assert!(wrapped.contains('\n'));
    let v = t
        .post(
            false,
            "sms/sendiotencryptsms",
            &[("text", &wrapped)],
            &["text"],
        )
        .await;
    assert_eq!(code(&v), "0", "{v}");
    assert_eq!(v["result"]["count"], 3);
    assert_eq!(
        v["result"]["fee"],
        3 * cardboss::rules::sms_billing_count(&long)
    );
    // Bad ciphertexts.
    assert_eq!(
        code(
            &t.post(
                false,
                "sms/sendiotencryptsms",
                &[("text", "%%%")],
                &["text"]
            )
            .await
        ),
        "1042"
    );
    let empty = cardboss::crypto::encrypt_text(t.h.apikey(), "##hello").unwrap();
    assert_eq!(
        code(
            &t.post(
                false,
                "sms/sendiotencryptsms",
                &[("text", &empty)],
                &["text"]
            )
            .await
        ),
        "1041"
    );
    let wrong_key =
        cardboss::crypto::encrypt_text("ffffffffffffffffffffffffffffffff", "1064000000001##hello")
            .unwrap();
    let c = code(
        &t.post(
            false,
            "sms/sendiotencryptsms",
            &[("text", &wrong_key)],
            &["text"],
        )
        .await,
    );
    assert!(c == "1040" || c == "1041", "{c}");
    // Limits: 1001 numbers (1003), 351 characters (1002).
    let many: Vec<String> = (0..1001).map(|i| format!("1064{:09}", i)).collect();
    let v = t
        .post(
            false,
            "sms/sendlotsms",
            &[("mobile", &many.join(",")), ("content", "hi")],
            &["mobile", "content"],
        )
        .await;
    assert_eq!(code(&v), "1003");
    let v = t
        .post(
            false,
            "sms/sendlotsms",
            &[("mobile", &mobiles[0]), ("content", &"y".repeat(351))],
            &["mobile", "content"],
        )
        .await;
    assert_eq!(code(&v), "1002");

    // Reports: one per message, drained once.
    let r = t.get("sms/rpt/get", &[], &[]).await;
    assert_eq!(r["result"]["count"], 13);
    let rpts = r["result"]["rpts"].as_array().unwrap();
    assert!(rpts
        .iter()
        .all(|x| x["stat"].is_string() && x.get("rpttime").is_none()));
    assert!(rpts.iter().any(|x| x["stat"] == "DELIVRD"));
    assert_eq!(
        rpts.iter()
            .filter(|x| x["taskid"] == taskid.as_str())
            .count(),
        10
    );
    assert_eq!(t.get("sms/rpt/get", &[], &[]).await["result"]["count"], 0);
    // Replies: the injected one plus the devices that answer.
    t.admin_post(
        "sms/upstream",
        json!({"mobile": mobiles[0], "content": "hello from device"}),
    )
    .await;
    let mo = t.get("sms/mo/get", &[], &[]).await;
    let mos = mo["result"]["mos"].as_array().unwrap();
    assert!(mos.iter().any(|x| x["content"] == "hello from device"
        && x["spcode"].is_string()
        && x["mobile"] == mobiles[0].as_str()));
    assert_eq!(t.get("sms/mo/get", &[], &[]).await["result"]["count"], 0);
    // Table style names.
    t.admin_post("config", json!({"style": "table"})).await;
    let v = t
        .post(
            false,
            "sms/sendlotsms",
            &[("mobile", &mobiles[0]), ("content", "ping")],
            &["mobile", "content"],
        )
        .await;
    assert!(v["result"]["tasked"].is_string());
    let r = t.get("sms/rpt/get", &[], &[]).await;
    assert!(
        r["result"]["rpts"][0]["state"].is_string()
            && r["result"]["rpts"][0]["rpttime"].is_string()
    );
    t.admin_post(
        "sms/upstream",
        json!({"mobile": mobiles[1], "content": "x"}),
    )
    .await;
    assert!(t.get("sms/mo/get", &[], &[]).await["result"]["mos"][0]["scode"].is_string());

    // P0001 pushes: `data` is a JSON array string with `taskId`.
    let got = rx.wait(3).await;
    let p0001: Vec<Value> = got
        .iter()
        .map(|(_, b)| serde_json::from_str::<Value>(b).unwrap())
        .filter(|v| v["type"] == "P0001")
        .collect();
    let first: Value = serde_json::from_str(p0001[0]["data"].as_str().unwrap()).unwrap();
    assert_eq!(first.as_array().unwrap().len(), 10);
    assert_eq!(first[0]["taskId"], taskid.as_str());
    assert!(got
        .iter()
        .any(|(_, b)| b.contains("\"P0002\"") && b.contains("hello from device")));
    t.h.shutdown().await;
}

#[tokio::test]
async fn template_sms_billing() {
    let t = boot().await;
    let phones = "13800000001,13800000002";
    let v = t
        .post(
            false,
            "sms/sendsms",
            &[
                ("tplid", "1002"),
                ("mobile", phones),
                ("content", "@1@=123456"),
            ],
            &["mobile", "tplid"],
        )
        .await;
    assert_eq!(code(&v), "0", "{v}");
    assert_eq!(
        (v["result"]["count"].as_u64(), v["result"]["fee"].as_u64()),
        (Some(2), Some(2))
    );
    // The long template is billed per 67 characters.
    let v = t
        .post(
            false,
            "sms/sendsms",
            &[
                ("tplid", "1003"),
                ("mobile", phones),
                ("content", "@1@=Bob|@2@=A1"),
            ],
            &["mobile", "tplid"],
        )
        .await;
    let text =
        cardboss_sandbox::sms::render(cardboss_sandbox::data::TEMPLATES[2].text, "@1@=Bob|@2@=A1");
    let billed = cardboss::rules::sms_billing_count(&text) as u64;
    assert!(billed >= 2);
    assert_eq!(v["result"]["fee"].as_u64(), Some(2 * billed));
    let bal = t.get("customer/get", &[], &[]).await["customer"]["balance"]
        .as_f64()
        .unwrap();
    let expected = 5000.0 - 0.1 * (2.0 + 2.0 * billed as f64);
    assert!((bal - expected).abs() < 1e-6, "{bal} vs {expected}");
    // Unknown template, bad phone number.
    assert_eq!(
        code(
            &t.post(
                false,
                "sms/sendsms",
                &[("tplid", "9"), ("mobile", phones), ("content", "")],
                &["mobile", "tplid"]
            )
            .await
        ),
        "1012"
    );
    assert_eq!(
        code(
            &t.post(
                false,
                "sms/sendsms",
                &[("tplid", "9"), ("mobile", phones), ("content", "a")],
                &["mobile", "tplid"]
            )
            .await
        ),
        "1031"
    );
    assert_eq!(
        code(
            &t.post(
                false,
                "sms/sendsms",
                &[("tplid", "1002"), ("mobile", "123"), ("content", "a")],
                &["mobile", "tplid"]
            )
            .await
        ),
        "1008"
    );
    // Balance.
    t.admin_post("config", json!({"balance": 0.05})).await;
    assert_eq!(
        code(
            &t.post(
                false,
                "sms/sendsms",
                &[("tplid", "1002"), ("mobile", phones), ("content", "@1@=1")],
                &["mobile", "tplid"]
            )
            .await
        ),
        "1007"
    );
    let ledger = t.admin_get("ledger").await;
    assert_eq!(
        ledger
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["endpoint"] == "sms/sendsms")
            .count(),
        2
    );
    t.h.shutdown().await;
}
