"""A Flask receiver for the platform's pushes: the same as push_receiver.py (FastAPI).

    pip install cardboss flask
    CARDBOSS_SID=... CARDBOSS_APIKEY=... flask --app push_receiver_flask run --port 8080
    (or: python push_receiver_flask.py, which logs what it receives; PORT, default 8080)

`record` runs inside the view, on the request's thread (Flask's `request` and `g` work there);
the guard releases the GIL while it waits on its store. A replay is acknowledged again without
running it, a forged push gets 400, one in flight elsewhere 409, a store down 503, and an
exception of `record` propagates (Flask answers 500) after the id was released, so the
platform's retry is handled. `follow_up` runs once `success` was sent. In production run it
under a WSGI server (gunicorn); CARDBOSS_PUSH_STORE=redis://... shares the guard between its
workers.
"""

from __future__ import annotations

import logging
import os

from flask import Flask

import cardboss
from cardboss.flask import push_view, sms_view

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


app = Flask(__name__)
app.add_url_rule(
    "/cardboss/push",
    view_func=push_view(
        guard,
        APIKEY,
        record,
        after=follow_up,
        expected_sid=SID,
        max_age_ms=int(MAX_AGE) * 1000 if MAX_AGE else None,
    ),
    methods=["POST"],
)
app.add_url_rule("/cardboss/sms", view_func=sms_view(on_sms), methods=["POST"])

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
