//! Port2 operations: state visible in card/detail, cooldowns, whitelist and switchnet rules.

mod common;
use common::*;
use serde_json::json;

const MI: [&str; 2] = ["msisdn", "iccid"];

#[tokio::test]
async fn lifecycle_changes_and_cooldown() {
    let t = boot().await;
    let m = t.card_where(|c| c.msstatus == 2);
    let p = [("msisdn", m.as_str()), ("iccid", ""), ("stopkeep", "0")];
    let v = t
        .op("card/stopkeep", &p, &["msisdn", "iccid", "stopkeep"])
        .await;
    assert_eq!(v, json!({"code": "0", "msg": "成功", "detail": ""}));
    assert_eq!(t.detail(&m).await["msStatus"], "3");
    // Same card, same operation within 3 minutes: 1099 / 13009.
    let p = [("msisdn", m.as_str()), ("iccid", ""), ("stopkeep", "1")];
    let v = t
        .op("card/stopkeep", &p, &["msisdn", "iccid", "stopkeep"])
        .await;
    assert_eq!(code(&v), "1099");
    assert_eq!(v["msg"], "上级错误");
    assert!(v["detail"].as_str().unwrap().contains("13009"));
    assert_eq!(t.detail(&m).await["msStatus"], "3");
    t.admin_post("clock/advance", json!({"seconds": 181})).await;
    let v = t
        .op("card/stopkeep", &p, &["msisdn", "iccid", "stopkeep"])
        .await;
    assert_eq!(code(&v), "0");
    assert_eq!(t.detail(&m).await["msStatus"], "2");
    // bad value
    let p = [("msisdn", m.as_str()), ("iccid", ""), ("stopkeep", "2")];
    assert_eq!(
        code(
            &t.op("card/stopkeep", &p, &["msisdn", "iccid", "stopkeep"])
                .await
        ),
        "1031"
    );

    // foractive: msstatus 2 / cycle 3; by iccid.
    let (tm, ti) = {
        let st = t.h.state();
        let w = st.lock();
        let c = w.fleet.cards.iter().find(|c| c.cycle == 1).unwrap();
        (c.msisdn.clone(), c.iccid.clone())
    };
    let v = t
        .op("card/foractive", &[("msisdn", ""), ("iccid", &ti)], &MI)
        .await;
    assert_eq!(code(&v), "0", "{v}");
    let d = t.detail(&tm).await;
    assert_eq!(
        (d["msStatus"].as_str(), d["cycle"].as_str()),
        (Some("2"), Some("3"))
    );
    // stoptest on a test-period card: leaves 测试期.
    let tm2 = t.card_where(|c| c.cycle == 1 && c.msisdn != tm);
    assert_eq!(
        code(
            &t.op("card/stoptest", &[("msisdn", &tm2), ("iccid", "")], &MI)
                .await
        ),
        "0"
    );
    assert_ne!(t.detail(&tm2).await["cycle"], "1");
    // unknown card, both empty
    assert_eq!(
        code(
            &t.op(
                "card/stoptest",
                &[("msisdn", "1064000000000"), ("iccid", "")],
                &MI
            )
            .await
        ),
        "1031"
    );
    assert_eq!(
        code(
            &t.op("card/stoptest", &[("msisdn", ""), ("iccid", "")], &MI)
                .await
        ),
        "1031"
    );
    let ledger = t.admin_get("ledger").await;
    let ops: Vec<&str> = ledger
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(
        ops,
        [
            "card/stopkeep",
            "card/stopkeep",
            "card/foractive",
            "card/stoptest"
        ]
    );
    let ids: std::collections::HashSet<u64> = ledger
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids.len(), 4);
    t.h.shutdown().await;
}

#[tokio::test]
async fn switchnet_apns() {
    let t = boot().await;
    let multi = t.card_where(|c| c.apns.len() > 1);
    let signed = ["msisdn", "iccid", "apnname", "opertype", "marginrat"];
    let v = t
        .op(
            "card/switchnet",
            &[("msisdn", &multi), ("iccid", ""), ("opertype", "0")],
            &signed,
        )
        .await;
    assert_eq!(code(&v), "1031");
    assert_eq!(
        v["detail"],
        "该卡开通多个 APN 上网功能 CMIOT,M2MIOT, apnname 参数不能为空, 必须指定需要操作的 APN 名称"
    );
    let v = t
        .op(
            "card/switchnet",
            &[
                ("msisdn", &multi),
                ("iccid", ""),
                ("apnname", "M2MIOT"),
                ("opertype", "0"),
            ],
            &signed,
        )
        .await;
    assert_eq!(code(&v), "0", "{v}");
    assert_eq!(
        t.detail(&multi).await["apnstatus"],
        "CMIOT:正常,M2MIOT:暂停"
    );
    // The short formula of the notes (without msisdn+iccid) is accepted too.
    let single = t.card_where(|c| c.apns.len() == 1);
    let v = t
        .op(
            "card/switchnet",
            &[("msisdn", &single), ("iccid", ""), ("opertype", "0")],
            &["apnname", "opertype", "marginrat"],
        )
        .await;
    assert_eq!(code(&v), "0", "{v}");
    assert!(t.detail(&single).await["apnstatus"]
        .as_str()
        .unwrap()
        .ends_with(":暂停"));
    let v = t
        .op(
            "card/switchnet",
            &[("msisdn", &single), ("iccid", ""), ("opertype", "1")],
            &signed,
        )
        .await;
    assert_eq!(code(&v), "1099");
    t.h.shutdown().await;
}

#[tokio::test]
async fn voice_whitelist_rules() {
    let t = boot().await;
    let m = t.h.state().msisdn(5);
    let wl = |op: &'static str, content: &'static str| {
        [
            ("msisdn", m.clone()),
            ("iccid", String::new()),
            ("opertype", op.into()),
            ("content", content.into()),
        ]
    };
    let call = |p: [(&'static str, String); 4]| {
        let t = &t;
        async move {
            let p: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.op(
                "card/setvoicewhitetable",
                &p,
                &["msisdn", "iccid", "opertype", "taskid", "content"],
            )
            .await
        }
    };
    let v = call(wl("1", "13800000001_13800000002_13800000003")).await;
    assert_eq!(code(&v), "0", "{v}");
    // Within a minute: carrier shape 13010.
    let v = call(wl("1", "13800000004")).await;
    assert_eq!(
        v,
        json!({"status": "13010", "message": "同一卡号 1 分钟内不能调用该接口超过 1 次", "result": []})
    );
    t.admin_post("clock/advance", json!({"seconds": 61})).await;
    // 6 numbers: 19019.
    let v = call(wl("1", "13800000004_13800000005_13800000006")).await;
    assert_eq!(v["status"], "19019");
    assert_eq!(v["result"], json!([]));
    // Deleting 3 at once is a value error.
    assert_eq!(
        code(&call(wl("0", "13800000001_13800000002_13800000003")).await),
        "1031"
    );
    let v = call(wl("0", "13800000001_13800000002")).await;
    assert_eq!(code(&v), "0", "{v}");
    t.admin_post("clock/advance", json!({"seconds": 61})).await;
    let v = call(wl("0", "13800000003")).await;
    assert_eq!(v["status"], "12144");
    assert_eq!(
        v["message"],
        "本月删除白名单号码次数已达上限，本次业务办理失败"
    );
    let card = t.admin_get(&format!("cards/{m}")).await;
    assert_eq!(card["whitelist"], json!(["13800000003"]));
    // Next month, deletion is allowed again.
    t.admin_post("clock/advance", json!({"seconds": 32 * 86400}))
        .await;
    assert_eq!(code(&call(wl("0", "13800000003")).await), "0");
    t.h.shutdown().await;
}
