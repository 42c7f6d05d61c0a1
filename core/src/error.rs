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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
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
    /// A Rust panic caught at the binding boundary.
    #[error("internal error (a bug in the SDK): {message}")]
    Internal { message: String },
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
            Error::Internal { .. } => "INTERNAL".into(),
        }
    }

    /// The variant's name in snake case, for bindings that pick an exception class.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Api { .. } => "api",
            Error::Auth { .. } => "auth",
            Error::RateLimited { .. } => "rate_limited",
            Error::InvalidInput { .. } => "invalid_input",
            Error::Cooldown { .. } => "cooldown",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport",
            Error::Http { .. } => "http",
            Error::Decode { .. } => "decode",
            Error::Cancelled { .. } => "cancelled",
            Error::PushRejected { .. } => "push_rejected",
            Error::Internal { .. } => "internal",
        }
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
    fn unknown_outcome_is_said() {
        let e = Error::Timeout {
            endpoint: "card/pkg/renew".into(),
            outcome_unknown: true,
        };
        assert!(e.to_string().contains("outcome is unknown"));
        assert!(e.outcome_unknown());
    }
}
