//! 3.2 card queries, in both response styles.

use chrono::Datelike;
use serde_json::{json, Map, Value};

use crate::checks::{many_cards, num, ok, one_card, ApiError, ApiResult, Params};
use crate::data::{past_usage, round2, Card};
use crate::state::World;
use crate::Style;

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn page(p: &Params) -> Result<usize, ApiError> {
    p.val("pageindex")
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| {
            ApiError::new(
                "1031",
                format!("pageindex 参数值错误: {}", p.val("pageindex")),
            )
        })
}

/// 3.2.1: pages of 100.
pub fn list(w: &mut World, p: &Params) -> ApiResult {
    let index = page(p)?;
    let per = cardboss::rules::CARDS_PER_PAGE;
    let total = w.fleet.cards.len();
    let key = if w.settings.style == Style::Example {
        "msisdns"
    } else {
        "msisdn"
    };
    let cards: Vec<Value> = w
        .fleet
        .cards
        .iter()
        .skip((index - 1).saturating_mul(per))
        .take(per)
        .map(|c| {
            let mut m = Map::new();
            m.insert(key.into(), c.msisdn.clone().into());
            m.insert("imsi".into(), c.imsi.clone().into());
            m.insert("iccid".into(), c.iccid.clone().into());
            m.insert("state".into(), c.state.to_string().into());
            Value::Object(m)
        })
        .collect();
    ok(
        json!({"count": total, "pageindex": index, "totalpage": total.div_ceil(per), "cards": cards}),
    )
}

/// Flow figures of a card: (total, used, total used, left).
fn flows(c: &Card, today: chrono::NaiveDate) -> (f64, f64, f64, f64) {
    if c.pool.is_some() {
        return (0.0, 0.0, 0.0, 0.0);
    }
    let total = c.pkg_total(today);
    let used = if total > 0.0 { c.flowusage } else { 0.0 };
    (total, used, used, round2((total - used).max(0.0)))
}

fn status_text(ms: u8) -> &'static str {
    match ms {
        0 => "01-库存",
        1 => "02-待激活",
        2 => "00-正常",
        3 => "03-停机",
        4 => "04-销号",
        6 => "06-测试",
        _ => "05-其他",
    }
}

fn detail_json(w: &World, idx: u32) -> Value {
    let c = &w.fleet.cards[idx as usize];
    let today = w.today();
    let example = w.settings.style == Style::Example;
    let (total, used, total_used, left) = flows(c, today);
    let main = c.main_pkg(today);
    let apnstatus: Vec<String> = c
        .apns
        .iter()
        .map(|a| format!("{}:{}", a.name, if a.active { "正常" } else { "暂停" }))
        .collect();
    let sync = c.statusyncdate.to_string();
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("msisdn", c.msisdn.clone().into());
    put("imsi", c.imsi.clone().into());
    put("iccid", c.iccid.clone().into());
    put("imei", c.imei.clone().into());
    put("state", c.state.to_string().into());
    put(if example { "yys" } else { "mno" }, c.mno.code().into());
    put("balance", num(c.balance));
    put("cycle", c.cycle.to_string().into());
    put("status", status_text(c.msstatus).into());
    put(
        if example { "msStatus" } else { "msstatus" },
        c.msstatus.to_string().into(),
    );
    if example {
        put("onOff", if c.power_on { "1" } else { "0" }.into());
        put("gprsStatus", if c.online { "在线" } else { "离线" }.into());
    } else {
        put("onoff", if c.power_on { "开机" } else { "关机" }.into());
        put("online", if c.online { "在线" } else { "离线" }.into());
    }
    put("ip", c.ip.clone().into());
    put("apn", "4G".into());
    put(
        "rat",
        c.apns
            .first()
            .map(|a| a.name.to_lowercase())
            .unwrap_or_default()
            .into(),
    );
    put("activedate", date(c.activedate).into());
    put("stoptestdate", date(c.stoptestdate).into());
    put("stopsleepdate", date(c.stopsleepdate).into());
    put("expiredate", date(c.expiredate()).into());
    put("openpool", if c.pool.is_some() { "1" } else { "0" }.into());
    put(
        "pkgcode",
        main.map(|p| p.def().code).unwrap_or_default().into(),
    );
    put(
        "pkgname",
        main.map(|p| p.def().name).unwrap_or_default().into(),
    );
    put("isxn", "0".into());
    put(
        "isjyb",
        if c.has_addon(3, today) { "1" } else { "0" }.into(),
    );
    put(
        "isaxb",
        if c.has_addon(4, today) { "1" } else { "0" }.into(),
    );
    put("sbbh", c.equipment.clone().into());
    put(
        "openapns",
        c.apns
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(",")
            .into(),
    );
    put("apnstatus", apnstatus.join(",").into());
    put("statusyncdate", sync.clone().into());
    put("pkgsyncdate", sync.clone().into());
    put(
        if example {
            "monthsyncdate"
        } else {
            "monthsincdate"
        },
        sync.into(),
    );
    put("pkgtotalflow", num(total));
    put("pkgusedflow", num(used));
    put("pkgtotalusedflow", num(total_used));
    put("pkgleftflow", num(left));
    put("flowusage", num(c.flowusage));
    put("outflowusage", num(c.outflowusage));
    put("smsusage", c.smsusage.into());
    put("voiceusage", c.voiceusage.into());
    put("connectusage", c.connectusage.into());
    Value::Object(m)
}

/// 3.2.2.
pub fn detail(w: &mut World, p: &Params) -> ApiResult {
    let cards = many_cards(w, p)?;
    let list: Vec<Value> = cards.iter().map(|&i| detail_json(w, i)).collect();
    ok(json!({"count": list.len(), "cards": list}))
}

/// 3.2.3.
pub fn usage_current(w: &mut World, p: &Params) -> ApiResult {
    let cards = many_cards(w, p)?;
    let today = w.today();
    let example = w.settings.style == Style::Example;
    let list: Vec<Value> = cards
        .iter()
        .map(|&i| {
            let c = &w.fleet.cards[i as usize];
            let (total, used, total_used, left) = flows(c, today);
            let mut v = json!({
                "msisdn": c.msisdn,
                "state": c.state.to_string(),
                "pkgtotalflow": num(total),
                "pkgusedflow": num(used),
                "pkgtotalusedflow": num(total_used),
                "pkgleftflow": num(left),
                "flowusage": num(c.flowusage),
                "outflowusage": num(c.outflowusage),
                "smsusage": c.smsusage,
                "voiceusage": c.voiceusage,
                "connectusage": c.connectusage,
            });
            if example {
                v["iccid"] = c.iccid.clone().into();
                v["imsi"] = c.imsi.clone().into();
            } else {
                v["iccids"] = c.iccid.clone().into();
            }
            v
        })
        .collect();
    ok(json!({"count": list.len(), "usages": list}))
}

/// 3.2.4: one of the last three months; the current month shows live figures.
pub fn usage_past(w: &mut World, p: &Params) -> ApiResult {
    let month = p.val("month");
    let now = w.now().with_timezone(&chrono::Utc);
    cardboss::rules::check_history_month(month, now, 480)
        .map_err(|e| ApiError::new("1031", e.to_string()))?;
    let cards = many_cards(w, p)?;
    let today = w.today();
    let current = format!("{:04}{:02}", today.year(), today.month());
    let yyyymm: u32 = month.parse().unwrap_or(0);
    let list: Vec<Value> = cards
        .iter()
        .map(|&i| {
            let c = &w.fleet.cards[i as usize];
            let (flow, sms, voice, conn, out) = if month == current {
                (
                    c.flowusage,
                    c.smsusage,
                    c.voiceusage,
                    c.connectusage,
                    c.outflowusage,
                )
            } else {
                past_usage(w.seed, i, yyyymm)
            };
            json!({
                "month": month, "msisdn": c.msisdn, "iccid": c.iccid,
                "flowusage": num(flow), "outflowusage": num(out), "smsusage": sms,
                "voiceusage": voice, "connectusage": conn,
            })
        })
        .collect();
    ok(json!({"count": list.len(), "usages": list}))
}

fn withdrawn(w: &World) -> Result<(), ApiError> {
    if w.settings.legacy {
        Ok(())
    } else {
        Err(ApiError::new("1098", "该接口已停用"))
    }
}

/// 3.2.5 (withdrawn): cards with a negative balance.
pub fn abnormal(w: &mut World, p: &Params) -> ApiResult {
    let index = page(p)?;
    withdrawn(w)?;
    let per = cardboss::rules::CARDS_PER_PAGE;
    let owing: Vec<&Card> = w.fleet.cards.iter().filter(|c| c.balance < 0.0).collect();
    let cards: Vec<Value> = owing
        .iter()
        .skip((index - 1).saturating_mul(per))
        .take(per)
        .map(|c| json!({"msisdn": c.msisdn, "imsi": c.imsi, "iccid": c.iccid, "state": c.state.to_string(), "balance": num(c.balance)}))
        .collect();
    ok(
        json!({"count": owing.len(), "pageindex": index, "totalpage": owing.len().div_ceil(per), "cards": cards}),
    )
}

/// 3.2.6: the valid (and future) packages.
pub fn pkg_get(w: &mut World, p: &Params) -> ApiResult {
    let idx = one_card(w, p)?;
    let today = w.today();
    let c = &w.fleet.cards[idx as usize];
    let pkgs: Vec<Value> = c
        .pkgs
        .iter()
        .filter(|p| p.end >= today)
        .map(|p| {
            let d = p.def();
            json!({
                "pkgcode": d.code, "pkgname": d.name, "startdate": p.start.to_string(), "enddate": p.end.to_string(),
                "msisdn": "", "mainpkg": d.main, "pkgtype": d.pkgtype.to_string(), "pkgcategory": d.category.to_string(),
                "buycycle": d.buycycle, "totalflow": d.totalflow,
            })
        })
        .collect();
    ok(json!({"msisdn": c.msisdn, "count": pkgs.len(), "pkgs": pkgs}))
}

/// 3.2.7 (withdrawn): daily usage of the last 7 days.
pub fn usage_day(w: &mut World, p: &Params) -> ApiResult {
    let day = p.val("day");
    let now = w.now().with_timezone(&chrono::Utc);
    cardboss::rules::check_usage_day(day, now, 480)
        .map_err(|e| ApiError::new("1031", e.to_string()))?;
    let cards = many_cards(w, p)?;
    withdrawn(w)?;
    let example = w.settings.style == Style::Example;
    let d: u64 = day.parse().unwrap_or(0);
    let list: Vec<Value> = cards
        .iter()
        .map(|&i| {
            let c = &w.fleet.cards[i as usize];
            let usage = crate::data::mix(w.seed ^ d ^ ((i as u64) << 24)) % 5000;
            let mut v = json!({"msisdn": c.msisdn, "usage": usage});
            if !example {
                v["iccids"] = c.iccid.clone().into();
            }
            v
        })
        .collect();
    ok(json!({"count": list.len(), "day": day, "usages": list}))
}
