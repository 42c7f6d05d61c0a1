//! 3.4 operations: renewal (port1) and the lifecycle operations (port2).

use chrono::{Datelike, Days, Months, NaiveDate};
use serde_json::{json, Value};

use crate::checks::{num, ok, ok_empty, one_card, ApiError, ApiResult, Params};
use crate::control::AdminError;
use crate::data::{pkg_index, round2, OwnedPkg, CATALOG};
use crate::state::{Order, OrderStatus, World, AUTO_AUDIT_DELAY_SECS};

// ---------------------------------------------------------------- renewal (3.4.1)

/// 3.4.1. Every refusal past the common checks still carries a `result` object.
pub fn renew(w: &mut World, p: &Params) -> ApiResult {
    let ordertime = w.now_text();
    let failed = |e: ApiError, msisdn: &str| {
        e.with_result(
            json!({"msisdn": msisdn, "orderid": "", "orderamount": 0, "ordertime": ordertime}),
        )
    };
    let requested = if p.val("msisdn").is_empty() {
        p.val("iccid")
    } else {
        p.val("msisdn")
    };
    let idx = one_card(w, p).map_err(|e| failed(e, requested))?;
    let msisdn = w.fleet.cards[idx as usize].msisdn.clone();
    let result = renew_checked(w, p, idx).map_err(|e| failed(e, &msisdn))?;
    ok(result)
}

fn renew_checked(w: &mut World, p: &Params, idx: u32) -> Result<Value, ApiError> {
    let pkgcode = p.val("pkgcode").trim();
    let card = &w.fleet.cards[idx as usize];
    let (msisdn, iccid) = (card.msisdn.clone(), card.iccid.clone());
    let def_idx = pkg_index(pkgcode)
        .filter(|&d| card.pkgs.iter().any(|o| o.def == d))
        .ok_or_else(|| {
            ApiError::new(
                "1031",
                format!("套餐 {pkgcode} 不属于该卡, 请通过查询已订购资费接口获取套餐 ID"),
            )
        })?;
    let def = &CATALOG[def_idx as usize];
    let month: u32 = p
        .val("month")
        .trim()
        .parse()
        .ok()
        .filter(|&m| m >= 1)
        .ok_or_else(|| ApiError::new("1031", format!("month 参数值错误: {}", p.val("month"))))?;
    if let Err(e) =
        cardboss::rules::check_renewal_months(def.category.into(), def.buycycle.into(), month)
    {
        let reason = match e {
            cardboss::Error::InvalidInput { reason, .. } => reason,
            other => other.to_string(),
        };
        return Err(ApiError::new("1031", reason));
    }
    let repetition = p.val("repetition");
    if !["", "0", "1"].contains(&repetition) {
        return Err(ApiError::new(
            "1031",
            format!("repetition 参数值错误: {repetition}"),
        ));
    }
    let audit = match p.val("audit") {
        "" | "1" => 1u8,
        "2" => 2,
        other => return Err(ApiError::new("1031", format!("audit 参数值错误: {other}"))),
    };
    let startdate = match p.val("startdate") {
        "" => None,
        s => Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            ApiError::new(
                "1031",
                format!("startdate 参数值错误: {s}, 格式 yyyy-MM-dd"),
            )
        })?),
    };
    let amount = round2(def.price * month as f64);
    let pending: f64 = w
        .orders
        .iter()
        .filter(|o| o.status == OrderStatus::Pending)
        .map(|o| o.amount)
        .sum();
    if w.account.balance < pending + amount {
        return Err(ApiError::new(
            "1007",
            format!("账户余额不足, 订单金额 {amount} 元"),
        ));
    }
    if repetition != "1" {
        if let Some(o) = w
            .orders
            .iter()
            .find(|o| o.msisdn == msisdn && o.status == OrderStatus::Pending)
        {
            return Err(ApiError::new(
                "1080",
                format!("续费失败,原因:{msisdn} 存在重复续费单,单号:{}", o.orderid),
            ));
        }
    }
    let now = w.now();
    let orderid = format!(
        "CR{}{:04}",
        now.format("%y%m%d%H%M%S"),
        w.orders.len() % 10_000
    );
    let ordertime = w.now_text();
    let order = Order {
        orderid: orderid.clone(),
        msisdn: msisdn.clone(),
        iccid,
        pkgcode: def.code.into(),
        month,
        amount,
        ordertime: ordertime.clone(),
        audit,
        startdate,
        remark: p.val("remark").into(),
        status: OrderStatus::Pending,
        due_at: (audit == 2).then(|| now.timestamp() + AUTO_AUDIT_DELAY_SECS),
    };
    w.record(
        "card/pkg/renew",
        "renew.order",
        vec![msisdn.clone()],
        serde_json::to_value(&order).unwrap_or_default(),
    );
    w.add_order(order);
    Ok(
        json!({"msisdn": msisdn, "orderid": orderid, "orderamount": num(amount), "ordertime": ordertime}),
    )
}

fn pending_order(w: &World, orderid: &str) -> Result<usize, AdminError> {
    let pos = w
        .orders
        .iter()
        .position(|o| o.orderid == orderid)
        .ok_or_else(|| AdminError::UnknownOrder {
            orderid: orderid.into(),
        })?;
    match w.orders[pos].status {
        OrderStatus::Pending => Ok(pos),
        status => Err(AdminError::OrderNotPending {
            orderid: orderid.into(),
            status,
        }),
    }
}

/// Confirms a pending order: adds the package, charges the balance, queues the OD1002 push
/// (status 1; status 0 when the balance no longer covers it).
pub fn confirm_order(w: &mut World, orderid: &str) -> Result<Order, AdminError> {
    let pos = pending_order(w, orderid)?;
    let order = w.orders[pos].clone();
    let today = w.today();
    let idx = w.fleet.by_msisdn[&order.msisdn];
    let def = pkg_index(&order.pkgcode).expect("order of a catalog package");
    let success = w.account.balance >= order.amount;
    if success {
        let card = w.fleet.card_mut(idx);
        let start = order.startdate.unwrap_or_else(|| {
            card.pkgs
                .iter()
                .filter(|o| o.def == def && o.end >= today)
                .map(|o| o.end + Days::new(1))
                .max()
                .unwrap_or(today)
        });
        let end = start + Months::new(order.month) - Days::new(1);
        card.pkgs.push(OwnedPkg { def, start, end });
        w.account.balance = round2(w.account.balance - order.amount);
    }
    let (status, action, msg, desc) = if success {
        (
            OrderStatus::Confirmed,
            "renew.confirmed",
            "订单续费成功, 资费已生效",
            "订购成功",
        )
    } else {
        (
            OrderStatus::Failed,
            "renew.failed",
            "账户余额不足, 订单续费失败",
            "订购失败",
        )
    };
    settle(w, pos, status, action, msg, desc)
}

/// Rejects a pending order (the auditor refuses it): nothing is charged or added; OD1002 with
/// status 0.
pub fn reject_order(w: &mut World, orderid: &str) -> Result<Order, AdminError> {
    let pos = pending_order(w, orderid)?;
    settle(
        w,
        pos,
        OrderStatus::Rejected,
        "renew.rejected",
        "订单审核未通过, 订单已取消",
        "订购失败",
    )
}

/// Ends an order: its new status, the ledger entry and the OD1002 push.
fn settle(
    w: &mut World,
    pos: usize,
    status: OrderStatus,
    action: &str,
    msg: &str,
    desc: &str,
) -> Result<Order, AdminError> {
    w.orders[pos].status = status;
    let order = w.orders[pos].clone();
    let success = status == OrderStatus::Confirmed;
    w.record(
        "card/pkg/renew",
        action,
        vec![order.msisdn.clone()],
        json!({"orderid": order.orderid, "amount": order.amount, "balance": w.account.balance}),
    );
    let idx = w.fleet.by_msisdn[&order.msisdn];
    let def = pkg_index(&order.pkgcode).expect("order of a catalog package");
    let card = &w.fleet.cards[idx as usize];
    let level = if success { "info" } else { "error" };
    let data = cardboss::push_render::RenewalData {
        level: level.into(),
        msg: msg.to_string(),
        status: if success { "1" } else { "0" }.into(),
        orderid: order.orderid.clone(),
        msisdn: card.msisdn.clone(),
        iccid: card.iccid.clone(),
        imsi: card.imsi.clone(),
        equipment: card.equipment.clone(),
        pkgcode: order.pkgcode.clone(),
        pkgname: CATALOG[def as usize].name.into(),
        month: order.month.to_string(),
    };
    let data = serde_json::to_string(&data).unwrap_or_default();
    crate::push::queue_data_push(w, "OD1002", level, data, desc);
    Ok(order)
}

// ---------------------------------------------------------------- lifecycle (3.4.2–3.4.6)

/// Refuses a repeat within the window of the last success of `class` on the card.
fn cooling(w: &World, idx: u32, endpoint: &str) -> bool {
    let now = w.now_unix();
    w.fleet.cards[idx as usize]
        .cooldowns
        .iter()
        .any(|(e, until)| e == endpoint && *until > now)
}

fn start_cooldown(w: &mut World, idx: u32, endpoint: &str, secs: u64) {
    let until = w.now_unix() + secs as i64;
    let card = w.fleet.card_mut(idx);
    card.cooldowns.retain(|(e, _)| e != endpoint);
    card.cooldowns.push((endpoint.to_string(), until));
}

/// The 3-minute window is shared by the whole class of lifecycle operations ("通过此类接口"):
/// a suspend followed by a switchnet on the same card is a repeat, as in the core's guard.
const LIFECYCLE_CLASS: &str = "lifecycle";

/// Shared prologue of the 3-minute operations: card lookup and the 13009 cooldown.
fn lifecycle_card(w: &World, p: &Params, _endpoint: &str) -> Result<u32, ApiError> {
    let idx = one_card(w, p)?;
    if cooling(w, idx, LIFECYCLE_CLASS) {
        return Err(ApiError::cooldown());
    }
    Ok(idx)
}

fn finish(w: &mut World, idx: u32, endpoint: &str, action: &str, details: Value) -> ApiResult {
    start_cooldown(
        w,
        idx,
        LIFECYCLE_CLASS,
        cardboss::rules::LIFECYCLE_COOLDOWN_SECS,
    );
    let today = w.today();
    let card = w.fleet.card_mut(idx);
    card.statusyncdate = today;
    let msisdn = card.msisdn.clone();
    w.record(endpoint, action, vec![msisdn], details);
    ok_empty()
}

/// 3.4.2: leaves the test period (cycle 1 → 2 沉默期, msstatus 测试 → 待激活).
pub fn stoptest(w: &mut World, p: &Params) -> ApiResult {
    let idx = lifecycle_card(w, p, "card/stoptest")?;
    let today = w.today();
    let c = w.fleet.card_mut(idx);
    let before = (c.msstatus, c.cycle);
    if c.cycle == 1 {
        c.cycle = 2;
        c.stoptestdate = Some(today);
    }
    if c.msstatus == 6 {
        c.msstatus = 1;
    }
    let d = json!({"before": {"msstatus": before.0, "cycle": before.1}, "after": {"msstatus": c.msstatus, "cycle": c.cycle}});
    finish(w, idx, "card/stoptest", "stoptest", d)
}

/// 3.4.3: forced activation (msstatus 2 正常, cycle 3 正式期).
pub fn foractive(w: &mut World, p: &Params) -> ApiResult {
    let idx = lifecycle_card(w, p, "card/foractive")?;
    let today = w.today();
    let c = w.fleet.card_mut(idx);
    let before = (c.msstatus, c.cycle);
    c.msstatus = 2;
    c.cycle = 3;
    c.activedate.get_or_insert(today);
    let d = json!({"before": {"msstatus": before.0, "cycle": before.1}, "after": {"msstatus": 2, "cycle": 3}});
    finish(w, idx, "card/foractive", "foractive", d)
}

/// 3.4.4: 0 stops (msstatus 3), 1 resumes (msstatus 2).
pub fn stopkeep(w: &mut World, p: &Params) -> ApiResult {
    let op = p.val("stopkeep").trim();
    if op != "0" && op != "1" {
        return Err(ApiError::new(
            "1031",
            format!("stopkeep 参数值错误: {op}, 0-停机/1-复机"),
        ));
    }
    let idx = lifecycle_card(w, p, "card/stopkeep")?;
    let c = w.fleet.card_mut(idx);
    let before = c.msstatus;
    c.msstatus = if op == "0" { 3 } else { 2 };
    if op == "0" {
        c.online = false;
        c.ip.clear();
    }
    let d =
        json!({"stopkeep": op, "before": {"msstatus": before}, "after": {"msstatus": c.msstatus}});
    finish(
        w,
        idx,
        "card/stopkeep",
        if op == "0" { "stop" } else { "resume" },
        d,
    )
}

/// 3.4.5: pauses (0) or resumes (1) data on one APN; several APNs need `apnname`.
pub fn switchnet(w: &mut World, p: &Params) -> ApiResult {
    let op = p.val("opertype").trim();
    if op != "0" && op != "1" {
        return Err(ApiError::new(
            "1031",
            format!("opertype 参数值错误: {op}, 0-暂停 1-恢复"),
        ));
    }
    let marginrat = p.val("marginrat").trim();
    let margin: f64 = if marginrat.is_empty() {
        0.0
    } else {
        marginrat
            .parse()
            .ok()
            .filter(|m| (0.0..=100.0).contains(m))
            .ok_or_else(|| ApiError::new("1031", format!("marginrat 参数值错误: {marginrat}")))?
    };
    let idx = one_card(w, p)?;
    let apnname = p.val("apnname").trim();
    let c = &w.fleet.cards[idx as usize];
    let names: Vec<&str> = c.apns.iter().map(|a| a.name.as_str()).collect();
    if apnname.is_empty() && names.len() > 1 {
        return Err(ApiError::new(
            "1031",
            format!(
                "该卡开通多个 APN 上网功能 {}, apnname 参数不能为空, 必须指定需要操作的 APN 名称",
                names.join(",")
            ),
        ));
    }
    if !apnname.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(apnname)) {
        return Err(ApiError::new(
            "1031",
            format!("该卡未开通 APN {apnname}, 已开通: {}", names.join(",")),
        ));
    }
    if cooling(w, idx, LIFECYCLE_CLASS) {
        return Err(ApiError::cooldown());
    }
    if op == "1" && margin > 0.0 {
        let today = w.today();
        let total = c.pkg_total(today);
        let left = if total > 0.0 {
            (total - c.flowusage).max(0.0) / total * 100.0
        } else {
            0.0
        };
        if left <= margin {
            return Err(ApiError::new(
                "1099",
                format!(
                    "通道方返回错误码:13011,卡当前余量 {:.1}% 不高于 {margin}%, 不允许恢复上网",
                    left
                ),
            ));
        }
    }
    let c = w.fleet.card_mut(idx);
    for a in c
        .apns
        .iter_mut()
        .filter(|a| apnname.is_empty() || a.name.eq_ignore_ascii_case(apnname))
    {
        a.active = op == "1";
    }
    if op == "0" && c.apns.iter().all(|a| !a.active) {
        c.online = false;
    }
    let d = json!({"opertype": op, "apnname": apnname, "marginrat": marginrat});
    finish(
        w,
        idx,
        "card/switchnet",
        if op == "0" { "net.pause" } else { "net.resume" },
        d,
    )
}

/// 3.4.6: voice whitelist. Carrier failures come back in the carrier shape.
pub fn whitelist(w: &mut World, p: &Params) -> ApiResult {
    let op = p.val("opertype").trim();
    if op != "0" && op != "1" {
        return Err(ApiError::new(
            "1031",
            format!("opertype 参数值错误: {op}, 0-删除 1-新增"),
        ));
    }
    let adding = op == "1";
    let numbers: Vec<String> = p
        .val("content")
        .split('_')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if numbers.is_empty()
        || numbers
            .iter()
            .any(|n| !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::new(
            "1031",
            format!("content 参数值错误: {}", p.val("content")),
        ));
    }
    if !adding && numbers.len() > cardboss::rules::MAX_WHITELIST_REMOVALS {
        return Err(ApiError::new("1031", "删除操作时, 一次最多可删除 2 个号码"));
    }
    let idx = one_card(w, p)?;
    if cooling(w, idx, "card/setvoicewhitetable") {
        return Err(ApiError::carrier(
            "13010",
            "同一卡号 1 分钟内不能调用该接口超过 1 次",
        ));
    }
    let today = w.today();
    let yyyymm = today.year() as u32 * 100 + today.month();
    let c = w.fleet.card_mut(idx);
    if adding {
        let mut merged = c.whitelist.clone();
        for n in &numbers {
            if !merged.contains(n) {
                merged.push(n.clone());
            }
        }
        if merged.len() > cardboss::rules::MAX_WHITELIST_NUMBERS {
            return Err(ApiError::carrier(
                "19019",
                "群组白名单+成员白名单数量已达上限，不允许办理业务。",
            ));
        }
        c.whitelist = merged;
    } else {
        if c.whitelist_deleted == Some(yyyymm) {
            return Err(ApiError::carrier(
                "12144",
                "本月删除白名单号码次数已达上限，本次业务办理失败",
            ));
        }
        c.whitelist.retain(|n| !numbers.contains(n));
        c.whitelist_deleted = Some(yyyymm);
    }
    start_cooldown(
        w,
        idx,
        "card/setvoicewhitetable",
        cardboss::rules::WHITELIST_COOLDOWN_SECS,
    );
    let c = &w.fleet.cards[idx as usize];
    let d = json!({"opertype": op, "numbers": numbers, "taskid": p.val("taskid"), "whitelist": c.whitelist});
    let msisdn = c.msisdn.clone();
    w.record(
        "card/setvoicewhitetable",
        if adding {
            "whitelist.add"
        } else {
            "whitelist.remove"
        },
        vec![msisdn],
        d,
    );
    ok_empty()
}
