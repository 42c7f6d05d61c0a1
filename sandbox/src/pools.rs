//! 3.3 pool/list: own pools and the sub-account's.

use serde_json::json;

use crate::checks::{num, ok, ApiResult, Params};
use crate::state::World;

pub fn list(w: &World, _p: &Params) -> ApiResult {
    let tbsj = w.now().format("%Y-%m-%d %H:%M:%S").to_string();
    let pools: Vec<_> = w
        .fleet
        .pools
        .iter()
        .enumerate()
        .map(|(i, pool)| {
            let members = &w.fleet.pool_members[i];
            let cards = members.len() as u64 + pool.foreign_cards as u64;
            let active = members
                .iter()
                .filter(|&&c| w.fleet.cards[c as usize].msstatus == 2)
                .count() as u64
                + pool.foreign_active as u64;
            let used: f64 = members
                .iter()
                .map(|&c| w.fleet.cards[c as usize].flowusage)
                .sum::<f64>()
                + pool.foreign_used;
            json!({
                "sid": pool.sid,
                "state": "1",
                "tbsj": tbsj,
                "poolid": pool.poolid,
                "poolname": pool.poolname,
                "ptcardcount": cards,
                "pttotalflow": pool.pkgsize as u64 * cards,
                "ptactcardcount": active,
                "ptacttotalflow": pool.pkgsize as u64 * active,
                "pkgid": pool.pkgid,
                "pkgname": pool.pkgname,
                "pkgsize": pool.pkgsize,
                "usedflow": num(crate::data::round2(used)),
            })
        })
        .collect();
    ok(json!({"count": pools.len(), "pools": pools}))
}
