"""The exceptions the SDK raises.

Every one is a ``CardBossError`` whose attributes are the core's one flat error description
(``cardboss::ErrorInfo``), the same fields in every language:

``kind``
    ``"api"``, ``"auth"``, ``"rate_limited"``, ``"invalid_input"``, ``"cooldown"``,
    ``"timeout"``, ``"transport"``, ``"http"``, ``"decode"``, ``"push_rejected"``,
    ``"push_replay"``, ``"push_in_flight"``, ``"store_unavailable"``, ``"internal"`` or
    ``"cancelled"``; the class is chosen by it.
``code``
    The platform's code (``"1005"``) for a refusal, else an upper-case word (``"TIMEOUT"``).
``msg``, ``detail``
    For a refusal, the server's ``msg`` and ``detail``. For an error found on our side, ``msg``
    is the reason in words and ``detail`` the raw text behind it, or ``""`` (the first bytes of a
    non-CardBOSS HTTP body, the card cooling down). ``str(e)`` is the whole sentence.
``field`` (invalid input), ``endpoint``, ``http_status``, ``retry_after_ms`` (milliseconds, like
every duration of the SDK), ``outcome_unknown`` (a POST that may have been applied: check before
repeating it), ``carrier_code`` and ``result`` (JSON text a refusal still carried).

The classes are a plain Python module (real tracebacks, real types); the compiled core only
picks the class and fills the fields. None of them ever holds the apikey or a sign.
"""

from __future__ import annotations

import builtins

__all__ = [
    "CardBossError",
    "ApiError",
    "AuthError",
    "RateLimitedError",
    "InvalidInputError",
    "CooldownError",
    "TimeoutError",
    "TransportError",
    "HttpError",
    "DecodeError",
    "PushRejectedError",
    "PushReplayError",
    "PushInFlightError",
    "StoreUnavailableError",
    "InternalError",
    "CancelledError",
]


class CardBossError(Exception):
    """Base of every error the SDK raises (see the module's documentation for the fields)."""

    kind: str
    code: str
    msg: str
    detail: str
    field: str | None
    endpoint: str | None
    http_status: int | None
    retry_after_ms: int | None
    outcome_unknown: bool
    carrier_code: str | None
    result: str | None

    def __init__(
        self,
        message: str = "",
        *,
        kind: str = "internal",
        code: str = "",
        msg: str = "",
        detail: str = "",
        field: str | None = None,
        endpoint: str | None = None,
        http_status: int | None = None,
        retry_after_ms: int | None = None,
        outcome_unknown: bool = False,
        carrier_code: str | None = None,
        result: str | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.msg = msg
        self.detail = detail
        self.field = field
        self.endpoint = endpoint
        self.http_status = http_status
        self.retry_after_ms = retry_after_ms
        self.outcome_unknown = outcome_unknown
        self.carrier_code = carrier_code
        self.result = result


class ApiError(CardBossError):
    """The server refused the request (a platform code other than 0)."""


class AuthError(ApiError):
    """Account disabled (1001), signature rejected (1005) or IP not allowed (1006)."""


class RateLimitedError(ApiError):
    """Too fast: 1030, or the carrier refused a repeated operation (13009, 13010)."""


class InvalidInputError(CardBossError, ValueError):
    """Bad input, found before anything was sent."""


class CooldownError(CardBossError):
    """The client's cooldown guard refused to repeat a lifecycle operation on a card so soon."""


class TimeoutError(CardBossError, builtins.TimeoutError):
    """No answer within the timeout."""


class TransportError(CardBossError):
    """The connection failed or broke."""


class HttpError(TransportError):
    """A non-2xx answer that is not a CardBOSS envelope (a proxy's error page, say)."""


class DecodeError(CardBossError):
    """A 2xx answer that is not the JSON the spec describes."""


class PushRejectedError(CardBossError, ValueError):
    """A push (webhook) body failed verification or parsing: answer it with an error."""


class PushReplayError(CardBossError):
    """This push id was already handled: answer ``success`` again, do not handle it twice."""


class PushInFlightError(CardBossError):
    """This push id is being handled right now (another worker): answer non-success, so the
    platform retries it later."""


class StoreUnavailableError(CardBossError):
    """The guard store (Redis, a state file) could not be used, so nothing was checked: a push
    is not acknowledged, a lifecycle operation is not sent."""


class InternalError(CardBossError):
    """A bug in the SDK (a Rust panic), turned into an exception."""


class CancelledError(CardBossError):
    """The call was ended early (``outcome_unknown``: a POST may have been sent)."""
