//! 4.2 data pushes and 3.5.6 SMS pushes: verify a body read on stdin and print what it carries.

use std::io::{IsTerminal, Read};

use cardboss::{parse_sms_push, verify_push, Push, PushContent, PushOptions, SmsPush};
use serde_json::json;

use super::sms::{REPLY_COLUMNS, REPORT_COLUMNS};
use super::Ctx;
use crate::args::PushCmd;
use crate::failure::{usage, CliResult};
use crate::output::{Format, View};

pub const PUSH_COLUMNS: &[&str] = &["sn", "id", "sid", "level", "time", "desc"];
pub const RENEWAL_COLUMNS: &[&str] = &[
    "status",
    "orderid",
    "msisdn",
    "iccid",
    "imsi",
    "pkgcode",
    "pkgname",
    "month",
    "level",
    "msg",
    "equipment",
];
pub const WARNING_COLUMNS: &[&str] = &[
    "id",
    "type",
    "msisdn",
    "iccid",
    "date",
    "mon",
    "planname",
    "total",
    "usage",
    "outflow",
    "planexpiry",
    "cardexpiry",
    "imei",
    "equipment",
];

pub async fn run(ctx: &Ctx, cmd: PushCmd) -> CliResult {
    let (sms, max_age) = match cmd {
        PushCmd::Verify { sms, max_age } => (sms, max_age),
        PushCmd::Send(args) => return super::push_send::run(ctx, args).await,
    };
    let body = read_stdin()?;
    if sms {
        let push = parse_sms_push(&body)?;
        return sms_view(&push)?.print(ctx.format);
    }
    let apikey = ctx.settings.apikey()?;
    let options = PushOptions {
        expected_sid: ctx.settings.sid.clone(),
        max_age_ms: max_age
            .map(|secs| i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX)),
        utc_offset_minutes: ctx.settings.utc_offset_minutes,
    };
    let push = verify_push(&body, apikey, &options)?;
    print_push(ctx.format, &push)
}

fn read_stdin() -> CliResult<Vec<u8>> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("reading the push body from stdin (end with Ctrl-D)…");
    }
    let mut body = Vec::new();
    stdin.read_to_end(&mut body)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(usage("no push body on stdin"));
    }
    Ok(body)
}

/// The view of what a verified data push carries.
pub fn content_view(push: &Push) -> CliResult<View> {
    Ok(match &push.content {
        PushContent::RenewalResult { result } => View::one(result, RENEWAL_COLUMNS)?,
        PushContent::UsageWarnings { warnings } => View::many(warnings, WARNING_COLUMNS)?
            .table_columns(&[
                "type",
                "msisdn",
                "planname",
                "total",
                "usage",
                "outflow",
                "planexpiry",
            ]),
        PushContent::Other {} => {
            View::one(&json!({"sn": push.sn, "data": push.data}), &["sn", "data"])?
        }
    })
}

pub fn print_push(format: Format, push: &Push) -> CliResult {
    match format {
        Format::Json => View::one(push, PUSH_COLUMNS)?.print(format),
        Format::Csv => content_view(push)?.print(format),
        Format::Table => {
            let kind = match &push.content {
                PushContent::RenewalResult { result } if result.succeeded() => {
                    "renewal result (succeeded)"
                }
                PushContent::RenewalResult { .. } => "renewal result (FAILED)",
                PushContent::UsageWarnings { .. } => "usage warnings",
                PushContent::Other {} => "unknown kind",
            };
            println!("verified push {} — {kind}", push.sn);
            View::one(push, PUSH_COLUMNS)?.print(format)?;
            println!();
            content_view(push)?.print(format)
        }
    }
}

pub fn sms_view(push: &SmsPush) -> CliResult<View> {
    let view = match push {
        SmsPush::Reports { reports } => View::many(reports, REPORT_COLUMNS)?
            .footer(format!("P0001: {} delivery report(s)", reports.len())),
        SmsPush::Replies { replies } => View::many(replies, REPLY_COLUMNS)?
            .footer(format!("P0002: {} repl(ies)", replies.len())),
    };
    Ok(view.json(serde_json::to_value(push)?))
}
