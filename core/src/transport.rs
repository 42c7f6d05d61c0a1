//! Signing, sending, retrying and decoding one request.
//!
//! A call names its endpoint, port, method and parameters in the spec's order, split into the
//! ones that are signed and the ones that are only sent. Everything else — `sid`/`ts`/`sign`,
//! URL or form encoding, timeouts, retries of GETs with backoff and jitter, turning the answer
//! into a typed result or error — happens here, once.

use std::time::{Duration, Instant};

use chrono::Utc;
use rand::Rng;
use reqwest::header::{
    HeaderMap, HeaderValue, CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::client::Config;
use crate::envelope::{self, Outcome};
use crate::error::{Error, Result};
use crate::sign::{sign, timestamp};
use crate::PATH_PREFIX;

/// Which port serves an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Port {
    /// port1: queries, SMS, renewals.
    Data,
    /// port2: lifecycle operations.
    Ops,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

/// One request, before signing.
pub(crate) struct Call<'a> {
    pub endpoint: &'static str,
    pub port: Port,
    pub method: Method,
    /// Signed parameters, in the order the spec's sign formula lists them.
    pub signed: &'a [(&'static str, &'a str)],
    /// Parameters sent but not signed.
    pub unsigned: &'a [(&'static str, &'a str)],
    /// Signed parameters the spec marks optional (可选): signed as "" when absent, and then
    /// left off the wire. Required ones (必填) are always sent, empty if unused.
    pub optional: &'a [&'static str],
}

impl<'a> Call<'a> {
    pub fn get(endpoint: &'static str, signed: &'a [(&'static str, &'a str)]) -> Self {
        Call {
            endpoint,
            port: Port::Data,
            method: Method::Get,
            signed,
            unsigned: &[],
            optional: &[],
        }
    }

    pub fn post(endpoint: &'static str, port: Port, signed: &'a [(&'static str, &'a str)]) -> Self {
        Call {
            endpoint,
            port,
            method: Method::Post,
            signed,
            unsigned: &[],
            optional: &[],
        }
    }

    pub fn with_unsigned(mut self, unsigned: &'a [(&'static str, &'a str)]) -> Self {
        self.unsigned = unsigned;
        self
    }

    pub fn with_optional(mut self, optional: &'a [&'static str]) -> Self {
        self.optional = optional;
        self
    }
}

pub(crate) struct Transport {
    http: reqwest::Client,
    config: Config,
    base: Url,
    ops: Url,
}

/// Builds the HTTP client. Its TLS verifier trusts the system's CA store; a machine without one
/// (slim containers, IoT gateways: no `ca-certificates` package) makes that builder fail before
/// any request, even for the platform's plain `http://` URLs, so the client is then built again
/// with the Mozilla roots bundled in the library (webpki-root-certs). Only when that fails too
/// is the client refused, with the builder's reasons.
fn http_client(config: &Config, headers: HeaderMap) -> Result<reqwest::Client> {
    with_roots(|| {
        reqwest::Client::builder()
            .default_headers(headers.clone())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
    })
}

/// Builds `builder()` with the system's CA store, else with the bundled roots (see
/// [`http_client`]); also the client `push_render` posts test pushes with.
pub(crate) fn with_roots(builder: impl Fn() -> reqwest::ClientBuilder) -> Result<reqwest::Client> {
    let system = match builder().build() {
        Ok(http) => return Ok(http),
        Err(e) => chain(&e),
    };
    tracing::debug!(reason = %system, "no usable system CA store: using the bundled Mozilla roots");
    let bundled = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .filter_map(|der| reqwest::Certificate::from_der(der.as_ref()).ok());
    builder()
        .tls_certs_only(bundled)
        .build()
        .map_err(|e| Error::Transport {
            endpoint: String::new(),
            message: format!(
                "cannot build the HTTP client: with the system's CA store: {system}; with the bundled roots: {}",
                chain(&e)
            ),
            outcome_unknown: false,
        })
}

/// An error and its sources, "a: b: c" (reqwest's own text is only "builder error").
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

tokio::task_local! {
    /// Counts the HTTP attempts of the requests run in its scope (a fleet sync reports them).
    pub(crate) static ATTEMPTS: std::sync::Arc<std::sync::atomic::AtomicI64>;
}

/// One attempt's failure, with what the retry loop needs to know.
struct AttemptError {
    error: Error,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl Transport {
    pub fn new(config: Config) -> Result<Self> {
        config.validate()?;
        let base = parse_root("base_url", &config.base_url)?;
        let ops = match &config.ops_url {
            Some(url) => parse_root("ops_url", url)?,
            None => {
                let mut ops = base.clone();
                ops.set_port(Some(Config::DEFAULT_OPS_PORT))
                    .map_err(|_| Error::invalid("base_url", "cannot derive ops_url from it"))?;
                ops
            }
        };
        let ua = format!("cardboss-sdk/{} ({})", crate::VERSION, config.language);
        let mut headers = HeaderMap::new();
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(&ua)
                .map_err(|_| Error::invalid("language", "not a valid header value"))?,
        );
        let http = http_client(&config, headers)?;
        Ok(Transport {
            http,
            config,
            base,
            ops,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sends `call` and decodes its `result` into `T`.
    pub async fn fetch<T: DeserializeOwned>(&self, call: &Call<'_>) -> Result<T> {
        self.run(call, |raw| envelope::payload(call.endpoint, raw))
            .await
    }

    /// Sends `call` whose success carries no payload.
    pub async fn execute(&self, call: &Call<'_>) -> Result<()> {
        self.run(call, |_| Ok(())).await
    }

    async fn run<T>(
        &self,
        call: &Call<'_>,
        decode: impl Fn(Option<&serde_json::value::RawValue>) -> Result<T>,
    ) -> Result<T> {
        let attempts = match call.method {
            Method::Get => self.config.max_retries + 1,
            Method::Post => 1,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let _ = ATTEMPTS.try_with(|n| n.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
            let started = Instant::now();
            let outcome = self.attempt(call, &decode).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match outcome {
                Ok(value) => {
                    tracing::debug!(
                        endpoint = call.endpoint,
                        attempt,
                        elapsed_ms,
                        "cardboss request ok"
                    );
                    return Ok(value);
                }
                Err(failed) => {
                    tracing::debug!(endpoint = call.endpoint, attempt, elapsed_ms, error = %failed.error, "cardboss request failed");
                    if !failed.retryable || attempt >= attempts {
                        return Err(failed.error);
                    }
                    let delay = failed.retry_after.unwrap_or_else(|| self.backoff(attempt));
                    tracing::info!(
                        endpoint = call.endpoint,
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        "cardboss retrying GET"
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Full jitter: uniform in `[0, min(cap, base · 2^(attempt-1))]`.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .config
            .retry_base
            .saturating_mul(1u32 << (attempt - 1).min(16));
        let ceiling = exp.min(self.config.retry_cap);
        ceiling.mul_f64(rand::rng().random::<f64>())
    }

    async fn attempt<T>(
        &self,
        call: &Call<'_>,
        decode: &impl Fn(Option<&serde_json::value::RawValue>) -> Result<T>,
    ) -> Result<T, AttemptError> {
        let is_post = call.method == Method::Post;
        let endpoint = call.endpoint;
        let request = self.build(call);
        crate::call::note_sent(endpoint, is_post);
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(endpoint, e, is_post))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let body = response
            .bytes()
            .await
            .map_err(|e| transport_error(endpoint, e, is_post))?;

        match envelope::parse(endpoint, status.as_u16(), &body) {
            Some(Outcome::Success(raw)) => decode(raw).map_err(|error| {
                let error = mark_unknown(error, is_post);
                AttemptError {
                    error,
                    retryable: !is_post,
                    retry_after: None,
                }
            }),
            Some(Outcome::Failure(mut failure)) => {
                let internal = matches!(failure.code.as_str(), "1090" | "1091" | "1092");
                let busy = failure.code == "1030" || status == StatusCode::TOO_MANY_REQUESTS;
                let retryable = !is_post && (internal || busy || status.is_server_error());
                failure.outcome_unknown = is_post && internal;
                let error = Error::from_failure(failure, retry_after.map(|d| d.as_secs()));
                Err(AttemptError {
                    error,
                    retryable,
                    retry_after,
                })
            }
            None if !status.is_success() => {
                let retryable = !is_post
                    && (status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS);
                let error = Error::Http {
                    endpoint: endpoint.to_string(),
                    status: status.as_u16(),
                    body_prefix: body_prefix(&body),
                    outcome_unknown: is_post && status.is_server_error(),
                };
                Err(AttemptError {
                    error,
                    retryable,
                    retry_after,
                })
            }
            None => Err(AttemptError {
                error: Error::Decode {
                    endpoint: endpoint.to_string(),
                    message: format!("not a CardBOSS answer: {}", body_prefix(&body)),
                    outcome_unknown: is_post,
                },
                retryable: !is_post,
                retry_after: None,
            }),
        }
    }

    /// Signs with a fresh `ts` and builds the request: query string for GET, form body for POST.
    fn build(&self, call: &Call<'_>) -> reqwest::RequestBuilder {
        let cfg = &self.config;
        let ts = timestamp(Utc::now(), cfg.utc_offset_minutes);
        let mut parts: Vec<&str> = Vec::with_capacity(3 + call.signed.len());
        parts.extend([cfg.sid.as_str(), cfg.apikey.as_str(), ts.as_str()]);
        parts.extend(call.signed.iter().map(|(_, v)| *v));
        let signature = sign(&parts);

        let mut params: Vec<(&str, &str)> =
            Vec::with_capacity(3 + call.signed.len() + call.unsigned.len());
        params.extend([
            ("sid", cfg.sid.as_str()),
            ("sign", signature.as_str()),
            ("ts", ts.as_str()),
        ]);
        let on_wire = |(k, v): &&(&'static str, &str)| !(v.is_empty() && call.optional.contains(k));
        params.extend(
            call.signed
                .iter()
                .filter(on_wire)
                .chain(call.unsigned)
                .map(|(k, v)| (*k, *v)),
        );
        let encoded = serde_urlencoded::to_string(&params).unwrap_or_default();

        let root = match call.port {
            Port::Data => &self.base,
            Port::Ops => &self.ops,
        };
        let mut url = format!(
            "{}{}/{}",
            root.as_str().trim_end_matches('/'),
            PATH_PREFIX,
            call.endpoint
        );
        match call.method {
            Method::Get => {
                url.push('?');
                url.push_str(&encoded);
                self.http.get(url)
            }
            Method::Post => self
                .http
                .post(url)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(CONTENT_ENCODING, "utf-8")
                .body(encoded),
        }
    }
}

fn parse_root(field: &str, url: &str) -> Result<Url> {
    let parsed =
        Url::parse(url).map_err(|e| Error::invalid(field, format!("{url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(Error::invalid(
            field,
            format!("{url:?} is not an http(s) URL"),
        ));
    }
    Ok(parsed)
}

fn transport_error(endpoint: &str, e: reqwest::Error, is_post: bool) -> AttemptError {
    // A failed connect never reached the server: the operation was certainly not applied.
    let reached = !e.is_connect();
    let timeout = e.is_timeout();
    let error = if timeout {
        Error::Timeout {
            endpoint: endpoint.to_string(),
            outcome_unknown: is_post && reached,
        }
    } else {
        Error::Transport {
            endpoint: endpoint.to_string(),
            message: error_chain(e),
            outcome_unknown: is_post && reached,
        }
    };
    AttemptError {
        error,
        retryable: !is_post,
        retry_after: None,
    }
}

/// The error and its causes, without the URL (which carries the sign of a GET).
fn error_chain(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn mark_unknown(error: Error, is_post: bool) -> Error {
    match error {
        Error::Decode {
            endpoint, message, ..
        } => Error::Decode {
            endpoint,
            message,
            outcome_unknown: is_post,
        },
        other => other,
    }
}

/// `Retry-After` in seconds, honoured up to 60 s.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs.min(60)))
}

/// The start of an unexpected body, for the error message. A proxy's error page may echo the
/// request, so anything shaped like a sign (32 hex digits) is blanked out.
fn body_prefix(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    redact_hex32(&words)
}

fn redact_hex32(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count();
        if run >= 32 {
            out.push_str("<redacted>");
            i += run;
        } else if run > 0 {
            out.push_str(&text[i..i + run]);
            i += run;
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_are_blanked_in_body_prefixes() {
        let body = b"<html>No handler for GET /x?sid=10043&sign=20d2c0ffee0123456789abcdef012345&ts=1</html>";
        let text = body_prefix(body);
        assert!(!text.contains("20d2c0ffee"), "{text}");
        assert!(text.contains("sid=10043&sign=<redacted>&ts=1"), "{text}");
    }
}
