//! The endpoint table and the checks every request goes through, in the spec's order:
//! method (1004), required parameters (1012), `ts` (1024), sid and sign (1005), account (1001).
//! Value checks (1031), limits (1003/1002) and withdrawal (1098) happen in the handlers.

use std::collections::HashMap;

use chrono::{NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Value};

use crate::state::{utc8, World};

/// Request parameters (query string for GET, form body for POST).
#[derive(Debug, Default, Clone)]
pub struct Params(pub HashMap<String, String>);

impl Params {
    pub fn parse(raw: &str) -> Params {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).unwrap_or_default();
        Params(pairs.into_iter().collect())
    }
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0.get(k).map(String::as_str)
    }
    /// The value, or "" when absent.
    pub fn val(&self, k: &str) -> &str {
        self.get(k).unwrap_or("")
    }
}

/// A refusal: the platform envelope, or the carrier's `{status, message, result}` shape.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: String,
    pub detail: String,
    pub result: Option<Value>,
    pub carrier: bool,
}

impl ApiError {
    pub fn new(code: &str, detail: impl Into<String>) -> ApiError {
        ApiError {
            code: code.into(),
            detail: detail.into(),
            result: None,
            carrier: false,
        }
    }
    /// The carrier shape setvoicewhitetable answers with.
    pub fn carrier(status: &str, message: &str) -> ApiError {
        ApiError {
            code: status.into(),
            detail: message.into(),
            result: None,
            carrier: true,
        }
    }
    /// The port2 carrier refusal for a repeated operation within 3 minutes.
    pub fn cooldown() -> ApiError {
        ApiError::new(
            "1099",
            "通道方返回错误码:13009,同一卡号 3 分钟内不能通过此类接口重复办理业务",
        )
    }
    pub fn with_result(mut self, result: Value) -> ApiError {
        self.result = Some(result);
        self
    }
    /// The answer's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    pub fn to_json(&self) -> Value {
        if self.carrier {
            return json!({"status": self.code, "message": self.detail, "result": []});
        }
        let mut v = json!({"code": self.code, "msg": msg(&self.code), "detail": self.detail});
        if let Some(r) = &self.result {
            v["result"] = r.clone();
        }
        v
    }
}

/// The answer's JSON bytes, or a refusal.
pub type ApiResult = Result<Vec<u8>, ApiError>;

/// `{"code":"0","msg":"成功","detail":"","result":…}`.
pub fn ok(result: impl serde::Serialize) -> ApiResult {
    Ok(crate::render::envelope("result", 256, |out| {
        let _ = serde_json::to_writer(out, &result);
    }))
}

/// A success without a result (port2 operations).
pub fn ok_empty() -> ApiResult {
    Ok(r#"{"code":"0","msg":"成功","detail":""}"#.as_bytes().to_vec())
}

/// The message of a platform code (spec 5.2).
pub fn msg(code: &str) -> &'static str {
    match code {
        "0" => "成功",
        "1001" => "账号被禁用",
        "1002" => "短信字数过长",
        "1003" => "单次发送号码过多",
        "1004" => "Http 请求方式错误",
        "1005" => "账号鉴权失败",
        "1006" => "IP 鉴权失败",
        "1007" => "余额不足",
        "1008" => "号码无效",
        "1012" => "请求参数缺失",
        "1024" => "日期格式错误",
        "1031" => "参数值错误",
        "1032" => "数据为空",
        "1040" => "短信解密错误",
        "1041" => "解密后号码或内容为空",
        "1042" => "密文错误",
        "1080" => "套餐续费失败",
        "1090" | "1091" | "1092" => "系统内部错误",
        "1098" => "API 停用",
        "1099" => "上级错误",
        _ => "未知错误",
    }
}

/// What an endpoint does with the state: queries share the read lock, the rest take the write
/// lock (see `state.rs`).
#[derive(Clone, Copy)]
pub enum Handler {
    Read(fn(&World, &Params) -> ApiResult),
    Write(fn(&mut World, &Params) -> ApiResult),
}

/// One endpoint of the spec.
pub struct Endpoint {
    pub path: &'static str,
    pub port: u8,
    pub post: bool,
    /// Required (必填) parameters besides sid, sign, ts. Pair keys may be empty (or, unless
    /// strict, absent).
    pub required: &'static [&'static str],
    /// Signed parameters after sid+apikey+ts, in order.
    pub signed: &'static [&'static str],
    /// A second accepted formula (see `lib.rs` docs on switchnet/setvoicewhitetable).
    pub alt_signed: Option<&'static [&'static str]>,
    pub handler: Handler,
}

const PAIR_KEYS: &[&str] = &["msisdns", "iccids", "msisdn", "iccid"];

macro_rules! ep {
    ($path:expr, $port:expr, $post:expr, [$($req:expr),*], [$($sig:expr),*], $alt:expr, $kind:ident $h:path) => {
        Endpoint { path: $path, port: $port, post: $post, required: &[$($req),*], signed: &[$($sig),*], alt_signed: $alt, handler: Handler::$kind($h) }
    };
}

pub static ENDPOINTS: &[Endpoint] = &[
    ep!("customer/get", 1, false, [], [], None, Read crate::customer::get),
    ep!(
        "card/list",
        1,
        false,
        ["pageindex"],
        ["pageindex"],
        None,
        Read crate::cards::list
    ),
    ep!(
        "card/detail",
        1,
        false,
        ["msisdns", "iccids"],
        ["msisdns", "iccids"],
        None,
        Read crate::cards::detail
    ),
    ep!(
        "card/usage/current",
        1,
        false,
        ["msisdns", "iccids"],
        ["msisdns", "iccids"],
        None,
        Read crate::cards::usage_current
    ),
    ep!(
        "card/usage/past",
        1,
        false,
        ["month", "msisdns", "iccids"],
        ["month", "showday", "msisdns", "iccids"],
        None,
        Read crate::cards::usage_past
    ),
    ep!(
        "card/abnormal",
        1,
        false,
        ["pageindex"],
        ["pageindex"],
        None,
        Read crate::cards::abnormal
    ),
    ep!(
        "card/pkg/get",
        1,
        false,
        ["msisdn", "iccid"],
        ["msisdn", "iccid"],
        None,
        Read crate::cards::pkg_get
    ),
    ep!(
        "card/usage/day",
        1,
        false,
        ["day", "msisdns", "iccids"],
        ["day", "msisdns", "iccids"],
        None,
        Read crate::cards::usage_day
    ),
    ep!("pool/list", 1, false, [], [], None, Read crate::pools::list),
    ep!(
        "card/pkg/renew",
        1,
        true,
        ["msisdn", "iccid", "pkgcode", "month"],
        ["msisdn", "iccid", "pkgcode", "month"],
        None,
        Write crate::operations::renew
    ),
    ep!(
        "card/stoptest",
        2,
        true,
        ["msisdn", "iccid"],
        ["msisdn", "iccid"],
        None,
        Write crate::operations::stoptest
    ),
    ep!(
        "card/foractive",
        2,
        true,
        ["msisdn", "iccid"],
        ["msisdn", "iccid"],
        None,
        Write crate::operations::foractive
    ),
    ep!(
        "card/stopkeep",
        2,
        true,
        ["msisdn", "iccid", "stopkeep"],
        ["msisdn", "iccid", "stopkeep"],
        None,
        Write crate::operations::stopkeep
    ),
    ep!(
        "card/switchnet",
        2,
        true,
        ["msisdn", "iccid", "opertype"],
        ["msisdn", "iccid", "apnname", "opertype", "marginrat"],
        Some(&["apnname", "opertype", "marginrat"]),
        Write crate::operations::switchnet
    ),
    ep!(
        "card/setvoicewhitetable",
        2,
        true,
        ["msisdn", "iccid", "opertype", "content"],
        ["msisdn", "iccid", "opertype", "taskid", "content"],
        Some(&["opertype", "taskid", "content"]),
        Write crate::operations::whitelist
    ),
    ep!(
        "sms/sendlotsms",
        1,
        true,
        ["mobile", "content"],
        ["mobile", "content"],
        None,
        Write crate::sms::send_lot
    ),
    ep!(
        "sms/sendiotencryptsms",
        1,
        true,
        ["text"],
        ["text"],
        None,
        Write crate::sms::send_encrypted
    ),
    ep!("sms/rpt/get", 1, false, [], [], None, Write crate::sms::rpt_get),
    ep!("sms/mo/get", 1, false, [], [], None, Write crate::sms::mo_get),
    ep!(
        "sms/sendsms",
        1,
        true,
        ["tplid", "mobile", "content"],
        ["mobile", "tplid"],
        None,
        Write crate::sms::send_template
    ),
];

/// The position of `path`'s endpoint in [`ENDPOINTS`].
pub fn endpoint_index(path: &str) -> Option<usize> {
    ENDPOINTS
        .iter()
        .position(|e| e.path == path.trim_matches('/'))
}

/// Normalises aliases: `card/usage/past` accepts `iccid` for `iccids`.
pub fn normalise(ep: &Endpoint, params: &mut Params) {
    if ep.path == "card/usage/past" && !params.0.contains_key("iccids") {
        if let Some(v) = params.0.get("iccid").cloned() {
            params.0.insert("iccids".into(), v);
        }
    }
}

/// The common checks, in order. `post` is whether the request was a POST.
pub fn check(w: &World, ep: &Endpoint, post: bool, p: &Params) -> Result<(), ApiError> {
    if post != ep.post {
        let want = if ep.post { "POST" } else { "GET" };
        return Err(ApiError::new("1004", format!("请使用 {want} 方式请求")));
    }
    for key in ["sid", "sign", "ts"].iter().chain(ep.required) {
        let pair = PAIR_KEYS.contains(key);
        // The platform takes a pair key that is left out as empty (NOTES.md); strict mode
        // insists on both keys, as the tables mark them required.
        let present = match p.get(key) {
            None => pair && !w.settings.strict,
            Some(v) => !v.is_empty() || pair,
        };
        if !present {
            return Err(ApiError::new("1012", format!("缺少必填参数: {key}")));
        }
    }
    let ts = p.val("ts");
    let parsed = (ts.len() == 14 && ts.bytes().all(|b| b.is_ascii_digit()))
        .then(|| NaiveDateTime::parse_from_str(ts, "%Y%m%d%H%M%S").ok())
        .flatten();
    let Some(parsed) = parsed else {
        return Err(ApiError::new(
            "1024",
            "时间戳格式错误, 格式: yyyyMMddHHmmss",
        ));
    };
    let Some(at) = utc8().from_local_datetime(&parsed).single() else {
        return Err(ApiError::new(
            "1024",
            "时间戳格式错误, 格式: yyyyMMddHHmmss",
        ));
    };
    let skew = (Utc::now().timestamp() - at.timestamp()).unsigned_abs();
    if skew > w.settings.ts_window_secs {
        return Err(ApiError::new(
            "1024",
            format!("时间戳已失效, 与服务器时间相差 {skew} 秒"),
        ));
    }
    if p.val("sid") != w.sid {
        return Err(ApiError::new("1005", "账号不存在"));
    }
    let matches = |names: &[&str]| {
        let mut parts: Vec<&str> = vec![w.sid.as_str(), w.apikey.as_str(), ts];
        parts.extend(names.iter().map(|n| p.val(n)));
        cardboss::sign::signatures_match(&cardboss::sign::sign(&parts), p.val("sign"))
    };
    if !matches(ep.signed) && !ep.alt_signed.is_some_and(matches) {
        return Err(ApiError::new(
            "1005",
            "签名校验失败, 请确认 apikey 是否正确",
        ));
    }
    if w.settings.account_disabled {
        return Err(ApiError::new("1001", "联系客服开启账号"));
    }
    Ok(())
}

/// Which card a single-card operation names (`msisdn` wins over `iccid`).
pub fn one_card(w: &World, p: &Params) -> Result<u32, ApiError> {
    let (m, i) = (p.val("msisdn").trim(), p.val("iccid").trim());
    if m.is_empty() && i.is_empty() {
        return Err(ApiError::new("1031", "msisdn 和 iccid 不能同时为空"));
    }
    if !m.is_empty() {
        if !cardboss::rules::is_msisdn(m) {
            return Err(ApiError::new("1031", format!("卡号格式错误: {m}")));
        }
        return w
            .fleet
            .by_msisdn
            .get(m)
            .copied()
            .ok_or_else(|| ApiError::new("1031", format!("卡号不存在: {m}")));
    }
    if !cardboss::rules::is_iccid(i) {
        return Err(ApiError::new("1031", format!("串号格式错误: {i}")));
    }
    w.fleet
        .by_iccid
        .get(i)
        .copied()
        .ok_or_else(|| ApiError::new("1031", format!("串号不存在: {i}")))
}

/// The cards a batch query names (`msisdns` wins over `iccids`); unknown cards are skipped.
pub fn many_cards(w: &World, p: &Params) -> Result<Vec<u32>, ApiError> {
    let (m, i) = (p.val("msisdns").trim(), p.val("iccids").trim());
    if m.is_empty() && i.is_empty() {
        return Err(ApiError::new("1031", "msisdns 和 iccids 不能同时为空"));
    }
    let by_msisdn = !m.is_empty();
    let list: Vec<&str> = if by_msisdn { m } else { i }
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    for id in &list {
        let valid = if by_msisdn {
            cardboss::rules::is_msisdn(id)
        } else {
            cardboss::rules::is_iccid(id)
        };
        if !valid {
            let what = if by_msisdn { "卡号" } else { "串号" };
            return Err(ApiError::new("1031", format!("{what}格式错误: {id}")));
        }
    }
    if list.len() > cardboss::rules::MAX_CARDS_PER_REQUEST {
        return Err(ApiError::new(
            "1031",
            format!(
                "单次最多查询 {} 张卡",
                cardboss::rules::MAX_CARDS_PER_REQUEST
            ),
        ));
    }
    let index = if by_msisdn {
        &w.fleet.by_msisdn
    } else {
        &w.fleet.by_iccid
    };
    let mut out: Vec<u32> = Vec::with_capacity(list.len());
    for id in list {
        if let Some(&c) = index.get(id) {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// A JSON number without a needless `.0` (`512000`, not `512000.0`), for typed answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num(pub f64);

impl serde::Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

/// A JSON number without a needless `.0` (`512000`, not `512000.0`).
pub fn num(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}
