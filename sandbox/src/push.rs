//! Pushes the platform sends: data pushes (4.2: OD1002 renewal results, OD1010 usage warnings)
//! to `push_url`, SMS pushes (3.5.6: P0001 reports, P0002 replies) to `sms_push_url`.
//! Each is retried until the receiver answers `success`, at most `push_max_attempts` times.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{json, Value};

use crate::checks::Num;
use crate::control::WarningFigures;
use crate::state::{PushFormat, Report, Sandbox, Upstream, World};

/// A push waiting to be sent.
#[derive(Clone, Debug)]
pub struct PushJob {
    pub record: usize,
    pub url: String,
    pub body: String,
    pub content_type: &'static str,
    pub max_attempts: u32,
}

/// What happened to a push (admin `GET /_sandbox/pushes`).
#[derive(Clone, Debug, Serialize)]
pub struct PushRecord {
    pub kind: String,
    pub url: String,
    /// The fields sent (data pushes) or the body (SMS pushes).
    pub body: Value,
    pub attempts: u32,
    pub delivered: bool,
    pub last_error: String,
}

fn enqueue(
    w: &mut World,
    kind: &str,
    url: String,
    body: Value,
    wire: String,
    content_type: &'static str,
) {
    let record = w.pushes.len();
    w.pushes.push(PushRecord {
        kind: kind.into(),
        url: url.clone(),
        body,
        attempts: 0,
        delivered: false,
        last_error: String::new(),
    });
    let max_attempts = w.settings.push_max_attempts.max(1);
    w.outbox.push(PushJob {
        record,
        url,
        body: wire,
        content_type,
        max_attempts,
    });
}

/// Queues a signed data push (4.2) with `data` already a JSON string.
pub fn queue_data_push(w: &mut World, sn: &str, level: &str, data: String, desc: &str) {
    let Some(url) = w.settings.push_url.clone() else {
        return;
    };
    let id = w.hex_id();
    let time = w.now_text();
    let sign = cardboss::sign::push_sign(&w.sid, &w.apikey, &id, sn, level, "", &time, &data, desc);
    let fields: Vec<(&str, String)> = vec![
        ("sid", w.sid.clone()),
        ("id", id),
        ("sign", sign),
        ("sn", sn.into()),
        ("level", level.into()),
        ("api", String::new()),
        ("time", time),
        ("data", data),
        ("desc", desc.into()),
    ];
    let obj: serde_json::Map<String, Value> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), Value::from(v.clone())))
        .collect();
    let (wire, ct) = match w.settings.push_format {
        PushFormat::Json => (
            Value::Object(obj.clone()).to_string(),
            "application/json;charset=utf-8",
        ),
        PushFormat::Form => (
            serde_urlencoded::to_string(&fields).unwrap_or_default(),
            "application/x-www-form-urlencoded;charset=utf-8",
        ),
    };
    enqueue(w, sn, url, Value::Object(obj), wire, ct);
}

/// P0001: delivery reports (items use `taskId`).
pub fn queue_sms_reports(w: &mut World, reports: &[Report]) {
    let Some(url) = w.settings.sms_push_url.clone() else {
        return;
    };
    if reports.is_empty() {
        return;
    }
    let items: Vec<Value> = reports
        .iter()
        .map(|r| json!({"mobile": r.mobile, "state": r.state, "taskId": r.taskid}))
        .collect();
    let body = json!({"type": "P0001", "data": Value::Array(items).to_string()});
    enqueue(
        w,
        "P0001",
        url,
        body.clone(),
        body.to_string(),
        "application/json;charset=utf-8",
    );
}

/// P0002: upstream replies.
pub fn queue_sms_replies(w: &mut World, replies: &[Upstream]) {
    let Some(url) = w.settings.sms_push_url.clone() else {
        return;
    };
    if replies.is_empty() {
        return;
    }
    let items: Vec<Value> = replies
        .iter()
        .map(|m| json!({"mobile": m.mobile, "apmid": m.apmid, "spcode": m.spcode, "content": m.content}))
        .collect();
    let body = json!({"type": "P0002", "data": Value::Array(items).to_string()});
    enqueue(
        w,
        "P0002",
        url,
        body.clone(),
        body.to_string(),
        "application/json;charset=utf-8",
    );
}

/// One item of an OD1010 push's `data` array (spec 4.2).
#[derive(Clone, Debug, Serialize)]
pub struct WarningItem {
    pub id: String,
    /// `yyyyMM`.
    pub date: String,
    /// CM, CT, UN.
    pub mon: &'static str,
    pub msisdn: String,
    pub iccid: String,
    pub imei: String,
    pub equipment: String,
    #[serde(rename = "type")]
    pub warning_type: String,
    pub planname: String,
    pub cardexpiry: String,
    pub planexpiry: String,
    pub total: Num,
    pub usage: Num,
    pub outflow: Num,
}

/// The figures of a warning type from the card's state: flow (kb) for the flow, package and
/// card kinds, the counters for voice (12/22), SMS (13/23) and connections (14/24), which have
/// no quota in the sandbox (total 0) unless `figures` gives one.
pub fn warning_item(w: &World, idx: u32, ty: u8, figures: &WarningFigures) -> WarningItem {
    let today = w.today();
    let c = &w.fleet.cards[idx as usize];
    let (total, usage) = match ty % 10 {
        2 if ty < 30 => (0.0, c.voiceusage as f64),
        3 if ty < 30 => (0.0, c.smsusage as f64),
        4 if ty < 30 => (0.0, c.connectusage as f64),
        _ => (c.pkg_total(today), c.flowusage),
    };
    let total = figures.total.unwrap_or(total);
    let usage = figures.usage.unwrap_or(usage);
    let outflow = figures.outflow.unwrap_or((usage - total).max(0.0));
    let main = c.main_pkg(today);
    WarningItem {
        id: format!("{}{}", c.msisdn, ty),
        date: today.format("%Y%m").to_string(),
        mon: c.mno.code(),
        msisdn: c.msisdn.clone(),
        iccid: c.iccid.clone(),
        imei: c.imei.clone(),
        equipment: c.equipment.clone(),
        warning_type: ty.to_string(),
        planname: main.map(|p| p.def().name).unwrap_or_default().into(),
        cardexpiry: c.expiredate().map(|d| d.to_string()).unwrap_or_default(),
        planexpiry: main.map(|p| p.end.to_string()).unwrap_or_default(),
        total: Num(total),
        usage: Num(usage),
        outflow: Num(outflow),
    }
}

/// Queues one OD1010 push carrying `items`.
pub fn queue_warnings(w: &mut World, items: &[WarningItem]) {
    if items.is_empty() {
        return;
    }
    let data = serde_json::to_string(items).unwrap_or_default();
    queue_data_push(w, "OD1010", "warning", data, "达量预警");
}

/// OD1010: usage warnings when a card's usage crosses 80 % (type 11) or 100 % (type 21) of its
/// packages. Each type is sent once per card until usage drops below the threshold again.
pub fn check_usage_warnings(w: &mut World, idx: u32) -> Vec<u8> {
    let today = w.today();
    let c = &w.fleet.cards[idx as usize];
    let total = c.pkg_total(today);
    if total <= 0.0 {
        return Vec::new();
    }
    let ratio = c.flowusage / total;
    let crossed: Vec<u8> = [(11u8, 0.8), (21u8, 1.0)]
        .into_iter()
        .filter(|&(ty, threshold)| ratio >= threshold && !c.warned.contains(&ty))
        .map(|(ty, _)| ty)
        .collect();
    let items: Vec<WarningItem> = crossed
        .iter()
        .map(|&ty| warning_item(w, idx, ty, &WarningFigures::default()))
        .collect();
    let card = w.fleet.card_mut(idx);
    card.warned.retain(|&ty| match ty {
        11 => ratio >= 0.8,
        21 => ratio >= 1.0,
        _ => true,
    });
    card.warned.extend(&crossed);
    queue_warnings(w, &items);
    crossed
}

pub(crate) async fn deliver(sb: Arc<Sandbox>, job: PushJob) {
    for attempt in 1..=job.max_attempts {
        let res = sb
            .http
            .post(&job.url)
            .header("content-type", job.content_type)
            .body(job.body.clone())
            .send()
            .await;
        let outcome = match res {
            Ok(r) => {
                let status = r.status();
                let text = r.text().await.unwrap_or_default();
                if status.is_success() && text.trim().eq_ignore_ascii_case("success") {
                    Ok(())
                } else {
                    Err(format!(
                        "HTTP {status}: {}",
                        text.chars().take(100).collect::<String>()
                    ))
                }
            }
            Err(e) => Err(e.to_string()),
        };
        {
            let mut w = sb.lock();
            if let Some(rec) = w.pushes.get_mut(job.record) {
                rec.attempts = attempt;
                match &outcome {
                    Ok(()) => rec.delivered = true,
                    Err(e) => rec.last_error = e.clone(),
                }
            }
        }
        if outcome.is_ok() {
            return;
        }
        tracing::debug!(url = %job.url, attempt, "push not acknowledged");
        if attempt < job.max_attempts {
            tokio::time::sleep(Duration::from_millis(100 * (1 << attempt.min(6)))).await;
        }
    }
}
