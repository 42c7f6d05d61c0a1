//! 3.5 SMS: plain, encrypted and template sending; report and reply queues.

use serde_json::{json, Map, Value};

use crate::checks::{ok, ApiError, ApiResult, Params};
use crate::data::{mix, TEMPLATES};
use crate::state::{Report, Upstream, World};
use crate::Style;

/// At most this many reports (or replies) per `sms/rpt/get` (`sms/mo/get`) call.
pub const MAX_DRAIN: usize = 10_000;
/// Price of one billed template SMS, in yuan.
pub const TEMPLATE_SMS_PRICE: f64 = 0.1;
/// The channel code upstream messages arrive on.
pub const SPCODE: &str = "1064899102015";

fn split_mobiles(s: &str) -> Vec<String> {
    s.split(',')
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect()
}

/// Value and limit checks of IoT SMS: numbers (1008), count (1003), content (1002).
fn check_iot(mobiles: &[String], content: &str) -> Result<(), ApiError> {
    if let Err(e) = cardboss::rules::check_sms_mobiles(mobiles, true) {
        return Err(ApiError::new("1008", e.to_string()));
    }
    check_limits(mobiles, content)
}

fn check_limits(mobiles: &[String], content: &str) -> Result<(), ApiError> {
    if mobiles.len() > cardboss::rules::MAX_SMS_MOBILES {
        return Err(ApiError::new(
            "1003",
            format!(
                "单次提交不能超过 {} 个号码",
                cardboss::rules::MAX_SMS_MOBILES
            ),
        ));
    }
    let n = content.chars().count();
    if n > cardboss::rules::MAX_SMS_CHARS {
        return Err(ApiError::new(
            "1002",
            format!(
                "内容字数不能超过 {} 个字, 当前 {n} 个字",
                cardboss::rules::MAX_SMS_CHARS
            ),
        ));
    }
    Ok(())
}

fn send_result(w: &World, count: usize, fee: u64, taskid: &str) -> ApiResult {
    let key = if w.settings.style == Style::Example {
        "taskid"
    } else {
        "tasked"
    };
    let mut m = Map::new();
    m.insert("count".into(), count.into());
    m.insert("fee".into(), fee.into());
    m.insert(key.into(), taskid.into());
    ok(Value::Object(m))
}

/// Delivers one message batch: reports for every number, replies from some devices,
/// usage counters, the ledger, and P0001/P0002 pushes.
fn deliver(
    w: &mut World,
    endpoint: &str,
    mobiles: &[String],
    content: &str,
    iot: bool,
    details: Value,
) -> String {
    let taskid = w.hex_id();
    let time = w.now_text();
    let billed = cardboss::rules::sms_billing_count(content);
    let mut reports = Vec::with_capacity(mobiles.len());
    let mut replies = Vec::new();
    for (i, m) in mobiles.iter().enumerate() {
        let card = if iot { w.fleet.find(m) } else { None };
        let h = mix(w.seed ^ mix(u64::from_str_radix(&taskid[..16], 16).unwrap_or(0) ^ i as u64));
        let state = if iot && card.is_none() {
            "UNDELIV"
        } else {
            match h % 20 {
                0 => "MA:0041",
                1 => "UNDELIV",
                _ => "DELIVRD",
            }
        };
        let target = card
            .map(|c| w.fleet.cards[c as usize].msisdn.clone())
            .unwrap_or_else(|| m.clone());
        reports.push(Report {
            taskid: taskid.clone(),
            mobile: target.clone(),
            state: state.into(),
            rpttime: time.clone(),
        });
        if let Some(c) = card {
            let card = w.fleet.card_mut(c);
            card.smsusage += billed as u64;
            if card.replies && state == "DELIVRD" {
                let apmid = format!("{:032x}", (h as u128) << 64 | mix(h) as u128);
                let head: String = content.chars().take(20).collect();
                replies.push(Upstream {
                    content: format!("ACK {head}"),
                    apmid,
                    spcode: SPCODE.into(),
                    mobile: target,
                });
            }
        }
    }
    let mut details = details;
    details["taskid"] = taskid.clone().into();
    details["billed_per_message"] = billed.into();
    w.record(endpoint, "sms.send", mobiles.to_vec(), details);
    crate::push::queue_sms_reports(w, &reports);
    crate::push::queue_sms_replies(w, &replies);
    w.rpts.extend(reports);
    w.mos.extend(replies);
    taskid
}

/// 3.5.1: plain IoT SMS (free).
pub fn send_lot(w: &mut World, p: &Params) -> ApiResult {
    let mobiles = split_mobiles(p.val("mobile"));
    let content = p.val("content");
    check_iot(&mobiles, content)?;
    let fee = cardboss::rules::sms_billing_count(content) as u64 * mobiles.len() as u64;
    let taskid = deliver(
        w,
        "sms/sendlotsms",
        &mobiles,
        content,
        true,
        json!({"content": content, "fee": fee}),
    );
    send_result(w, mobiles.len(), fee, &taskid)
}

/// 3.5.2: encrypted IoT SMS. 1042 bad ciphertext, 1040 cannot decrypt, 1041 empty parts.
pub fn send_encrypted(w: &mut World, p: &Params) -> ApiResult {
    let text = p.val("text");
    if let Err(e) = cardboss::crypto::decrypt_text(&w.apikey, text) {
        let reason = e.to_string();
        let code = if reason.contains("Base64") || reason.contains("blocks") {
            "1042"
        } else {
            "1040"
        };
        return Err(ApiError::new(code, reason));
    }
    let plain = cardboss::crypto::decrypt_sms(&w.apikey, text)
        .map_err(|e| ApiError::new("1041", e.to_string()))?;
    check_iot(&plain.mobiles, &plain.content)?;
    let fee =
        cardboss::rules::sms_billing_count(&plain.content) as u64 * plain.mobiles.len() as u64;
    let taskid = deliver(
        w,
        "sms/sendiotencryptsms",
        &plain.mobiles,
        &plain.content,
        true,
        json!({"content": plain.content, "fee": fee, "encrypted": true}),
    );
    send_result(w, plain.mobiles.len(), fee, &taskid)
}

/// Fills a template: `content` is `@1@=value|@2@=value`.
pub fn render(template: &str, content: &str) -> String {
    let mut out = template.to_string();
    for part in content.split('|') {
        if let Some((k, v)) = part.split_once('=') {
            out = out.replace(k.trim(), v);
        }
    }
    out
}

/// 3.5.5: template SMS to phones, charged 0.1 per billed message.
pub fn send_template(w: &mut World, p: &Params) -> ApiResult {
    let tplid = p.val("tplid").trim();
    let tpl = TEMPLATES
        .iter()
        .find(|t| t.tplid == tplid)
        .ok_or_else(|| ApiError::new("1031", format!("短信模板不存在或未生效: {tplid}")))?;
    let mobiles = split_mobiles(p.val("mobile"));
    if let Some(bad) = mobiles
        .iter()
        .find(|m| m.len() != 11 || !m.starts_with('1') || !m.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::new("1008", format!("号码格式错误: {bad}")));
    }
    let text = render(tpl.text, p.val("content"));
    check_limits(&mobiles, &text)?;
    let fee = cardboss::rules::sms_billing_count(&text) as u64 * mobiles.len() as u64;
    let cost = crate::data::round2(fee as f64 * TEMPLATE_SMS_PRICE);
    if w.account.balance < cost {
        return Err(ApiError::new(
            "1007",
            format!("账户余额不足, 本次需 {cost} 元"),
        ));
    }
    w.account.balance = crate::data::round2(w.account.balance - cost);
    let details = json!({"tplid": tplid, "text": text, "fee": fee, "cost": cost, "balance": w.account.balance});
    let taskid = deliver(w, "sms/sendsms", &mobiles, &text, false, details);
    send_result(w, mobiles.len(), fee, &taskid)
}

/// 3.5.3: drains at most 10,000 reports; never returns one twice.
pub fn rpt_get(w: &mut World, _p: &Params) -> ApiResult {
    let n = w.rpts.len().min(MAX_DRAIN);
    let example = w.settings.style == Style::Example;
    let rpts: Vec<Value> = w
        .rpts
        .drain(..n)
        .map(|r| {
            if example {
                json!({"stat": r.state, "mobile": r.mobile, "taskid": r.taskid})
            } else {
                json!({"taskid": r.taskid, "mobile": r.mobile, "state": r.state, "rpttime": r.rpttime})
            }
        })
        .collect();
    ok(json!({"count": rpts.len(), "rpts": rpts}))
}

/// 3.5.4: drains at most 10,000 upstream messages.
pub fn mo_get(w: &mut World, _p: &Params) -> ApiResult {
    let n = w.mos.len().min(MAX_DRAIN);
    let key = if w.settings.style == Style::Example {
        "spcode"
    } else {
        "scode"
    };
    let mos: Vec<Value> = w
        .mos
        .drain(..n)
        .map(|m| {
            let mut o = Map::new();
            o.insert("content".into(), m.content.into());
            o.insert("apmid".into(), m.apmid.into());
            o.insert(key.into(), m.spcode.into());
            o.insert("mobile".into(), m.mobile.into());
            Value::Object(o)
        })
        .collect();
    ok(json!({"count": mos.len(), "mos": mos}))
}

/// Admin: a device sends an upstream message.
pub fn inject_upstream(w: &mut World, mobile: &str, content: &str) -> Upstream {
    let apmid = w.hex_id();
    let msisdn = w
        .fleet
        .find(mobile)
        .map(|c| w.fleet.cards[c as usize].msisdn.clone())
        .unwrap_or_else(|| mobile.into());
    let up = Upstream {
        content: content.into(),
        apmid,
        spcode: SPCODE.into(),
        mobile: msisdn,
    };
    crate::push::queue_sms_replies(w, std::slice::from_ref(&up));
    w.mos.push_back(up.clone());
    up
}
