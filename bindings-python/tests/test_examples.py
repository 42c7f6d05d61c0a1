"""The scripts in examples/python/ run against the sandbox; the FastAPI receiver verifies pushes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

import cardboss
from conftest import REPO, Sandbox, load_vectors

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


def test_fastapi_push_receiver(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    case = load_vectors("push_sign.json")[0]
    monkeypatch.setenv("CARDBOSS_APIKEY", case["apikey"])
    monkeypatch.setenv("CARDBOSS_SID", case["sid"])
    # the vector's push is from 2024: no age limit for this test
    monkeypatch.setenv("CARDBOSS_PUSH_MAX_AGE", "")
    monkeypatch.syspath_prepend(str(EXAMPLES))
    sys.modules.pop("push_receiver", None)
    import push_receiver

    http = TestClient(push_receiver.app)
    body = case["body"].encode()
    answer = http.post("/cardboss/push", content=body)
    assert answer.status_code == 200 and answer.text == cardboss.PUSH_ACK
    # a replay was handled already: `success` again, without running the handler
    handled: list[str] = []
    monkeypatch.setattr(push_receiver, "handle", lambda push: handled.append(push.id))
    answer = http.post("/cardboss/push", content=body)
    assert (answer.status_code, answer.text, handled) == (200, cardboss.PUSH_ACK, [])
    forged = json.loads(body)
    forged["id"] = "another-id"
    forged["data"] = forged["data"].replace("1", "2")
    assert http.post("/cardboss/push", content=json.dumps(forged)).status_code == 400  # forged
    fails_once(monkeypatch, push_receiver, http)
    sms = b'{"type":"P0001","data":"[{\\"mobile\\":\\"1064807400778\\",\\"stat\\":\\"DELIVRD\\",\\"taskId\\":\\"T\\"}]"}'
    answer = http.post("/cardboss/sms", content=sms)
    assert answer.status_code == 200 and answer.text == "success"
    assert http.post("/cardboss/sms", content=b"nonsense").status_code == 400


def fails_once(monkeypatch: pytest.MonkeyPatch, push_receiver: Any, http: Any) -> None:
    """A fresh push (another vector, its own id): in flight while another worker has it, then a
    handler that raises (non-success, the id released), then the platform's retry: handled
    once and acknowledged; a store that cannot be reached: non-success, nothing handled."""
    case = load_vectors("push_sign.json")[1]
    assert (case["sid"], case["apikey"]) == (push_receiver.SID, push_receiver.APIKEY)
    body = case["body"].encode()
    held = push_receiver.guard.begin(body, case["apikey"])  # another worker is handling it
    assert http.post("/cardboss/push", content=body).status_code == 503
    held.release()
    handled: list[str] = []

    def flaky(push: cardboss.Push) -> None:
        handled.append(push.id)
        if len(handled) == 1:
            raise RuntimeError("database down")

    monkeypatch.setattr(push_receiver, "handle", flaky)
    assert http.post("/cardboss/push", content=body).status_code == 500
    answer = http.post("/cardboss/push", content=body)
    assert (answer.status_code, answer.text) == (200, cardboss.PUSH_ACK)
    assert http.post("/cardboss/push", content=body).status_code == 200  # a replay: not handled
    assert handled == [case["id"], case["id"]]
    # nothing listens on port 1: the store is unavailable, so the push is not acknowledged
    monkeypatch.setattr(push_receiver, "guard", cardboss.PushGuard(store="redis://127.0.0.1:1/0"))
    assert http.post("/cardboss/push", content=body).status_code == 503
    assert handled == [case["id"], case["id"]]
