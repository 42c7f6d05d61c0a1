//! The client-side cooldown guard.
//!
//! The carrier refuses a second lifecycle operation on the same card within 3 minutes (voice
//! whitelist: 1 minute) with 13009/13010. The guard claims the card's window in the client's
//! [`GuardStore`] before sending and refuses a repeat locally, so no request is burnt and the
//! caller learns how long to wait. With a shared store (`cooldown_store`: Redis, or the CLI's
//! state file) every process naming it shares the windows; a store that cannot be reached
//! refuses the operation (`StoreUnavailable`) rather than sending it unchecked.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::rules::{LIFECYCLE_COOLDOWN_SECS, WHITELIST_COOLDOWN_SECS};
use crate::store::{Claim, GuardStore};

/// Which window an operation falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum OpClass {
    Lifecycle,
    VoiceWhitelist,
}

impl OpClass {
    fn window(self) -> Duration {
        Duration::from_secs(match self {
            OpClass::Lifecycle => LIFECYCLE_COOLDOWN_SECS,
            OpClass::VoiceWhitelist => WHITELIST_COOLDOWN_SECS,
        })
    }

    fn name(self) -> &'static str {
        match self {
            OpClass::Lifecycle => "cooldown",
            OpClass::VoiceWhitelist => "whitelist-cooldown",
        }
    }
}

/// One client's windows: its store, and its account's key prefix (one Redis serves several).
#[derive(Debug)]
pub(crate) struct Cooldowns {
    store: GuardStore,
    prefix: String,
}

/// An open window claimed for an operation about to be sent.
pub(crate) struct Window {
    key: String,
    token: String,
    class: OpClass,
}

impl Cooldowns {
    pub fn new(store: GuardStore, sid: &str) -> Self {
        Cooldowns {
            store,
            prefix: format!("cardboss:{sid}:"),
        }
    }

    fn key(&self, class: OpClass, card: &str) -> String {
        format!("{}{}:{card}", self.prefix, class.name())
    }

    /// Claims `card`'s window, or refuses when it is open (another operation within it).
    pub async fn claim(&self, class: OpClass, card: &str, endpoint: &str) -> Result<Window> {
        let key = self.key(class, card);
        let token = format!("{endpoint}:{:016x}", rand::random::<u64>());
        match self.store.claim(&key, &token, class.window()).await? {
            Claim::Claimed => Ok(Window { key, token, class }),
            Claim::Held { left, .. } => Err(Error::Cooldown {
                endpoint: endpoint.to_string(),
                card: card.to_string(),
                retry_after_secs: left.as_secs() + u64::from(left.subsec_nanos() > 0),
            }),
        }
    }

    /// The operation reached the carrier (or may have): its window starts now.
    pub async fn reached(&self, window: Window) -> Result<()> {
        self.store
            .put(&window.key, &window.token, window.class.window())
            .await
    }

    /// The operation never reached the carrier: give the window back.
    pub async fn not_reached(&self, window: Window) -> Result<()> {
        self.store.release(&window.key, &window.token).await
    }

    /// How long `card`'s window is still open, if it is (a store that cannot say: `None`; the
    /// operation itself then fails closed).
    pub async fn left(&self, class: OpClass, card: &str) -> Option<Duration> {
        self.store.left(&self.key(class, card)).await.ok().flatten()
    }

    /// Forgets this account's windows in a memory or file store (a shared Redis is left alone).
    pub fn clear(&self) {
        self.store.clear_local(&self.prefix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn repeat_is_refused_with_remaining_time() {
        let c = Cooldowns::new(GuardStore::default(), "10043");
        let w = c
            .claim(OpClass::Lifecycle, "1064787000001", "card/stopkeep")
            .await
            .unwrap();
        c.reached(w).await.unwrap();
        let err = c
            .claim(OpClass::Lifecycle, "1064787000001", "card/stopkeep")
            .await
            .err()
            .unwrap();
        assert!(matches!(
            err,
            Error::Cooldown {
                retry_after_secs: 179..=180,
                ..
            }
        ));
        // Another card, and the whitelist window, are independent.
        c.claim(OpClass::Lifecycle, "1064787000002", "card/stopkeep")
            .await
            .unwrap();
        let w = c
            .claim(
                OpClass::VoiceWhitelist,
                "1064787000001",
                "card/setvoicewhitetable",
            )
            .await
            .unwrap();
        // An operation that never reached the carrier gives its window back.
        c.not_reached(w).await.unwrap();
        assert!(c
            .left(OpClass::VoiceWhitelist, "1064787000001")
            .await
            .is_none());
        c.clear();
        assert!(c.left(OpClass::Lifecycle, "1064787000001").await.is_none());
    }
}
