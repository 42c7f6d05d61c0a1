"""Push receivers for Starlette and FastAPI (``pip install starlette`` or ``fastapi``)::

    from fastapi import FastAPI
    import cardboss, cardboss.starlette

    guard = cardboss.PushGuard(store="redis://127.0.0.1:6379/0")   # shared by every worker
    app = FastAPI()
    app.add_api_route("/cardboss/push", cardboss.starlette.push_endpoint(guard, APIKEY, record,
                      after=notify, expected_sid=SID), methods=["POST"])
    app.add_api_route("/cardboss/sms", cardboss.starlette.sms_endpoint(on_sms), methods=["POST"])

(Starlette: ``Route("/cardboss/push", push_endpoint(...), methods=["POST"])``.)

Each endpoint reads the raw body, runs the flow of `cardboss.push` (`PushGuard.receive_async`:
an async handler is awaited, a sync one runs in a thread) and answers the core's `PushReply`
as ``text/plain``. A refused push is logged on ``cardboss.push`` (WARNING) and answered without
running the handler; the handler's exception propagates (the id released first), so the
framework logs it and answers 500 and the platform's retry is handled. ``after(push)`` runs
once the answer was sent (a `BackgroundTask`): slow work the 5-second answer must not wait
for; its errors are logged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Optional

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response

from cardboss._native import Push, PushGuard, PushReply, SmsPush
from cardboss.push import _receive_async, _receive_sms_async, _run_after_async

__all__ = ["push_endpoint", "sms_endpoint"]

Endpoint = Callable[[Request], Awaitable[Response]]


async def _body(request: Request) -> bytes:
    try:
        return await request.body()
    except RuntimeError as error:  # starlette: "Stream consumed"
        raise RuntimeError(
            "cardboss.starlette: the request body was already consumed (a middleware or the route "
            "read it, e.g. as a form), but a push is verified over its raw bytes: mount the "
            "endpoint on a route of its own, with no body parsing before it"
        ) from error


def _response(reply: PushReply, handled: Any, after: Optional[Callable[[Any], Any]]) -> Response:
    background = None if after is None or handled is None else BackgroundTask(_run_after_async, after, handled)
    return Response(reply.body, status_code=reply.status, media_type="text/plain", background=background)


def push_endpoint(
    guard: PushGuard,
    apikey: str,
    handler: Callable[[Push], Any],
    *,
    after: Optional[Callable[[Push], Any]] = None,
    expected_sid: Optional[str] = None,
    max_age_ms: Optional[int] = None,
    utc_offset_minutes: Optional[int] = None,
) -> Endpoint:
    """An ``async def endpoint(request) -> Response`` receiving data pushes (OD1002, OD1010)
    through `guard`. Options left `None` are the core's defaults."""

    async def endpoint(request: Request) -> Response:
        reply, push = await _receive_async(
            guard,
            await _body(request),
            apikey,
            handler,
            expected_sid=expected_sid,
            max_age_ms=max_age_ms,
            utc_offset_minutes=utc_offset_minutes,
        )
        return _response(reply, push, after)

    return endpoint


def sms_endpoint(handler: Callable[[SmsPush], Any], *, after: Optional[Callable[[SmsPush], Any]] = None) -> Endpoint:
    """An ``async def endpoint(request) -> Response`` receiving SMS pushes (P0001, P0002)."""

    async def endpoint(request: Request) -> Response:
        reply, sms = await _receive_sms_async(await _body(request), handler)
        return _response(reply, sms, after)

    return endpoint
