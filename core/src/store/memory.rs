//! The in-process store: a map with expiries, bounded (the oldest keys are dropped first).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Claim;

/// Keys a default memory store holds at most.
pub(crate) const DEFAULT_CAPACITY: usize = 100_000;

pub(crate) struct MemoryStore {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    /// Keys in the order they were set, with the stamp of that setting (older stamps are stale).
    order: VecDeque<(String, u64)>,
    stamp: u64,
}

struct Entry {
    value: String,
    expires: Instant,
    stamp: u64,
}

impl MemoryStore {
    pub fn new(capacity: usize) -> Self {
        MemoryStore {
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn claim(&self, key: &str, value: &str, ttl: Duration) -> Claim {
        let mut state = self.state();
        let now = Instant::now();
        if let Some(e) = state.entries.get(key).filter(|e| e.expires > now) {
            return Claim::Held {
                value: e.value.clone(),
                left: e.expires - now,
            };
        }
        state.set(key, value, now + ttl, self.capacity);
        Claim::Claimed
    }

    pub fn put(&self, key: &str, value: &str, ttl: Duration) {
        self.state()
            .set(key, value, Instant::now() + ttl, self.capacity);
    }

    pub fn release(&self, key: &str, value: &str) {
        let mut state = self.state();
        if state.entries.get(key).is_some_and(|e| e.value == value) {
            state.entries.remove(key);
        }
    }

    pub fn left(&self, key: &str) -> Option<Duration> {
        let now = Instant::now();
        self.state()
            .entries
            .get(key)
            .filter(|e| e.expires > now)
            .map(|e| e.expires - now)
    }

    pub fn clear(&self, prefix: &str) {
        self.state().entries.retain(|k, _| !k.starts_with(prefix));
    }
}

impl State {
    fn set(&mut self, key: &str, value: &str, expires: Instant, capacity: usize) {
        self.stamp += 1;
        let stamp = self.stamp;
        let replaced = self.entries.insert(
            key.to_string(),
            Entry {
                value: value.to_string(),
                expires,
                stamp,
            },
        );
        self.order.push_back((key.to_string(), stamp));
        if replaced.is_none() {
            while self.entries.len() > capacity {
                let Some((old, at)) = self.order.pop_front() else {
                    break;
                };
                if self.entries.get(&old).is_some_and(|e| e.stamp == at) {
                    self.entries.remove(&old);
                }
            }
        }
        // Re-set keys leave stale stamps behind; drop them before they outgrow the map.
        if self.order.len() > 2 * self.entries.len() + 64 {
            let entries = &self.entries;
            self.order
                .retain(|(k, at)| entries.get(k).is_some_and(|e| e.stamp == *at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_drops_the_oldest_key() {
        let m = MemoryStore::new(2);
        let ttl = Duration::from_secs(60);
        for k in ["a", "b", "c"] {
            assert_eq!(m.claim(k, "v", ttl), Claim::Claimed);
        }
        assert_eq!(m.claim("a", "v", ttl), Claim::Claimed, "a was evicted");
        assert!(matches!(m.claim("c", "v", ttl), Claim::Held { .. }));
        // A store of one still refuses an immediate repeat.
        let one = MemoryStore::new(1);
        assert_eq!(one.claim("x", "v", ttl), Claim::Claimed);
        assert!(matches!(one.claim("x", "v", ttl), Claim::Held { .. }));
    }
}
