//! 3.1 customer.

use cardboss::Customer;
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;

use crate::client::{CallOptions, Client};

#[napi]
impl Client {
    /// 3.1.1 customer/get: the account, its balance and card count.
    #[napi]
    pub fn customer<'env>(
        &self,
        env: &'env Env,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, Customer>> {
        self.run(env, call, |c| async move { c.customer().await })
    }
}
