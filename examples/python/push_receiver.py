"""A FastAPI receiver for the platform's pushes (`cardboss.starlette` also serves Starlette).

    pip install cardboss fastapi uvicorn
    CARDBOSS_SID=... CARDBOSS_APIKEY=... uvicorn push_receiver:app --port 8080
    (or: python push_receiver.py, which logs what it receives; PORT, default 8080)

Data pushes (renewal results OD1002, usage warnings OD1010) are signed: the endpoint verifies
the *raw* body with the apikey, claims the push's id in the guard, runs `record`, and answers
`success` only once it returned, so a failed handler is not lost: its exception propagates
(FastAPI answers 500) after the id was released, and the platform's retry is handled. A replay
is acknowledged again without running `record`; a forged push gets 400, a push another worker is
handling 409, a guard store that cannot be reached 503. Several workers share one guard store
(CARDBOSS_PUSH_STORE, say redis://127.0.0.1:6379/0), so each push is handled once across them.

The platform waits 5 seconds for the answer: `record` only writes the event down; `follow_up`
runs after `success` was sent. SMS pushes (P0001 reports, P0002 replies) are not signed.
"""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI

import cardboss
from cardboss.starlette import push_endpoint, sms_endpoint

log = logging.getLogger("push_receiver")

APIKEY = os.environ["CARDBOSS_APIKEY"]
SID = os.environ["CARDBOSS_SID"]
# Refuse pushes whose `time` is further than this from now, in seconds (empty: no limit).
MAX_AGE = os.environ.get("CARDBOSS_PUSH_MAX_AGE", "600")
# Where handled push ids are kept (empty: this process's memory only).
guard = cardboss.PushGuard(store=os.environ.get("CARDBOSS_PUSH_STORE") or None)


def record(push: cardboss.Push) -> None:
    """The handler: write the event down (a database row in real life), quickly."""
    content = push.content
    if content.kind == "renewal_result" and content.result is not None:
        r = content.result
        log.info("order %s for %s: %s", r.orderid, r.msisdn, "ok" if r.succeeded() else r.msg)
    elif content.kind == "usage_warnings":
        for w in content.warnings:
            log.info("warning %d for %s: %.0f of %.0f kb", w.warning_type, w.msisdn, w.usage, w.total)


def follow_up(push: cardboss.Push) -> None:
    """Slow work (mail, tickets, top-ups) once `success` was sent; its errors are logged."""
    log.info("followed up push %s (%s)", push.id, push.sn)


def on_sms(sms: cardboss.SmsPush) -> None:
    for report in sms.reports:
        log.info("task %s to %s: %s", report.taskid, report.mobile, report.state)
    for reply in sms.replies:
        log.info("reply from %s: %s", reply.mobile, reply.content)


app = FastAPI()
app.add_api_route(
    "/cardboss/push",
    push_endpoint(
        guard,
        APIKEY,
        record,
        after=follow_up,
        expected_sid=SID,
        max_age_ms=int(MAX_AGE) * 1000 if MAX_AGE else None,
    ),
    methods=["POST"],
)
app.add_api_route("/cardboss/sms", sms_endpoint(on_sms), methods=["POST"])

if __name__ == "__main__":
    import uvicorn

    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
