//! 3.3 pools.

use super::Client;
use crate::error::Result;
use crate::models::{Pool, PoolList};
use crate::transport::Call;

impl Client {
    /// 3.3.1 pool/list: the account's data pools and its sub-accounts'.
    pub async fn pools(&self) -> Result<Vec<Pool>> {
        let list: PoolList = self.transport().fetch(&Call::get("pool/list", &[])).await?;
        Ok(list.pools)
    }
}
