"""Push receivers for Flask (``pip install flask``)::

    from flask import Flask
    import cardboss, cardboss.flask

    guard = cardboss.PushGuard(store="redis://127.0.0.1:6379/0")   # shared by every worker
    app = Flask(__name__)
    app.add_url_rule("/cardboss/push", view_func=cardboss.flask.push_view(guard, APIKEY, record,
                     after=notify, expected_sid=SID), methods=["POST"])
    app.add_url_rule("/cardboss/sms", view_func=cardboss.flask.sms_view(on_sms), methods=["POST"])

Each view reads the raw body (``request.get_data()``), runs the flow of `cardboss.push`
(`PushGuard.receive`: the handler runs in the view, inside the request context, while the GIL
is released whenever the guard's store is awaited) and answers the core's `PushReply` as
``text/plain``. A refused push is logged on ``cardboss.push`` (WARNING) and answered without
running the handler; the handler's exception propagates (the id released first), so Flask logs
it and answers 500 and the platform's retry is handled. ``after(push)`` runs once the answer was
sent (``response.call_on_close``); its errors are logged. The views are named
``cardboss_push`` and ``cardboss_sms``: give ``endpoint=`` to `add_url_rule` to mount more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional

from flask import Response, request

from cardboss._native import Push, PushGuard, PushReply, SmsPush
from cardboss.push import _receive, _receive_sms, _run_after

__all__ = ["push_view", "sms_view"]

View = Callable[[], Response]


def _body() -> bytes:
    data = request.get_data()
    if not data and "form" in request.__dict__ and (request.content_length or 0) > 0:
        raise RuntimeError(
            "cardboss.flask: the request body was already parsed as a form (request.form was read "
            "before the view), but a push is verified over its raw bytes: read nothing of the body "
            "before this view"
        )
    return data


def _response(reply: PushReply, handled: Any, after: Optional[Callable[[Any], Any]]) -> Response:
    response = Response(reply.body, status=reply.status, mimetype="text/plain")
    if after is not None and handled is not None:
        response.call_on_close(lambda: _run_after(after, handled))
    return response


def push_view(
    guard: PushGuard,
    apikey: str,
    handler: Callable[[Push], Any],
    *,
    after: Optional[Callable[[Push], Any]] = None,
    expected_sid: Optional[str] = None,
    max_age_ms: Optional[int] = None,
    utc_offset_minutes: Optional[int] = None,
) -> View:
    """A Flask view receiving data pushes (OD1002, OD1010) through `guard`; `handler` (and
    `after`) are synchronous. Options left `None` are the core's defaults."""

    def cardboss_push() -> Response:
        reply, push = _receive(
            guard,
            _body(),
            apikey,
            handler,
            expected_sid=expected_sid,
            max_age_ms=max_age_ms,
            utc_offset_minutes=utc_offset_minutes,
        )
        return _response(reply, push, after)

    return cardboss_push


def sms_view(handler: Callable[[SmsPush], Any], *, after: Optional[Callable[[SmsPush], Any]] = None) -> View:
    """A Flask view receiving SMS pushes (P0001, P0002)."""

    def cardboss_sms() -> Response:
        reply, sms = _receive_sms(_body(), handler)
        return _response(reply, sms, after)

    return cardboss_sms
