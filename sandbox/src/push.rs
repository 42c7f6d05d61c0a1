//! Pushes the platform sends: data pushes (4.2: OD1002 renewal results, OD1010 usage warnings)
//! to `push_url`, SMS pushes (3.5.6: P0001 reports, P0002 replies) to `sms_push_url`.
//! Each is retried until the receiver answers `success`, at most `push_max_attempts` times.

use std::sync::Arc;
use std::time::Duration;

pub use cardboss::push_render::WarningItem;
use cardboss::push_render::{
    render_sms_push, sms_reply_item, sms_report_item, warnings_data, DataPush, PushWire,
    RenderedPush,
};
use serde::Serialize;
use serde_json::Value;

use crate::control::WarningFigures;
use crate::state::{PushFormat, Report, Sandbox, Upstream, World};

/// A push waiting to be sent.
#[derive(Clone, Debug)]
pub struct PushJob {
    pub record: usize,
    pub url: String,
    pub push: RenderedPush,
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

fn enqueue(w: &mut World, kind: &str, url: String, push: RenderedPush) {
    let record = w.pushes.len();
    w.pushes.push(PushRecord {
        kind: kind.into(),
        url: url.clone(),
        body: push.fields_json(),
        attempts: 0,
        delivered: false,
        last_error: String::new(),
    });
    let max_attempts = w.settings.push_max_attempts.max(1);
    w.outbox.push(PushJob {
        record,
        url,
        push,
        max_attempts,
    });
}

/// Queues a signed data push (4.2) with `data` already a JSON string.
pub fn queue_data_push(w: &mut World, sn: &str, level: &str, data: String, desc: &str) {
    let Some(url) = w.settings.push_url.clone() else {
        return;
    };
    let push = DataPush {
        sid: w.sid.clone(),
        id: w.hex_id(),
        sn: sn.into(),
        level: level.into(),
        time: w.now_text(),
        data,
        desc: desc.into(),
    };
    let wire = match w.settings.push_format {
        PushFormat::Json => PushWire::Json,
        PushFormat::Form => PushWire::Form,
    };
    let rendered = push.render(&w.apikey, wire);
    enqueue(w, sn, url, rendered);
}

/// P0001: delivery reports.
pub fn queue_sms_reports(w: &mut World, reports: &[Report]) {
    let items = reports
        .iter()
        .map(|r| sms_report_item(&r.mobile, &r.state, &r.taskid))
        .collect();
    queue_sms_push(w, "P0001", items);
}

/// P0002: upstream replies.
pub fn queue_sms_replies(w: &mut World, replies: &[Upstream]) {
    let items = replies
        .iter()
        .map(|m| sms_reply_item(&m.mobile, &m.apmid, &m.spcode, &m.content))
        .collect();
    queue_sms_push(w, "P0002", items);
}

fn queue_sms_push(w: &mut World, code: &'static str, items: Vec<Value>) {
    let Some(url) = w.settings.sms_push_url.clone() else {
        return;
    };
    if items.is_empty() {
        return;
    }
    enqueue(w, code, url, render_sms_push(code, items));
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
        mon: c.mno.code().into(),
        msisdn: c.msisdn.clone(),
        iccid: c.iccid.clone(),
        imei: c.imei.clone(),
        equipment: c.equipment.clone(),
        warning_type: ty.to_string(),
        planname: main.map(|p| p.def().name).unwrap_or_default().into(),
        cardexpiry: c.expiredate().map(|d| d.to_string()).unwrap_or_default(),
        planexpiry: main.map(|p| p.end.to_string()).unwrap_or_default(),
        total,
        usage,
        outflow,
    }
}

/// Queues one OD1010 push carrying `items`.
pub fn queue_warnings(w: &mut World, items: &[WarningItem]) {
    if items.is_empty() {
        return;
    }
    queue_data_push(w, "OD1010", "warning", warnings_data(items), "达量预警");
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
        let outcome = match cardboss::push_render::post(&sb.http, &job.url, &job.push).await {
            Ok(answer) if answer.acknowledged() => Ok(()),
            Ok(answer) => Err(format!(
                "HTTP {}: {}",
                answer.status,
                answer.body.chars().take(100).collect::<String>()
            )),
            Err(e) => Err(e),
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
