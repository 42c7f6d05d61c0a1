//! 3.2 cards: list, detail, usage (current and past), packages.

use cardboss::{CardRef, CardSet};
use futures::StreamExt;
use serde_json::json;

use super::Ctx;
use crate::args::{CardsCmd, UsageCmd};
use crate::failure::CliResult;
use crate::output::{progress_bar, View};

pub const CARD_COLUMNS: &[&str] = &["msisdn", "iccid", "imsi", "state"];

pub const DETAIL_COLUMNS: &[&str] = &[
    "msisdn",
    "iccid",
    "imsi",
    "imei",
    "state",
    "balance",
    "status",
    "msstatus",
    "cycle",
    "activedate",
    "stoptestdate",
    "stopsleepdate",
    "expiredate",
    "openpool",
    "mno",
    "pkgcode",
    "pkgname",
    "isxn",
    "isjyb",
    "isaxb",
    "sbbh",
    "openapns",
    "apnstatus",
    "onoff",
    "online",
    "apn",
    "rat",
    "ip",
    "pkgtotalflow",
    "pkgusedflow",
    "pkgtotalusedflow",
    "pkgleftflow",
    "flowusage",
    "smsusage",
    "voiceusage",
    "connectusage",
    "outflowusage",
    "statusyncdate",
    "pkgsyncdate",
    "monthsyncdate",
];

const DETAIL_TABLE: &[&str] = &[
    "msisdn",
    "iccid",
    "state",
    "msstatus",
    "mno",
    "pkgname",
    "pkgusedflow",
    "pkgtotalflow",
    "expiredate",
    "online",
];

pub const USAGE_COLUMNS: &[&str] = &[
    "msisdn",
    "iccids",
    "imsi",
    "state",
    "pkgtotalflow",
    "pkgusedflow",
    "pkgtotalusedflow",
    "pkgleftflow",
    "flowusage",
    "smsusage",
    "voiceusage",
    "connectusage",
    "outflowusage",
];

const USAGE_TABLE: &[&str] = &[
    "msisdn",
    "iccids",
    "state",
    "pkgusedflow",
    "pkgtotalflow",
    "pkgleftflow",
    "flowusage",
    "smsusage",
    "voiceusage",
];

pub const HISTORY_COLUMNS: &[&str] = &[
    "month",
    "msisdn",
    "iccid",
    "flowusage",
    "smsusage",
    "voiceusage",
    "connectusage",
    "outflowusage",
];

pub const PACKAGE_COLUMNS: &[&str] = &[
    "msisdn",
    "pkgcode",
    "pkgname",
    "startdate",
    "enddate",
    "buycycle",
    "pkgtype",
    "pkgcategory",
    "mainpkg",
    "totalflow",
];

pub async fn run(ctx: &Ctx, cmd: CardsCmd) -> CliResult {
    match cmd {
        CardsCmd::List { all: false, page } => {
            let page = ctx.client()?.list_cards(page).await?;
            let footer = format!(
                "page {} of {} ({} cards)",
                page.pageindex, page.totalpage, page.count
            );
            View::many(&page.cards, CARD_COLUMNS)?
                .json(serde_json::to_value(&page)?)
                .footer(footer)
                .print(ctx.format)
        }
        CardsCmd::List { all: true, .. } => {
            let client = ctx.client()?;
            let bar = progress_bar(None, "listing", ctx.progress);
            let mut stream = client.cards();
            let mut cards = Vec::new();
            while let Some(card) = stream.next().await {
                cards.push(card?);
                bar.inc(1);
            }
            bar.finish_and_clear();
            let footer = format!("{} cards", cards.len());
            View::many(&cards, CARD_COLUMNS)?
                .footer(footer)
                .print(ctx.format)
        }
        CardsCmd::Detail { ids } => {
            let client = ctx.client()?;
            let details = client.card_details(&CardSet::mixed(ids)).await?;
            let view = View::many(&details, DETAIL_COLUMNS)?;
            let view = if details.len() == 1 {
                View {
                    shape: crate::output::Shape::One,
                    ..view
                }
                .json(json!(details))
            } else {
                view.table_columns(DETAIL_TABLE)
            };
            view.print(ctx.format)
        }
    }
}

pub async fn usage(ctx: &Ctx, cmd: UsageCmd) -> CliResult {
    let client = ctx.client()?;
    match cmd {
        UsageCmd::Current { ids } => {
            let usages = client.current_usage(&CardSet::mixed(ids)).await?;
            View::many(&usages, USAGE_COLUMNS)?
                .table_columns(USAGE_TABLE)
                .print(ctx.format)
        }
        UsageCmd::History {
            month,
            showday,
            ids,
        } => {
            let usages = client
                .usage_history(&month, &CardSet::mixed(ids), showday.as_deref())
                .await?;
            View::many(&usages, HISTORY_COLUMNS)?.print(ctx.format)
        }
    }
}

pub async fn packages(ctx: &Ctx, id: &str) -> CliResult {
    let list = ctx.client()?.packages(&CardRef::from_id(id)).await?;
    let footer = format!("{} package(s) of {}", list.pkgs.len(), list.msisdn);
    View::many(&list.pkgs, PACKAGE_COLUMNS)?
        .table_columns(&[
            "pkgcode",
            "pkgname",
            "startdate",
            "enddate",
            "buycycle",
            "pkgcategory",
            "mainpkg",
            "totalflow",
        ])
        .json(serde_json::to_value(&list)?)
        .footer(footer)
        .print(ctx.format)
}
