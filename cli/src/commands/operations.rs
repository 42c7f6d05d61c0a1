//! 3.4 operations: renewals, lifecycle operations, data switch, voice whitelist.

use cardboss::{CardRef, RenewOptions};
use serde::Serialize;

use super::Ctx;
use crate::args::{DataCmd, RenewArgs, WhitelistCmd};
use crate::failure::CliResult;
use crate::output::{Format, View};

pub const ORDER_COLUMNS: &[&str] = &["msisdn", "orderid", "ordertime", "orderamount"];
const DONE_COLUMNS: &[&str] = &["operation", "card", "ok", "note"];

/// What a port2 operation prints: it returns nothing but success.
#[derive(Debug, Serialize)]
pub struct Done {
    pub operation: String,
    pub card: String,
    pub ok: bool,
    pub note: String,
}

#[derive(Debug, Clone, Copy)]
pub enum Op {
    Suspend,
    Resume,
    Activate,
    EndTest,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::Suspend => "suspend",
            Op::Resume => "resume",
            Op::Activate => "activate",
            Op::EndTest => "end-test",
        }
    }
}

pub async fn renew(ctx: &Ctx, a: RenewArgs) -> CliResult {
    let options = RenewOptions {
        repetition: a.repetition.then_some(true),
        startdate: a.start_date,
        audit: a.audit,
        remark: a.remark,
    };
    let client = ctx.client()?;
    let card = CardRef::from_id(&a.id);
    // The spec's length rule (month packs at least 12 months, long packs in whole cycles) needs
    // the package's category and cycle: the card's listing gives them, and `renew_package`
    // checks the rule before sending, as a bulk renewal does. A code the card does not list
    // is left to the platform to judge.
    let order = match super::bulk::listed_package(&client, &card, &a.pkg).await? {
        Some(package) => {
            client
                .renew_package(&card, &package, a.months, &options)
                .await?
        }
        None => client.renew(&card, &a.pkg, a.months, &options).await?,
    };
    View::one(&order, ORDER_COLUMNS)?
        .footer("order placed; the platform confirms it later with an OD1002 push (`cardboss push verify`)")
        .print(ctx.format)
}

pub async fn lifecycle(ctx: &Ctx, op: Op, id: &str) -> CliResult {
    let client = ctx.client()?;
    let card = CardRef::from_id(id);
    match op {
        Op::Suspend => client.suspend(&card).await?,
        Op::Resume => client.resume(&card).await?,
        Op::Activate => client.force_activate(&card).await?,
        Op::EndTest => client.end_test_period(&card).await?,
    }
    done(
        ctx,
        op.name(),
        id,
        "the carrier refuses another operation of this kind on the card for 3 minutes",
    )
}

pub async fn data(ctx: &Ctx, cmd: DataCmd) -> CliResult {
    let client = ctx.client()?;
    match cmd {
        DataCmd::On { id, apn, min_left } => {
            client
                .enable_data(&CardRef::from_id(&id), apn.as_deref(), min_left)
                .await?;
            done(ctx, "data on", &id, "")
        }
        DataCmd::Off { id, apn } => {
            client
                .disable_data(&CardRef::from_id(&id), apn.as_deref())
                .await?;
            done(ctx, "data off", &id, "")
        }
    }
}

pub async fn whitelist(ctx: &Ctx, cmd: WhitelistCmd) -> CliResult {
    let client = ctx.client()?;
    match cmd {
        WhitelistCmd::Add { id, numbers, group } => {
            client
                .add_voice_whitelist(&CardRef::from_id(&id), &numbers, group.as_deref())
                .await?;
            done(ctx, "whitelist add", &id, &numbers.join(" "))
        }
        WhitelistCmd::Remove { id, numbers, group } => {
            client
                .remove_voice_whitelist(&CardRef::from_id(&id), &numbers, group.as_deref())
                .await?;
            done(ctx, "whitelist remove", &id, &numbers.join(" "))
        }
    }
}

fn done(ctx: &Ctx, operation: &str, card: &str, note: &str) -> CliResult {
    let d = Done {
        operation: operation.into(),
        card: card.trim().into(),
        ok: true,
        note: note.into(),
    };
    if ctx.format == Format::Table {
        let note = if note.is_empty() {
            String::new()
        } else {
            format!(" ({note})")
        };
        println!("{operation}: done for card {}{note}", d.card);
        return Ok(());
    }
    View::one(&d, DONE_COLUMNS)?.print(ctx.format)
}
