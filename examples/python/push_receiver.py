"""A FastAPI receiver for the platform's pushes.

    pip install fastapi uvicorn
    CARDBOSS_SID=... CARDBOSS_APIKEY=... uvicorn push_receiver:app --port 8080

Data pushes (renewal results OD1002, usage warnings OD1010) are signed: verify the *raw* body
(never a re-serialized one) with the apikey and answer `success` within 5 seconds, and only
once the push was handled. `PushGuard.begin` verifies it and claims its id; the ticket commits
when the handler returns and releases the id when it raises, so the platform's retry is handled
then instead of being lost. Several workers share one guard store (CARDBOSS_PUSH_STORE, say
redis://127.0.0.1:6379/0), so each push is handled once across them. SMS pushes (P0001 reports,
P0002 replies) are not signed.
"""

from __future__ import annotations

import asyncio
import logging
import os

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

import cardboss

log = logging.getLogger("push_receiver")

APIKEY = os.environ["CARDBOSS_APIKEY"]
SID = os.environ["CARDBOSS_SID"]
# Refuse pushes whose `time` is further than this from now (empty: no limit).
MAX_AGE = os.environ.get("CARDBOSS_PUSH_MAX_AGE", "600")
# Where handled push ids are kept (empty: this process's memory only).
guard = cardboss.PushGuard(store=os.environ.get("CARDBOSS_PUSH_STORE") or None)
app = FastAPI()


def handle(push: cardboss.Push) -> None:
    content = push.content
    if content.kind == "renewal_result" and content.result is not None:
        r = content.result
        log.info("order %s for %s: %s", r.orderid, r.msisdn, "ok" if r.succeeded() else r.msg)
    elif content.kind == "usage_warnings":
        for w in content.warnings:
            log.info("warning %d for %s: %.0f of %.0f kb", w.warning_type, w.msisdn, w.usage, w.total)


@app.post("/cardboss/push", response_class=PlainTextResponse)
async def data_push(request: Request) -> PlainTextResponse:
    body = await request.body()
    max_age_ms = int(MAX_AGE) * 1000 if MAX_AGE else None
    # begin/commit wait on the store (Redis): in a thread, so the event loop stays free
    try:
        ticket = await asyncio.to_thread(guard.begin, body, APIKEY, expected_sid=SID, max_age_ms=max_age_ms)
    except cardboss.PushReplayError:
        return PlainTextResponse(cardboss.PUSH_ACK)  # handled already: the platform missed our ack
    except cardboss.PushRejectedError as e:
        log.warning("push rejected: %s", e)
        return PlainTextResponse("rejected", status_code=400)
    except (cardboss.PushInFlightError, cardboss.StoreUnavailableError) as e:
        log.warning("push not handled now, the platform retries it: %s", e)
        return PlainTextResponse("retry later", status_code=503)
    try:
        handle(ticket.push)
    except Exception:
        log.exception("push handler failed; its retry will be handled")
        await asyncio.to_thread(ticket.release)
        return PlainTextResponse("failed", status_code=500)
    try:
        await asyncio.to_thread(ticket.commit)
    except cardboss.StoreUnavailableError as e:
        # handled but not recorded: the retry may be handled again, so `handle` should be idempotent
        log.warning("push handled but not recorded: %s", e)
        return PlainTextResponse("retry later", status_code=503)
    return PlainTextResponse(cardboss.PUSH_ACK)


@app.post("/cardboss/sms", response_class=PlainTextResponse)
async def sms_push(request: Request) -> PlainTextResponse:
    try:
        push = cardboss.parse_sms_push(await request.body())
    except cardboss.PushRejectedError as e:
        log.warning("SMS push rejected: %s", e)
        return PlainTextResponse("rejected", status_code=400)
    for report in push.reports:
        log.info("task %s to %s: %s", report.taskid, report.mobile, report.state)
    for reply in push.replies:
        log.info("reply from %s: %s", reply.mobile, reply.content)
    return PlainTextResponse(cardboss.PUSH_ACK)
