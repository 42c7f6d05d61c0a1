//! 3.5 SMS: plain, encrypted and template sends, the report and reply queues, and the
//! encrypted-SMS functions.

use cardboss::{SmsPlaintext, SmsReceipt, SmsReply, SmsReport};
use pyo3::prelude::*;
use pyo3::types::PyAnyMethods;

use crate::client::endpoints;
use crate::error::guard;

/// Template variables: a mapping `{"1": "value"}` or a sequence of `(name, value)` pairs, kept
/// in order.
pub struct TemplateParams(Vec<(String, String)>);

impl<'a, 'py> FromPyObject<'a, 'py> for TemplateParams {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let pairs = if obj.hasattr("items")? {
            obj.call_method0("items")?
                .try_iter()?
                .collect::<PyResult<Vec<_>>>()?
        } else {
            obj.try_iter()?.collect::<PyResult<Vec<_>>>()?
        };
        let pairs = pairs
            .iter()
            .map(|pair| pair.extract::<(String, String)>())
            .collect::<PyResult<Vec<_>>>()?;
        Ok(TemplateParams(pairs))
    }
}

endpoints! {
    /// 3.5.1 sms/sendlotsms: a plain SMS to IoT cards (msisdns or iccids). More than 1000
    /// numbers go out as several requests; the receipts are merged. Never retried.
    fn send_iot_sms(mobiles, content)(mobiles: Vec<String>, content: String) -> SmsReceipt
        => |client| client.send_iot_sms(&mobiles, &content).await;

    /// 3.5.2 sms/sendiotencryptsms: the same, AES-encrypted with the apikey's halves.
    fn send_iot_sms_encrypted(mobiles, content)(mobiles: Vec<String>, content: String) -> SmsReceipt
        => |client| client.send_iot_sms_encrypted(&mobiles, &content).await;

    /// 3.5.5 sms/sendsms: a template SMS to phones; `params` fill the template's variables
    /// (`{"1": "xx"}` becomes `@1@=xx`). Billed to the account.
    fn send_template_sms(mobiles, template_id, params = None)
        (mobiles: Vec<String>, template_id: String, params: Option<TemplateParams>) -> SmsReceipt
        => |client| client.send_template_sms(&mobiles, &template_id, &params.map(|p| p.0).unwrap_or_default()).await;

    /// 3.5.3 sms/rpt/get: delivery reports not fetched before.
    fn sms_reports()() -> Vec<SmsReport> => |client| client.sms_reports().await;

    /// 3.5.4 sms/mo/get: replies not fetched before.
    fn sms_replies()() -> Vec<SmsReply> => |client| client.sms_replies().await;
}

/// `Base64(AES-128-CBC(mobiles##content))` as `sms/sendiotencryptsms` sends it.
#[pyfunction]
#[pyo3(signature = (apikey, mobiles, content))]
pub fn encrypt_sms(
    py: Python<'_>,
    apikey: &str,
    mobiles: Vec<String>,
    content: &str,
) -> PyResult<String> {
    guard(py, || cardboss::encrypt_sms(apikey, &mobiles, content))
}

/// Decrypts an encrypted SMS text (line-wrapped Base64 accepted).
#[pyfunction]
#[pyo3(signature = (apikey, text))]
pub fn decrypt_sms(py: Python<'_>, apikey: &str, text: &str) -> PyResult<SmsPlaintext> {
    guard(py, || cardboss::decrypt_sms(apikey, text))
}

/// Messages billed for `content`: up to 70 characters is one, longer ones per 67.
#[pyfunction]
#[pyo3(signature = (content))]
pub fn sms_billing_count(content: &str) -> u32 {
    cardboss::rules::sms_billing_count(content)
}
