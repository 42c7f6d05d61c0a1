//! `decrypt_sms` on arbitrary text (Base64 or not, wrapped or not), and the encryption round
//! trip: whatever is encrypted decrypts to itself, less the trailing zero bytes of the padding.
#![no_main]

use cardboss::crypto::{decrypt_text, encrypt_text};
use libfuzzer_sys::fuzz_target;

const KEY: &str = "0123456789abcdefFEDCBA9876543210";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = cardboss::decrypt_sms(KEY, &text);
    let _ = decrypt_text(KEY, &text);

    let cipher = encrypt_text(KEY, &text).expect("a 32-character key encrypts anything");
    if text.trim_end_matches('\0').is_empty() {
        return;
    }
    let plain = decrypt_text(KEY, &cipher).expect("what was encrypted decrypts");
    assert_eq!(plain, text.trim_end_matches('\0'));
    // The vendor's sample wrapped its Base64 every 76 characters.
    let wrapped: Vec<&str> = cipher
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    assert_eq!(decrypt_text(KEY, &wrapped.join("\r\n")).unwrap(), plain);
});
