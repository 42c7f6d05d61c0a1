"""The scripts in examples/python/ run against the sandbox; the push receivers (FastAPI, Flask)
are served on real ports and receive the sandbox's pushes."""

from __future__ import annotations

import importlib
import json
import logging
import os
import subprocess
import sys
from typing import Any

import pytest

import cardboss
from cardboss.testing import Sandbox as CardbossSandbox
from conftest import REPO, Sandbox, Served, until

EXAMPLES = REPO / "examples" / "python"


def run(sandbox: Sandbox, script: str, *args: str) -> str:
    env = dict(
        os.environ,
        CARDBOSS_SID=sandbox.sid,
        CARDBOSS_APIKEY=sandbox.apikey,
        CARDBOSS_URL=sandbox.base_url,
        CARDBOSS_OPS_URL=sandbox.ops_url,
    )
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert sandbox.apikey not in done.stdout + done.stderr
    return done.stdout


def test_list_fleet(table_sandbox: Sandbox) -> None:
    out = run(table_sandbox, "list_fleet.py")
    assert "400 cards" in out and "usable" in out  # state names from cardboss.CardState
    assert "400 cards" in run(table_sandbox, "list_fleet.py", "--async")


def test_read_usage(table_sandbox: Sandbox) -> None:
    card = table_sandbox.fresh_cards(1)[0]
    assert card.msisdn in run(table_sandbox, "read_usage.py", card.msisdn)
    assert "MB" in run(table_sandbox, "read_usage.py")


def test_renew(table_sandbox: Sandbox) -> None:
    card = table_sandbox.fresh_cards(1)[0]
    assert "awaiting confirmation" in run(table_sandbox, "renew.py", card.msisdn, "12")


def test_sync_fleet(table_sandbox: Sandbox) -> None:
    before = table_sandbox.requests_to("card/detail")
    assert "400 cards (" in run(table_sandbox, "sync_fleet.py")
    assert table_sandbox.requests_to("card/detail") - before == 4
    assert "400 cards (" in run(table_sandbox, "sync_fleet.py", "--async")


def test_send_encrypted_sms(table_sandbox: Sandbox) -> None:
    card = table_sandbox.fresh_cards(1)[0]
    out = run(table_sandbox, "send_encrypted_sms.py", "重启 reboot", card.msisdn)
    assert "ciphertext:" in out and "1 messages" in out and card.msisdn in out


RECEIVERS = {"push_receiver": ("fastapi", "asgi"), "push_receiver_flask": ("flask", "wsgi")}


def load_receiver(monkeypatch: pytest.MonkeyPatch, name: str, sb: CardbossSandbox, store: str = "") -> Any:
    """The example module imported afresh with the environment it reads at import time."""
    monkeypatch.setenv("CARDBOSS_SID", sb.sid)
    monkeypatch.setenv("CARDBOSS_APIKEY", sb.apikey)
    monkeypatch.setenv("CARDBOSS_PUSH_STORE", store)
    monkeypatch.delenv("CARDBOSS_PUSH_MAX_AGE", raising=False)  # the example's default, 600 s
    monkeypatch.syspath_prepend(str(EXAMPLES))
    sys.modules.pop(name, None)
    return importlib.import_module(name)


def pushed(sb: CardbossSandbox, kinds: list[str]) -> dict[str, dict[str, Any]]:
    """The sandbox's records of one push of each kind, once acknowledged."""

    def check() -> dict[str, dict[str, Any]] | None:
        done = {r["kind"]: r for r in sb.pushes() if r["delivered"]}
        return done if all(k in done for k in kinds) else None

    return until(check, f"{kinds} acknowledged")


@pytest.mark.parametrize("name", sorted(RECEIVERS))
def test_push_receiver(name: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The example on a real port, the sandbox pushing to it: a renewal (OD1002), a warning
    (OD1010) and an SMS reply (P0002) each handled once and followed up once answered; a replay
    acknowledged without handling it again, a forged push 400, a store that is down 503."""
    framework, kind = RECEIVERS[name]
    pytest.importorskip(framework)
    pytest.importorskip("uvicorn" if kind == "asgi" else "werkzeug")
    caplog.set_level(logging.INFO)

    def said(text: str) -> list[str]:
        return [m for r in caplog.records if r.name == "push_receiver" and text in (m := r.getMessage())]

    with CardbossSandbox(cards=20, strict=True) as sb, sb.client() as client:
        receiver = load_receiver(monkeypatch, name, sb)
        served = Served(receiver.app, kind)
        try:
            sb.set_push_url(served.url + "/cardboss/push")
            sb.set_sms_push_url(served.url + "/cardboss/sms")
            card = client.list_cards(1).cards[0]
            pkg = next(p for p in client.packages(msisdn=card.msisdn).pkgs if p.pkgcode)
            order = client.renew(pkg.pkgcode, max(pkg.buycycle, 12), msisdn=card.msisdn)
            sb.approve_order(order.orderid)
            sb.send_warning(card.msisdn, 31)
            sb.upstream_sms(card.msisdn, "pong")

            records = pushed(sb, ["OD1002", "OD1010", "P0002"])
            assert [records[k]["attempts"] for k in ("OD1002", "OD1010", "P0002")] == [1, 1, 1]
            for push in (records["OD1002"], records["OD1010"]):
                until(lambda: said(f"followed up push {push['body']['id']}"), "the follow-up")
            assert len(said(f"order {order.orderid} for {card.msisdn}: ok")) == 1
            assert len(said(f"warning 31 for {card.msisdn}")) == 1
            assert len(said(f"reply from {card.msisdn}: pong")) == 1

            # a replay: `success` again, without running the handler
            again = json.dumps(records["OD1002"]["body"], ensure_ascii=False)
            assert served.post("/cardboss/push", again) == (200, cardboss.PUSH_ACK)
            assert len(said(f"order {order.orderid}")) == 1
            forged = dict(records["OD1010"]["body"], data=records["OD1010"]["body"]["data"].replace("31", "32"))
            assert served.post("/cardboss/push", json.dumps(forged))[0] == 400
            assert served.post("/cardboss/sms", b"nonsense")[0] == 400
        finally:
            served.stop()

        # nothing listens on port 1: the store is unavailable, so the push is not acknowledged
        receiver = load_receiver(monkeypatch, name, sb, store="redis://127.0.0.1:1/0")
        served = Served(receiver.app, kind)
        try:
            body = json.dumps(records["OD1010"]["body"], ensure_ascii=False)
            assert served.post("/cardboss/push", body)[0] == 503
            assert len(said(f"warning 31 for {card.msisdn}")) == 1
        finally:
            served.stop()
        assert sb.apikey not in caplog.text
