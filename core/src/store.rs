//! The guard store: set-if-absent with a time to live, the one primitive behind the push
//! replay guard and the cooldown guard, so several workers (or several CLI invocations) can
//! share what each has seen.
//!
//! Chosen by URL: `memory:` (this process only, the default), `redis://host:port/db` (shared by
//! every worker that names the same Redis), `file:///path/state.json` (shared by the processes
//! of one machine through an advisory lock; the CLI's). A store that cannot be reached fails
//! closed: the caller gets `Error::StoreUnavailable` and must not act as if it had checked.

mod file;
mod memory;
mod redis;

use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};

/// What [`GuardStore::claim`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key was free and is now ours, for the ttl.
    Claimed,
    /// Someone holds it: the value they set, and how long it still lives.
    Held { value: String, left: Duration },
}

/// A guard store (see the module doc). Cheap to clone; clones share the store.
#[derive(Clone)]
pub struct GuardStore {
    backend: Arc<Backend>,
}

enum Backend {
    Memory(memory::MemoryStore),
    Redis(redis::RedisStore),
    File(file::FileStore),
}

impl std::fmt::Debug for GuardStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("GuardStore").field(&self.url()).finish()
    }
}

impl Default for GuardStore {
    fn default() -> Self {
        GuardStore::memory(memory::DEFAULT_CAPACITY)
    }
}

impl GuardStore {
    /// A store in this process's memory holding at most `capacity` keys (the oldest go first).
    pub fn memory(capacity: usize) -> GuardStore {
        GuardStore::from(Backend::Memory(memory::MemoryStore::new(capacity)))
    }

    /// The store a URL names: `memory:`, `redis://…`, `file:///…`. Nothing is connected yet;
    /// a bad URL is refused here as `InvalidInput` naming `field`.
    pub fn open(url: &str, field: &str) -> Result<GuardStore> {
        let url = url.trim();
        let backend = if url == "memory:" || url == "memory://" {
            Backend::Memory(memory::MemoryStore::new(memory::DEFAULT_CAPACITY))
        } else if url.starts_with("redis://") {
            Backend::Redis(redis::RedisStore::open(url).map_err(|e| Error::invalid(field, e))?)
        } else if let Some(path) = url.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(Error::invalid(
                    field,
                    "a file store needs an absolute path: file:///…",
                ));
            }
            Backend::File(file::FileStore::new(path.into()))
        } else {
            return Err(Error::invalid(
                field,
                format!("{url:?} is not memory:, redis://host:port/db or file:///path"),
            ));
        };
        Ok(GuardStore::from(backend))
    }

    fn from(backend: Backend) -> GuardStore {
        GuardStore {
            backend: Arc::new(backend),
        }
    }

    /// The store's URL, without any password (for errors and `Debug`).
    pub fn url(&self) -> String {
        match &*self.backend {
            Backend::Memory(_) => "memory:".into(),
            Backend::Redis(r) => r.url(),
            Backend::File(f) => f.url(),
        }
    }

    /// Whether processes other than this one see the store.
    pub fn is_shared(&self) -> bool {
        !matches!(&*self.backend, Backend::Memory(_))
    }

    /// Sets `key` to `value` for `ttl` unless it is already set (atomic across the store's users).
    pub async fn claim(&self, key: &str, value: &str, ttl: Duration) -> Result<Claim> {
        let ttl = ttl.max(Duration::from_millis(1));
        match &*self.backend {
            Backend::Memory(m) => Ok(m.claim(key, value, ttl)),
            Backend::Redis(r) => r.claim(key, value, ttl).await,
            Backend::File(f) => f.claim(key, value, ttl).await,
        }
    }

    /// Sets `key` to `value` for `ttl`, whoever held it.
    pub async fn put(&self, key: &str, value: &str, ttl: Duration) -> Result<()> {
        let ttl = ttl.max(Duration::from_millis(1));
        match &*self.backend {
            Backend::Memory(m) => {
                m.put(key, value, ttl);
                Ok(())
            }
            Backend::Redis(r) => r.put(key, value, ttl).await,
            Backend::File(f) => f.put(key, value, ttl).await,
        }
    }

    /// Removes `key` if it still holds `value` (so a claim that outlived its ttl and was taken
    /// by another worker is not released from under it).
    pub async fn release(&self, key: &str, value: &str) -> Result<()> {
        match &*self.backend {
            Backend::Memory(m) => {
                m.release(key, value);
                Ok(())
            }
            Backend::Redis(r) => r.release(key, value).await,
            Backend::File(f) => f.release(key, value).await,
        }
    }

    /// How long `key` still lives, if it is set.
    pub async fn left(&self, key: &str) -> Result<Option<Duration>> {
        match &*self.backend {
            Backend::Memory(m) => Ok(m.left(key)),
            Backend::Redis(r) => r.left(key).await,
            Backend::File(f) => f.left(key).await,
        }
    }

    /// Removes every key starting with `prefix` from a memory or file store. A Redis store is
    /// left as it is: other workers rely on it.
    pub fn clear_local(&self, prefix: &str) {
        match &*self.backend {
            Backend::Memory(m) => m.clear(prefix),
            Backend::Redis(_) => {}
            Backend::File(f) => {
                // Best effort: a file that cannot be read has nothing to clear.
                let _ = f.clear(prefix);
            }
        }
    }

    /// `release` for a `Drop`: done now for the local stores, spawned on the current tokio
    /// runtime for Redis (and left to expire with its ttl when there is none).
    pub(crate) fn release_later(&self, key: String, value: String) {
        match &*self.backend {
            Backend::Memory(m) => m.release(&key, &value),
            Backend::File(f) => {
                let _ = f.release_now(&key, &value);
            }
            Backend::Redis(_) => {
                if let Ok(handle) = tokio::runtime::Handle::try_current() {
                    let store = self.clone();
                    handle.spawn(async move {
                        if let Err(e) = store.release(&key, &value).await {
                            tracing::warn!(error = %e, "could not release a push id; it expires with its ttl");
                        }
                    });
                }
            }
        }
    }
}

/// The error for a store that could not be used: nothing was checked.
pub(crate) fn unavailable(url: &str, reason: impl std::fmt::Display) -> Error {
    Error::StoreUnavailable {
        store: url.to_string(),
        reason: reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn urls_choose_the_store_and_bad_ones_are_refused() {
        assert_eq!(
            GuardStore::open("memory:", "store").unwrap().url(),
            "memory:"
        );
        let r = GuardStore::open("redis://:secret@127.0.0.1:6390/2", "store").unwrap();
        assert!(!r.url().contains("secret"), "{}", r.url());
        assert!(format!("{r:?}").contains("127.0.0.1:6390"));
        assert!(GuardStore::open("file:///tmp/x.json", "store")
            .unwrap()
            .is_shared());
        for bad in ["", "mysql://x", "file://relative", "redis://"] {
            let err = GuardStore::open(bad, "store").unwrap_err();
            assert_eq!(err.kind(), "invalid_input", "{bad}: {err}");
        }
    }

    #[tokio::test]
    async fn memory_claims_once_until_released_or_expired() {
        let s = GuardStore::memory(10);
        let ttl = Duration::from_secs(60);
        assert_eq!(s.claim("k", "a", ttl).await.unwrap(), Claim::Claimed);
        let Claim::Held { value, left } = s.claim("k", "b", ttl).await.unwrap() else {
            panic!()
        };
        assert_eq!(value, "a");
        assert!(left <= ttl && left > Duration::from_secs(50));
        s.release("k", "b").await.unwrap(); // not ours: kept
        assert!(matches!(
            s.claim("k", "b", ttl).await.unwrap(),
            Claim::Held { .. }
        ));
        s.release("k", "a").await.unwrap();
        assert_eq!(s.claim("k", "b", ttl).await.unwrap(), Claim::Claimed);
        s.put("k", "done", Duration::from_millis(1)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(s.left("k").await.unwrap(), None);
        assert_eq!(s.claim("k", "c", ttl).await.unwrap(), Claim::Claimed);
    }
}
