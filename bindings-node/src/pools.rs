//! 3.3 pools.

use cardboss::Pool;
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use napi_derive::napi;

use crate::client::{CallOptions, Client};

#[napi]
impl Client {
    /// 3.3.1 pool/list: the account's data pools and its sub-accounts'.
    #[napi]
    pub fn pools<'env>(
        &self,
        env: &'env Env,
        call: Option<CallOptions>,
    ) -> Result<PromiseRaw<'env, Vec<Pool>>> {
        self.run(env, call, |c| async move { c.pools().await })
    }
}
