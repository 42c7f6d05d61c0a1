//! 3.1 customer.

use cardboss::Customer;

use crate::client::endpoints;

endpoints! {
    /// 3.1.1 customer/get: the account, its balance and card count.
    fn customer()() -> Customer => |client| client.customer().await;
}
