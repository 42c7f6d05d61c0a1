//! 3.3 pools.

use cardboss::Pool;

use crate::client::CardBossClient;
use crate::error::{guarded, Result};

#[uniffi::export(async_runtime = "tokio")]
impl CardBossClient {
    /// 3.3.1 pool/list: the account's data pools and its sub-accounts'.
    pub async fn pools(&self) -> Result<Vec<Pool>> {
        guarded(self.inner.pools()).await
    }
}
