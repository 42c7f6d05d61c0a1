//! `parse_sms_push` on arbitrary bodies (P0001 reports, P0002 replies, `data` as a string, an
//! array, or the document's unescaped form that the parser repairs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cardboss::parse_sms_push(data);
});
