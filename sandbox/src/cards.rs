//! 3.2 card queries, in both response styles.

use chrono::Datelike;
use serde_json::{json, Value};

use crate::checks::{many_cards, num, ok, one_card, ApiError, ApiResult, Num, Params};
use crate::data::{past_usage, round2, Card};
use crate::render::{array, envelope, Fragment, Obj};
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
pub fn list(w: &World, p: &Params) -> ApiResult {
    let index = page(p)?;
    let per = cardboss::rules::CARDS_PER_PAGE;
    let total = w.fleet.cards.len();
    let key = if w.settings.style == Style::Example {
        "msisdns"
    } else {
        "msisdn"
    };
    let cards = w
        .fleet
        .cards
        .iter()
        .skip((index - 1).saturating_mul(per))
        .take(per);
    Ok(envelope("result", per * 96, |out| {
        Obj::new(out)
            .field("count", &total)
            .field("pageindex", &index)
            .field("totalpage", &total.div_ceil(per))
            .raw("cards", |out| {
                array(out, cards, |out, c| {
                    Obj::new(out)
                        .field(key, &c.msisdn)
                        .field("imsi", &c.imsi)
                        .field("iccid", &c.iccid)
                        .field("state", digit(c.state))
                        .end()
                })
            })
            .end()
    }))
}

/// A small number as the string the platform sends (`"1"`).
fn digit(n: u8) -> &'static str {
    const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    DIGITS.get(n as usize).copied().unwrap_or("")
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

/// One card of card/detail, in either style (see NOTES.md's table of field names).
fn render_detail(c: &Card, example: bool, today: chrono::NaiveDate, out: &mut Vec<u8>) {
    let main = c.main_pkg(today);
    let apnstatus: Vec<String> = c
        .apns
        .iter()
        .map(|a| format!("{}:{}", a.name, if a.active { "正常" } else { "暂停" }))
        .collect();
    let openapns: Vec<&str> = c.apns.iter().map(|a| a.name.as_str()).collect();
    let rat = c
        .apns
        .first()
        .map(|a| a.name.to_lowercase())
        .unwrap_or_default();
    let sync = c.statusyncdate.to_string();
    let flag = |b: bool| if b { "1" } else { "0" };
    let mut o = Obj::new(out);
    o.field("msisdn", &c.msisdn)
        .field("imsi", &c.imsi)
        .field("iccid", &c.iccid)
        .field("imei", &c.imei)
        .field("state", digit(c.state))
        .field(if example { "yys" } else { "mno" }, c.mno.code())
        .field("balance", &Num(c.balance))
        .field("cycle", digit(c.cycle))
        .field("status", status_text(c.msstatus))
        .field(
            if example { "msStatus" } else { "msstatus" },
            digit(c.msstatus),
        );
    if example {
        o.field("onOff", flag(c.power_on))
            .field("gprsStatus", if c.online { "在线" } else { "离线" });
    } else {
        o.field("onoff", if c.power_on { "开机" } else { "关机" })
            .field("online", if c.online { "在线" } else { "离线" });
    }
    o.field("ip", &c.ip)
        .field("apn", "4G")
        .field("rat", &rat)
        .field("activedate", &date(c.activedate))
        .field("stoptestdate", &date(c.stoptestdate))
        .field("stopsleepdate", &date(c.stopsleepdate))
        .field("expiredate", &date(c.expiredate()))
        .field("openpool", flag(c.pool.is_some()))
        .field("pkgcode", main.map(|p| p.def().code).unwrap_or_default())
        .field("pkgname", main.map(|p| p.def().name).unwrap_or_default())
        .field("isxn", "0")
        .field("isjyb", flag(c.has_addon(3, today)))
        .field("isaxb", flag(c.has_addon(4, today)))
        .field("sbbh", &c.equipment)
        .field("openapns", &openapns.join(","))
        .field("apnstatus", &apnstatus.join(","))
        .field("statusyncdate", &sync)
        .field("pkgsyncdate", &sync)
        .field(
            if example {
                "monthsyncdate"
            } else {
                "monthsincdate"
            },
            &sync,
        );
    usage_fields(&mut o, c, today);
    o.end();
}

/// One card of card/usage/current, in either style.
fn render_usage(c: &Card, example: bool, today: chrono::NaiveDate, out: &mut Vec<u8>) {
    let mut o = Obj::new(out);
    o.field("msisdn", &c.msisdn);
    if example {
        o.field("iccid", &c.iccid).field("imsi", &c.imsi);
    } else {
        o.field("iccids", &c.iccid);
    }
    o.field("state", digit(c.state));
    usage_fields(&mut o, c, today);
    o.end();
}

/// The package and usage figures card/detail and card/usage/current share.
fn usage_fields(o: &mut Obj, c: &Card, today: chrono::NaiveDate) {
    let (total, used, total_used, left) = flows(c, today);
    o.field("pkgtotalflow", &Num(total))
        .field("pkgusedflow", &Num(used))
        .field("pkgtotalusedflow", &Num(total_used))
        .field("pkgleftflow", &Num(left))
        .field("flowusage", &Num(c.flowusage))
        .field("outflowusage", &Num(c.outflowusage))
        .field("smsusage", &c.smsusage)
        .field("voiceusage", &c.voiceusage)
        .field("connectusage", &c.connectusage);
}

/// `{"count":N,KEY:[…]}` of the cards' kept fragments (rendered now where there is none).
fn card_fragments(w: &World, p: &Params, key: &str, what: Fragment) -> ApiResult {
    let cards = many_cards(w, p)?;
    let (style, today) = (w.settings.style, w.today());
    let render = match what {
        Fragment::Detail => render_detail,
        Fragment::Usage => render_usage,
    };
    Ok(envelope("result", cards.len() * 900, |out| {
        Obj::new(out)
            .field("count", &cards.len())
            .raw(key, |out| {
                array(out, &cards, |out, &i| {
                    w.fleet
                        .rendered
                        .append(i as usize, what, style, today, out, |buf| {
                            render(
                                &w.fleet.cards[i as usize],
                                style == Style::Example,
                                today,
                                buf,
                            )
                        })
                })
            })
            .end()
    }))
}

/// 3.2.2.
pub fn detail(w: &World, p: &Params) -> ApiResult {
    card_fragments(w, p, "cards", Fragment::Detail)
}

/// 3.2.3.
pub fn usage_current(w: &World, p: &Params) -> ApiResult {
    card_fragments(w, p, "usages", Fragment::Usage)
}

/// 3.2.4: one of the last three months; the current month shows live figures.
pub fn usage_past(w: &World, p: &Params) -> ApiResult {
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
pub fn abnormal(w: &World, p: &Params) -> ApiResult {
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
pub fn pkg_get(w: &World, p: &Params) -> ApiResult {
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
pub fn usage_day(w: &World, p: &Params) -> ApiResult {
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
