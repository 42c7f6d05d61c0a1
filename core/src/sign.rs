//! Request signing and timestamps.
//!
//! Every CardBOSS request carries `sign = md5(sid + apikey + ts + <params in the documented
//! order>)` as lowercase hex. Absent optional parameters contribute the empty string, and the
//! UTF-8 bytes are hashed *before* any URL encoding. This module is the only place that knows it.

use chrono::{DateTime, FixedOffset, Utc};
use md5::{Digest, Md5};

/// The platform's clock: China Standard Time (UTC+8), whatever the local zone is.
pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = 480;

/// Lowercase hex MD5 of the plain concatenation of `parts`.
///
/// Callers pass `[sid, apikey, ts, param1, param2, ...]` exactly as the spec lists them.
pub fn sign(parts: &[&str]) -> String {
    let mut hasher = Md5::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Uppercase variant, used by the data push (section 4.2).
pub fn sign_upper(parts: &[&str]) -> String {
    sign(parts).to_ascii_uppercase()
}

/// The data push signature (4.2): uppercase MD5 of `sid+apikey+id+sn+level+api+time+data+desc`,
/// with absent (null) fields as empty strings and `data` exactly as transmitted.
#[allow(clippy::too_many_arguments)]
pub fn push_sign(
    sid: &str,
    apikey: &str,
    id: &str,
    sn: &str,
    level: &str,
    api: &str,
    time: &str,
    data: &str,
    desc: &str,
) -> String {
    sign_upper(&[sid, apikey, id, sn, level, api, time, data, desc])
}

/// Compares two hex signatures in constant time, ignoring ASCII case (the vendor's samples
/// send both cases).
pub fn signatures_match(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| {
        acc | (x.to_ascii_lowercase() ^ y.to_ascii_lowercase())
    }) == 0
}

/// `yyyyMMddHHmmss` of `now` seen from `utc_offset_minutes` east of UTC.
pub fn timestamp(now: DateTime<Utc>, utc_offset_minutes: i32) -> String {
    now.with_timezone(&offset(utc_offset_minutes))
        .format("%Y%m%d%H%M%S")
        .to_string()
}

/// The fixed offset for `minutes` east of UTC; out-of-range values fall back to UTC+8.
pub(crate) fn offset(minutes: i32) -> FixedOffset {
    FixedOffset::east_opt(minutes.saturating_mul(60))
        .unwrap_or_else(|| FixedOffset::east_opt(DEFAULT_UTC_OFFSET_MINUTES * 60).expect("UTC+8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sign_is_lowercase_md5_of_concatenation() {
        // md5("abc") is a well-known value.
        assert_eq!(sign(&["a", "b", "c"]), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(sign_upper(&["abc"]), "900150983CD24FB0D6963F7D28E17F72");
    }

    #[test]
    fn absent_parts_add_nothing() {
        assert_eq!(sign(&["a", "", "bc", ""]), sign(&["abc"]));
    }

    #[test]
    fn signature_comparison_ignores_case_only() {
        assert!(signatures_match("900150983cd24fb0", "900150983CD24FB0"));
        assert!(!signatures_match("900150983cd24fb0", "900150983cd24fb1"));
        assert!(!signatures_match("9001", "90015"));
    }

    #[test]
    fn timestamp_is_in_china_time() {
        let now = Utc.with_ymd_and_hms(2024, 3, 31, 20, 5, 9).unwrap();
        assert_eq!(timestamp(now, 480), "20240401040509");
        assert_eq!(timestamp(now, 0), "20240331200509");
        assert_eq!(timestamp(now, -300), "20240331150509");
    }
}
