//! The `Client` class, its options, and how calls name their cards. The endpoints are in the
//! files named like the spec's sections (customer, cards, pools, operations, sms).

use std::future::Future;
use std::sync::Mutex;

use napi::bindgen_prelude::{
    AbortSignal, FromNapiValue, JsValue, Object, PromiseRaw, ToNapiValue, Unknown,
};
use napi::{sys, Env, Result};
use napi_derive::napi;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::error::{argument_error, spawn, sync};

/// How calls name their cards: the core's boundary types, `CardSet` (`{ msisdns }`,
/// `{ iccids }` or `{ cards }`) and `CardRef` (`{ msisdn }`, `{ iccid }` or both).
pub use cardboss::{CardIds as CardSet, CardRef};

/// A CardBOSS client. Every network method returns a Promise and runs on the addon's own
/// runtime, never blocking the event loop; GETs are retried, POSTs never are. Share one client:
/// its connections are pooled. `close()` (or `await using`) ends it.
///
/// ```js
/// const client = new Client({ sid: '10043', apikey: process.env.CARDBOSS_APIKEY })
/// const me = await client.customer({ timeoutMs: 2000 })
/// ```
#[napi]
pub struct Client {
    /// `None` once closed: the connection pool is then released.
    inner: Mutex<Option<cardboss::Client>>,
    /// `true` once closed: calls in flight end (`CANCELLED`).
    closed: watch::Sender<bool>,
}

#[napi]
impl Client {
    /// Checks the options (the apikey must be 32 characters; throws `INVALID_INPUT`) and builds
    /// the HTTP client.
    #[napi(constructor, ts_args_type = "options: ClientOptions")]
    pub fn new(env: Env, options: Unknown) -> Result<Self> {
        Self::build(&env, Some(options), cardboss::ClientOptions::default())
    }

    /// A client from `CARDBOSS_SID`, `CARDBOSS_APIKEY`, `CARDBOSS_URL` and `CARDBOSS_OPS_URL`
    /// (the CLI's names); an option given here wins over its variable.
    #[napi(factory, ts_args_type = "options?: ClientOptions")]
    pub fn from_env(env: Env, options: Option<Unknown>) -> Result<Self> {
        Self::build(&env, options, cardboss::ClientOptions::from_env())
    }

    /// napi's conversion errors are made `INVALID_INPUT` here, so the options come in unread.
    fn build(
        env: &Env,
        options: Option<Unknown>,
        fallback: cardboss::ClientOptions,
    ) -> Result<Self> {
        let inner = sync(env, || {
            let given = match options {
                None => cardboss::ClientOptions::default(),
                Some(options) => {
                    unsafe { cardboss::ClientOptions::from_napi_value(env.raw(), options.raw()) }
                        .map_err(|e| {
                            argument_error(e.status.as_ref(), &e.reason).unwrap_or_else(|| {
                                cardboss::Error::InvalidInput {
                                    field: "options".into(),
                                    reason: "must be an object".into(),
                                }
                            })
                        })?
                }
            };
            napi::bindgen_prelude::within_runtime_if_available(|| {
                cardboss::Client::from_options(given.or(fallback), "node")
            })
        })?;
        Ok(Client {
            inner: Mutex::new(Some(inner)),
            closed: watch::channel(false).0,
        })
    }

    /// Forgets the cooldown guard's memory of recent lifecycle operations.
    #[napi]
    pub fn clear_cooldowns(&self) {
        if let Some(client) = self.client() {
            client.clear_cooldowns()
        }
    }

    /// Ends the client: calls in flight reject with `CANCELLED` (`outcomeUnknown` when a POST
    /// had been sent), later calls reject at once, and the connections are released. Closing
    /// twice does nothing.
    #[napi]
    pub fn close(&self) {
        self.closed.send_replace(true);
        if let Ok(mut inner) = self.inner.lock() {
            inner.take();
        }
    }
}

impl Client {
    /// Runs `call` with a handle on the core client as a Promise, within the call's `signal`
    /// and `timeoutMs` and the client's `close()`.
    pub(crate) fn run<'env, T, F, Fut>(
        &self,
        env: &'env Env,
        options: Option<CallOptions>,
        call: F,
    ) -> Result<PromiseRaw<'env, T>>
    where
        T: ToNapiValue + Send + 'static,
        F: FnOnce(cardboss::Client) -> Fut,
        Fut: Future<Output = cardboss::Result<T>> + Send + 'static,
    {
        let bounded = self.bounds(options).and_then(|bounds| {
            let client = self.client().ok_or_else(closed)?;
            Ok((bounds, call(client)))
        });
        match bounded {
            Ok((bounds, call)) => spawn(env, bounds.run(call)),
            Err(e) => spawn(env, async move { Err(e) }),
        }
    }

    /// The per-call limits of `options`, plus this client's `close()`.
    pub(crate) fn bounds(&self, options: Option<CallOptions>) -> cardboss::Result<Bounds> {
        Bounds::new(options, self.closed.subscribe())
    }

    /// The core client, `None` once closed.
    fn client(&self) -> Option<cardboss::Client> {
        self.inner.lock().ok().and_then(|inner| inner.clone())
    }

    /// The core client, or `CANCELLED` once closed (for the sync methods that start streams).
    pub(crate) fn core(&self) -> cardboss::Result<cardboss::Client> {
        self.client().ok_or_else(closed)
    }
}

fn closed() -> cardboss::Error {
    cardboss::Error::Cancelled {
        reason: "the client is closed".into(),
        endpoint: None,
        outcome_unknown: false,
    }
}

/// The last argument of every method that returns a Promise (and of those that start a
/// stream of pages or batches, for the whole stream).
#[napi(object, object_to_js = false)]
pub struct CallOptions {
    /// Ends the call when aborted: it rejects with `CANCELLED`, `outcomeUnknown` when a POST had
    /// already been sent. Nothing more is sent.
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Signal>,
    /// Ends the call after this many ms (all its attempts): it rejects with `TIMEOUT`,
    /// `outcomeUnknown` when a POST had already been sent.
    pub timeout_ms: Option<i64>,
}

/// An `AbortSignal`, read with napi's own support (which calls back on abort) plus its
/// `aborted` state (a signal aborted before the call never calls back).
pub struct Signal {
    aborted: bool,
    signal: AbortSignal,
}

impl FromNapiValue for Signal {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let object = unsafe { Object::from_napi_value(env, value)? };
        let aborted: Option<bool> = object.get("aborted")?;
        Ok(Signal {
            aborted: aborted.unwrap_or(false),
            signal: unsafe { AbortSignal::from_napi_value(env, value)? },
        })
    }
}

/// What may end a call (or a stream) early: its deadline, its signal, its client's `close()`.
#[derive(Clone)]
pub(crate) struct Bounds {
    deadline: Option<Instant>,
    aborted: Option<watch::Receiver<bool>>,
    closed: watch::Receiver<bool>,
}

impl Bounds {
    fn new(options: Option<CallOptions>, closed: watch::Receiver<bool>) -> cardboss::Result<Self> {
        let (signal, timeout_ms) = options.map_or((None, None), |o| (o.signal, o.timeout_ms));
        let deadline = timeout_ms.map(cardboss::call::deadline).transpose()?;
        let aborted = signal.map(|Signal { aborted, signal }| {
            let (tx, rx) = watch::channel(aborted);
            signal.on_abort(move || {
                tx.send_replace(true);
            });
            rx
        });
        Ok(Bounds {
            deadline,
            aborted,
            closed,
        })
    }

    /// Runs `call` until it ends or one of the bounds cuts it.
    pub(crate) async fn run<T>(
        self,
        call: impl Future<Output = cardboss::Result<T>>,
    ) -> cardboss::Result<T> {
        let Bounds {
            deadline,
            aborted,
            closed,
        } = self;
        cardboss::call::bounded(call, deadline, cancelled(aborted, closed)).await
    }

    /// Completes (with the reason) when the signal aborts or the client is closed: for a bulk
    /// run, which is cancelled rather than cut, so that it still reports every card.
    pub(crate) fn cancelled(self) -> impl Future<Output = String> + Send + 'static {
        cancelled(self.aborted, self.closed)
    }
}

async fn cancelled(
    aborted: Option<watch::Receiver<bool>>,
    closed: watch::Receiver<bool>,
) -> String {
    tokio::select! {
        _ = raised(aborted) => "aborted by its signal".to_string(),
        _ = raised(Some(closed)) => "the client was closed".to_string(),
    }
}

/// Completes once `flag` is true; never when there is none or it can no longer change (its
/// signal or client was garbage-collected).
async fn raised(flag: Option<watch::Receiver<bool>>) {
    if let Some(mut flag) = flag {
        if flag.wait_for(|raised| *raised).await.is_ok() {
            return;
        }
    }
    std::future::pending().await
}
