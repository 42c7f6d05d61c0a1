//! The file store: one small JSON object `{key: {"value", "expires_ms"}}` with wall-clock
//! expiries (Unix milliseconds, so they hold across processes and reboots), read and rewritten
//! under an exclusive advisory lock (`File::lock`) so concurrent processes take turns.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::{unavailable, Claim};
use crate::error::Result;

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    value: String,
    expires_ms: u64,
}

type Entries = BTreeMap<String, Entry>;

pub(crate) struct FileStore {
    path: PathBuf,
}

impl FileStore {
    pub fn new(path: PathBuf) -> Self {
        FileStore { path }
    }

    pub fn url(&self) -> String {
        format!("file://{}", self.path.display())
    }

    /// Runs `f` on the live entries under the lock, writing them back when it says so.
    fn with<T>(&self, f: impl FnOnce(&mut Entries, u64) -> (T, bool)) -> Result<T> {
        let fail = |what: &str, e: std::io::Error| unavailable(&self.url(), format!("{what}: {e}"));
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail("cannot create its directory", e))?;
        }
        let mut file: File = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.path)
            .map_err(|e| fail("cannot open", e))?;
        file.lock().map_err(|e| fail("cannot lock", e))?;
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| fail("cannot read", e))?;
        let mut entries: Entries = if text.trim().is_empty() {
            Entries::new()
        } else {
            serde_json::from_str(&text).map_err(|e| {
                unavailable(&self.url(), format!("is not a guard store's JSON: {e}"))
            })?
        };
        let now = now_ms();
        let before = entries.len();
        entries.retain(|_, e| e.expires_ms > now);
        let (out, changed) = f(&mut entries, now);
        if changed || entries.len() != before {
            let text = serde_json::to_string_pretty(&entries).unwrap_or_default();
            file.set_len(0).map_err(|e| fail("cannot write", e))?;
            file.seek(SeekFrom::Start(0))
                .and_then(|_| file.write_all(text.as_bytes()))
                .and_then(|_| file.sync_data())
                .map_err(|e| fail("cannot write", e))?;
        }
        Ok(out) // the lock goes with the file
    }

    /// The blocking work off the async runtime's threads.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&FileStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = FileStore::new(self.path.clone());
        let url = self.url();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| unavailable(&url, e))?
    }

    pub async fn claim(&self, key: &str, value: &str, ttl: Duration) -> Result<Claim> {
        let (key, value) = (key.to_string(), value.to_string());
        self.run(move |s| {
            s.with(|entries, now| match entries.get(&key) {
                Some(e) => (
                    Claim::Held {
                        value: e.value.clone(),
                        left: Duration::from_millis(e.expires_ms - now),
                    },
                    false,
                ),
                None => {
                    entries.insert(key, entry(value, now, ttl));
                    (Claim::Claimed, true)
                }
            })
        })
        .await
    }

    pub async fn put(&self, key: &str, value: &str, ttl: Duration) -> Result<()> {
        let (key, value) = (key.to_string(), value.to_string());
        self.run(move |s| {
            s.with(|entries, now| {
                entries.insert(key, entry(value, now, ttl));
                ((), true)
            })
        })
        .await
    }

    pub async fn release(&self, key: &str, value: &str) -> Result<()> {
        let (key, value) = (key.to_string(), value.to_string());
        self.run(move |s| s.release_now(&key, &value)).await
    }

    pub fn release_now(&self, key: &str, value: &str) -> Result<()> {
        self.with(|entries, _| {
            let ours = entries.get(key).is_some_and(|e| e.value == value);
            if ours {
                entries.remove(key);
            }
            ((), ours)
        })
    }

    pub async fn left(&self, key: &str) -> Result<Option<Duration>> {
        let key = key.to_string();
        self.run(move |s| {
            s.with(|entries, now| {
                let left = entries
                    .get(&key)
                    .map(|e| Duration::from_millis(e.expires_ms - now));
                (left, false)
            })
        })
        .await
    }

    pub fn clear(&self, prefix: &str) -> Result<()> {
        self.with(|entries, _| {
            let before = entries.len();
            entries.retain(|k, _| !k.starts_with(prefix));
            ((), entries.len() != before)
        })
    }
}

fn entry(value: String, now: u64, ttl: Duration) -> Entry {
    Entry {
        value,
        expires_ms: now.saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX)),
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn two_stores_on_one_file_share_claims() {
        let dir = std::env::temp_dir().join(format!("cardboss-store-{}", std::process::id()));
        let path = dir.join("nested/state.json");
        let (a, b) = (FileStore::new(path.clone()), FileStore::new(path.clone()));
        let ttl = Duration::from_secs(60);
        assert_eq!(a.claim("k", "a", ttl).await.unwrap(), Claim::Claimed);
        let Claim::Held { value, left } = b.claim("k", "b", ttl).await.unwrap() else {
            panic!()
        };
        assert_eq!(
            (value.as_str(), left > Duration::from_secs(59)),
            ("a", true)
        );
        assert!(b.left("k").await.unwrap().is_some());
        b.release("k", "a").await.unwrap();
        assert_eq!(b.claim("k", "b", ttl).await.unwrap(), Claim::Claimed);
        std::fs::write(&path, "not json").unwrap();
        let err = a.claim("k", "a", ttl).await.unwrap_err();
        assert_eq!(err.kind(), "store_unavailable", "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
