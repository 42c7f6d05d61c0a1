"""Whole-run secrets sweep (issue 9): the apikey, its halves (the SMS key and IV) and every sign
the SDK computed appear in no repr, str, exception message, pickled exception or log line.

- A `logging` handler is attached to the `cardboss` logger when this module is imported
  (collection time), so it sees every record of the whole pytest run; a hook registered by the
  sweep re-checks all of them when the session finishes.
- The sweep itself turns the logger to DEBUG and exercises the client broadly (successes, every
  error class including injected faults, async calls, pushes), through a recording proxy that
  captures the `sign` of every request the SDK sent, then greps everything it produced.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import pickle
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import pytest

import cardboss
from conftest import Receiver, Sandbox


class _Capture(logging.Handler):
    """Keeps every record (and its formatted line) of the `cardboss` logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self._formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
        self._lock2 = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self._formatter.format(record) + " " + repr(record.__dict__)
        except Exception as e:  # a record that cannot be formatted is itself worth seeing
            line = f"unformattable record {record!r}: {e!r}"
        with self._lock2:
            self.lines.append(line)


RUN_CAPTURE = _Capture()
logging.getLogger("cardboss").addHandler(RUN_CAPTURE)


class RecordingProxy:
    """Forwards every request to `upstream` and records the `sign` parameter the SDK sent.
    An upstream failure (a reset, a late answer) becomes a dropped connection."""

    def __init__(self, upstream: str) -> None:
        self.signs: set[str] = set()
        parsed = urllib.parse.urlsplit(upstream)
        host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
        signs = self.signs

        class Handler(BaseHTTPRequestHandler):
            def forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                query = urllib.parse.urlsplit(self.path).query
                for text in (query, body.decode("utf-8", "replace")):
                    for value in urllib.parse.parse_qs(text).get("sign", []):
                        signs.add(value)
                try:
                    conn = http.client.HTTPConnection(host, port, timeout=10)
                    headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    answer = conn.getresponse()
                    try:
                        data = answer.read()
                    except http.client.IncompleteRead as partial:
                        data = partial.partial
                    status, ctype = answer.status, answer.getheader("Content-Type") or "application/json"
                    conn.close()
                except Exception:
                    self.close_connection = True
                    return
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            do_GET = forward  # noqa: N815 (http.server's naming)
            do_POST = forward  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sweep_sandbox() -> Iterator[Sandbox]:
    sb = Sandbox("example", 300, "--seed", "5")
    yield sb
    sb.stop()


def texts_of(obj: object) -> list[str]:
    """Every textual face of `obj`: repr, str, an exception's attributes and its pickle."""
    out = [repr(obj), str(obj)]
    if isinstance(obj, BaseException):
        out += [repr(getattr(obj, name, None)) for name in
                ("kind", "code", "msg", "detail", "endpoint", "result", "carrier_code", "args")]
        out.append(repr(pickle.dumps(obj)))
        clone = pickle.loads(pickle.dumps(obj))
        out += [repr(clone), str(clone)]
    if isinstance(obj, list):
        out += [repr(x) for x in obj]
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        out.append(repr(to_dict()))
    return out


def leaks(text: str, secrets: set[str]) -> list[str]:
    low = text.lower()
    return [s for s in secrets if s.lower() in low]


def test_secrets_sweep(sweep_sandbox: Sandbox, receiver: Receiver, request: pytest.FixtureRequest) -> None:
    sb = sweep_sandbox
    key = sb.apikey
    wrong_key = key[::-1]
    logger = logging.getLogger("cardboss")
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    start_line = len(RUN_CAPTURE.lines)
    base, ops = RecordingProxy(sb.base_url), RecordingProxy(sb.ops_url)
    seen: list[object] = []
    errors: list[cardboss.CardBossError] = []
    push_signs: set[str] = set()

    def client(apikey: str = key, **options: Any) -> cardboss.Client:
        return cardboss.Client(sb.sid, apikey, base_url=base.url, ops_url=ops.url, **options)

    def expect_error(call: Callable[[], object]) -> None:
        with pytest.raises(cardboss.CardBossError) as err:
            call()
        errors.append(err.value)

    try:
        with client(cooldown_guard=True) as c:
            seen.append(c)
            cards = c.list_cards().cards
            seen += [c.customer(), cards, c.card_details(msisdns=[x.msisdn for x in cards[:20]])]
            seen += [c.current_usage(msisdns=[x.msisdn for x in cards[:20]]), c.pools()]
            seen += [list(c.iter_cards())[:5], c.sms_reports(), c.sms_replies()]
            details = c.card_details(msisdns=[x.msisdn for x in cards])
            normal = [d.msisdn for d in details if d.msstatus == 2]
            pkgs = c.packages(msisdn=normal[0])
            seen.append(pkgs)
            seen.append(c.send_iot_sms([normal[1]], "plain hello"))
            seen.append(c.send_iot_sms_encrypted([normal[1]], "secret hello"))
            # a renewal, approved: the sandbox pushes its result (OD1002) to the receiver
            sb.admin("config", {"push_url": f"{receiver.url}/push", "balance": 1_000_000.0})
            pkg = next(p for p in pkgs.pkgs if p.pkgcode)
            order = c.renew(pkg.pkgcode, 12 * max(pkg.buycycle, 1), msisdn=normal[0], remark="sweep")
            seen.append(order)
            sb.admin(f"orders/{order.orderid}/approve", {})
            c.suspend(msisdn=normal[2])
            expect_error(lambda: c.resume(msisdn=normal[2]))  # CooldownError
            expect_error(lambda: c.card_details(msisdns=["bad"]))  # InvalidInputError
            expect_error(lambda: c.renew("NOPE", 12, msisdn=normal[3]))  # ApiError with a result
            expect_error(lambda: c.renew_package(pkg, 0, msisdn=normal[3]))  # refused locally
            batches = c.card_detail_batches(msisdns=[x.msisdn for x in cards])
            seen += [batches, list(batches)]
            expect_error(lambda: c.usage_history_batches("199901", msisdns=normal[:2]))
            with pytest.warns(DeprecationWarning):
                expect_error(lambda: c.arrears())  # withdrawn: 1098
        with client(cooldown_guard=False) as c:
            c.suspend(msisdn=normal[4])
            expect_error(lambda: c.resume(msisdn=normal[4]))  # RateLimitedError (13009)
        with client(wrong_key) as wrong:
            expect_error(wrong.customer)  # AuthError
            expect_error(lambda: wrong.send_iot_sms([normal[5]], "x"))
            seen.append(wrong)

        # injected faults, one kind at a time, on GETs and POSTs
        with client(timeout_ms=500, max_retries=0, cooldown_guard=False) as c:
            for kind in ("http500", "http502", "reset", "truncated", "code1090", "delay"):
                sb.admin("faults", {"rate": 1.0, "kinds": [kind], "delay_secs": 1.0})
                try:
                    expect_error(c.customer)
                    expect_error(lambda: c.card_details(msisdns=[x.msisdn for x in cards[:3]]))
                    expect_error(lambda: list(c.current_usage_batches(msisdns=[x.msisdn for x in cards[:3]])))
                    expect_error(lambda: c.send_iot_sms([normal[6]], f"fault {kind}"))
                finally:
                    sb.admin("faults", {"rate": 0})
            # faults at 20%, with retries
            sb.admin("faults", {"rate": 0.2, "kinds": [], "delay_secs": 1.0})
            try:
                with client(timeout_ms=500, max_retries=6) as r:
                    seen.append(r.card_details(msisdns=[x.msisdn for x in cards]))
            finally:
                sb.admin("faults", {"rate": 0})

        # async: successes and an error
        async def run_async() -> None:
            ac = cardboss.AsyncClient(sb.sid, key, base_url=base.url, ops_url=ops.url)
            seen.append(ac)
            async with ac:
                seen.extend(await asyncio.gather(ac.customer(), ac.pools(), ac.list_cards(2)))
                try:
                    await ac.card_details(msisdns=["nope"])
                except cardboss.CardBossError as e:
                    errors.append(e)
                async for card in ac.iter_cards():
                    seen.append(card)
                    break
                async for batch in ac.card_detail_batches(msisdns=[x.msisdn for x in cards[:5]]):
                    seen.append(batch)

        asyncio.run(run_async())

        # pushes: the genuine one, a replay, a forged one, one signed with another key, junk
        body = receiver.next("/push")
        guard = cardboss.PushGuard()
        ticket = guard.begin(body, key, expected_sid=sb.sid, max_age_ms=600000)
        seen += [ticket, ticket.push]
        expect_error(lambda: guard.begin(body, key))  # in flight
        push = ticket.commit()
        seen += [push, push.content, guard]
        fields = json.loads(body)
        push_signs.add(str(fields["sign"]))
        expect_error(lambda: guard.begin(body, key))  # replay
        seen += [guard.receive(body, key, lambda p: None), guard.receive(body, wrong_key, lambda p: None)]
        forged = dict(fields, id="forged-" + str(fields["id"]))
        parts = [str(forged.get(k, "")) for k in ("sid", "id", "sn", "level", "api", "time", "data", "desc")]
        push_signs.add(cardboss.sign([parts[0], key, *parts[1:]]))  # the sign the SDK expects
        expect_error(lambda: cardboss.verify_push(json.dumps(forged).encode(), key))
        expect_error(lambda: cardboss.verify_push(body, wrong_key))
        expect_error(lambda: cardboss.verify_push(body, key, expected_sid="99999"))
        expect_error(lambda: cardboss.verify_push(b"{not json", key))
        expect_error(lambda: cardboss.parse_sms_push(b'{"type":"P0009"}'))
        expect_error(lambda: cardboss.decrypt_sms(key, "bm90IGEgY2lwaGVydGV4dA=="))
        seen.append(cardboss.decrypt_sms(key, cardboss.encrypt_sms(key, [normal[1]], "round trip")))
        debug_panic = getattr(cardboss._native, "_debug_panic", None)
        if debug_panic is not None:
            expect_error(debug_panic)  # InternalError
    finally:
        logger.setLevel(old_level)
        base.stop()
        ops.stop()
        sb.admin("faults", {"rate": 0})

    signs = base.signs | ops.signs
    # (requests with the same parameters in the same second share a sign)
    assert len(signs) >= 20, f"the proxy saw the SDK's signs: {len(signs)}"
    secrets = {key, wrong_key, key[:16], key[16:], *signs, *push_signs}
    classes = {type(e).__name__ for e in errors}
    expected = {"ApiError", "AuthError", "RateLimitedError", "InvalidInputError", "CooldownError",
                "TimeoutError", "TransportError", "HttpError", "DecodeError", "PushRejectedError",
                "PushReplayError", "PushInFlightError"}
    assert expected <= classes, f"every error class exercised: missing {expected - classes}"

    found = []
    for obj in [*seen, *errors]:
        for text in texts_of(obj):
            found += [(type(obj).__name__, s, text[:300]) for s in leaks(text, secrets)]
    lines = RUN_CAPTURE.lines[start_line:]
    assert sum("customer/get" in line for line in lines) >= 3, "the sweep's requests were logged"
    for line in lines:
        found += [("log", s, line[:300]) for s in leaks(line, secrets)]
    assert not found, found
    print(
        f"\nsecrets sweep: {len(seen)} results/clients and {len(errors)} exceptions "
        f"({', '.join(sorted(classes))}), {len(lines)} log lines, {len(signs)} request signs + "
        f"{len(push_signs)} push signs checked: 0 leaks"
    )

    # The whole run: every record the handler saw, re-checked when the session ends.
    RUN_SECRETS.update(secrets)
    if not request.config.pluginmanager.has_plugin("cardboss-secrets-sweep"):
        request.config.pluginmanager.register(_SessionCheck(), "cardboss-secrets-sweep")


RUN_SECRETS: set[str] = set()


class _SessionCheck:
    """Fails the session if any `cardboss` log line of the whole run carries a secret."""

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        bad = [(s, line[:300]) for line in RUN_CAPTURE.lines for s in leaks(line, RUN_SECRETS)]
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"cardboss secrets sweep (whole run): {len(RUN_CAPTURE.lines)} log lines, "
                f"{len(bad)} carrying a secret"
            )
        if bad:
            if reporter is not None:
                for s, line in bad[:20]:
                    reporter.write_line(f"  secret leaked in a log line: {line}")
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
