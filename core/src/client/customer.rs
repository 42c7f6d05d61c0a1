//! 3.1 customer.

use super::Client;
use crate::error::Result;
use crate::models::Customer;
use crate::transport::Call;

impl Client {
    /// 3.1.1 customer/get: the account, its balance and card count.
    pub async fn customer(&self) -> Result<Customer> {
        self.transport()
            .fetch(&Call::get("customer/get", &[]))
            .await
    }
}
