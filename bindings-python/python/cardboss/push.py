"""A push receiver's flow around your handler, written once for every entry point.

`PushGuard.receive` / `receive_async` / `handle` / `handle_async` (methods of the compiled
guard) call the functions of this module, and so do the framework helpers
(`cardboss.starlette` for Starlette and FastAPI, `cardboss.flask`)::

    reply = guard.receive(body, apikey, handler, expected_sid=sid)
    # answer reply.status, text/plain, reply.body

1. `guard.begin(...)` verifies the push and claims its id; when it refuses (a replay, a forged
   or foreign push, one in flight elsewhere, a store that cannot be reached) the answer is the
   core's `PushReply` for that error, logged on the logger ``cardboss.push`` at WARNING with its
   reason (never the apikey), and the handler does not run;
2. `handler(push)` runs; when it raises, the id is released (so the platform's retry is handled)
   and its exception propagates unchanged: the framework logs it and answers 500;
3. `ticket.finish(True)` commits: the acknowledgement (200 `success`), or 503 when the store
   could not record it (the push comes again).

What is answered (status, body) is the core's decision (`PushReply`), never this module's.
The platform gives a receiver 5 seconds to answer `success` (3.5.6): let the handler record the
event durably and do slow work in the helpers' ``after`` (run once the answer was sent).

SMS pushes (P0001 delivery reports, P0002 replies) are neither signed nor numbered:
`receive_sms` parses them (a bad body: 400 with the reason) and runs the handler (an exception
propagates), then acknowledges.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any, Optional, Tuple, Union

from cardboss._native import Push, PushGuard, PushReply, SmsPush, parse_sms_push, push_reply
from cardboss.errors import CardBossError

__all__ = ["receive", "receive_async", "handle", "handle_async", "receive_sms", "receive_sms_async"]

log = logging.getLogger("cardboss.push")

Body = Union[bytes, bytearray, memoryview, str]
"""A push body: the raw request body as `bytes` (a `str`, `bytearray` or `memoryview` too)."""


def _refused(error: CardBossError, what: str) -> PushReply:
    reply = push_reply(error)
    log.warning("%s answered %d without running the handler: %s", what, reply.status, reply.reason)
    return reply


def _not_awaitable(result: object) -> None:
    """A synchronous entry point was given an async handler: refused, not silently skipped."""
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if callable(close):
            close()  # no "never awaited" warning on top of this error
        raise TypeError("the handler returned an awaitable: use the async form (receive_async, handle_async)")


def _is_async(handler: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(getattr(handler, "__call__", None))


async def _call(handler: Callable[[Any], Any], value: Any) -> Any:
    """`handler(value)` without blocking the event loop: a coroutine function is awaited, any
    other callable runs in a thread (and an awaitable it returns is awaited)."""
    if _is_async(handler):
        return await handler(value)
    result = await asyncio.to_thread(handler, value)
    if inspect.isawaitable(result):
        return await result
    return result


def _handled(reply: PushReply, push: Push) -> Optional[Push]:
    """The push when its handling was acknowledged (then `after` may run), else `None`."""
    if reply.acknowledged():
        return push
    log.warning("push %s was handled but not recorded, answered %d: %s", push.id, reply.status, reply.reason)
    return None


# --- data pushes, synchronous: the handler runs on the calling thread -------------------------


def _receive(
    guard: PushGuard,
    body: Body,
    apikey: str,
    handler: Callable[[Push], Any],
    *,
    expected_sid: Optional[str] = None,
    max_age_ms: Optional[int] = None,
    utc_offset_minutes: Optional[int] = None,
) -> Tuple[PushReply, Optional[Push]]:
    """`receive`, with the push once its handling was acknowledged (for the helpers' `after`)."""
    try:
        ticket = guard.begin(
            body, apikey, expected_sid=expected_sid, max_age_ms=max_age_ms, utc_offset_minutes=utc_offset_minutes
        )
    except CardBossError as error:
        return _refused(error, "push"), None
    push = ticket.push
    try:
        _not_awaitable(handler(push))
    except BaseException:
        ticket.finish(False)
        raise
    reply = ticket.finish(True)
    return reply, _handled(reply, push)


def receive(
    guard: PushGuard,
    body: Body,
    apikey: str,
    handler: Callable[[Push], Any],
    *,
    expected_sid: Optional[str] = None,
    max_age_ms: Optional[int] = None,
    utc_offset_minutes: Optional[int] = None,
) -> PushReply:
    """`PushGuard.receive`: the answer to send for `body` once `handler` ran (see the module)."""
    reply, _ = _receive(
        guard, body, apikey, handler, expected_sid=expected_sid, max_age_ms=max_age_ms, utc_offset_minutes=utc_offset_minutes
    )
    return reply


def handle(
    guard: PushGuard,
    body: Body,
    apikey: str,
    handler: Callable[[Push], Any],
    *,
    expected_sid: Optional[str] = None,
    max_age_ms: Optional[int] = None,
    utc_offset_minutes: Optional[int] = None,
) -> Any:
    """`PushGuard.handle`: the handler's value; the guard's errors are raised."""
    ticket = guard.begin(
        body, apikey, expected_sid=expected_sid, max_age_ms=max_age_ms, utc_offset_minutes=utc_offset_minutes
    )
    try:
        value = handler(ticket.push)
        _not_awaitable(value)
    except BaseException:
        ticket.finish(False)
        raise
    ticket.commit()
    return value


# --- data pushes, asyncio: the event loop is never blocked --------------------------------------


async def _receive_async(
    guard: PushGuard,
    body: Body,
    apikey: str,
    handler: Callable[[Push], Any],
    *,
    expected_sid: Optional[str] = None,
    max_age_ms: Optional[int] = None,
    utc_offset_minutes: Optional[int] = None,
) -> Tuple[PushReply, Optional[Push]]:
    try:
        ticket = await guard.begin_async(
            body, apikey, expected_sid=expected_sid, max_age_ms=max_age_ms, utc_offset_minutes=utc_offset_minutes
        )
    except CardBossError as error:
        return _refused(error, "push"), None
    push = ticket.push
    try:
        await _call(handler, push)
    except BaseException:
        # (cancelled meanwhile: the ticket, dropped open, still releases the id)
        await ticket.finish_async(False)
        raise
    reply = await ticket.finish_async(True)
    return reply, _handled(reply, push)


async def receive_async(
    guard: PushGuard,
    body: Body,
    apikey: str,
    handler: Callable[[Push], Any],
    *,
    expected_sid: Optional[str] = None,
    max_age_ms: Optional[int] = None,
    utc_offset_minutes: Optional[int] = None,
) -> PushReply:
    """`PushGuard.receive_async`: `receive` with a sync handler in a thread or an async one awaited."""
    reply, _ = await _receive_async(
        guard, body, apikey, handler, expected_sid=expected_sid, max_age_ms=max_age_ms, utc_offset_minutes=utc_offset_minutes
    )
    return reply


async def handle_async(
    guard: PushGuard,
    body: Body,
    apikey: str,
    handler: Callable[[Push], Any],
    *,
    expected_sid: Optional[str] = None,
    max_age_ms: Optional[int] = None,
    utc_offset_minutes: Optional[int] = None,
) -> Any:
    """`PushGuard.handle_async`: the handler's value; the guard's errors are raised."""
    ticket = await guard.begin_async(
        body, apikey, expected_sid=expected_sid, max_age_ms=max_age_ms, utc_offset_minutes=utc_offset_minutes
    )
    try:
        value = await _call(handler, ticket.push)
    except BaseException:
        await ticket.finish_async(False)
        raise
    await ticket.commit_async()
    return value


# --- SMS pushes (unsigned) ---------------------------------------------------------------------


def _receive_sms(body: Body, handler: Callable[[SmsPush], Any]) -> Tuple[PushReply, Optional[SmsPush]]:
    try:
        sms = parse_sms_push(body)
    except CardBossError as error:
        return _refused(error, "SMS push"), None
    _not_awaitable(handler(sms))
    return push_reply(), sms


def receive_sms(body: Body, handler: Callable[[SmsPush], Any]) -> PushReply:
    """Parses an SMS push and runs `handler(sms)` on this thread: the answer to send (400 for a
    body that is not an SMS push; the handler's exception propagates)."""
    return _receive_sms(body, handler)[0]


async def _receive_sms_async(body: Body, handler: Callable[[SmsPush], Any]) -> Tuple[PushReply, Optional[SmsPush]]:
    try:
        sms = parse_sms_push(body)
    except CardBossError as error:
        return _refused(error, "SMS push"), None
    await _call(handler, sms)
    return push_reply(), sms


async def receive_sms_async(body: Body, handler: Callable[[SmsPush], Any]) -> PushReply:
    """`receive_sms` with a sync handler in a thread or an async one awaited."""
    return (await _receive_sms_async(body, handler))[0]


# --- after the answer was sent -------------------------------------------------------------------


def _run_after(after: Callable[[Any], Any], value: Any) -> None:
    """The helpers' `after(push)`: its errors are logged (the push was acknowledged: no retry)."""
    try:
        _not_awaitable(after(value))
    except Exception:
        log.exception("after(%s) failed (the push was acknowledged: it is not sent again)", _name(value))


async def _run_after_async(after: Callable[[Any], Any], value: Any) -> None:
    try:
        await _call(after, value)
    except Exception:
        log.exception("after(%s) failed (the push was acknowledged: it is not sent again)", _name(value))


def _name(value: Any) -> str:
    return f"push {value.id}" if isinstance(value, Push) else f"SMS push {getattr(value, 'type', '?')}"
