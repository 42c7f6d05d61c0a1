//! 3.3 pools.

use cardboss::Pool;

use crate::client::endpoints;

endpoints! {
    /// 3.3.1 pool/list: the account's data pools and its sub-accounts'.
    fn pools()() -> Vec<Pool> => |client| client.pools().await;
}
