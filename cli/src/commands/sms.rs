//! 3.5 SMS: send (plain, encrypted, template), delivery reports, replies.

use cardboss::TemplateParams;

use super::Ctx;
use crate::args::SmsCmd;
use crate::failure::{usage, CliResult};
use crate::output::View;

pub const RECEIPT_COLUMNS: &[&str] = &["taskid", "count", "fee", "taskids"];
pub const REPORT_COLUMNS: &[&str] = &["taskid", "mobile", "state", "rpttime"];
pub const REPLY_COLUMNS: &[&str] = &["mobile", "content", "apmid", "scode"];

pub async fn run(ctx: &Ctx, cmd: SmsCmd) -> CliResult {
    let client = ctx.client()?;
    match cmd {
        SmsCmd::Send {
            ids,
            text,
            encrypted,
        } => {
            let ids: Vec<String> = ids.iter().map(|s| s.trim().to_string()).collect();
            let receipt = if encrypted {
                client.send_iot_sms_encrypted(&ids, &text).await?
            } else {
                client.send_iot_sms(&ids, &text).await?
            };
            View::one(&receipt, RECEIPT_COLUMNS)?
                .footer("delivery reports: `cardboss sms reports` (or the P0001 push)")
                .print(ctx.format)
        }
        SmsCmd::Template {
            mobiles,
            template,
            params,
        } => {
            let params = params
                .iter()
                .map(|p| {
                    p.split_once('=')
                        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                        .ok_or_else(|| usage(format!("--param {p:?} is not NAME=VALUE")))
                })
                .collect::<CliResult<Vec<_>>>()?;
            let params = TemplateParams::from_pairs(params)?;
            let receipt = client
                .send_template_sms(&mobiles, &template, &params)
                .await?;
            View::one(&receipt, RECEIPT_COLUMNS)?.print(ctx.format)
        }
        SmsCmd::Reports => {
            let reports = client.sms_reports().await?;
            let delivered = reports.iter().filter(|r| r.delivered()).count();
            let footer = format!("{} report(s), {delivered} delivered", reports.len());
            View::many(&reports, REPORT_COLUMNS)?
                .footer(footer)
                .print(ctx.format)
        }
        SmsCmd::Replies => {
            let replies = client.sms_replies().await?;
            let footer = format!("{} repl(ies)", replies.len());
            View::many(&replies, REPLY_COLUMNS)?
                .footer(footer)
                .print(ctx.format)
        }
    }
}
