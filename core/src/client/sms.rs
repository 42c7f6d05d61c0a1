//! 3.5 SMS: plain, encrypted and template sends (POST, never retried), and the report and
//! reply queues (GET).

use super::Client;
use crate::crypto::encrypt_sms;
use crate::error::{Error, Result};
use crate::models::{SmsReceipt, SmsReply, SmsReplyList, SmsReport, SmsReportList, TemplateParams};
use crate::rules::{check_sms_content, check_sms_mobiles, MAX_SMS_MOBILES};
use crate::transport::{Call, Port};

impl Client {
    /// 3.5.1 sms/sendlotsms: a plain SMS to IoT cards (msisdns or iccids). More than 1000
    /// numbers go out as several requests, in order; the receipts are merged.
    pub async fn send_iot_sms(&self, mobiles: &[String], content: &str) -> Result<SmsReceipt> {
        check_sms_mobiles(mobiles, true)?;
        check_sms_content(content)?;
        self.in_chunks(mobiles, |mobile| async move {
            self.transport()
                .fetch(&Call::post(
                    "sms/sendlotsms",
                    Port::Data,
                    &[("mobile", &mobile), ("content", content)],
                ))
                .await
        })
        .await
    }

    /// 3.5.2 sms/sendiotencryptsms: the same, AES-encrypted with the apikey's halves.
    pub async fn send_iot_sms_encrypted(
        &self,
        mobiles: &[String],
        content: &str,
    ) -> Result<SmsReceipt> {
        check_sms_mobiles(mobiles, true)?;
        check_sms_content(content)?;
        let apikey = &self.config().apikey;
        self.in_chunks(mobiles, |mobile| async move {
            let list: Vec<String> = mobile.split(',').map(String::from).collect();
            let text = encrypt_sms(apikey, &list, content)?;
            self.transport()
                .fetch(&Call::post(
                    "sms/sendiotencryptsms",
                    Port::Data,
                    &[("text", &text)],
                ))
                .await
        })
        .await
    }

    /// 3.5.5 sms/sendsms: a template SMS to phones. `params` fill the template's variables
    /// (`@1@=xx|@2@=yy`, see [`TemplateParams`]). Billed to the account.
    ///
    /// Only `mobile + tplid` are signed; `content` is sent unsigned.
    pub async fn send_template_sms(
        &self,
        mobiles: &[String],
        template_id: &str,
        params: &TemplateParams,
    ) -> Result<SmsReceipt> {
        check_sms_mobiles(mobiles, false)?;
        if template_id.trim().is_empty() {
            return Err(Error::invalid("template_id", "must not be empty"));
        }
        let content = params.content();
        let content = content.as_str();
        self.in_chunks(mobiles, |mobile| async move {
            let signed = [("mobile", mobile.as_str()), ("tplid", template_id)];
            self.transport()
                .fetch(
                    &Call::post("sms/sendsms", Port::Data, &signed)
                        .with_unsigned(&[("content", content)]),
                )
                .await
        })
        .await
    }

    /// 3.5.3 sms/rpt/get: delivery reports not fetched before (at most 10,000 a call).
    pub async fn sms_reports(&self) -> Result<Vec<SmsReport>> {
        let list: SmsReportList = self
            .transport()
            .fetch(&Call::get("sms/rpt/get", &[]))
            .await?;
        Ok(list.rpts)
    }

    /// 3.5.4 sms/mo/get: replies not fetched before (at most 10,000 a call).
    pub async fn sms_replies(&self) -> Result<Vec<SmsReply>> {
        let list: SmsReplyList = self
            .transport()
            .fetch(&Call::get("sms/mo/get", &[]))
            .await?;
        Ok(list.mos)
    }

    /// Sends one request per 1000 numbers, one after the other, and merges the receipts. If a
    /// later request fails, the error names its batch and the task ids of the requests already
    /// sent (their messages are out: a caller must not resend them blindly).
    async fn in_chunks<'a, F, Fut>(&'a self, mobiles: &'a [String], send: F) -> Result<SmsReceipt>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = Result<SmsReceipt>> + 'a,
    {
        let total = mobiles.len().div_ceil(MAX_SMS_MOBILES);
        let mut merged = SmsReceipt::default();
        for (index, chunk) in mobiles.chunks(MAX_SMS_MOBILES).enumerate() {
            let mut receipt = send(chunk.join(",")).await.map_err(|e| {
                if index > 0 {
                    tracing::warn!(
                        sent_requests = index,
                        "cardboss SMS send failed part-way: earlier requests were sent"
                    );
                }
                e.in_batch(index, total, &chunk[0])
                    .after_sent(&merged.taskids)
            })?;
            if index == 0 {
                merged.taskid = receipt.taskid.clone();
                merged.extra = std::mem::take(&mut receipt.extra);
            }
            merged.count += receipt.count;
            merged.fee += receipt.fee;
            merged.taskids.push(receipt.taskid);
        }
        Ok(merged)
    }
}
