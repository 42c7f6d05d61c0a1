"""Issue 18 from Python: push guards and cooldowns shared by worker PROCESSES through a real
Redis (scripts/redis.sh starts a redis-server on a free loopback port, installing it when
missing), and the two-phase push handling that never loses an event to a failed handler.

Each worker is `python -c WORKER` reading its job as JSON on stdin and printing what happened
as JSON: separate processes, as behind a load balancer, not threads of one guard."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cardboss
from cardboss.testing import Sandbox
from conftest import REPO

SID = "10043"
KEY = "0123456789abcdef0123456789abcdef"

# Handles every body once through a guard on `store`: a push it claims is committed (or, with
# `fail`, its handler raises and the id is released); a refused one is counted by its kind.
PUSH_WORKER = """
import json, sys, cardboss
job = json.load(sys.stdin)
guard = cardboss.PushGuard(store=job["store"])
out = {"accepted": [], "failed": [], "push_replay": 0, "push_in_flight": 0, "store_unavailable": 0}
for body in job["bodies"]:
    try:
        ticket = guard.begin(body, job["apikey"], expected_sid=job["sid"])
    except (cardboss.PushReplayError, cardboss.PushInFlightError, cardboss.StoreUnavailableError) as e:
        out[e.kind] += 1
        continue
    push_id = ticket.push.id
    try:
        with ticket:
            if job["fail"]:
                raise RuntimeError("the handler failed")
        out["accepted"].append(push_id)
    except RuntimeError:
        out["failed"].append(push_id)
print(json.dumps(out))
"""

# One lifecycle operation through a client whose cooldowns live in `store`.
CLIENT_WORKER = """
import json, sys, cardboss
job = json.load(sys.stdin)
client = cardboss.Client(job["sid"], job["apikey"], base_url=job["base_url"], ops_url=job["ops_url"],
                         cooldown_store=job["store"])
try:
    getattr(client, job["op"])(msisdn=job["msisdn"])
    print(json.dumps({"ok": True}))
except cardboss.CardBossError as e:
    print(json.dumps({"ok": False, "kind": e.kind, "retry_after_ms": e.retry_after_ms}))
"""


def redis_sh(*args: str) -> str:
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "redis.sh"), *args], check=True, capture_output=True, text=True, timeout=600
    )
    return done.stdout.strip()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One redis-server for the module's tests (`start` installs it when missing)."""
    folder = tmp_path_factory.mktemp("redis")
    url = redis_sh("start", str(folder))
    yield url
    redis_sh("stop", str(folder))


def push_body(push_id: str) -> str:
    data = json.dumps({"status": "1", "msg": "ok", "orderid": "NR1", "msisdn": "1064787038023"})
    fields = {"sid": SID, "id": push_id, "sn": "OD1002", "level": "info", "api": "",
              "time": "2024-04-01 10:00:00", "data": data, "desc": "订购成功"}
    order = ("sid", "id", "sn", "level", "api", "time", "data", "desc")
    sign = cardboss.sign([SID, KEY, *(fields[k] for k in order[1:])])
    return json.dumps(dict(fields, sign=sign))


def active_card(client: cardboss.Client) -> cardboss.CardDetail:
    msisdns = [c.msisdn for c in client.list_cards(1).cards]
    return next(c for c in client.card_details(msisdns=msisdns) if c.msstatus == 2)


def fresh_ids(n: int) -> list[str]:
    """Ids no other test (nor an earlier run against the same Redis) has used."""
    run = uuid.uuid4().hex
    return [f"{run}-{i}" for i in range(n)]


def spawn(script: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen[str], job: dict[str, Any]) -> dict[str, Any]:
    out, err = proc.communicate(json.dumps(job), timeout=120)
    assert proc.returncode == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def push_workers(store: str, bodies_per_worker: list[list[str]], fail: bool = False) -> list[dict[str, Any]]:
    """Starts every worker first (each imports cardboss, then waits for its job), then hands out
    the jobs, so they run at the same time."""
    procs = [spawn(PUSH_WORKER) for _ in bodies_per_worker]
    for proc, bodies in zip(procs, bodies_per_worker):
        assert proc.stdin is not None
        proc.stdin.write(json.dumps({"store": store, "apikey": KEY, "sid": SID, "bodies": bodies, "fail": fail}))
        proc.stdin.flush()  # communicate() below closes it: the end of the job
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    return results


def test_four_worker_processes_accept_each_push_exactly_once(redis_url: str) -> None:
    ids = fresh_ids(200)
    bodies = [push_body(i) for i in ids]
    # every worker receives every push, each in another order
    orders = [bodies, bodies[::-1], bodies[100:] + bodies[:100], bodies[1::2] + bodies[::2]]
    results = push_workers(redis_url, orders)
    accepted = Counter(i for r in results for i in r["accepted"])
    assert sorted(accepted) == sorted(ids), "every push accepted"
    assert set(accepted.values()) == {1}, "none accepted twice"
    refused = sum(r["push_replay"] + r["push_in_flight"] for r in results)
    assert refused == 3 * len(ids) and sum(r["store_unavailable"] for r in results) == 0
    assert all(r["failed"] == [] for r in results)
    # later deliveries, in any process, are replays: answer success, do not handle again
    [again] = push_workers(redis_url, [bodies])
    assert (again["accepted"], again["push_replay"]) == ([], len(ids))


def test_a_failed_handler_loses_nothing_its_retry_on_another_worker_is_accepted_once(redis_url: str) -> None:
    ids = fresh_ids(50)
    bodies = [push_body(i) for i in ids]
    [first] = push_workers(redis_url, [bodies], fail=True)
    assert first["failed"] == ids and first["accepted"] == []  # each handler raised: released
    [retry] = push_workers(redis_url, [bodies])
    assert retry["accepted"] == ids, "every failed push accepted on its retry (lost: 0)"
    [third] = push_workers(redis_url, [bodies])
    assert (third["accepted"], third["push_replay"]) == ([], len(ids))


def test_two_processes_share_a_cooldown(redis_url: str) -> None:
    with Sandbox(cards=5, strict=True) as sb, sb.client() as client:
        card = active_card(client)
        job = {"store": redis_url, "sid": sb.sid, "apikey": sb.apikey, "base_url": sb.base_url,
               "ops_url": sb.ops_url, "msisdn": card.msisdn}
        assert finish(spawn(CLIENT_WORKER), dict(job, op="suspend")) == {"ok": True}
        # another process, the same store: refused locally, before any request
        refused = finish(spawn(CLIENT_WORKER), dict(job, op="resume"))
        assert refused["kind"] == "cooldown" and 170_000 <= refused["retry_after_ms"] <= 180_000, refused
        assert [e["applied"] for e in sb.ledger() if card.msisdn in e["cards"]] == [True], "nothing else sent"
        # a process with a memory of its own knows nothing of the window: the carrier refuses it
        alone = finish(spawn(CLIENT_WORKER), dict(job, op="resume", store="memory:"))
        assert alone["kind"] == "rate_limited", alone


def test_redis_stopped_mid_run_acknowledges_nothing_and_sends_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "redis"
    url = redis_sh("start", str(folder))
    try:
        guard = cardboss.PushGuard(store=url)
        first, second = (push_body(i) for i in fresh_ids(2))
        with guard.begin(first, KEY):
            pass
        with Sandbox(cards=5, strict=True) as sb, sb.client(cooldown_store=url) as client:
            card = active_card(client)
            redis_sh("stop", str(folder))

            handled: list[str] = []
            with pytest.raises(cardboss.StoreUnavailableError) as down:
                with guard.begin(second, KEY) as push:
                    handled.append(push.id)
            assert handled == [], "not handled, so not acknowledged"
            assert down.value.kind == "store_unavailable" and down.value.code == "STORE_UNAVAILABLE"
            assert "127.0.0.1" in down.value.detail
            # a replay cannot be told either: refused the same way, never taken as new
            with pytest.raises(cardboss.StoreUnavailableError):
                guard.begin(first, KEY)
            with pytest.raises(cardboss.StoreUnavailableError):
                client.suspend(msisdn=card.msisdn)
            assert [e for e in sb.ledger() if card.msisdn in e["cards"]] == [], "no request was sent"
    finally:
        redis_sh("stop", str(folder))
