//! The spec's limits and value rules, in one place: the client checks them before sending and the
//! sandbox enforces them when receiving.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use crate::error::{Error, Result};
use crate::sign::offset;

/// Batch endpoints (card/detail, card/usage/*) take at most this many cards a request.
pub const MAX_CARDS_PER_REQUEST: usize = 100;
/// SMS endpoints take at most this many numbers a request.
pub const MAX_SMS_MOBILES: usize = 1000;
/// SMS content limit (platform code 1002).
pub const MAX_SMS_CHARS: usize = 350;
/// `card/list` pages hold this many cards.
pub const CARDS_PER_PAGE: usize = 100;
/// A card cannot repeat a lifecycle operation (port2) within this window (carrier code 13009).
pub const LIFECYCLE_COOLDOWN_SECS: u64 = 180;
/// The voice whitelist has its own, shorter window (carrier code 13010).
pub const WHITELIST_COOLDOWN_SECS: u64 = 60;
/// Month packs are renewed for at least this many months.
pub const MIN_MONTH_PACK_MONTHS: u32 = 12;
/// A voice whitelist holds at most this many numbers (carrier code 19019).
pub const MAX_WHITELIST_NUMBERS: usize = 5;
/// One deletion removes at most this many numbers, once per calendar month (carrier code 12144).
pub const MAX_WHITELIST_REMOVALS: usize = 2;
/// `card/usage/past` only serves this many most recent months (the current one included).
pub const USAGE_HISTORY_MONTHS: u32 = 3;
/// `card/usage/day` only serves this many most recent days (today included).
pub const DAILY_USAGE_DAYS: i64 = 7;

/// A count or page number received signed (Kotlin, Java and JavaScript have no handy unsigned
/// integers): a negative one is refused as `InvalidInput` naming `field`, before any request.
pub fn non_negative(field: &str, value: i32) -> Result<u32> {
    u32::try_from(value).map_err(|_| Error::invalid(field, "must not be negative"))
}

/// The name of a card's platform `state` (card/list, card/detail): 0 disabled, 1 usable,
/// 2 paused; any other value is "other".
pub fn state_name(state: i64) -> &'static str {
    match state {
        0 => "disabled",
        1 => "usable",
        2 => "paused",
        _ => "other",
    }
}

/// Billed messages for one SMS: up to 70 characters is one; longer ones are billed per 67.
pub fn sms_billing_count(content: &str) -> u32 {
    let chars = content.chars().count() as u32;
    if chars <= 70 {
        1
    } else {
        chars.div_ceil(67)
    }
}

/// An msisdn is a non-empty string of ASCII digits (11 to 13 in practice).
pub fn is_msisdn(s: &str) -> bool {
    (5..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// An iccid is 19 or 20 ASCII letters and digits.
pub fn is_iccid(s: &str) -> bool {
    (19..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Checks a list of msisdns (or iccids when `iccid` is true).
pub fn check_ids(field: &str, ids: &[String], iccid: bool) -> Result<()> {
    if ids.is_empty() {
        return Err(Error::invalid(field, "no card given"));
    }
    for id in ids {
        let ok = if iccid { is_iccid(id) } else { is_msisdn(id) };
        if !ok {
            let want = if iccid {
                "19–20 letters and digits"
            } else {
                "digits only"
            };
            return Err(Error::invalid(
                field,
                format!(
                    "{id:?} is not a valid {} ({want})",
                    &field[..field.len() - 1]
                ),
            ));
        }
    }
    Ok(())
}

/// SMS targets: msisdns (digits) or iccids, as the spec allows both.
pub fn check_sms_mobiles(mobiles: &[String], allow_iccid: bool) -> Result<()> {
    if mobiles.is_empty() {
        return Err(Error::invalid("mobiles", "no number given"));
    }
    for m in mobiles {
        if !(m.bytes().all(|b| b.is_ascii_digit()) && !m.is_empty() || allow_iccid && is_iccid(m)) {
            return Err(Error::invalid(
                "mobiles",
                format!("{m:?} is not a number (digits only)"),
            ));
        }
    }
    Ok(())
}

/// SMS content: not empty, at most 350 characters.
pub fn check_sms_content(content: &str) -> Result<()> {
    if content.is_empty() {
        return Err(Error::invalid("content", "must not be empty"));
    }
    let n = content.chars().count();
    if n > MAX_SMS_CHARS {
        return Err(Error::invalid(
            "content",
            format!("{n} characters, at most {MAX_SMS_CHARS} allowed"),
        ));
    }
    Ok(())
}

/// The platform's date at `now` (its clock runs at `utc_offset_minutes`, UTC+8 by default):
/// what "this month", "the last 7 days" and a package's days left are counted from.
pub fn platform_today(now: DateTime<Utc>, utc_offset_minutes: i32) -> NaiveDate {
    now.with_timezone(&offset(utc_offset_minutes)).date_naive()
}

/// `yyyyMM` within the last [`USAGE_HISTORY_MONTHS`] months (platform time).
pub fn check_history_month(month: &str, now: DateTime<Utc>, utc_offset_minutes: i32) -> Result<()> {
    let bad = || Error::invalid("month", format!("{month:?} is not a month in yyyyMM form"));
    if month.len() != 6 || !month.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = month[..4].parse().map_err(|_| bad())?;
    let mon: u32 = month[4..].parse().map_err(|_| bad())?;
    if !(1..=12).contains(&mon) {
        return Err(bad());
    }
    let today = platform_today(now, utc_offset_minutes);
    let back = (today.year() - year) * 12 + today.month() as i32 - mon as i32;
    if !(0..USAGE_HISTORY_MONTHS as i32).contains(&back) {
        return Err(Error::invalid(
            "month",
            format!(
                "{month} is outside the last {USAGE_HISTORY_MONTHS} months (this month included)"
            ),
        ));
    }
    Ok(())
}

/// `yyyyMMdd` within the last [`DAILY_USAGE_DAYS`] days (platform time, today included).
pub fn check_usage_day(day: &str, now: DateTime<Utc>, utc_offset_minutes: i32) -> Result<()> {
    let date = NaiveDate::parse_from_str(day, "%Y%m%d")
        .ok()
        .filter(|_| day.len() == 8)
        .ok_or_else(|| Error::invalid("day", format!("{day:?} is not a date in yyyyMMdd form")))?;
    let today = platform_today(now, utc_offset_minutes);
    let age = today.signed_duration_since(date);
    if age < Duration::zero() || age >= Duration::days(DAILY_USAGE_DAYS) {
        return Err(Error::invalid(
            "day",
            format!("{day} is outside the last {DAILY_USAGE_DAYS} days"),
        ));
    }
    Ok(())
}

/// Renewal length: a month pack (`pkgcategory` 1) is ordered for at least
/// [`MIN_MONTH_PACK_MONTHS`]; a long pack (2) in whole cycles of `buycycle` months.
pub fn check_renewal_months(pkgcategory: i64, buycycle: i64, months: u32) -> Result<()> {
    if months < 1 {
        return Err(Error::invalid("months", "must be at least 1"));
    }
    match pkgcategory {
        1 if months < MIN_MONTH_PACK_MONTHS => Err(Error::invalid(
            "months",
            format!("a month pack is ordered for at least {MIN_MONTH_PACK_MONTHS} months (月包套餐至少订购 12 个月)"),
        )),
        2 if buycycle > 0 && i64::from(months) % buycycle != 0 => Err(Error::invalid(
            "months",
            format!("a long pack is ordered in whole cycles of {buycycle} months (长周期包必须订购周期的整数倍)"),
        )),
        _ => Ok(()),
    }
}

/// Voice whitelist numbers: digits; at most 5 to add, at most 2 to remove.
pub fn check_whitelist(numbers: &[String], adding: bool) -> Result<()> {
    let max = if adding {
        MAX_WHITELIST_NUMBERS
    } else {
        MAX_WHITELIST_REMOVALS
    };
    if numbers.is_empty() {
        return Err(Error::invalid("numbers", "no number given"));
    }
    if numbers.len() > max {
        let verb = if adding { "added" } else { "removed" };
        return Err(Error::invalid(
            "numbers",
            format!("at most {max} numbers can be {verb} at once"),
        ));
    }
    if let Some(n) = numbers
        .iter()
        .find(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Error::invalid(
            "numbers",
            format!("{n:?} is not a number (digits only)"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn billing_is_70_then_67() {
        assert_eq!(sms_billing_count("a"), 1);
        assert_eq!(sms_billing_count(&"a".repeat(70)), 1);
        assert_eq!(sms_billing_count(&"a".repeat(71)), 2);
        assert_eq!(sms_billing_count(&"a".repeat(134)), 2);
        assert_eq!(sms_billing_count(&"a".repeat(135)), 3);
        assert_eq!(sms_billing_count(&"中".repeat(70)), 1);
    }

    #[test]
    fn ids() {
        assert!(is_msisdn("1064787000001"));
        assert!(!is_msisdn("10647870000a1"));
        assert!(is_iccid("898607b8101700000001"));
        assert!(is_iccid("8986012345678901234"));
        assert!(!is_iccid("898607b81017000000"));
        assert!(check_ids("msisdns", &[], false).is_err());
        assert!(check_ids("iccids", &["898607b8101700000001".into()], true).is_ok());
    }

    #[test]
    fn month_window() {
        // 2024-03-31 20:00 UTC is already April 1st in China.
        let now = Utc.with_ymd_and_hms(2024, 3, 31, 20, 0, 0).unwrap();
        assert!(check_history_month("202404", now, 480).is_ok());
        assert!(check_history_month("202402", now, 480).is_ok());
        assert!(check_history_month("202401", now, 480).is_err());
        assert!(check_history_month("202405", now, 480).is_err());
        assert!(check_history_month("202401", now, 0).is_ok());
        assert!(check_history_month("2024-4", now, 480).is_err());
        assert!(check_history_month("202413", now, 480).is_err());
    }

    #[test]
    fn day_window() {
        let now = Utc.with_ymd_and_hms(2024, 5, 13, 1, 0, 0).unwrap();
        assert!(check_usage_day("20240513", now, 480).is_ok());
        assert!(check_usage_day("20240507", now, 480).is_ok());
        assert!(check_usage_day("20240506", now, 480).is_err());
        assert!(check_usage_day("20240514", now, 480).is_err());
        assert!(check_usage_day("2024513", now, 480).is_err());
    }

    #[test]
    fn negative_counts_are_invalid_input() {
        assert_eq!(non_negative("page", 3).unwrap(), 3);
        let e = non_negative("page", -1).unwrap_err();
        assert!(
            matches!(&e, Error::InvalidInput { field, .. } if field == "page"),
            "{e}"
        );
    }

    #[test]
    fn renewal_months() {
        assert!(check_renewal_months(1, 12, 12).is_ok());
        assert!(check_renewal_months(1, 12, 11).is_err());
        assert!(check_renewal_months(2, 3, 6).is_ok());
        assert!(check_renewal_months(2, 3, 7).is_err());
        assert!(check_renewal_months(3, 1, 1).is_ok());
        assert!(check_renewal_months(3, 1, 0).is_err());
    }

    #[test]
    fn whitelist_limits() {
        let five: Vec<String> = (0..5).map(|i| format!("1380000000{i}")).collect();
        assert!(check_whitelist(&five, true).is_ok());
        assert!(check_whitelist(&five, false).is_err());
        assert!(check_whitelist(&["12a".into()], true).is_err());
    }
}
