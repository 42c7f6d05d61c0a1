//! The value rules of issue 20, core `Client` against the sandbox over loopback: template
//! variables from a list or a map (what was sent is the SMS the sandbox rendered), audit modes by
//! code or name (the order the sandbox recorded), and the month / day windows (refused before
//! any request; the sandbox refuses them too, as the platform does, with 1031).

mod common;
use common::*;

use cardboss::{Audit, CardRef, CardSet, Client, Config, Error, RenewOptions, TemplateParams};
use cardboss_sandbox::SandboxHandle;
use chrono::{Datelike, Months};

fn client(h: &SandboxHandle) -> Client {
    Client::new(
        Config::new(h.sid(), h.apikey())
            .base_url(h.base_url())
            .ops_url(h.ops_url()),
    )
    .expect("valid config")
}

fn requests(h: &SandboxHandle) -> u64 {
    h.state().stats().total
}

/// The text of the last SMS the sandbox sent (the template filled with `content`).
fn last_sms_text(h: &SandboxHandle) -> String {
    let ledger = h.state().ledger();
    let entry = ledger
        .iter()
        .rev()
        .find(|e| e.endpoint == "sms/sendsms")
        .expect("a template SMS in the ledger");
    entry.details["text"].as_str().unwrap().to_string()
}

fn assert_invalid<T: std::fmt::Debug>(what: &str, field: &str, r: cardboss::Result<T>) {
    match r {
        Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field, "{what}"),
        other => panic!("{what}: expected InvalidInput({field}), got {other:?}"),
    }
}

/// The platform's month `back` months ago (negative: ahead), `yyyyMM`.
fn month_back(h: &SandboxHandle, back: i32) -> String {
    let first = h.state().read().today().with_day(1).unwrap();
    let m = if back >= 0 {
        first - Months::new(back as u32)
    } else {
        first + Months::new((-back) as u32)
    };
    m.format("%Y%m").to_string()
}

const FILLED: &str = "尊敬的xx客户，您的物联网卡用量即将到期，请及时处理。";

#[tokio::test]
async fn template_params_from_a_list_or_a_map_fill_1_2() {
    let t = boot().await;
    let c = client(&t.h);
    let phone = vec!["13800000001".to_string()];

    let list = TemplateParams::from_values(["xx客户", "用量即将到期"]).unwrap();
    assert_eq!(list.content(), "@1@=xx客户|@2@=用量即将到期");
    let receipt = c.send_template_sms(&phone, "1001", &list).await.unwrap();
    assert_eq!(receipt.count, 1);
    assert_eq!(last_sms_text(&t.h), FILLED);

    let map = TemplateParams::from_pairs([("2", "用量即将到期"), ("1", "xx客户")]).unwrap();
    c.send_template_sms(&phone, "1001", &map).await.unwrap();
    assert_eq!(last_sms_text(&t.h), FILLED);
    let numbered = TemplateParams::from_pairs([(1, "xx客户"), (2, "用量即将到期")]).unwrap();
    assert_eq!(numbered, map);

    let before = requests(&t.h);
    for bad in ["0", "-1", "x", "", "1a"] {
        assert_invalid(
            &format!("key {bad:?}"),
            "params",
            TemplateParams::from_pairs([(bad, "v")]),
        );
    }
    assert_invalid(
        "a value holding the separator",
        "params",
        TemplateParams::from_values(["a|b"]),
    );
    assert_eq!(requests(&t.h), before, "nothing was sent");
    t.h.shutdown().await;
}

#[tokio::test]
async fn audit_by_code_or_name_is_sent_as_the_code() {
    let t = boot().await;
    let c = client(&t.h);
    let (msisdn, _, pkg) = month_pack_card(&t.h, 0);
    let card = CardRef::msisdn(&msisdn);

    for (audit, code) in [
        (Audit::from_code(2).unwrap(), 2),
        (Audit::from_name("automatic").unwrap(), 2),
        (Audit::from_name("MANUAL").unwrap(), 1),
        (Audit::from_name("1").unwrap(), 1),
    ] {
        let options = RenewOptions {
            repetition: Some(true),
            audit: Some(audit),
            ..Default::default()
        };
        let order = c.renew(&card, &pkg, 12, &options).await.unwrap();
        let recorded = t.h.state().orders();
        let recorded = recorded
            .iter()
            .find(|o| o.orderid == order.orderid)
            .unwrap();
        assert_eq!(recorded.audit, code, "{audit:?}");
    }
    assert_eq!(Audit::Automatic.code(), 2);
    assert_eq!(Audit::Manual.name(), "manual");
    for code in [0, 3, -1] {
        assert_invalid(&format!("code {code}"), "audit", Audit::from_code(code));
    }
    for name in ["", "auto", "3"] {
        assert_invalid(&format!("name {name:?}"), "audit", Audit::from_name(name));
    }
    t.h.shutdown().await;
}

#[tokio::test]
async fn months_and_days_outside_the_window_are_refused_before_sending() {
    let t = boot().await;
    let c = client(&t.h);
    let msisdn = t.h.state().msisdn(0);
    let cards = CardSet::msisdns([msisdn.clone()]);

    for back in [0, 2] {
        let month = month_back(&t.h, back);
        let usages = c.usage_history(&month, &cards, None).await.unwrap();
        assert_eq!(usages[0].month, month);
    }
    let before = requests(&t.h);
    for back in [-1, -12, 3, 13] {
        let month = month_back(&t.h, back);
        assert_invalid(
            &format!("month {month}"),
            "month",
            c.usage_history(&month, &cards, None).await,
        );
    }
    let today = t.h.state().read().today();
    for back in [-1, 7, 30] {
        let day = (today - chrono::Duration::days(back))
            .format("%Y%m%d")
            .to_string();
        #[allow(deprecated)]
        let r = c.daily_usage(&day, &cards).await;
        assert_invalid(&format!("day {day}"), "day", r);
    }
    assert_eq!(requests(&t.h), before, "nothing was sent");

    // The sandbox refuses the same months as the platform would (1031 参数值错误).
    for back in [-1, 3] {
        let month = month_back(&t.h, back);
        let v = t
            .get(
                "card/usage/past",
                &[("month", &month), ("msisdns", &msisdn), ("iccids", "")],
                &["month", "showday", "msisdns", "iccids"],
            )
            .await;
        assert_eq!(code(&v), "1031", "month {month}: {v}");
    }
    t.h.shutdown().await;
}
