//! 3.1 customer/get.

use serde_json::{json, Value};

use crate::checks::{num, ApiResult, Params};
use crate::state::World;
use crate::Style;

/// 3.1.1: the account; the answer uses the key `customer`, not `result`.
pub fn get(w: &World, _p: &Params) -> ApiResult {
    let a = &w.account;
    let mut c = json!({
        "sid": a.sid,
        "name": a.name,
        "telephone": "",
        "status": "1",
        "balance": num(a.balance),
        "extcode": a.extcode,
        "loginname": a.loginname,
        "linkman": "",
        "warningmails": "",
        "warningphones": "",
        "cardqty": w.fleet.cards.len(),
    });
    if w.settings.style == Style::Example {
        c["signature"] = Value::from(a.signature.clone());
    }
    Ok(crate::render::envelope("customer", 512, |out| {
        let _ = serde_json::to_writer(out, &c);
    }))
}
