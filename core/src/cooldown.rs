//! The client-side cooldown guard.
//!
//! The carrier refuses a second lifecycle operation on the same card within 3 minutes (voice
//! whitelist: 1 minute) with 13009/13010. The guard remembers, per client, when each card was
//! last operated on and refuses a repeat locally, so no request is burnt and the caller learns how
//! long to wait.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::rules::{LIFECYCLE_COOLDOWN_SECS, WHITELIST_COOLDOWN_SECS};

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
}

#[derive(Debug, Default)]
pub(crate) struct Cooldowns {
    last: Mutex<HashMap<(OpClass, String), Instant>>,
}

impl Cooldowns {
    /// Refuses when `card` was operated on within the class's window.
    pub fn check(&self, class: OpClass, card: &str, endpoint: &str) -> Result<()> {
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = last.get(&(class, card.to_string())) {
            let elapsed = at.elapsed();
            if elapsed < class.window() {
                let remaining = class.window() - elapsed;
                return Err(Error::Cooldown {
                    endpoint: endpoint.to_string(),
                    card: card.to_string(),
                    retry_after_secs: remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0),
                });
            }
        }
        Ok(())
    }

    /// Remembers an operation that reached the carrier (or may have).
    pub fn record(&self, class: OpClass, card: &str) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if last.len() > 10_000 {
            last.retain(|(c, _), at| at.elapsed() < c.window());
        }
        last.insert((class, card.to_string()), Instant::now());
    }

    /// Forgets every card (after the caller waited elsewhere, or in tests).
    pub fn clear(&self) {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_is_refused_with_remaining_time() {
        let c = Cooldowns::default();
        c.check(OpClass::Lifecycle, "1064787000001", "card/stopkeep")
            .unwrap();
        c.record(OpClass::Lifecycle, "1064787000001");
        let err = c
            .check(OpClass::Lifecycle, "1064787000001", "card/stopkeep")
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Cooldown {
                retry_after_secs: 179..=180,
                ..
            }
        ));
        // Another card, and the whitelist window, are independent.
        c.check(OpClass::Lifecycle, "1064787000002", "card/stopkeep")
            .unwrap();
        c.check(
            OpClass::VoiceWhitelist,
            "1064787000001",
            "card/setvoicewhitetable",
        )
        .unwrap();
    }
}
