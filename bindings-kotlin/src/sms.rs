//! 3.5 SMS: plain, encrypted and template sends (POST, never retried), the report and reply
//! queues, and the encrypted-SMS helpers.

use std::collections::HashMap;

use cardboss::{SmsPlaintext, SmsReceipt, SmsReply, SmsReport, TemplateParams};

use crate::client::CardBossClient;
use crate::error::{guard, guarded, Result};

#[uniffi::export(async_runtime = "tokio")]
impl CardBossClient {
    /// 3.5.1 sms/sendlotsms: a plain SMS to IoT cards (msisdns or iccids). More than 1000
    /// numbers go out as several requests, in order; the receipts are merged.
    pub async fn send_iot_sms(&self, mobiles: Vec<String>, content: String) -> Result<SmsReceipt> {
        guarded(self.inner.send_iot_sms(&mobiles, &content)).await
    }

    /// 3.5.2 sms/sendiotencryptsms: the same, AES-encrypted with the apikey's halves.
    pub async fn send_iot_sms_encrypted(
        &self,
        mobiles: Vec<String>,
        content: String,
    ) -> Result<SmsReceipt> {
        guarded(self.inner.send_iot_sms_encrypted(&mobiles, &content)).await
    }

    /// 3.5.5 sms/sendsms: a template SMS to phones; `params` fill the template's variables in
    /// order, the first `@1@` (`@1@=a|@2@=b`). Billed to the account.
    #[uniffi::method(default(params = []))]
    pub async fn send_template_sms(
        &self,
        mobiles: Vec<String>,
        template_id: String,
        params: Vec<String>,
    ) -> Result<SmsReceipt> {
        guarded(async move {
            let params = TemplateParams::from_values(params)?;
            self.inner
                .send_template_sms(&mobiles, &template_id, &params)
                .await
        })
        .await
    }

    /// [`Self::send_template_sms`] with numbered variables (`{1: "a", 2: "b"}`); a number that is
    /// not positive is invalid input.
    pub async fn send_template_sms_numbered(
        &self,
        mobiles: Vec<String>,
        template_id: String,
        params: HashMap<i32, String>,
    ) -> Result<SmsReceipt> {
        guarded(async move {
            let params = TemplateParams::from_pairs(params)?;
            self.inner
                .send_template_sms(&mobiles, &template_id, &params)
                .await
        })
        .await
    }

    /// 3.5.3 sms/rpt/get: delivery reports not fetched before (at most 10,000 a call).
    pub async fn sms_reports(&self) -> Result<Vec<SmsReport>> {
        guarded(self.inner.sms_reports()).await
    }

    /// 3.5.4 sms/mo/get: replies not fetched before (at most 10,000 a call).
    pub async fn sms_replies(&self) -> Result<Vec<SmsReply>> {
        guarded(self.inner.sms_replies()).await
    }
}

/// `Base64(AES-128-CBC(mobiles##content))` as `sms/sendiotencryptsms` sends it (key = first 16
/// characters of the apikey, IV = last 16, zero padding, unwrapped Base64).
#[uniffi::export]
pub fn encrypt_sms(apikey: String, mobiles: Vec<String>, content: String) -> Result<String> {
    guard(|| cardboss::encrypt_sms(&apikey, &mobiles, &content))
}

/// Decrypts an encrypted SMS text (line-wrapped Base64 accepted) into its mobiles and content.
#[uniffi::export]
pub fn decrypt_sms(apikey: String, text: String) -> Result<SmsPlaintext> {
    guard(|| cardboss::decrypt_sms(&apikey, &text))
}

/// Messages billed for `content`: up to 70 characters is one, longer text is billed per 67.
#[uniffi::export]
pub fn sms_billing_count(content: String) -> i64 {
    i64::from(cardboss::rules::sms_billing_count(&content))
}
