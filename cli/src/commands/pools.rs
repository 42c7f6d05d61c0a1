//! 3.3 pools.

use super::Ctx;
use crate::failure::CliResult;
use crate::output::View;

pub const POOL_COLUMNS: &[&str] = &[
    "sid",
    "poolid",
    "poolname",
    "state",
    "ptcardcount",
    "ptactcardcount",
    "pttotalflow",
    "ptacttotalflow",
    "pkgid",
    "pkgname",
    "pkgsize",
    "usedflow",
    "tbsj",
];

pub async fn list(ctx: &Ctx) -> CliResult {
    let pools = ctx.client()?.pools().await?;
    View::many(&pools, POOL_COLUMNS)?
        .table_columns(&[
            "sid",
            "poolid",
            "poolname",
            "state",
            "ptcardcount",
            "pkgname",
            "pkgsize",
            "usedflow",
        ])
        .print(ctx.format)
}
