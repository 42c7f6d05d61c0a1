"""The push receiver flow (`PushGuard.receive` / `handle`, sync and async) and its framework
helpers (`cardboss.starlette`, `cardboss.flask`) served on real loopback ports, with the
in-process sandbox as the platform: it POSTs signed data pushes (a renewal confirmed: OD1002; a
warning: OD1010) and SMS pushes (a reply: P0002) to them and retries until it gets `success`.

Every wait is on an event, a queue or a condition of the sandbox's push records; none is a
sleep against a delay."""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import cardboss
import cardboss.push
from cardboss.testing import Sandbox
from conftest import Served, load_vectors, until

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the store is unavailable

# (framework, handler style): Starlette awaits an async handler and runs a sync one in a thread;
# Flask runs it in the view.
FRAMEWORKS = [("starlette", "async"), ("starlette", "sync"), ("flask", "sync")]


class HandlerFailed(Exception):
    pass


class Recorder:
    """The handlers an app is given; what they saw goes to `events` (to wait on) and `calls`."""

    def __init__(self, style: str, *, fail_first: bool = False, hold: bool = False, after_fails: bool = False) -> None:
        self.style = style
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self.calls: list[str] = []
        self.done: list[str] = []
        self.fail_first = fail_first
        self.after_fails = after_fails
        self.entered = threading.Event()  # `hold`: the first call waits in the handler until `go`
        self.go = threading.Event()
        if not hold:
            self.go.set()
        self.answered = threading.Event()  # `after` waits for it: set once the sandbox got the answer
        self.after_saw_answer: list[bool] = []

    def _handle(self, push: cardboss.Push) -> None:
        self.calls.append(push.id)
        self.entered.set()
        assert self.go.wait(10), "the test never let the handler go on"
        if self.fail_first and len(self.calls) == 1:
            raise HandlerFailed("database down")
        self.done.append(push.id)
        self.events.put(("handled", push.id))

    def _after(self, push: cardboss.Push) -> None:
        self.after_saw_answer.append(self.answered.wait(30))
        self.events.put(("after", push.id))
        if self.after_fails:
            raise HandlerFailed("mail server down")

    def _sms(self, sms: cardboss.SmsPush) -> None:
        for reply in sms.replies:
            self.events.put(("sms", f"{reply.mobile}:{reply.content}"))

    def _sms_after(self, sms: cardboss.SmsPush) -> None:
        self.events.put(("sms_after", sms.type))

    def fn(self, name: str) -> Callable[[Any], Any]:
        f: Callable[[Any], None] = getattr(self, "_" + name)
        if self.style == "sync":
            return f

        async def handler(value: Any) -> None:
            # blocking parts in a thread: an async handler must not block the event loop
            await asyncio.to_thread(f, value)

        return handler

    def wait(self, kind: str, timeout: float = 15.0) -> str:
        """The next event of `kind` (others seen meanwhile are put back at the end)."""
        skipped: list[tuple[str, str]] = []
        try:
            while True:
                got_kind, value = self.events.get(timeout=timeout)
                if got_kind == kind:
                    return value
                skipped.append((got_kind, value))
        finally:
            for item in skipped:
                self.events.put(item)


def serve(framework: str, guard: cardboss.PushGuard, sb: Sandbox, rec: Recorder) -> Served:
    """An app of `framework` with the helpers at /push and /sms, pointed at by the sandbox."""
    options: dict[str, Any] = {"after": rec.fn("after"), "expected_sid": sb.sid, "max_age_ms": 300_000}
    if framework == "starlette":
        from starlette.applications import Starlette
        from starlette.routing import Route

        import cardboss.starlette

        app: Any = Starlette(
            routes=[
                Route("/push", cardboss.starlette.push_endpoint(guard, sb.apikey, rec.fn("handle"), **options), methods=["POST"]),
                Route("/sms", cardboss.starlette.sms_endpoint(rec.fn("sms"), after=rec.fn("sms_after")), methods=["POST"]),
            ]
        )
        served = Served(app, "asgi")
    else:
        import flask

        import cardboss.flask

        app = flask.Flask(__name__)
        app.add_url_rule("/push", view_func=cardboss.flask.push_view(guard, sb.apikey, rec.fn("handle"), **options), methods=["POST"])
        app.add_url_rule("/sms", view_func=cardboss.flask.sms_view(rec.fn("sms"), after=rec.fn("sms_after")), methods=["POST"])
        served = Served(app, "wsgi")
    sb.set_push_url(served.url + "/push")
    sb.set_sms_push_url(served.url + "/sms")
    return served


@pytest.fixture(params=FRAMEWORKS, ids=["-".join(p) for p in FRAMEWORKS])
def framework(request: pytest.FixtureRequest) -> tuple[str, str]:
    name, style = request.param
    pytest.importorskip("uvicorn" if name == "starlette" else "flask")
    return (name, style)


@pytest.fixture
def sb(caplog: pytest.LogCaptureFixture) -> Iterator[Sandbox]:
    caplog.set_level(logging.INFO)
    with Sandbox(cards=20, strict=True) as sandbox:
        yield sandbox
    assert sandbox.apikey not in caplog.text, "the apikey was logged"


def renew(sb: Sandbox) -> str:
    """A renewal order confirmed: the sandbox pushes its OD1002. Returns the order id."""
    with sb.client() as client:
        for card in client.list_cards(1).cards:
            for pkg in client.packages(msisdn=card.msisdn).pkgs:
                if pkg.pkgcode:
                    order = client.renew(pkg.pkgcode, max(pkg.buycycle, 12), msisdn=card.msisdn)
                    sb.approve_order(order.orderid)
                    return order.orderid
    raise AssertionError("no renewable card")


def msisdn(sb: Sandbox, n: int = 0) -> str:
    with sb.client() as client:
        return client.list_cards(1).cards[n].msisdn


def record_of(sb: Sandbox, kind: str, *, settled: bool = True) -> dict[str, Any]:
    """The sandbox's record of its one push of `kind`, once settled (acknowledged, or out of
    attempts) unless `settled=False`."""

    def check() -> dict[str, Any] | None:
        for rec in sb.pushes():
            if rec["kind"] == kind and (not settled or rec["delivered"] or rec["attempts"] >= max_attempts(sb)):
                found: dict[str, Any] = rec
                return found
        return None

    return until(check, f"the {kind} push")


def max_attempts(sb: Sandbox) -> int:
    return int(admin(sb, "config")["push_max_attempts"])


def admin(sb: Sandbox, path: str, body: Any = None) -> Any:
    """The sandbox's HTTP admin API (for settings the Python class does not expose)."""
    import urllib.request

    request = urllib.request.Request(
        f"{sb.base_url}/_sandbox/{path}",
        data=None if body is None else json.dumps(body).encode(),
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def as_sent(record: dict[str, Any]) -> str:
    """A data push's body again, from the fields the sandbox recorded (signed as they are)."""
    return json.dumps(record["body"], ensure_ascii=False)


def warnings_of(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "cardboss.push" and r.levelno == logging.WARNING and text in r.getMessage()]


def test_each_push_is_handled_once_and_after_runs_once_answered(
    framework: tuple[str, str], sb: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    rec = Recorder(framework[1])
    served = serve(framework[0], cardboss.PushGuard(), sb, rec)
    try:
        orderid = renew(sb)
        mobile = msisdn(sb, 1)
        assert sb.send_warning(mobile, 31)["pushed"] is True
        sb.upstream_sms(mobile, "pong")

        renewal, warning = rec.wait("handled"), rec.wait("handled")
        assert rec.wait("sms") == f"{mobile}:pong"
        od1002, od1010, p0002 = (record_of(sb, kind) for kind in ("OD1002", "OD1010", "P0002"))
        assert [(r["delivered"], r["attempts"]) for r in (od1002, od1010, p0002)] == [(True, 1)] * 3
        assert {renewal, warning} == {od1002["body"]["id"], od1010["body"]["id"]}
        assert orderid in od1002["body"]["data"]
        # `after` ran only once the sandbox had its answer (it waits for `answered` until then)
        rec.answered.set()
        assert {rec.wait("after"), rec.wait("after")} == {renewal, warning}
        assert rec.wait("sms_after") == "P0002"
        assert rec.after_saw_answer == [True, True]

        # a replay (the platform missed our answer): acknowledged, the handler not run again
        assert served.post("/push", as_sent(od1002)) == (200, cardboss.PUSH_ACK)
        assert warnings_of(caplog, "replay"), "the replay is logged with its reason"
        # a forged push: 400 with the core's reason, logged, nothing handled
        forged = dict(od1010["body"], data=od1010["body"]["data"].replace("31", "32"))
        status, text = served.post("/push", json.dumps(forged))
        assert (status, "sign does not match" in text) == (400, True)
        assert warnings_of(caplog, "sign does not match")
        # not an SMS push: 400
        assert served.post("/sms", b"nonsense")[0] == 400
        assert Counter(rec.calls) == {renewal: 1, warning: 1}, "each push handled exactly once"
    finally:
        served.stop()


def test_a_failing_handler_is_retried_by_the_platform_and_handled_once(
    framework: tuple[str, str], sb: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    rec = Recorder(framework[1], fail_first=True, after_fails=True)
    rec.answered.set()
    served = serve(framework[0], cardboss.PushGuard(), sb, rec)
    try:
        sb.send_warning(msisdn(sb), 21)
        push_id = rec.wait("handled")
        od1010 = record_of(sb, "OD1010")
        # the first answer was 500 (the handler raised, the id was released), the retry handled
        assert (od1010["delivered"], od1010["attempts"]) == (True, 2)
        assert rec.calls == [push_id, push_id] and rec.done == [push_id]
        # the handler's exception reached the framework unchanged (it logged it)
        assert any(r.exc_info and r.exc_info[0] is HandlerFailed for r in caplog.records)
        # `after` raised: logged on cardboss.push, and the push is not sent again
        rec.wait("after")
        until(lambda: [r for r in caplog.records if r.name == "cardboss.push" and "after(" in r.getMessage()], "the after log")
        assert served.post("/push", as_sent(od1010)) == (200, cardboss.PUSH_ACK)  # a replay
        assert rec.calls == [push_id, push_id]
    finally:
        served.stop()


def test_an_in_flight_duplicate_gets_409(framework: tuple[str, str], sb: Sandbox) -> None:
    rec = Recorder(framework[1], hold=True)
    rec.answered.set()
    served = serve(framework[0], cardboss.PushGuard(), sb, rec)
    try:
        sb.send_warning(msisdn(sb), 11)
        assert rec.entered.wait(15), "the push never reached the handler"
        # the same push while its first delivery is being handled (another worker's retry)
        status, text = served.post("/push", as_sent(record_of(sb, "OD1010", settled=False)))
        assert status == 409 and "in flight" in text
        rec.go.set()
        push_id = rec.wait("handled")
        od1010 = record_of(sb, "OD1010")
        assert (od1010["delivered"], od1010["attempts"], rec.calls) == (True, 1, [push_id])
    finally:
        served.stop()


def test_a_guard_whose_store_is_down_answers_503_without_running_the_handler(
    framework: tuple[str, str], sb: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    rec = Recorder(framework[1])
    admin(sb, "config", {"push_max_attempts": 2})
    served = serve(framework[0], cardboss.PushGuard(store=DOWN), sb, rec)
    try:
        sb.send_warning(msisdn(sb), 11)
        od1010 = record_of(sb, "OD1010")
        assert (od1010["delivered"], od1010["attempts"]) == (False, 2)
        assert od1010["last_error"].startswith("HTTP 503")
        assert rec.calls == []
        assert warnings_of(caplog, "127.0.0.1:1")
    finally:
        served.stop()


# --- the flow itself, without a server -----------------------------------------------------------


def vector(i: int) -> tuple[bytes, str]:
    case = load_vectors("push_sign.json")[i]
    return case["body"].encode(), case["apikey"]


def test_receive_runs_the_handler_on_the_calling_thread_and_answers_the_cores_reply() -> None:
    body, key = vector(0)
    guard = cardboss.PushGuard()
    threads: list[int] = []
    reply = guard.receive(body, key, lambda push: threads.append(threading.get_ident()))
    assert threads == [threading.get_ident()]
    assert (reply.status, reply.body, reply.reason, reply.acknowledged()) == (200, "success", None, True)
    assert reply == cardboss.push_reply() and hash(reply) == hash(cardboss.push_reply())
    assert reply.to_dict() == {"status": 200, "body": "success", "reason": None}
    again = guard.receive(body, key, lambda push: threads.append(0))
    assert again.acknowledged() and again.reason is not None and "replay" in again.reason
    assert threads == [threading.get_ident()]
    assert key not in repr(again) + repr(guard)

    # a handler that raises: its exception, unchanged; the id released, so the retry is handled
    body, key = vector(1)
    with pytest.raises(HandlerFailed):
        guard.receive(body, key, lambda push: (_ for _ in ()).throw(HandlerFailed("down")))
    seen: list[str] = []
    assert guard.receive(body, key, lambda push: seen.append(push.id)).acknowledged() and len(seen) == 1

    # an async handler given to the synchronous form: refused, and the id is released
    body, key = vector(2)

    async def not_here(push: cardboss.Push) -> None:
        pass

    with pytest.raises(TypeError, match="receive_async"):
        guard.receive(body, key, not_here)
    assert guard.handle(body, key, lambda push: push.id) == load_vectors("push_sign.json")[2]["id"]
    with pytest.raises(cardboss.PushReplayError):
        guard.handle(body, key, lambda push: push.id)

    # refusals are the core's replies: forged 400, store down 503 (never running the handler)
    def record(push: cardboss.Push) -> None:
        seen.append(push.id)

    assert guard.receive(body, "0" * 32, record).status == 400
    assert cardboss.PushGuard(store=DOWN).receive(body, key, record).status == 503
    with pytest.raises(cardboss.StoreUnavailableError):
        cardboss.PushGuard(store=DOWN).handle(body, key, record)
    assert len(seen) == 1


def test_push_reply_for_each_error_and_ticket_finish() -> None:
    body, key = vector(0)
    guard = cardboss.PushGuard()
    ticket = guard.begin(body, key)
    with pytest.raises(cardboss.PushInFlightError) as busy:
        guard.begin(body, key)
    assert cardboss.push_reply(busy.value).status == 409
    failed = ticket.finish(False)
    assert (failed.status, failed.acknowledged(), ticket.is_open) == (500, False, False)
    assert failed.reason is not None and failed.body == failed.reason
    ticket = guard.begin(body, key)  # released: the retry is accepted
    assert ticket.finish(True) == cardboss.push_reply()
    with pytest.raises(cardboss.InvalidInputError):
        ticket.commit()
    with pytest.raises(cardboss.PushReplayError) as replay:
        guard.begin(body, key)
    assert cardboss.push_reply(replay.value).acknowledged()
    with pytest.raises(cardboss.PushRejectedError) as forged:
        guard.begin(body, "0" * 32)
    assert cardboss.push_reply(forged.value).status == 400
    with pytest.raises(cardboss.StoreUnavailableError) as down:
        cardboss.PushGuard(store=DOWN).begin(body, key)
    assert cardboss.push_reply(down.value).status == 503
    with pytest.raises(cardboss.InvalidInputError) as invalid:
        guard.begin(body, key, max_age_ms=-1)
    assert cardboss.push_reply(invalid.value).status == 500


def test_the_async_forms_never_block_the_event_loop() -> None:
    async def main() -> None:
        loop_thread = threading.get_ident()
        guard = cardboss.PushGuard()
        body, key = vector(0)
        threads: list[int] = []

        def sync_handler(push: cardboss.Push) -> str:
            threads.append(threading.get_ident())
            return push.id

        reply = await guard.receive_async(body, key, sync_handler)
        assert reply.acknowledged() and threads and threads[0] != loop_thread  # in a thread
        assert (await guard.receive_async(body, key, sync_handler)).reason is not None  # replay

        body, key = vector(1)
        entered, go = asyncio.Event(), asyncio.Event()

        async def slow(push: cardboss.Push) -> str:
            entered.set()
            await go.wait()
            return push.id + "!"

        first = asyncio.ensure_future(guard.handle_async(body, key, slow))
        await entered.wait()
        # the loop runs on while the first is handled: a duplicate gets 409 meanwhile
        assert (await guard.receive_async(body, key, slow)).status == 409
        go.set()
        assert await first == load_vectors("push_sign.json")[1]["id"] + "!"
        with pytest.raises(cardboss.PushReplayError):
            await guard.handle_async(body, key, slow)

        body, key = vector(2)

        async def fails(push: cardboss.Push) -> None:
            raise HandlerFailed("down")

        with pytest.raises(HandlerFailed):
            await guard.receive_async(body, key, fails)
        ticket = await guard.begin_async(body, key)  # released: accepted again
        assert ticket.is_open and (await ticket.finish_async(True)).acknowledged()
        with pytest.raises(cardboss.InvalidInputError):
            await ticket.release_async()
        assert (await cardboss.PushGuard(store=DOWN).receive_async(body, key, fails)).status == 503

        other = cardboss.PushGuard()
        ticket = await other.begin_async(body, key)
        await ticket.release_async()
        assert (await (await other.begin_async(body, key)).commit_async()).id == ticket.push.id

        sms = b'{"type":"P0002","data":"[{\\"mobile\\":\\"1064807400778\\",\\"content\\":\\"hi\\",\\"apmid\\":\\"1\\",\\"spcode\\":\\"1\\"}]"}'
        got: list[str] = []
        assert (await cardboss.push.receive_sms_async(sms, lambda s: got.append(s.type))).acknowledged()
        assert cardboss.push.receive_sms(sms, lambda s: got.append(s.type)).acknowledged()
        assert got == ["P0002", "P0002"]
        assert (await cardboss.push.receive_sms_async(b"nonsense", lambda s: got.append(s.type))).status == 400

    asyncio.run(main())
