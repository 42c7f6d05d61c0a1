//! One error type for the whole SDK; every binding maps it to its language's exceptions.
//!
//! `code()` is stable: the platform's own code (`"1005"`, `"1080"`, …) for answers from the
//! server, an upper-case word for what happened on our side (`"INVALID_INPUT"`, `"COOLDOWN"`, …).
//! No variant ever holds the apikey or a sign: messages are built from the endpoint name, the
//! server's own words and our reasons only.

use std::fmt;

/// `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What the server said when it refused a request (`code` ≠ 0).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ApiFailure {
    /// Platform code (`"1080"`), or the carrier's `status` in the `{status, message}` shape.
    pub code: String,
    pub msg: String,
    pub detail: String,
    /// The endpoint path, e.g. `card/pkg/renew`.
    pub endpoint: String,
    /// HTTP status of the answer (usually 200).
    pub http_status: u16,
    /// The upstream carrier's code, pulled out of `detail` (`通道方返回错误码:13009`) or taken from
    /// the carrier-shaped envelope.
    pub carrier_code: Option<String>,
    /// The `result` object some failures still carry (a failed renewal does), as JSON text.
    pub result: Option<String>,
    /// A POST refused with an internal error (1090–1092) may still have been applied.
    pub outcome_unknown: bool,
}

impl fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}: {}", self.endpoint, self.code, self.msg)?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        f.write_str(unknown_suffix(self.outcome_unknown))
    }
}

#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server refused the request with a platform code not covered below.
    #[error("{failure}")]
    Api { failure: ApiFailure },
    /// Account disabled (1001), signature rejected (1005) or IP not allowed (1006).
    #[error("authentication failed: {failure}")]
    Auth { failure: ApiFailure },
    /// Too fast: 1030, or a carrier refusal for repeating an operation (13009, 13010).
    #[error("rate limited: {failure}")]
    RateLimited {
        failure: ApiFailure,
        retry_after_secs: Option<u64>,
    },
    /// Bad input, found before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },
    /// The client's cooldown guard refused a repeat of a lifecycle operation on the same card.
    #[error("{endpoint} on card {card} is cooling down: retry in {retry_after_secs} s")]
    Cooldown {
        endpoint: String,
        card: String,
        retry_after_secs: u64,
    },
    /// No answer within the timeout.
    #[error("{endpoint} timed out{}", unknown_suffix(*.outcome_unknown))]
    Timeout {
        endpoint: String,
        outcome_unknown: bool,
    },
    /// Connection failed or broke.
    #[error("{endpoint} failed to connect or the connection broke: {message}{}", unknown_suffix(*.outcome_unknown))]
    Transport {
        endpoint: String,
        message: String,
        outcome_unknown: bool,
    },
    /// A non-2xx answer whose body is not a CardBOSS envelope.
    #[error("{endpoint} answered HTTP {status}: {body_prefix}{}", unknown_suffix(*.outcome_unknown))]
    Http {
        endpoint: String,
        status: u16,
        body_prefix: String,
        outcome_unknown: bool,
    },
    /// A 2xx answer that is not the JSON the spec describes.
    #[error("{endpoint} answered something that cannot be decoded: {message}{}", unknown_suffix(*.outcome_unknown))]
    Decode {
        endpoint: String,
        message: String,
        outcome_unknown: bool,
    },
    /// The caller ended the call early (an `AbortSignal`, a closed client): nothing more is sent.
    #[error("cancelled: {reason}{}", unknown_suffix(*.outcome_unknown))]
    Cancelled {
        reason: String,
        /// The endpoint of the request in flight, if one was started.
        endpoint: Option<String>,
        outcome_unknown: bool,
    },
    /// A push (webhook) body failed verification or parsing.
    #[error("push rejected: {reason}")]
    PushRejected { reason: String },
    /// This push id was already handled (its handler returned and it was committed): answer
    /// `success` again without handling it twice.
    #[error("push {id} was already handled (a replay)")]
    PushReplay { id: String },
    /// This push id is being handled right now, by this worker or another: answer non-success
    /// so the platform retries it later (it is accepted then if that handler failed).
    #[error("push {id} is being handled by another worker (in flight)")]
    PushInFlight { id: String },
    /// The guard store (Redis, a state file) could not be used, so nothing was checked: a push
    /// is not acknowledged, a lifecycle operation is not sent.
    #[error("guard store {store} is unavailable, so nothing was checked: {reason}")]
    StoreUnavailable { store: String, reason: String },
    /// A Rust panic caught at the binding boundary.
    #[error("internal error (a bug in the SDK): {message}")]
    Internal { message: String },
}

/// What kind of error: the variant of [`Error`], for bindings that pick a class by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[cfg_attr(feature = "napi", napi_derive::napi(string_enum = "snake_case"))]
pub enum ErrorKind {
    Api,
    Auth,
    RateLimited,
    InvalidInput,
    Cooldown,
    Timeout,
    Transport,
    Http,
    Decode,
    Cancelled,
    PushRejected,
    PushReplay,
    PushInFlight,
    StoreUnavailable,
    Internal,
}

impl ErrorKind {
    pub fn of(error: &Error) -> ErrorKind {
        match error {
            Error::Api { .. } => ErrorKind::Api,
            Error::Auth { .. } => ErrorKind::Auth,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Cooldown { .. } => ErrorKind::Cooldown,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Transport { .. } => ErrorKind::Transport,
            Error::Http { .. } => ErrorKind::Http,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::Cancelled { .. } => ErrorKind::Cancelled,
            Error::PushRejected { .. } => ErrorKind::PushRejected,
            Error::PushReplay { .. } => ErrorKind::PushReplay,
            Error::PushInFlight { .. } => ErrorKind::PushInFlight,
            Error::StoreUnavailable { .. } => ErrorKind::StoreUnavailable,
            Error::Internal { .. } => ErrorKind::Internal,
        }
    }

    /// The snake-case name (`"rate_limited"`), as every binding spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Api => "api",
            ErrorKind::Auth => "auth",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Cooldown => "cooldown",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Transport => "transport",
            ErrorKind::Http => "http",
            ErrorKind::Decode => "decode",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::PushRejected => "push_rejected",
            ErrorKind::PushReplay => "push_replay",
            ErrorKind::PushInFlight => "push_in_flight",
            ErrorKind::StoreUnavailable => "store_unavailable",
            ErrorKind::Internal => "internal",
        }
    }

    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 15] = [
        ErrorKind::Api,
        ErrorKind::Auth,
        ErrorKind::RateLimited,
        ErrorKind::InvalidInput,
        ErrorKind::Cooldown,
        ErrorKind::Timeout,
        ErrorKind::Transport,
        ErrorKind::Http,
        ErrorKind::Decode,
        ErrorKind::Cancelled,
        ErrorKind::PushRejected,
        ErrorKind::PushReplay,
        ErrorKind::PushInFlight,
        ErrorKind::StoreUnavailable,
        ErrorKind::Internal,
    ];

    /// The kind named `name` (its [`as_str`](Self::as_str)), as a binding's exception keeps it.
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An [`Error`] as one flat record, the same in every binding: each binding picks its class or
/// variant by `kind` and copies the fields. Durations are milliseconds, like `ClientOptions`'.
///
/// `msg` says what went wrong in words: the server's `msg` for a refusal, our reason for an
/// error found on our side (`"must be 32 ASCII characters"`, `"timed out"`). `detail` is the
/// raw text behind it, or empty: the server's `detail`, the first bytes of a non-CardBOSS HTTP
/// body, the card that is cooling down. `message` is the whole sentence (`Display`), endpoint
/// and outcome warning included. None of them ever holds the apikey or a sign.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "napi", napi_derive::napi(object, object_from_js = false))]
pub struct ErrorInfo {
    pub kind: ErrorKind,
    /// Stable code: the platform's (`"1005"`, the carrier's status in the carrier shape) for a
    /// refusal, else `INVALID_INPUT`, `COOLDOWN`, `TIMEOUT`, `TRANSPORT`, `HTTP`, `DECODE`,
    /// `PUSH_REJECTED`, `PUSH_REPLAY`, `PUSH_IN_FLIGHT`, `STORE_UNAVAILABLE`, `CANCELLED` or
    /// `INTERNAL`.
    pub code: String,
    /// The whole message, as `Display` writes it.
    pub message: String,
    pub msg: String,
    pub detail: String,
    /// The invalid parameter, for `invalid_input`.
    pub field: Option<String>,
    /// The endpoint path (`card/pkg/renew`), with the batch or page named for bulk calls.
    pub endpoint: Option<String>,
    /// HTTP status of the answer, when an answer arrived.
    pub http_status: Option<i32>,
    /// How long to wait before trying again, in milliseconds, when known (cooldowns, rate
    /// limits).
    pub retry_after_ms: Option<i64>,
    /// True when a POST may have been applied although it failed: check before repeating it.
    pub outcome_unknown: bool,
    /// The upstream carrier's code (`"13009"`), on every refusal that has one.
    pub carrier_code: Option<String>,
    /// The `result` object some refusals still carry (a failed renewal does), as JSON text.
    pub result: Option<String>,
}

impl From<&Error> for ErrorInfo {
    fn from(e: &Error) -> Self {
        let (msg, detail) = match e {
            Error::Api { failure: f }
            | Error::Auth { failure: f }
            | Error::RateLimited { failure: f, .. } => (f.msg.clone(), f.detail.clone()),
            Error::InvalidInput { reason, .. } => (reason.clone(), String::new()),
            Error::Cooldown {
                card,
                retry_after_secs,
                ..
            } => (
                format!("cooling down: retry in {retry_after_secs} s"),
                card.clone(),
            ),
            Error::Timeout { .. } => ("timed out".into(), String::new()),
            Error::Http {
                status,
                body_prefix,
                ..
            } => (format!("answered HTTP {status}"), body_prefix.clone()),
            Error::Transport { message, .. }
            | Error::Decode { message, .. }
            | Error::Internal { message } => (message.clone(), String::new()),
            Error::PushRejected { reason } | Error::Cancelled { reason, .. } => {
                (reason.clone(), String::new())
            }
            Error::PushReplay { id } => ("already handled".into(), id.clone()),
            Error::PushInFlight { id } => ("being handled".into(), id.clone()),
            Error::StoreUnavailable { store, reason } => (reason.clone(), store.clone()),
        };
        let failure = e.failure();
        ErrorInfo {
            kind: ErrorKind::of(e),
            code: e.code(),
            message: e.to_string(),
            msg,
            detail,
            field: match e {
                Error::InvalidInput { field, .. } => Some(field.clone()),
                _ => None,
            },
            endpoint: e.endpoint().map(String::from),
            http_status: e.http_status().map(i32::from),
            retry_after_ms: e
                .retry_after_secs()
                .map(|s| i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX)),
            outcome_unknown: e.outcome_unknown(),
            carrier_code: failure.and_then(|f| f.carrier_code.clone()),
            result: failure.and_then(|f| f.result.clone()),
        }
    }
}

fn unknown_suffix(outcome_unknown: bool) -> &'static str {
    if outcome_unknown {
        "; the outcome is unknown: the operation may have been applied, check before repeating it"
    } else {
        ""
    }
}

impl Error {
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Stable code: the platform's code for server refusals, an upper-case word otherwise.
    pub fn code(&self) -> String {
        match self {
            Error::Api { failure: f }
            | Error::Auth { failure: f }
            | Error::RateLimited { failure: f, .. } => f.code.clone(),
            Error::InvalidInput { .. } => "INVALID_INPUT".into(),
            Error::Cooldown { .. } => "COOLDOWN".into(),
            Error::Timeout { .. } => "TIMEOUT".into(),
            Error::Transport { .. } => "TRANSPORT".into(),
            Error::Http { .. } => "HTTP".into(),
            Error::Decode { .. } => "DECODE".into(),
            Error::Cancelled { .. } => "CANCELLED".into(),
            Error::PushRejected { .. } => "PUSH_REJECTED".into(),
            Error::PushReplay { .. } => "PUSH_REPLAY".into(),
            Error::PushInFlight { .. } => "PUSH_IN_FLIGHT".into(),
            Error::StoreUnavailable { .. } => "STORE_UNAVAILABLE".into(),
            Error::Internal { .. } => "INTERNAL".into(),
        }
    }

    /// The variant's name in snake case (`ErrorKind::as_str`).
    pub fn kind(&self) -> &'static str {
        ErrorKind::of(self).as_str()
    }

    /// Everything a binding shows about this error, flat (see [`ErrorInfo`]).
    pub fn info(&self) -> ErrorInfo {
        ErrorInfo::from(self)
    }

    /// The server's refusal, when there was one.
    pub fn failure(&self) -> Option<&ApiFailure> {
        match self {
            Error::Api { failure: f }
            | Error::Auth { failure: f }
            | Error::RateLimited { failure: f, .. } => Some(f),
            _ => None,
        }
    }

    /// The endpoint the error concerns, when it concerns one.
    pub fn endpoint(&self) -> Option<&str> {
        match self {
            Error::Api { failure: f }
            | Error::Auth { failure: f }
            | Error::RateLimited { failure: f, .. } => Some(&f.endpoint),
            Error::Cooldown { endpoint, .. }
            | Error::Timeout { endpoint, .. }
            | Error::Transport { endpoint, .. }
            | Error::Http { endpoint, .. }
            | Error::Decode { endpoint, .. } => Some(endpoint),
            Error::Cancelled { endpoint, .. } => endpoint.as_deref(),
            _ => None,
        }
    }

    /// HTTP status of the answer, when an answer arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Api { failure: f }
            | Error::Auth { failure: f }
            | Error::RateLimited { failure: f, .. } => Some(f.http_status),
            Error::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Seconds to wait before trying again, when known (cooldowns, rate limits).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Error::Cooldown {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            Error::RateLimited {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }

    /// True when a POST may have been applied although it failed (timeouts, broken connections,
    /// unreadable answers): the caller must check before repeating it.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Api { failure } => failure.outcome_unknown,
            Error::Timeout {
                outcome_unknown, ..
            }
            | Error::Transport {
                outcome_unknown, ..
            }
            | Error::Http {
                outcome_unknown, ..
            }
            | Error::Decode {
                outcome_unknown, ..
            }
            | Error::Cancelled {
                outcome_unknown, ..
            } => *outcome_unknown,
            _ => false,
        }
    }

    /// Names the batch a bulk call failed on, so a caller knows what could not be fetched.
    pub(crate) fn in_batch(self, index: usize, total: usize, first_id: &str) -> Self {
        if total < 2 {
            return self;
        }
        self.labelled(&format!(
            " (batch {} of {total}, from card {first_id})",
            index + 1
        ))
    }

    /// Names what a send split into several requests had already sent when a later request
    /// failed: those messages are out (and billed), and their task ids are the only handle on
    /// their delivery reports.
    pub(crate) fn after_sent(self, taskids: &[String]) -> Self {
        if taskids.is_empty() {
            return self;
        }
        self.labelled(&format!(
            "; requests before it were sent, taskids {}",
            taskids.join(", ")
        ))
    }

    /// Names the page of `cards()` that could not be fetched.
    pub(crate) fn in_page(self, page: u32, total: u32) -> Self {
        self.labelled(&format!(" (page {page} of {total})"))
    }

    fn labelled(mut self, label: &str) -> Self {
        match &mut self {
            Error::Api { failure }
            | Error::Auth { failure }
            | Error::RateLimited { failure, .. } => failure.endpoint.push_str(label),
            Error::Timeout { endpoint, .. }
            | Error::Transport { endpoint, .. }
            | Error::Http { endpoint, .. }
            | Error::Decode { endpoint, .. } => endpoint.push_str(label),
            _ => {}
        }
        self
    }

    /// Classifies a refusal by its platform or carrier code.
    pub(crate) fn from_failure(failure: ApiFailure, retry_after_secs: Option<u64>) -> Self {
        let carrier = failure.carrier_code.as_deref().unwrap_or("");
        match failure.code.as_str() {
            "1001" | "1005" | "1006" => Error::Auth { failure },
            "1030" => Error::RateLimited {
                failure,
                retry_after_secs,
            },
            _ if matches!(carrier, "13009" | "13010") => {
                let wait = retry_after_secs.or(Some(if carrier == "13010" { 60 } else { 180 }));
                Error::RateLimited {
                    failure,
                    retry_after_secs: wait,
                }
            }
            _ => Error::Api { failure },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: &str, carrier: Option<&str>) -> ApiFailure {
        ApiFailure {
            code: code.into(),
            msg: "m".into(),
            endpoint: "card/stopkeep".into(),
            http_status: 200,
            carrier_code: carrier.map(String::from),
            ..Default::default()
        }
    }

    #[test]
    fn codes_classify() {
        assert_eq!(
            Error::from_failure(failure("1005", None), None).kind(),
            "auth"
        );
        assert_eq!(
            Error::from_failure(failure("1030", None), None).kind(),
            "rate_limited"
        );
        let carrier = Error::from_failure(failure("1099", Some("13009")), None);
        assert_eq!(carrier.kind(), "rate_limited");
        assert_eq!(carrier.code(), "1099");
        assert_eq!(carrier.retry_after_secs(), Some(180));
        assert_eq!(
            Error::from_failure(failure("1080", None), None).kind(),
            "api"
        );
    }

    #[test]
    fn info_is_flat_and_complete_for_refusals() {
        let mut f = failure("1099", Some("13009"));
        f.detail = "通道方返回错误码:13009".into();
        f.result = Some(r#"{"status":"0"}"#.into());
        f.http_status = 200;
        let info = Error::from_failure(f, None).info();
        assert_eq!(info.kind, ErrorKind::RateLimited);
        assert_eq!(info.kind.as_str(), "rate_limited");
        assert_eq!(info.code, "1099");
        assert_eq!(
            (info.msg.as_str(), info.detail.as_str()),
            ("m", "通道方返回错误码:13009")
        );
        assert_eq!(info.endpoint.as_deref(), Some("card/stopkeep"));
        assert_eq!(info.http_status, Some(200));
        assert_eq!(info.retry_after_ms, Some(180_000));
        assert_eq!(info.carrier_code.as_deref(), Some("13009"));
        assert_eq!(info.result.as_deref(), Some(r#"{"status":"0"}"#));
        assert!(info.message.contains("card/stopkeep") && info.field.is_none());
        // Every refusal kind carries carrier_code and result, not only rate limits.
        let mut f = failure("1005", Some("9"));
        f.result = Some("{}".into());
        let auth = Error::from_failure(f, None).info();
        assert_eq!(auth.kind, ErrorKind::Auth);
        assert_eq!(
            (auth.carrier_code.as_deref(), auth.result.as_deref()),
            (Some("9"), Some("{}"))
        );
    }

    #[test]
    fn info_of_local_errors_says_msg_and_detail_the_same_way() {
        let invalid = Error::invalid("apikey", "must be 32 ASCII characters").info();
        assert_eq!(invalid.kind, ErrorKind::InvalidInput);
        assert_eq!(invalid.code, "INVALID_INPUT");
        assert_eq!(invalid.field.as_deref(), Some("apikey"));
        assert_eq!(invalid.msg, "must be 32 ASCII characters");
        assert_eq!(invalid.detail, "");
        assert_eq!(
            invalid.message,
            "invalid apikey: must be 32 ASCII characters"
        );
        let cooldown = Error::Cooldown {
            endpoint: "card/stopkeep".into(),
            card: "1064".into(),
            retry_after_secs: 170,
        }
        .info();
        assert_eq!(cooldown.retry_after_ms, Some(170_000));
        assert_eq!(cooldown.detail, "1064");
        let http = Error::Http {
            endpoint: "card/list".into(),
            status: 502,
            body_prefix: "<html>".into(),
            outcome_unknown: true,
        }
        .info();
        assert_eq!(
            (http.http_status, http.detail.as_str()),
            (Some(502), "<html>")
        );
        assert!(http.outcome_unknown && http.message.contains("outcome is unknown"));
        assert!(!http.msg.contains("outcome"));
        let timeout = Error::Timeout {
            endpoint: "card/list".into(),
            outcome_unknown: false,
        }
        .info();
        assert_eq!(
            (timeout.kind, timeout.msg.as_str()),
            (ErrorKind::Timeout, "timed out")
        );
        assert_eq!(timeout.carrier_code, None);
        assert_eq!(timeout.retry_after_ms, None);
    }

    #[test]
    fn unknown_outcome_is_said() {
        let e = Error::Timeout {
            endpoint: "card/pkg/renew".into(),
            outcome_unknown: true,
        };
        assert!(e.to_string().contains("outcome is unknown"));
        assert!(e.outcome_unknown());
    }
}
