//! 3.5 SMS: plain, encrypted and template sends, the report and reply queues, and the
//! encrypted-SMS functions.

use cardboss::{SmsPlaintext, SmsReceipt, SmsReply, SmsReport, TemplateParams};
use pyo3::prelude::*;
use pyo3::types::{PyAnyMethods, PyList, PyTuple};

use crate::client::endpoints;
use crate::error::guard;

/// Template variables: a list or tuple of values (the first fills `@1@`) or a mapping
/// `{1: "value"}` / `{"1": "value"}`, as given; the core checks them ([`TemplateArg::core`]).
pub enum TemplateArg {
    Values(Vec<String>),
    Pairs(Vec<(String, String)>),
}

impl TemplateArg {
    fn core(arg: Option<TemplateArg>) -> cardboss::Result<TemplateParams> {
        match arg {
            None => Ok(TemplateParams::default()),
            Some(TemplateArg::Values(values)) => TemplateParams::from_values(values),
            Some(TemplateArg::Pairs(pairs)) => TemplateParams::from_pairs(pairs),
        }
    }
}

/// A mapping key: an int or its digits, the same key to the core.
#[derive(FromPyObject)]
enum TemplateKey {
    Number(i64),
    Name(String),
}

impl<'a, 'py> FromPyObject<'a, 'py> for TemplateArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            return Ok(TemplateArg::Values(obj.extract()?));
        }
        if !obj.hasattr("items")? {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "params must be a list, a tuple or a mapping",
            ));
        }
        let pairs = obj
            .call_method0("items")?
            .try_iter()?
            .map(|pair| {
                let (key, value) = pair?.extract::<(TemplateKey, String)>()?;
                Ok(match key {
                    TemplateKey::Number(n) => (n.to_string(), value),
                    TemplateKey::Name(name) => (name, value),
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(TemplateArg::Pairs(pairs))
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
    /// (`["xx", "yy"]` or `{1: "xx", 2: "yy"}` become `@1@=xx|@2@=yy`). Billed to the account.
    fn send_template_sms(mobiles, template_id, params = None)
        (mobiles: Vec<String>, template_id: String, params: Option<TemplateArg>) -> SmsReceipt
        => |client| client.send_template_sms(&mobiles, &template_id, &TemplateArg::core(params)?).await;

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
