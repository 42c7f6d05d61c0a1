//! `cardboss push send`: a signed test push, as the platform sends it, posted to a receiver
//! under test (like `stripe trigger`). Bodies are rendered and signed by the core's
//! `push_render`, the code the sandbox's own pushes go through.

use cardboss::push_render::{
    post, push_client, push_id, push_time, render_sms_push, sms_reply_item, sms_report_item,
    warnings_data, DataPush, PushWire, RenderedPush, RenewalData, WarningItem,
};
use cardboss::{PushOptions, WarningType};
use chrono::Utc;
use serde_json::json;

use super::Ctx;
use crate::args::{PushKind, PushSendArgs};
use crate::failure::{failed, usage, CliResult};
use crate::output::Format;

/// The card a push is about when `--card` is not given (the spec's example msisdn).
const SAMPLE_CARD: &str = "1064787038023";

pub async fn run(ctx: &Ctx, args: PushSendArgs) -> CliResult {
    let push = render(ctx, &args)?;
    let http = push_client()?;
    let answer = post(&http, &args.to, &push).await;
    let acknowledged = matches!(&answer, Ok(a) if a.acknowledged());
    let code = code(args.kind);
    match ctx.format {
        Format::Json => {
            let (answer, error) = match &answer {
                Ok(a) => (json!(a), None),
                Err(e) => (json!(null), Some(e.clone())),
            };
            let report = json!({
                "kind": code, "url": args.to, "content_type": push.content_type,
                "body": push.body, "answer": answer, "error": error, "acknowledged": acknowledged,
            });
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        _ => {
            println!("sent {code} to {} ({})", args.to, push.content_type);
            println!("{}", push.body);
            match &answer {
                Ok(a) => println!(
                    "receiver answered HTTP {}: {:?}{}",
                    a.status,
                    a.body,
                    if acknowledged { " (acknowledged)" } else { "" }
                ),
                Err(e) => println!("no answer: {e}"),
            }
        }
    }
    if acknowledged {
        Ok(())
    } else {
        Err(failed(format!(
            "the receiver did not answer {:?}: the platform would retry this push",
            cardboss::PUSH_ACK
        )))
    }
}

fn code(kind: PushKind) -> &'static str {
    match kind {
        PushKind::Od1002 => "OD1002",
        PushKind::Od1010 => "OD1010",
        PushKind::P0001 => "P0001",
        PushKind::P0002 => "P0002",
    }
}

/// The push as the platform would send it; every check before any request.
fn render(ctx: &Ctx, args: &PushSendArgs) -> CliResult<RenderedPush> {
    let card = args.card.as_deref().unwrap_or(SAMPLE_CARD);
    if args.warning_type.is_some() && args.kind != PushKind::Od1010 {
        return Err(usage("--type is the warning type of an od1010 push only"));
    }
    if args.form && matches!(args.kind, PushKind::P0001 | PushKind::P0002) {
        return Err(usage(
            "--form is for data pushes (od1002, od1010): SMS pushes are JSON",
        ));
    }
    let now = Utc::now();
    let zone = PushOptions {
        utc_offset_minutes: ctx.settings.utc_offset_minutes,
        ..Default::default()
    }
    .utc_offset();
    let (sn, level, desc, data) = match args.kind {
        PushKind::P0001 => {
            let item = sms_report_item(card, "DELIVRD", &push_id().to_ascii_uppercase());
            return Ok(render_sms_push("P0001", vec![item]));
        }
        PushKind::P0002 => {
            let item = sms_reply_item(card, &push_id(), "1064899102015", "cardboss push send");
            return Ok(render_sms_push("P0002", vec![item]));
        }
        PushKind::Od1002 => {
            let data = RenewalData {
                level: "info".into(),
                msg: "订单续费成功, 资费已生效".into(),
                status: "1".into(),
                orderid: format!("NR{}", push_time(now, zone).replace(['-', ' ', ':'], "")),
                msisdn: card.into(),
                pkgcode: "TEST".into(),
                pkgname: "cardboss push send".into(),
                month: "1".into(),
                ..Default::default()
            };
            ("OD1002", "info", "订购成功", serde_json::to_string(&data)?)
        }
        PushKind::Od1010 => {
            let ty = match args.warning_type {
                None => WarningType::DataLow,
                Some(n) => WarningType::from_code(n).ok_or_else(|| {
                    let known: Vec<String> = WarningType::ALL
                        .iter()
                        .map(|t| t.code().to_string())
                        .collect();
                    usage(format!(
                        "--type {n} is not a documented warning type ({})",
                        known.join(", ")
                    ))
                })?,
            };
            let item = WarningItem {
                id: push_id(),
                date: push_time(now, zone)[..7].replace('-', ""),
                mon: "CM".into(),
                msisdn: card.into(),
                warning_type: ty.code().to_string(),
                planname: "cardboss push send".into(),
                total: 1_048_576.0,
                usage: 943_718.4,
                ..Default::default()
            };
            ("OD1010", "warning", ty.meaning(), warnings_data(&[item]))
        }
    };
    let push = DataPush {
        sid: ctx.settings.sid()?.to_string(),
        id: push_id(),
        sn: sn.into(),
        level: level.into(),
        time: push_time(now, zone),
        data,
        desc: desc.into(),
    };
    let wire = if args.form {
        PushWire::Form
    } else {
        PushWire::Json
    };
    Ok(push.render(ctx.settings.apikey()?, wire))
}
