//! Every JSON example of the vendor's document (`tests/fixtures/spec-examples/`) decodes, through
//! the public API, into the right model with the right values.
//!
//! The decoding helpers are crate-private, so each fixture is served by a loopback HTTP server
//! and fetched with the real `Client` method of its endpoint; pushes go through
//! `cardboss::verify_push` / `cardboss::parse_sms_push`. Each example alias of NOTES.md is checked
//! against a table-named variant of the same payload, and every success example against a
//! variant with all its numbers written as strings.
#![allow(deprecated)] // card/abnormal and card/usage/day are withdrawn but still callable

mod common;

use std::collections::BTreeSet;

use cardboss::{
    parse_sms_push, verify_push, ArrearsPage, CardDetail, CardPage, CardRef, CardSet, Client,
    CurrentUsage, Customer, DailyUsage, Error, MonthlyUsage, PackageList, Pool, PushContent,
    PushOptions, RenewOptions, RenewalOrder, SmsPush, SmsReceipt, SmsReply, SmsReport,
};
use common::{fixture, platform_now, Reply, TestServer, APIKEY};
use serde_json::value::RawValue;
use serde_json::Value;

/// Every file the directory must hold: one per example of the document.
const FIXTURES: &[&str] = &[
    "3.1.1-customer-get.json",
    "3.2.1-card-list.json",
    "3.2.2-card-detail.json",
    "3.2.3-card-usage-current.json",
    "3.2.4-card-usage-past.json",
    "3.2.5-card-abnormal.json",
    "3.2.6-card-pkg-get.json",
    "3.2.7-card-usage-day.json",
    "3.3.1-pool-list.json",
    "3.4.1-card-pkg-renew.json",
    "3.4.1-card-pkg-renew-failure.json",
    "3.4.2-card-stoptest.json",
    "3.4.2-card-stoptest-failure.json",
    "3.4.3-card-foractive.json",
    "3.4.3-card-foractive-failure.json",
    "3.4.4-card-stopkeep.json",
    "3.4.4-card-stopkeep-failure.json",
    "3.4.5-card-switchnet.json",
    "3.4.5-card-switchnet-failure-13009.json",
    "3.4.5-card-switchnet-failure-1031.json",
    "3.4.6-card-setvoicewhitetable.json",
    "3.4.6-card-setvoicewhitetable-failure-12144.json",
    "3.4.6-card-setvoicewhitetable-failure-13010.json",
    "3.4.6-card-setvoicewhitetable-failure-19019.json",
    "3.5.1-sms-sendlotsms.json",
    "3.5.2-sms-sendiotencryptsms.json",
    "3.5.3-sms-rpt-get.json",
    "3.5.4-sms-mo-get.json",
    "3.5.5-sms-sendsms.json",
    "3.5.6-push-p0001.json",
    "3.5.6-push-p0002.json",
    "4.2-push-od1002.json",
    "5.1-failure-1001.json",
];

// ---------------------------------------------------------------------------------------------
// Helpers

/// Serves `body` for every request and runs `call` against a client pointed at it.
async fn served<T>(
    body: String,
    call: impl AsyncFnOnce(Client) -> cardboss::Result<T>,
) -> cardboss::Result<T> {
    let server = TestServer::always(Reply::Json(body)).await;
    let client = server.client_with(|c| c.max_retries = 0);
    call(client).await
}

fn current_month() -> String {
    platform_now()[..6].to_string()
}

fn today() -> String {
    platform_now()[..8].to_string()
}

// One function per endpoint: the fixture body in, the model out.

async fn customer(body: String) -> cardboss::Result<Customer> {
    served(body, async |c| c.customer().await).await
}
async fn list_cards(body: String) -> cardboss::Result<CardPage> {
    served(body, async |c| c.list_cards(1).await).await
}
async fn card_details(body: String) -> cardboss::Result<Vec<CardDetail>> {
    served(body, async |c| {
        c.card_details(&CardSet::msisdns(["1064873900070"])).await
    })
    .await
}
async fn current_usage(body: String) -> cardboss::Result<Vec<CurrentUsage>> {
    served(body, async |c| {
        c.current_usage(&CardSet::msisdns(["1064938567743", "1064938172791"]))
            .await
    })
    .await
}
async fn usage_history(body: String) -> cardboss::Result<Vec<MonthlyUsage>> {
    served(body, async |c| {
        c.usage_history(&current_month(), &CardSet::msisdns(["1440263908508"]), None)
            .await
    })
    .await
}
async fn arrears(body: String) -> cardboss::Result<ArrearsPage> {
    served(body, async |c| c.arrears(1).await).await
}
async fn packages(body: String) -> cardboss::Result<PackageList> {
    served(body, async |c| {
        c.packages(&CardRef::msisdn("1440263908508")).await
    })
    .await
}
async fn daily_usage(body: String) -> cardboss::Result<DailyUsage> {
    served(body, async |c| {
        c.daily_usage(&today(), &CardSet::msisdns(["1440256356200"]))
            .await
    })
    .await
}
async fn pools(body: String) -> cardboss::Result<Vec<Pool>> {
    served(body, async |c| c.pools().await).await
}
async fn renew(body: String) -> cardboss::Result<RenewalOrder> {
    served(body, async |c| {
        c.renew(
            &CardRef::msisdn("1064710578361"),
            "xagx020",
            12,
            &RenewOptions::default(),
        )
        .await
    })
    .await
}
async fn send_iot_sms(body: String) -> cardboss::Result<SmsReceipt> {
    served(body, async |c| {
        c.send_iot_sms(
            &["1064807400778".to_string(), "1064807400779".to_string()],
            "reboot",
        )
        .await
    })
    .await
}
async fn send_iot_sms_encrypted(body: String) -> cardboss::Result<SmsReceipt> {
    served(body, async |c| {
        c.send_iot_sms_encrypted(
            &["1064807400778".to_string(), "1064807400779".to_string()],
            "reboot",
        )
        .await
    })
    .await
}
async fn send_template_sms(body: String) -> cardboss::Result<SmsReceipt> {
    served(body, async |c| {
        c.send_template_sms(
            &["15951977097".to_string(), "15951977098".to_string()],
            "1001",
            &cardboss::TemplateParams::from_values(["xx"]).unwrap(),
        )
        .await
    })
    .await
}
async fn sms_reports(body: String) -> cardboss::Result<Vec<SmsReport>> {
    served(body, async |c| c.sms_reports().await).await
}
async fn sms_replies(body: String) -> cardboss::Result<Vec<SmsReply>> {
    served(body, async |c| c.sms_replies().await).await
}

/// The port2 operation a 3.4.x fixture belongs to.
async fn lifecycle(section: &str, body: String) -> cardboss::Result<()> {
    let card = CardRef::msisdn("1064787038023");
    match section {
        "3.4.2" => served(body, async |c| c.end_test_period(&card).await).await,
        "3.4.3" => served(body, async |c| c.force_activate(&card).await).await,
        "3.4.4" => served(body, async |c| c.suspend(&card).await).await,
        "3.4.5" => served(body, async |c| c.disable_data(&card, Some("CMIOT")).await).await,
        "3.4.6" => {
            served(body, async |c| {
                c.add_voice_whitelist(&card, &["13800010001".to_string()], None)
                    .await
            })
            .await
        }
        other => panic!("no lifecycle section {other}"),
    }
}

/// The fixture with `edit` applied to its parsed JSON.
fn variant(name: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut value: Value = serde_json::from_str(&fixture(name)).unwrap();
    edit(&mut value);
    value.to_string()
}

/// Renames the key `from` to `to` in every object, at any depth.
fn rename_key(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            if let Some(v) = map.remove(from) {
                map.insert(to.to_string(), v);
            }
            map.values_mut().for_each(|v| rename_key(v, from, to));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_key(v, from, to)),
        _ => {}
    }
}

/// Writes every number as a string, at any depth.
fn stringify_numbers(value: &mut Value) {
    match value {
        Value::Number(n) => *value = Value::String(n.to_string()),
        Value::Object(map) => map.values_mut().for_each(stringify_numbers),
        Value::Array(items) => items.iter_mut().for_each(stringify_numbers),
        _ => {}
    }
}

/// Sets `key` in every element of `result.<list>`.
fn set_in_each(value: &mut Value, list: &str, key: &str, to: Value) {
    for item in value["result"][list].as_array_mut().unwrap() {
        item[key] = to.clone();
    }
}

fn failure(e: &Error) -> &cardboss::ApiFailure {
    e.failure()
        .unwrap_or_else(|| panic!("expected a server refusal, got {e:?}"))
}

// ---------------------------------------------------------------------------------------------
// The fixture set itself

#[test]
fn the_directory_holds_exactly_the_known_examples_and_each_is_json() {
    let dir: std::path::PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "tests",
        "fixtures",
        "spec-examples",
    ]
    .iter()
    .collect();
    let found: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    let known: BTreeSet<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        found, known,
        "fixtures on disk vs fixtures this test covers"
    );
    for name in FIXTURES {
        let value: Value =
            serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(value.is_object(), "{name} is a JSON object");
    }
}

// ---------------------------------------------------------------------------------------------
// 3.1 – 3.3 queries

#[tokio::test]
async fn customer_get_3_1_1() {
    let c = customer(fixture("3.1.1-customer-get.json")).await.unwrap();
    assert_eq!(c.sid, "10043");
    assert_eq!(c.name, "系统演示客户");
    assert_eq!(c.telephone, "");
    assert_eq!(c.status, 1);
    assert_eq!(c.balance, 9.5);
    assert_eq!(c.loginname, "jsmsxxhp");
    assert_eq!(c.linkman, "");
    assert_eq!(c.cardqty, 14);
    assert_eq!(c.warningmails, "");
    assert_eq!(c.warningphones, "");
    assert_eq!(
        c.extcode, "003",
        "a numeric-looking string stays text, leading zeros kept"
    );
    // `signature` is not in the table: kept, not dropped.
    assert_eq!(
        c.extra.get("signature").map(String::as_str),
        Some("【物联网卡智能管理平台】")
    );
    assert_eq!(c.extra.len(), 1);
}

#[tokio::test]
async fn card_list_3_2_1_msisdns_alias() {
    let page = list_cards(fixture("3.2.1-card-list.json")).await.unwrap();
    assert_eq!((page.count, page.pageindex, page.totalpage), (2, 1, 1));
    assert_eq!(page.cards.len(), 2);
    let first = &page.cards[0];
    assert_eq!(
        first.msisdn, "1064787000001",
        "example `msisdns` lands in `msisdn`"
    );
    assert_eq!(first.imsi, "460041870000001");
    assert_eq!(first.iccid, "898607b8101700000001");
    assert_eq!(first.state, 1);
    assert!(
        first.extra.is_empty(),
        "the alias is not also kept as an unknown field: {:?}",
        first.extra
    );
    assert_eq!(page.cards[1].msisdn, "1449999000002");
    assert_eq!(page.cards[1].imsi, "");
    assert_eq!(page.cards[1].iccid, "89899999901874000002");

    let table = list_cards(variant("3.2.1-card-list.json", |v| {
        rename_key(v, "msisdns", "msisdn")
    }))
    .await
    .unwrap();
    assert_eq!(
        table, page,
        "table-named payload decodes to the same values"
    );
}

#[tokio::test]
async fn card_detail_3_2_2_every_alias() {
    let cards = card_details(fixture("3.2.2-card-detail.json"))
        .await
        .unwrap();
    assert_eq!(cards.len(), 1);
    let d = &cards[0];
    assert_eq!(d.msisdn, "10648739***70");
    assert_eq!(d.imsi, "460040739****13");
    assert_eq!(d.iccid, "898602B71019*****13");
    assert_eq!(d.state, 1);
    assert_eq!(d.mno, "CM", "yys → mno");
    assert_eq!(d.balance, 0.0);
    assert_eq!(d.cycle, 3);
    assert_eq!(d.status, "00-正常");
    assert_eq!(d.msstatus, 2, "msStatus → msstatus");
    assert_eq!(d.onoff, "1", "onOff → onoff");
    assert_eq!(d.online, "在线", "gprsStatus → online");
    assert_eq!(d.ip, "10.127.*.220");
    assert_eq!(d.apn, "2G");
    assert_eq!(d.rat, "cmiot");
    assert_eq!(d.activedate.as_deref(), Some("2020-04-14"));
    assert_eq!(d.statusyncdate.as_deref(), Some("2021-07-05"));
    assert_eq!(d.pkgsyncdate.as_deref(), Some("2021-07-12"));
    assert_eq!(d.monthsyncdate.as_deref(), Some("2021-07-12"));
    assert_eq!(d.stoptestdate, None, "absent date → None");
    assert_eq!(d.expiredate, None);
    assert_eq!(d.pkgtotalflow, 512000.0);
    assert_eq!(d.pkgusedflow, 805.0);
    assert_eq!(d.pkgleftflow, 511195.0);
    assert_eq!(d.flowusage, 805.0);
    assert_eq!(d.outflowusage, 0.0);
    assert_eq!((d.smsusage, d.voiceusage, d.connectusage), (0, 0, 0));
    assert_eq!(d.openpool, 0);
    assert!(
        d.extra.is_empty(),
        "every example field is known: {:?}",
        d.extra
    );

    // The same card with the table's names (including the table's `monthsincdate` spelling).
    let table = variant("3.2.2-card-detail.json", |v| {
        for (from, to) in [
            ("yys", "mno"),
            ("msStatus", "msstatus"),
            ("onOff", "onoff"),
            ("gprsStatus", "online"),
            ("monthsyncdate", "monthsincdate"),
        ] {
            rename_key(v, from, to);
        }
    });
    assert_eq!(card_details(table).await.unwrap(), cards);

    // Table-named fields spelled as the table itself does.
    let canonical = variant("3.2.2-card-detail.json", |v| {
        for (from, to) in [
            ("yys", "mno"),
            ("msStatus", "msstatus"),
            ("onOff", "onoff"),
            ("gprsStatus", "online"),
        ] {
            rename_key(v, from, to);
        }
    });
    assert_eq!(card_details(canonical).await.unwrap(), cards);

    // Empty and null dates are None; unknown fields are kept as JSON text.
    let odd = variant("3.2.2-card-detail.json", |v| {
        let card = &mut v["result"]["cards"][0];
        card["activedate"] = Value::from("");
        card["expiredate"] = Value::Null;
        card["pkgsyncdate"] = Value::from("  ");
        card["futurefield"] = serde_json::json!({"a": 1});
        card["futurenumber"] = Value::from(7);
    });
    let d2 = &card_details(odd).await.unwrap()[0];
    assert_eq!(
        (
            d2.activedate.as_deref(),
            d2.expiredate.as_deref(),
            d2.pkgsyncdate.as_deref()
        ),
        (None, None, None)
    );
    assert_eq!(
        d2.extra.get("futurefield").map(String::as_str),
        Some(r#"{"a":1}"#)
    );
    assert_eq!(d2.extra.get("futurenumber").map(String::as_str), Some("7"));
}

#[tokio::test]
async fn card_usage_current_3_2_3_iccid_alias() {
    let usages = current_usage(fixture("3.2.3-card-usage-current.json"))
        .await
        .unwrap();
    assert_eq!(usages.len(), 2);
    let u = &usages[0];
    assert_eq!(u.msisdn, "1064938567743");
    assert_eq!(
        u.iccids, "89860621260034888888",
        "example `iccid` lands in the table's `iccids`"
    );
    assert_eq!(u.iccid(), "89860621260034888888");
    assert_eq!(u.imsi, "");
    assert_eq!(u.state, 1);
    assert_eq!(u.pkgtotalflow, 102400.0);
    assert_eq!(u.pkgusedflow, 53479516.16);
    assert_eq!(u.pkgleftflow, 0.0);
    assert_eq!(u.flowusage, 51564113.92);
    assert_eq!(u.pkgtotalusedflow, 0.0, "absent number → 0");
    assert_eq!((u.smsusage, u.voiceusage, u.connectusage), (0, 0, 0));
    assert!(u.extra.is_empty(), "{:?}", u.extra);
    let v = &usages[1];
    assert_eq!(
        (v.msisdn.as_str(), v.iccids.as_str(), v.state),
        ("1064938172791", "89860316462012999999", 0)
    );
    assert_eq!((v.pkgtotalflow, v.pkgleftflow), (5120.0, 5120.0));

    let table = current_usage(variant("3.2.3-card-usage-current.json", |v| {
        rename_key(v, "iccid", "iccids")
    }))
    .await
    .unwrap();
    assert_eq!(table, usages);
}

#[tokio::test]
async fn card_usage_past_3_2_4() {
    let usages = usage_history(fixture("3.2.4-card-usage-past.json"))
        .await
        .unwrap();
    assert_eq!(usages.len(), 1);
    let u = &usages[0];
    assert_eq!(u.month, "202112");
    assert_eq!(u.msisdn, "1440263908508");
    assert_eq!(u.iccid, "89860426102190428508");
    assert_eq!(u.flowusage, 1536000.0);
    assert_eq!(u.outflowusage, 0.0);
    assert_eq!((u.smsusage, u.voiceusage, u.connectusage), (0, 0, 0));
    assert!(u.extra.is_empty());
    let iccids = usage_history(variant("3.2.4-card-usage-past.json", |v| {
        rename_key(v, "iccid", "iccids")
    }))
    .await
    .unwrap();
    assert_eq!(iccids, usages, "the URL's `iccids` spelling decodes too");
}

#[tokio::test]
async fn card_abnormal_3_2_5() {
    let page = arrears(fixture("3.2.5-card-abnormal.json")).await.unwrap();
    assert_eq!((page.count, page.pageindex, page.totalpage), (2, 1, 1));
    assert_eq!(page.cards.len(), 2);
    let c = &page.cards[0];
    assert_eq!(c.msisdn, "1440358520030");
    assert_eq!(c.imsi, "460045585200031");
    assert_eq!(c.iccid, "89860435101880310230");
    assert_eq!(c.state, 1);
    assert_eq!(c.balance, -1.6);
    assert_eq!(page.cards[1].msisdn, "1440358520082");
    assert_eq!(page.cards[1].iccid, "89860435101880310282");
    assert_eq!(page.cards[1].balance, -1.6);
}

#[tokio::test]
async fn card_pkg_get_3_2_6() {
    let list = packages(fixture("3.2.6-card-pkg-get.json")).await.unwrap();
    assert_eq!(list.msisdn, "1440263908508");
    assert_eq!(list.count, 2);
    assert_eq!(list.pkgs.len(), 2);
    let p = &list.pkgs[0];
    assert_eq!(p.pkgcode, "xagx031");
    assert_eq!(p.pkgname, "安心包 10 元 100M(持续有效, 需主动关停)");
    assert_eq!(p.startdate.as_deref(), Some("2021-01-01"));
    assert_eq!(p.enddate.as_deref(), Some("2021-12-31"));
    assert_eq!(p.msisdn, "");
    assert!(!p.mainpkg);
    assert_eq!((p.pkgtype, p.pkgcategory, p.buycycle), (1, 4, 1));
    assert_eq!(p.totalflow, -1.0, "undocumented totalflow, -1 = unlimited");
    assert!(p.extra.is_empty(), "{:?}", p.extra);
    let q = &list.pkgs[1];
    assert_eq!(
        (q.pkgcode.as_str(), q.pkgname.as_str()),
        ("xagx020", "移动 1G 年包")
    );
    assert_eq!(
        (q.startdate.as_deref(), q.enddate.as_deref()),
        (Some("2021-12-01"), Some("2022-11-25"))
    );
    assert!(q.mainpkg);
    assert_eq!((q.pkgtype, q.pkgcategory, q.buycycle), (1, 2, 12));
    assert_eq!(q.totalflow, 1048576.0);

    // `mainpkg` as "1"/"0", empty dates.
    let odd = variant("3.2.6-card-pkg-get.json", |v| {
        v["result"]["pkgs"][0]["mainpkg"] = Value::from("0");
        v["result"]["pkgs"][1]["mainpkg"] = Value::from("1");
        v["result"]["pkgs"][0]["enddate"] = Value::from("");
    });
    let odd = packages(odd).await.unwrap();
    assert!(!odd.pkgs[0].mainpkg && odd.pkgs[1].mainpkg);
    assert_eq!(odd.pkgs[0].enddate, None);
}

#[tokio::test]
async fn card_usage_day_3_2_7() {
    let day = daily_usage(fixture("3.2.7-card-usage-day.json"))
        .await
        .unwrap();
    assert_eq!(day.count, 5);
    // The SDK reports the day it asked for (the example's 2020-05-13 is outside the 7-day window).
    assert_eq!(day.day, today());
    let got: Vec<(&str, f64)> = day
        .usages
        .iter()
        .map(|u| (u.msisdn.as_str(), u.usage))
        .collect();
    assert_eq!(
        got,
        [
            ("1440256356200", 1248.0),
            ("1440256356201", 1222.0),
            ("1440256356202", 1248.0),
            ("1440256356203", 1274.0),
            ("1440256356204", 1222.0)
        ]
    );
    assert!(day
        .usages
        .iter()
        .all(|u| u.iccids.is_empty() && u.extra.is_empty()));
}

#[tokio::test]
async fn pool_list_3_3_1() {
    let pools = pools(fixture("3.3.1-pool-list.json")).await.unwrap();
    assert_eq!(pools.len(), 2);
    let p = &pools[0];
    assert_eq!(p.sid, "10043");
    assert_eq!(p.state, 1);
    assert_eq!(p.tbsj, "2024-03-31 23:31:42");
    assert_eq!(p.poolid, "1310");
    assert_eq!(p.poolname, "停车场项目 1G-M-20P");
    assert_eq!(p.ptcardcount, 9);
    assert_eq!(p.pttotalflow, 9437184.0);
    assert_eq!(p.ptactcardcount, 7);
    assert_eq!(p.ptacttotalflow, 7340032.0);
    assert_eq!(p.pkgid, "1522");
    assert_eq!(p.pkgname, "电信 1G 月度包");
    assert_eq!(p.pkgsize, 1048576.0);
    assert_eq!(p.usedflow, 5516954.0);
    assert!(p.extra.is_empty());
    let q = &pools[1];
    assert_eq!(
        (q.sid.as_str(), q.poolid.as_str(), q.poolname.as_str()),
        ("1004301", "1435", "智慧监控上报 1G/月移动定向")
    );
    assert_eq!((q.ptcardcount, q.ptactcardcount, q.usedflow), (10, 0, 0.0));
}

// ---------------------------------------------------------------------------------------------
// 3.4 operations

#[tokio::test]
async fn card_pkg_renew_3_4_1_success_and_failure_with_result() {
    let order = renew(fixture("3.4.1-card-pkg-renew.json")).await.unwrap();
    assert_eq!(order.msisdn, "1064710578361");
    assert_eq!(order.orderid, "CR1909111603218752");
    assert_eq!(order.orderamount, 28.80);
    assert_eq!(order.ordertime.as_deref(), Some("2019-09-11 16:03:21"));
    assert!(order.extra.is_empty());

    let err = renew(fixture("3.4.1-card-pkg-renew-failure.json"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.code(), "1080");
    let f = failure(&err);
    assert_eq!(f.msg, "套餐续费失败");
    assert_eq!(
        f.detail,
        "续费失败, 原因: 1064710578361 存在重复续费单, 单号: CR1909111603218752"
    );
    assert_eq!(f.endpoint, "card/pkg/renew");
    assert_eq!(f.carrier_code, None);
    assert!(!err.outcome_unknown(), "a definite refusal");
    // The failed renewal still carries its `result`.
    let result: Value = serde_json::from_str(f.result.as_deref().expect("result kept")).unwrap();
    assert_eq!(
        result,
        serde_json::json!({"msisdn": "1064710578361", "orderid": "", "orderamount": 0, "ordertime": "2019-09-11 16:03:55"})
    );
}

#[tokio::test]
async fn lifecycle_3_4_2_to_3_4_6_success() {
    for (section, name) in [
        ("3.4.2", "3.4.2-card-stoptest.json"),
        ("3.4.3", "3.4.3-card-foractive.json"),
        ("3.4.4", "3.4.4-card-stopkeep.json"),
        ("3.4.5", "3.4.5-card-switchnet.json"),
        ("3.4.6", "3.4.6-card-setvoicewhitetable.json"),
    ] {
        lifecycle(section, fixture(name))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[tokio::test]
async fn lifecycle_1099_with_carrier_13009_is_rate_limited() {
    for (section, name, endpoint) in [
        ("3.4.2", "3.4.2-card-stoptest-failure.json", "card/stoptest"),
        (
            "3.4.3",
            "3.4.3-card-foractive-failure.json",
            "card/foractive",
        ),
        ("3.4.4", "3.4.4-card-stopkeep-failure.json", "card/stopkeep"),
        (
            "3.4.5",
            "3.4.5-card-switchnet-failure-13009.json",
            "card/switchnet",
        ),
    ] {
        let err = lifecycle(section, fixture(name)).await.unwrap_err();
        assert!(matches!(err, Error::RateLimited { .. }), "{name}: {err:?}");
        assert_eq!(err.code(), "1099", "{name}");
        let f = failure(&err);
        assert_eq!(f.carrier_code.as_deref(), Some("13009"), "{name}");
        assert_eq!(f.msg, "上级错误");
        assert_eq!(
            f.detail,
            "通道方返回错误码:13009,同一卡号 3 分钟内不能通过此类接口重复办理业务"
        );
        assert_eq!(f.endpoint, endpoint);
        assert_eq!(
            err.retry_after_secs(),
            Some(180),
            "{name}: the carrier's 3-minute window"
        );
    }
}

#[tokio::test]
async fn switchnet_3_4_5_failure_1031_is_api() {
    let err = lifecycle("3.4.5", fixture("3.4.5-card-switchnet-failure-1031.json"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.code(), "1031");
    let f = failure(&err);
    assert_eq!(f.msg, "参数值错误");
    assert!(f
        .detail
        .starts_with("该卡开通多个 APN 上网功能 CMIOT,M2MIOT"));
    assert_eq!(f.carrier_code, None);
}

#[tokio::test]
async fn setvoicewhitetable_3_4_6_carrier_shaped_failures() {
    let err = lifecycle(
        "3.4.6",
        fixture("3.4.6-card-setvoicewhitetable-failure-12144.json"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.code(), "12144");
    let f = failure(&err);
    assert_eq!(f.msg, "本月删除白名单号码次数已达上限，本次业务办理失败");
    assert_eq!(f.carrier_code.as_deref(), Some("12144"));
    assert_eq!(f.result, None, "`result: []` carries nothing");
    assert_eq!(f.endpoint, "card/setvoicewhitetable");

    let err = lifecycle(
        "3.4.6",
        fixture("3.4.6-card-setvoicewhitetable-failure-13010.json"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(err.code(), "13010");
    assert_eq!(
        failure(&err).msg,
        "同一卡号 1 分钟内不能调用该接口超过 1 次"
    );
    assert_eq!(
        err.retry_after_secs(),
        Some(60),
        "the whitelist's 1-minute window"
    );

    let err = lifecycle(
        "3.4.6",
        fixture("3.4.6-card-setvoicewhitetable-failure-19019.json"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Api { .. }), "{err:?}");
    assert_eq!(err.code(), "19019");
    assert_eq!(
        failure(&err).msg,
        "群组白名单+成员白名单数量已达上限，不允许办理业务。"
    );
}

// ---------------------------------------------------------------------------------------------
// 3.5 SMS

#[tokio::test]
async fn sms_send_receipts_3_5_1_3_5_2_3_5_5_and_tasked() {
    let plain = send_iot_sms(fixture("3.5.1-sms-sendlotsms.json"))
        .await
        .unwrap();
    assert_eq!((plain.count, plain.fee), (2, 2));
    assert_eq!(plain.taskid, "4e4002b6e89b48f69d9271c0edf920c8");
    assert_eq!(
        plain.taskids,
        vec!["4e4002b6e89b48f69d9271c0edf920c8".to_string()]
    );
    assert!(plain.extra.is_empty());

    let encrypted = send_iot_sms_encrypted(fixture("3.5.2-sms-sendiotencryptsms.json"))
        .await
        .unwrap();
    assert_eq!(
        (encrypted.count, encrypted.fee, encrypted.taskid.as_str()),
        (2, 2, "204220f74dbe4aab99c91b0d610bc828")
    );

    let template = send_template_sms(fixture("3.5.5-sms-sendsms.json"))
        .await
        .unwrap();
    assert_eq!(
        (template.count, template.fee, template.taskid.as_str()),
        (2, 2, "4e4002b6e89b48f69d9271c0edf920c8")
    );

    // The tables call it `tasked`.
    for name in ["3.5.1-sms-sendlotsms.json", "3.5.5-sms-sendsms.json"] {
        let tasked = variant(name, |v| rename_key(v, "taskid", "tasked"));
        assert_eq!(send_iot_sms(tasked.clone()).await.unwrap(), plain, "{name}");
        assert_eq!(send_template_sms(tasked).await.unwrap(), template, "{name}");
    }
    let tasked = variant("3.5.2-sms-sendiotencryptsms.json", |v| {
        rename_key(v, "taskid", "tasked")
    });
    assert_eq!(send_iot_sms_encrypted(tasked).await.unwrap(), encrypted);
}

#[tokio::test]
async fn sms_rpt_get_3_5_3_stat_alias() {
    let reports = sms_reports(fixture("3.5.3-sms-rpt-get.json"))
        .await
        .unwrap();
    assert_eq!(reports.len(), 2);
    for (r, mobile) in reports.iter().zip(["1064844353790", "1064844353795"]) {
        assert_eq!(r.state, "DELIVRD", "stat → state");
        assert!(r.delivered());
        assert_eq!(r.mobile, mobile);
        assert_eq!(r.taskid, "5fff2c6b7d8c4f38897fa15e7bcb1aa7");
        assert_eq!(r.rpttime, None, "missing rpttime → None");
        assert!(r.extra.is_empty(), "{:?}", r.extra);
    }
    let table = sms_reports(variant("3.5.3-sms-rpt-get.json", |v| {
        rename_key(v, "stat", "state")
    }))
    .await
    .unwrap();
    assert_eq!(table, reports);
    let with_time = variant("3.5.3-sms-rpt-get.json", |v| {
        rename_key(v, "stat", "state");
        set_in_each(v, "rpts", "rpttime", Value::from("2024-04-01 10:00:00"));
        v["result"]["rpts"][1]["rpttime"] = Value::from("");
    });
    let with_time = sms_reports(with_time).await.unwrap();
    assert_eq!(with_time[0].rpttime.as_deref(), Some("2024-04-01 10:00:00"));
    assert_eq!(with_time[1].rpttime, None, "empty rpttime → None");
}

#[tokio::test]
async fn sms_mo_get_3_5_4_spcode_alias() {
    let replies = sms_replies(fixture("3.5.4-sms-mo-get.json")).await.unwrap();
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].content, "mobile2iot:www.jsmsxx.com");
    assert_eq!(replies[0].apmid, "108502f27f1042e89ed4b8afbd570ab0");
    assert_eq!(replies[0].scode, "10690599801003");
    assert_eq!(replies[0].mobile, "15951977097");
    assert_eq!(replies[1].content, "123456789");
    assert_eq!(replies[1].apmid, "AEEED88120D570E19149D557495D6FC6");
    assert_eq!(replies[1].scode, "10690599", "spcode → scode");
    assert_eq!(replies[1].mobile, "1064807400778");
    assert!(replies.iter().all(|r| r.extra.is_empty()));
    let table = sms_replies(variant("3.5.4-sms-mo-get.json", |v| {
        rename_key(v, "spcode", "scode")
    }))
    .await
    .unwrap();
    assert_eq!(table, replies);
}

// ---------------------------------------------------------------------------------------------
// Failures

#[tokio::test]
async fn message_format_5_1_failure_1001_is_auth() {
    let err = customer(fixture("5.1-failure-1001.json"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert_eq!(err.code(), "1001");
    let f = failure(&err);
    assert_eq!(
        (f.msg.as_str(), f.detail.as_str()),
        ("账号被禁用", "联系客服人员开启")
    );
    assert_eq!(f.endpoint, "customer/get");
    assert_eq!(f.http_status, 200);
    // The code as a number is the same refusal.
    let numeric = variant("5.1-failure-1001.json", |v| v["code"] = Value::from(1001));
    assert_eq!(customer(numeric).await.unwrap_err().code(), "1001");
}

// ---------------------------------------------------------------------------------------------
// Numbers as strings or numbers, `code` as a number

#[tokio::test]
async fn every_success_example_decodes_the_same_with_numbers_as_strings() {
    async fn both<T: PartialEq + std::fmt::Debug>(
        name: &str,
        decode: impl AsyncFn(String) -> cardboss::Result<T>,
    ) {
        let original = decode(fixture(name))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let strings = decode(variant(name, stringify_numbers))
            .await
            .unwrap_or_else(|e| panic!("{name} as strings: {e}"));
        assert_eq!(strings, original, "{name}: numbers written as strings");
        let numeric_code = decode(variant(name, |v| v["code"] = Value::from(0)))
            .await
            .unwrap();
        assert_eq!(numeric_code, original, "{name}: code as the number 0");
    }
    both("3.1.1-customer-get.json", customer).await;
    both("3.2.1-card-list.json", list_cards).await;
    both("3.2.2-card-detail.json", card_details).await;
    both("3.2.3-card-usage-current.json", current_usage).await;
    both("3.2.4-card-usage-past.json", usage_history).await;
    both("3.2.5-card-abnormal.json", arrears).await;
    both("3.2.6-card-pkg-get.json", packages).await;
    both("3.2.7-card-usage-day.json", daily_usage).await;
    both("3.3.1-pool-list.json", pools).await;
    both("3.4.1-card-pkg-renew.json", renew).await;
    both("3.5.1-sms-sendlotsms.json", send_iot_sms).await;
    both("3.5.2-sms-sendiotencryptsms.json", send_iot_sms_encrypted).await;
    both("3.5.3-sms-rpt-get.json", sms_reports).await;
    both("3.5.4-sms-mo-get.json", sms_replies).await;
    both("3.5.5-sms-sendsms.json", send_template_sms).await;
}

#[tokio::test]
async fn status_codes_given_as_numbers_decode_to_the_same_integers() {
    // The other direction: the example's numeric strings as JSON numbers.
    let detail = variant("3.2.2-card-detail.json", |v| {
        let card = &mut v["result"]["cards"][0];
        for key in ["state", "cycle", "msStatus", "openpool"] {
            let n: i64 = card[key].as_str().unwrap().parse().unwrap();
            card[key] = Value::from(n);
        }
    });
    assert_eq!(
        card_details(detail).await.unwrap(),
        card_details(fixture("3.2.2-card-detail.json"))
            .await
            .unwrap()
    );
    let pkgs = variant("3.2.6-card-pkg-get.json", |v| {
        set_in_each(v, "pkgs", "pkgtype", Value::from(1));
        v["result"]["pkgs"][0]["pkgcategory"] = Value::from(4);
        v["result"]["pkgs"][1]["pkgcategory"] = Value::from(2.0);
    });
    assert_eq!(
        packages(pkgs).await.unwrap(),
        packages(fixture("3.2.6-card-pkg-get.json")).await.unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// Pushes: 3.5.6 (unsigned SMS pushes) and 4.2 (signed data pushes)

#[test]
fn sms_push_3_5_6_p0001_taskid_alias() {
    let SmsPush::Reports { reports } =
        parse_sms_push(fixture("3.5.6-push-p0001.json").as_bytes()).unwrap()
    else {
        panic!("P0001 is reports")
    };
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    assert_eq!(r.mobile, "1064807400778");
    assert_eq!(r.state, "MA:0041");
    assert!(!r.delivered());
    assert_eq!(
        r.taskid, "F4D1C4634F02ECE6F1A75C67D5067FDA",
        "taskId → taskid"
    );
    assert_eq!(r.rpttime, None);
    assert!(r.extra.is_empty(), "{:?}", r.extra);

    // The table's name, `data` as an array rather than a string, and the document's verbatim
    // (unescaped) form all give the same reports.
    let table = fixture("3.5.6-push-p0001.json").replace("taskId", "taskid");
    let as_array = variant("3.5.6-push-p0001.json", |v| {
        let inner: Value = serde_json::from_str(v["data"].as_str().unwrap()).unwrap();
        v["data"] = inner;
    });
    let verbatim = "{\n  \"type\": \"P0001\",\n  \"data\":\n  \"[{\"mobile\":\"1064807400778\",\"state\":\"MA:0041\",\"taskId\":\"F4D1C4634F02ECE6F1A75C67D5067FDA\"}]\"\n}";
    for body in [table.as_str(), as_array.as_str(), verbatim] {
        let SmsPush::Reports { reports: again } = parse_sms_push(body.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(again, reports, "{body}");
    }
}

#[test]
fn sms_push_3_5_6_p0002_spcode_alias() {
    let SmsPush::Replies { replies } =
        parse_sms_push(fixture("3.5.6-push-p0002.json").as_bytes()).unwrap()
    else {
        panic!("P0002 is replies")
    };
    assert_eq!(replies.len(), 1);
    let r = &replies[0];
    assert_eq!(r.mobile, "1064807400778");
    assert_eq!(r.apmid, "259ca6d57cdd46deb0a91c0d6a2551b5");
    assert_eq!(r.scode, "1064899102015", "spcode → scode");
    assert_eq!(r.content, "test 2021-09-15 18:04:33");
    assert!(r.extra.is_empty());

    let table = fixture("3.5.6-push-p0002.json").replace("spcode", "scode");
    let verbatim = "{\n  \"type\": \"P0002\",\n  \"data\":\n  \"[{\"mobile\":\"1064807400778\",\"apmid\":\"259ca6d57cdd46deb0a91c0d6a2551b5\",\"spcode\":\"1064899102015\",\"content\":\"test 2021-09-15 18:04:33\"}]\"\n}";
    for body in [table.as_str(), verbatim] {
        let SmsPush::Replies { replies: again } = parse_sms_push(body.as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(again, replies, "{body}");
    }
}

/// The 4.2 example's fields as signed: `data` exactly as it appears in the body.
fn od1002_parts() -> (String, String) {
    let text = fixture("4.2-push-od1002.json");
    let raw: std::collections::HashMap<String, &RawValue> = serde_json::from_str(&text).unwrap();
    (text.clone(), raw["data"].get().to_string())
}

fn od1002_sign(data: &str) -> String {
    // sid, apikey, id, sn, level, api, time, data, desc; absent fields are "".
    cardboss::sign::push_sign("帐号", APIKEY, "", " OD1002", "", "", "", data, "订购成功")
}

fn check_od1002(push: &cardboss::Push, data: &str) {
    assert_eq!(push.sid, "帐号");
    assert_eq!(push.sn, "OD1002", "the stray leading space is trimmed");
    assert_eq!(push.desc, "订购成功");
    assert_eq!(
        (
            push.id.as_str(),
            push.level.as_str(),
            push.api.as_str(),
            push.time.as_str()
        ),
        ("", "", "", "")
    );
    assert_eq!(push.data, data, "data kept exactly as received");
    let PushContent::RenewalResult { result } = &push.content else {
        panic!("OD1002 is a renewal result")
    };
    assert_eq!(result.level, "info");
    assert_eq!(result.status, 1);
    assert!(result.succeeded());
    assert_eq!(result.msg, "订单续费成功, 资费已生效");
    assert_eq!(result.orderid, "NR1909111728587778");
    assert_eq!(result.msisdn, "1064787038023");
    assert_eq!(result.iccid, "898607b8101700728023");
    assert_eq!(result.imsi, "460041870308024");
    assert_eq!(result.equipment, "自动售货机北广场 668 号");
    assert_eq!(
        (
            result.pkgcode.as_str(),
            result.pkgname.as_str(),
            result.month
        ),
        ("", "", 0)
    );
    assert!(result.extra.is_empty(), "{:?}", result.extra);
}

#[test]
fn data_push_4_2_od1002_example_signed_copy_verifies() {
    let (text, data) = od1002_parts();
    // As printed, it is unsigned ("sign": "预警") and must be refused.
    let err = verify_push(text.as_bytes(), APIKEY, &PushOptions::default()).unwrap_err();
    assert!(matches!(err, Error::PushRejected { .. }), "{err:?}");

    // Signed over the same fields, `data` as the object exactly as it appears.
    let sign = od1002_sign(&data);
    assert_eq!(
        sign,
        sign.to_ascii_uppercase(),
        "push signs are uppercase hex"
    );
    let signed = text.replace(r#""sign": "预警""#, &format!(r#""sign": "{sign}""#));
    assert_ne!(signed, text);
    let push = verify_push(signed.as_bytes(), APIKEY, &PushOptions::default()).unwrap();
    check_od1002(&push, &data);
    // The sign compares case-insensitively; the sid is checked when asked to.
    let lower = text.replace(
        r#""sign": "预警""#,
        &format!(r#""sign": "{}""#, sign.to_ascii_lowercase()),
    );
    let expect_sid = PushOptions {
        expected_sid: Some("帐号".into()),
        ..Default::default()
    };
    check_od1002(
        &verify_push(lower.as_bytes(), APIKEY, &expect_sid).unwrap(),
        &data,
    );
    let wrong_sid = PushOptions {
        expected_sid: Some("10043".into()),
        ..Default::default()
    };
    assert!(verify_push(signed.as_bytes(), APIKEY, &wrong_sid).is_err());
    // Another key does not verify.
    assert!(verify_push(
        signed.as_bytes(),
        "ffffffffffffffffffffffffffffffff",
        &PushOptions::default()
    )
    .is_err());

    // The documented form: `data` as a JSON string holding the same object.
    let as_string = variant("4.2-push-od1002.json", |v| {
        v["data"] = Value::from(data.clone());
        v["sign"] = Value::from(sign.clone());
    });
    check_od1002(
        &verify_push(as_string.as_bytes(), APIKEY, &PushOptions::default()).unwrap(),
        &data,
    );

    // And form-encoded.
    let form = serde_urlencoded::to_string([
        ("sn", " OD1002"),
        ("desc", "订购成功"),
        ("sid", "帐号"),
        ("sign", sign.as_str()),
        ("data", data.as_str()),
    ])
    .unwrap();
    check_od1002(
        &verify_push(form.as_bytes(), APIKEY, &PushOptions::default()).unwrap(),
        &data,
    );
}

#[test]
fn data_push_4_2_od1010_from_the_documented_fields() {
    // 4.2 only describes OD1010's fields; this push is built from those names.
    let data = serde_json::json!([{
        "id": "W1", "date": "202404", "mon": "CM", "msisdn": "1064787038023", "iccid": "898607b8101700728023",
        "imei": "", "equipment": "自动售货机", "type": "11", "planname": "移动 1G 年包", "cardexpiry": "2025-03-31",
        "planexpiry": "", "total": "1048576", "usage": 1000000.5, "outflow": 0, "threshold": "90%"
    }])
    .to_string();
    let sign = cardboss::sign::push_sign(
        "10043",
        APIKEY,
        "m-1",
        "OD1010",
        "warning",
        "",
        "2024-04-01 10:00:00",
        &data,
        "预警",
    );
    let body = serde_json::json!({
        "sid": "10043", "id": "m-1", "sn": "OD1010", "level": "warning", "api": null,
        "time": "2024-04-01 10:00:00", "data": data, "desc": "预警", "sign": sign
    })
    .to_string();
    let push = verify_push(body.as_bytes(), APIKEY, &PushOptions::default()).unwrap();
    let PushContent::UsageWarnings { warnings } = push.content else {
        panic!("OD1010 is usage warnings")
    };
    assert_eq!(warnings.len(), 1);
    let w = &warnings[0];
    assert_eq!(
        (w.id.as_str(), w.date.as_str(), w.mon.as_str()),
        ("W1", "202404", "CM")
    );
    assert_eq!(w.warning_type, 11);
    assert_eq!(w.cardexpiry.as_deref(), Some("2025-03-31"));
    assert_eq!(w.planexpiry, None);
    assert_eq!((w.total, w.usage, w.outflow), (1048576.0, 1000000.5, 0.0));
    assert_eq!(
        w.extra.get("threshold").map(String::as_str),
        Some("90%"),
        "extension fields are kept"
    );
}
