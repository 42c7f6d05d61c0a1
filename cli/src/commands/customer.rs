//! 3.1 customer.

use super::Ctx;
use crate::failure::CliResult;
use crate::output::View;

pub const CUSTOMER_COLUMNS: &[&str] = &[
    "sid",
    "name",
    "status",
    "balance",
    "cardqty",
    "telephone",
    "linkman",
    "loginname",
    "extcode",
    "warningmails",
    "warningphones",
];

pub async fn show(ctx: &Ctx) -> CliResult {
    let me = ctx.client()?.customer().await?;
    View::one(&me, CUSTOMER_COLUMNS)?.print(ctx.format)
}
