//! The Redis store: `SET key value NX PX ttl` to claim, `PTTL` for the time left, a
//! compare-and-delete script to release. One multiplexed connection per store, opened on first
//! use and opened again after it broke; short timeouts, so a Redis that is down is reported
//! within a second or two instead of holding the push past the platform's 5 seconds.

use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, RedisError};
use tokio::sync::Mutex;

use super::{unavailable, Claim};
use crate::error::Result;

const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(1000);

/// Deletes KEYS[1] only while it holds ARGV[1].
const RELEASE: &str =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

pub(crate) struct RedisStore {
    client: Client,
    url: String,
    connection: Mutex<Option<MultiplexedConnection>>,
}

impl RedisStore {
    pub fn open(url: &str) -> std::result::Result<Self, String> {
        let client =
            Client::open(url).map_err(|e| format!("{url_shown}: {e}", url_shown = shown(url)))?;
        if url.trim_end_matches('/') == "redis:" {
            return Err("a Redis URL needs a host: redis://host:port/db".into());
        }
        Ok(RedisStore {
            client,
            url: shown(url),
            connection: Mutex::new(None),
        })
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    async fn connection(&self) -> Result<MultiplexedConnection> {
        let mut slot = self.connection.lock().await;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT));
        let c = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .map_err(|e| unavailable(&self.url, format!("cannot connect: {e}")))?;
        *slot = Some(c.clone());
        Ok(c)
    }

    /// Runs one command; a broken connection is dropped so the next call connects again.
    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T> {
        let mut c = self.connection().await?;
        match cmd.query_async::<T>(&mut c).await {
            Ok(v) => Ok(v),
            Err(e) => {
                if broken(&e) {
                    *self.connection.lock().await = None;
                }
                Err(unavailable(&self.url, e))
            }
        }
    }

    pub async fn claim(&self, key: &str, value: &str, ttl: Duration) -> Result<Claim> {
        let mut set = redis::cmd("SET");
        set.arg(key).arg(value).arg("NX").arg("PX").arg(millis(ttl));
        let set: Option<String> = match self.query(&set).await {
            Ok(set) => set,
            Err(e) => {
                // The SET may have landed with only its answer late: give the claim back (our
                // token only, best effort) so it does not hold the platform's retry off for the
                // whole in-flight window.
                let _ = self.release(key, value).await;
                return Err(e);
            }
        };
        if set.is_some() {
            return Ok(Claim::Claimed);
        }
        let mut read = redis::pipe();
        read.cmd("GET").arg(key).cmd("PTTL").arg(key);
        let mut c = self.connection().await?;
        let (held, left): (Option<String>, i64) = read
            .query_async(&mut c)
            .await
            .map_err(|e| unavailable(&self.url, e))?;
        match held {
            Some(value) => Ok(Claim::Held {
                value,
                left: Duration::from_millis(u64::try_from(left).unwrap_or(0)),
            }),
            // It expired between the two commands: try once more.
            None => Box::pin(self.claim(key, value, ttl)).await,
        }
    }

    pub async fn put(&self, key: &str, value: &str, ttl: Duration) -> Result<()> {
        let mut set = redis::cmd("SET");
        set.arg(key).arg(value).arg("PX").arg(millis(ttl));
        self.query::<()>(&set).await
    }

    pub async fn release(&self, key: &str, value: &str) -> Result<()> {
        let mut eval = redis::cmd("EVAL");
        eval.arg(RELEASE).arg(1).arg(key).arg(value);
        self.query::<i64>(&eval).await.map(|_| ())
    }

    pub async fn left(&self, key: &str) -> Result<Option<Duration>> {
        let mut pttl = redis::cmd("PTTL");
        pttl.arg(key);
        let left: i64 = self.query(&pttl).await?;
        // -2: no such key; -1: no expiry (never set by us).
        Ok(u64::try_from(left).ok().map(Duration::from_millis))
    }
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX)
}

fn broken(e: &RedisError) -> bool {
    e.is_io_error() || e.is_connection_dropped() || e.is_timeout() || e.is_unrecoverable_error()
}

/// The URL without its password.
fn shown(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}
