"""Pushes sent by the sandbox to a receiver over real HTTP: a renewal result (OD1002), usage
warnings (OD1010), SMS reports and replies (P0001/P0002); forged and replayed pushes."""

from __future__ import annotations

import json

import pytest

import cardboss
from conftest import Receiver, Sandbox


def renew_and_approve(client: cardboss.Client, sandbox: Sandbox) -> cardboss.RenewalOrder:
    for card in sandbox.fresh_cards(5):
        for pkg in client.packages(msisdn=card.msisdn).pkgs:
            if pkg.pkgcode:
                order = client.renew(pkg.pkgcode, max(pkg.buycycle, 12), msisdn=card.msisdn)
                sandbox.admin(f"orders/{order.orderid}/approve", {})
                return order
    raise AssertionError("no renewable card")


@pytest.mark.parametrize("push_format", ["json", "form"])
def test_renewal_push_verified_forged_and_replayed(faulty: Sandbox, receiver: Receiver, push_format: str) -> None:
    faulty.admin("config", {"push_url": f"{receiver.url}/push", "push_format": push_format})
    guard = cardboss.PushGuard()
    with faulty.client() as client:
        order = renew_and_approve(client, faulty)
    body = receiver.next("/push")

    with guard.begin(body, faulty.apikey, expected_sid=faulty.sid, max_age_ms=300000) as push:
        assert push.sn == "OD1002" and push.sid == faulty.sid
        assert push.content.kind == "renewal_result"
        result = push.content.result
        assert result is not None and result.orderid == order.orderid and result.succeeded()
        assert push.to_dict()["content"]["kind"] == "renewal_result"
        assert "OD1002" in repr(push) and faulty.apikey not in repr(push)
        # the same body while the first is being handled: in flight, the platform retries later
        with pytest.raises(cardboss.PushInFlightError, match="in flight") as busy:
            guard.begin(body, faulty.apikey)
        assert busy.value.kind == "push_in_flight" and busy.value.code == "PUSH_IN_FLIGHT"

    # the same body once committed: a replay (answer success, do not handle it again)
    with pytest.raises(cardboss.PushReplayError, match="replay") as replay:
        guard.begin(body, faulty.apikey)
    assert replay.value.kind == "push_replay" and replay.value.code == "PUSH_REPLAY"

    # a forged push: a valid body whose content was changed, or one signed with another key
    if push_format == "json":
        forged = json.loads(body)
        forged["id"] = "forged-" + forged["id"]
        forged_body = json.dumps(forged).encode()
    else:
        forged_body = body.replace(b"level=info", b"level=error")
        assert forged_body != body
    with pytest.raises(cardboss.PushRejectedError, match="sign"):
        guard.begin(forged_body, faulty.apikey)
    with pytest.raises(cardboss.PushRejectedError):
        cardboss.verify_push(body, "0" * 32)


class HandlerFailed(Exception):
    pass


def test_failed_handler_releases_the_id_so_the_retry_is_handled_once(faulty: Sandbox, receiver: Receiver) -> None:
    faulty.admin("config", {"push_url": f"{receiver.url}/push"})
    guard = cardboss.PushGuard()
    with faulty.client() as client:
        order = renew_and_approve(client, faulty)
    body = receiver.next("/push")

    # the handler raises: the exception propagates unchanged and the id is released
    with pytest.raises(HandlerFailed):
        with guard.begin(body, faulty.apikey, expected_sid=faulty.sid):
            raise HandlerFailed("database down")
    # the platform's retry of the same body is accepted, once
    handled = []
    with guard.begin(body, faulty.apikey, expected_sid=faulty.sid) as push:
        handled.append(push.id)
    assert push.content.result is not None and push.content.result.orderid == order.orderid
    with pytest.raises(cardboss.PushReplayError):
        guard.begin(body, faulty.apikey)
    assert handled == [push.id]

    # the explicit form: release() then commit() on the retry; a used ticket refuses reuse
    other = cardboss.PushGuard(capacity=10, ttl_ms=60_000, store="memory:", in_flight_ms=30_000)
    ticket = other.begin(body, faulty.apikey)
    assert ticket.push.id == push.id and ticket.is_open
    ticket.release()
    assert not ticket.is_open
    with pytest.raises(cardboss.InvalidInputError, match="already committed or released") as used:
        ticket.commit()
    assert used.value.field == "ticket"
    retry = other.begin(body, faulty.apikey)
    assert retry.commit().id == push.id
    assert retry.push.id == push.id and not retry.is_open  # the push stays readable
    with pytest.raises(cardboss.InvalidInputError):
        retry.release()
    with pytest.raises(cardboss.PushReplayError):
        other.begin(body, faulty.apikey)


def test_usage_warning_push(faulty: Sandbox, receiver: Receiver) -> None:
    faulty.admin("config", {"push_url": f"{receiver.url}/push"})
    card = faulty.fresh_cards(1)[0]
    faulty.admin(f"cards/{card.msisdn}/usage", {"flowusage": 1e12})
    push = cardboss.verify_push(receiver.next("/push"), faulty.apikey)
    assert push.sn == "OD1010" and push.content.kind == "usage_warnings"
    assert push.content.warnings and all(w.msisdn == card.msisdn for w in push.content.warnings)
    assert {w.warning_type for w in push.content.warnings} <= {11, 21}


def test_sms_pushes(faulty: Sandbox, receiver: Receiver) -> None:
    faulty.admin("config", {"sms_push_url": f"{receiver.url}/sms"})
    card = faulty.fresh_cards(1)[0]
    with faulty.client() as client:
        receipt = client.send_iot_sms([card.msisdn], "ping")
    faulty.admin("sms/upstream", {"mobile": card.msisdn, "content": "pong"})
    seen_report = seen_reply = False
    while not (seen_report and seen_reply):  # receiver.next() fails after 10 s without a push
        push = cardboss.parse_sms_push(receiver.next("/sms"))
        if push.type == "P0001":
            assert push.replies == []
            seen_report = seen_report or any(r.taskid == receipt.taskid for r in push.reports)
        else:
            assert push.type == "P0002" and push.reports == []
            seen_reply = seen_reply or any(r.content == "pong" and r.mobile == card.msisdn for r in push.replies)
