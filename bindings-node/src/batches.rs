//! Results that arrive in chunks — the pages of `cards()`, the batches of a bulk call — pulled
//! from JS one Promise per chunk.
//!
//! Why chunks and not one array: a fleet of 100,000 cards held as Rust records, then as one JSON
//! text, then as JS objects peaked at twice the memory of plain `fetch`. Pulled a chunk at a
//! time, each chunk is encoded on a tokio worker and dropped as soon as V8 has parsed it, while
//! the core keeps fetching ahead in the background (`concurrency` requests). `cardDetails()` and
//! the other bulk methods (lib.js) collect these chunks; users can consume them directly to sync
//! a fleet in flat memory.

use std::future::Future;
use std::sync::Arc;

use cardboss::{Batches, Card, CardStream};
use napi::bindgen_prelude::PromiseRaw;
use napi::{Env, Result};
use serde::Serialize;
use tokio::sync::Mutex;

use crate::client::Bounds;
use crate::error::spawn;
use crate::records::{Declared, JsonRecords};

/// A core stream that gives its results a chunk at a time.
pub trait Chunked: Send + 'static {
    type Record: Serialize + Default + Send + Sync;
    fn next_chunk(
        &mut self,
    ) -> impl Future<Output = Option<cardboss::Result<Vec<Self::Record>>>> + Send;
}

impl Chunked for CardStream {
    type Record = Card;
    fn next_chunk(&mut self) -> impl Future<Output = Option<cardboss::Result<Vec<Card>>>> + Send {
        self.next_page()
    }
}

impl<T: Serialize + Default + Send + Sync + 'static> Chunked for Batches<T> {
    type Record = T;
    fn next_chunk(&mut self) -> impl Future<Output = Option<cardboss::Result<Vec<T>>>> + Send {
        self.next_batch()
    }
}

/// The JS side of a [`Chunked`] stream: a Promise of the next chunk (`null` after the last), and
/// `close()`, which drops the stream and so stops its background fetching.
pub struct Pull<S: Chunked> {
    stream: Arc<Mutex<Option<S>>>,
    declared: Declared,
    /// The stream's `signal`, `timeoutMs` (for the whole stream) and client; none for fleet sync.
    bounds: Option<Bounds>,
}

impl<S: Chunked> Pull<S> {
    pub fn new(stream: S) -> cardboss::Result<Self> {
        Ok(Pull {
            stream: Arc::new(Mutex::new(Some(stream))),
            declared: Declared::of::<S::Record>()?,
            bounds: None,
        })
    }

    /// A stream that a signal, a deadline or its client's `close()` can cut.
    pub fn bounded(stream: S, bounds: Bounds) -> cardboss::Result<Self> {
        Ok(Pull {
            bounds: Some(bounds),
            ..Pull::new(stream)?
        })
    }

    pub fn next<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Option<JsonRecords>>> {
        let (stream, declared) = (self.stream.clone(), self.declared.clone());
        let bounds = self.bounds.clone();
        spawn(env, async move {
            let next = async {
                Ok(match stream.lock().await.as_mut() {
                    Some(s) => s.next_chunk().await,
                    None => None,
                })
            };
            let chunk = match bounds {
                Some(bounds) => bounds.run(next).await?,
                None => next.await?,
            };
            chunk
                .transpose()?
                .map(|records| JsonRecords::encode(&records, &declared))
                .transpose()
        })
    }

    pub fn close(&self) {
        if let Ok(mut stream) = self.stream.try_lock() {
            stream.take();
        } else {
            // A `next()` is waiting: drop the stream as soon as it is done.
            let stream = self.stream.clone();
            napi::bindgen_prelude::spawn(async move { drop(stream.lock().await.take()) });
        }
    }
}

/// One JS class per kind of chunked result (napi classes cannot be generic), each a thin
/// wrapper of [`Pull`]; lib.js makes them async iterables.
macro_rules! chunked_class {
    ($doc:literal, $class:ident($stream:ty), $next:ident, $next_doc:literal, $ts:tt) => {
        // Docs come in as plain string literals: napi-derive would copy the raw-string form
        // that `///` comments take inside a macro into index.d.ts.
        #[doc = $doc]
        #[napi_derive::napi]
        pub struct $class {
            pull: $crate::batches::Pull<$stream>,
        }

        impl $class {
            pub(crate) fn new(
                stream: $stream,
                bounds: $crate::client::Bounds,
            ) -> cardboss::Result<Self> {
                Ok($class {
                    pull: $crate::batches::Pull::bounded(stream, bounds)?,
                })
            }
        }

        #[napi_derive::napi]
        impl $class {
            #[doc = $next_doc]
            #[napi(ts_return_type = $ts)]
            pub fn $next<'env>(
                &self,
                env: &'env napi::Env,
            ) -> napi::Result<
                napi::bindgen_prelude::PromiseRaw<'env, Option<$crate::records::JsonRecords>>,
            > {
                self.pull.next(env)
            }

            /// Stops the background fetching; the next chunk is then `null`. Called by
            /// `for await` when the loop ends early.
            #[napi]
            pub fn close(&self) {
                self.pull.close()
            }
        }
    };
}

pub(crate) use chunked_class;
