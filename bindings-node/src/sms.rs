//! 3.5 SMS: plain, encrypted and template sends (POST, never retried), the report and reply
//! queues (GET), and the encrypted-SMS format itself.

use cardboss::{SmsPlaintext, SmsReceipt, SmsReply, SmsReport, TemplateParams};
use indexmap::IndexMap;
use napi::bindgen_prelude::{Either, PromiseRaw};
use napi::{Env, Result};
use napi_derive::napi;

use crate::client::{CallOptions, Client};
use crate::error::sync;

#[napi]
impl Client {
    /// 3.5.1 sms/sendlotsms: a plain SMS to IoT cards (msisdns or iccids). More than 1000
    /// numbers go out as several requests, in order; the receipts are merged.
    #[napi]
    pub fn send_iot_sms<'env>(
        &self,
        env: &'env Env,
        mobiles: Vec<String>,
        content: String,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, SmsReceipt>> {
        self.run(env, call, |c| async move {
            c.send_iot_sms(&mobiles, &content).await
        })
    }

    /// 3.5.2 sms/sendiotencryptsms: the same, AES-encrypted with the apikey's halves.
    #[napi]
    pub fn send_iot_sms_encrypted<'env>(
        &self,
        env: &'env Env,
        mobiles: Vec<String>,
        content: String,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, SmsReceipt>> {
        self.run(env, call, |c| async move {
            c.send_iot_sms_encrypted(&mobiles, &content).await
        })
    }

    /// 3.5.5 sms/sendsms: a template SMS to phones, billed to the account. `params` fill the
    /// template's variables: `['xx', 'yy']` (the first fills `@1@`) or `{ 1: 'xx', 2: 'yy' }`
    /// both become `@1@=xx|@2@=yy`; a key that is not a positive number rejects with
    /// `INVALID_INPUT` before anything is sent.
    #[napi]
    pub fn send_template_sms<'env>(
        &self,
        env: &'env Env,
        mobiles: Vec<String>,
        template_id: String,
        #[napi(ts_arg_type = "string[] | Record<number, string>")] params: Option<
            Either<Vec<String>, IndexMap<String, String>>,
        >,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, SmsReceipt>> {
        self.run(env, call, |c| async move {
            let params = match params {
                None => TemplateParams::default(),
                Some(Either::A(values)) => TemplateParams::from_values(values)?,
                Some(Either::B(pairs)) => TemplateParams::from_pairs(pairs)?,
            };
            c.send_template_sms(&mobiles, &template_id, &params).await
        })
    }

    /// 3.5.3 sms/rpt/get: delivery reports not fetched before (at most 10,000 a call).
    #[napi]
    pub fn sms_reports<'env>(
        &self,
        env: &'env Env,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, Vec<SmsReport>>> {
        self.run(env, call, |c| async move { c.sms_reports().await })
    }

    /// 3.5.4 sms/mo/get: replies not fetched before (at most 10,000 a call).
    #[napi]
    pub fn sms_replies<'env>(
        &self,
        env: &'env Env,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, Vec<SmsReply>>> {
        self.run(env, call, |c| async move { c.sms_replies().await })
    }
}

/// The `text` of sms/sendiotencryptsms: Base64 of AES-128-CBC(`mobiles##content`), key and IV
/// the apikey's two halves, zero-padded.
#[napi]
pub fn encrypt_sms(
    env: Env,
    apikey: String,
    mobiles: Vec<String>,
    content: String,
) -> Result<String> {
    sync(&env, || cardboss::encrypt_sms(&apikey, &mobiles, &content))
}

/// Decrypts an encrypted IoT SMS `text` (line-wrapped Base64 accepted).
#[napi]
pub fn decrypt_sms(env: Env, apikey: String, text: String) -> Result<SmsPlaintext> {
    sync(&env, || cardboss::decrypt_sms(&apikey, &text))
}

/// Messages billed for `content`: up to 70 characters is one, longer text is billed per 67.
#[napi]
pub fn sms_billing_count(content: String) -> u32 {
    cardboss::rules::sms_billing_count(&content)
}
