//! 3.1 customer.

use cardboss::Customer;

use crate::client::CardBossClient;
use crate::error::{guarded, Result};

#[uniffi::export(async_runtime = "tokio")]
impl CardBossClient {
    /// 3.1.1 customer/get: the account, its balance and card count.
    pub async fn customer(&self) -> Result<Customer> {
        guarded(self.inner.customer()).await
    }
}
