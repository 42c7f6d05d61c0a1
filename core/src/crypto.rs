//! Encrypted IoT SMS (3.5.2): `Base64(AES-128-CBC(mobiles##content))`.
//!
//! Key = first 16 characters of the apikey, IV = last 16. The spec says "NoPadding": the vendor's
//! sample pads the UTF-8 plaintext with zero bytes to a 16-byte multiple (no extra block when it
//! already is one), and the receiver strips trailing zeros. Old senders wrapped the Base64 every
//! 76 characters, so decoding ignores whitespace.

use aes::Aes128;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cbc::cipher::block_padding::ZeroPadding;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};

use crate::error::{Error, Result};

type Encryptor = cbc::Encryptor<Aes128>;
type Decryptor = cbc::Decryptor<Aes128>;

/// What an encrypted SMS carries once decrypted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, module = "cardboss")
)]
#[cfg_attr(feature = "napi", napi_derive::napi(object))]
pub struct SmsPlaintext {
    pub mobiles: Vec<String>,
    pub content: String,
}

fn key_and_iv(apikey: &str) -> Result<([u8; 16], [u8; 16])> {
    let bytes = apikey.as_bytes();
    if bytes.len() != 32 {
        return Err(Error::invalid("apikey", "must be 32 characters"));
    }
    let mut key = [0u8; 16];
    let mut iv = [0u8; 16];
    key.copy_from_slice(&bytes[..16]);
    iv.copy_from_slice(&bytes[16..]);
    Ok((key, iv))
}

/// Encrypts an already-joined plaintext (`mobiles##content`) and returns unwrapped Base64.
pub fn encrypt_text(apikey: &str, plaintext: &str) -> Result<String> {
    let (key, iv) = key_and_iv(apikey)?;
    let cipher = Encryptor::new(&key.into(), &iv.into())
        .encrypt_padded_vec::<ZeroPadding>(plaintext.as_bytes());
    Ok(STANDARD.encode(cipher))
}

/// Encrypts `mobiles##content` for `sms/sendiotencryptsms`.
pub fn encrypt_sms(apikey: &str, mobiles: &[String], content: &str) -> Result<String> {
    encrypt_text(apikey, &format!("{}##{}", mobiles.join(","), content))
}

/// Decrypts a (possibly line-wrapped) Base64 text into the joined plaintext.
///
/// Errors are `InvalidInput` with the platform's own distinctions in the reason: not Base64 /
/// not whole blocks (1042), not UTF-8 (1040).
pub fn decrypt_text(apikey: &str, text: &str) -> Result<String> {
    let (key, iv) = key_and_iv(apikey)?;
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| Error::invalid("text", "not valid Base64"))?;
    if bytes.is_empty() || bytes.len() % 16 != 0 {
        return Err(Error::invalid(
            "text",
            "ciphertext is not a whole number of AES blocks",
        ));
    }
    let mut plain = Decryptor::new(&key.into(), &iv.into())
        .decrypt_padded_vec::<cbc::cipher::block_padding::NoPadding>(&bytes)
        .map_err(|_| Error::invalid("text", "cannot be decrypted"))?;
    while plain.last() == Some(&0) {
        plain.pop();
    }
    String::from_utf8(plain).map_err(|_| Error::invalid("text", "decrypts to invalid UTF-8"))
}

/// Decrypts and splits `mobiles##content`. Either part empty is an error (the platform's 1041).
pub fn decrypt_sms(apikey: &str, text: &str) -> Result<SmsPlaintext> {
    let plain = decrypt_text(apikey, text)?;
    let (mobiles, content) = plain
        .split_once("##")
        .ok_or_else(|| Error::invalid("text", "plaintext lacks the `##` separator"))?;
    let mobiles: Vec<String> = mobiles
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(String::from)
        .collect();
    if mobiles.is_empty() || content.is_empty() {
        return Err(Error::invalid(
            "text",
            "mobiles or content is empty after decryption",
        ));
    }
    Ok(SmsPlaintext {
        mobiles,
        content: content.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0123456789abcdefFEDCBA9876543210";

    #[test]
    fn round_trip_with_chinese_content() {
        let mobiles = vec!["1064787000001".to_string(), "1440263908508".to_string()];
        let text = encrypt_sms(KEY, &mobiles, "江苏 reboot").unwrap();
        let plain = decrypt_sms(KEY, &text).unwrap();
        assert_eq!(plain.mobiles, mobiles);
        assert_eq!(plain.content, "江苏 reboot");
    }

    #[test]
    fn block_multiple_gets_no_extra_block() {
        let sixteen = "1234567890123456";
        let text = encrypt_text(KEY, sixteen).unwrap();
        assert_eq!(STANDARD.decode(text).unwrap().len(), 16);
    }

    #[test]
    fn wrapped_base64_is_accepted() {
        let long = "x".repeat(200);
        let text = encrypt_text(KEY, &format!("1064787000001##{long}")).unwrap();
        let wrapped: String = text
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("\r\n");
        assert_eq!(decrypt_sms(KEY, &wrapped).unwrap().content, long);
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        assert!(matches!(
            decrypt_text(KEY, "%%%"),
            Err(Error::InvalidInput { .. })
        ));
        assert!(matches!(
            decrypt_text(KEY, "AAAA"),
            Err(Error::InvalidInput { .. })
        ));
        assert!(matches!(
            encrypt_text("short", "x"),
            Err(Error::InvalidInput { .. })
        ));
        let no_sep = encrypt_text(KEY, "1064787000001 hello").unwrap();
        assert!(decrypt_sms(KEY, &no_sep).is_err());
    }
}
