"""`cardboss.testing`: the sandbox started inside the test process, its admin API (the sandbox
crate's own functions), and the pytest plugin's `cardboss_sandbox` fixture. Strict mode, like the
rest of the suite."""

from __future__ import annotations

import asyncio

import pytest

import cardboss
from cardboss.testing import Sandbox
from conftest import Receiver, Spinner


def test_the_plugin_fixture_is_a_running_sandbox(cardboss_sandbox: Sandbox) -> None:
    with cardboss_sandbox.client() as client:
        me = client.customer()
    assert me.sid == cardboss_sandbox.sid
    assert cardboss_sandbox.stats()["total"] == 1
    assert cardboss_sandbox.base_url.startswith("http://127.0.0.1:")
    assert cardboss_sandbox.apikey not in repr(cardboss_sandbox)


def test_with_closes_it() -> None:
    with Sandbox(cards=7, strict=True) as sb:
        with sb.client() as client:
            assert client.customer().cardqty == 7
        assert not sb.closed
    assert sb.closed
    with sb.client(max_retries=0, connect_timeout_ms=1000) as client, pytest.raises(cardboss.TransportError):
        client.customer()
    sb.close()  # idempotent


def test_async_with_and_async_client() -> None:
    async def main() -> Sandbox:
        async with Sandbox(cards=3, style="table", strict=True) as sb:
            async with sb.async_client() as client:
                assert (await client.customer()).cardqty == 3
        return sb

    assert asyncio.run(main()).closed


def test_clock_advance_ends_a_cooldown() -> None:
    with Sandbox(cards=5, strict=True) as sb, sb.client() as client:
        card = client.list_cards(1).cards[0]
        client.suspend(msisdn=card.msisdn)
        # the SDK's guard refuses locally, the sandbox itself refuses without the guard
        with pytest.raises(cardboss.CooldownError):
            client.resume(msisdn=card.msisdn)
        with sb.client(cooldown_guard=False) as unguarded:
            with pytest.raises(cardboss.ApiError) as refused:
                unguarded.resume(msisdn=card.msisdn)
            assert refused.value.carrier_code == "13009"
            clock = sb.advance_clock(181)
            assert clock["offset_secs"] == 181
            unguarded.resume(msisdn=card.msisdn)
        assert client.card_details(msisdns=[card.msisdn])[0].msstatus == 2
        applied = [e for e in sb.ledger() if card.msisdn in e["cards"] and e["applied"]]
        assert len(applied) == 2


def test_faults_on_and_off() -> None:
    with Sandbox(cards=5, strict=True) as sb, sb.client(max_retries=0) as client:
        config = sb.set_faults(1.0, ["http500"])
        assert config["rate"] == 1.0 and config["kinds"] == ["http500"]
        with pytest.raises(cardboss.HttpError) as err:
            client.customer()
        assert err.value.http_status == 500
        sb.set_faults(0.0)
        assert client.customer().cardqty == 5


def renewal_orders(sb: Sandbox, client: cardboss.Client, n: int) -> list[cardboss.RenewalOrder]:
    orders: list[cardboss.RenewalOrder] = []
    for card in client.list_cards(1).cards:
        for pkg in client.packages(msisdn=card.msisdn).pkgs:
            if pkg.pkgcode and len(orders) < n:
                orders.append(client.renew(pkg.pkgcode, max(pkg.buycycle, 12), msisdn=card.msisdn))
                break
    assert len(orders) == n, "not enough renewable cards"
    return orders


def test_approve_and_reject_orders_push_the_results(receiver: Receiver) -> None:
    with Sandbox(cards=20, strict=True) as sb, sb.client() as client:
        sb.set_push_url(f"{receiver.url}/push")
        approved, rejected = renewal_orders(sb, client, 2)
        assert {o["orderid"] for o in sb.orders()} == {approved.orderid, rejected.orderid}
        guard = cardboss.PushGuard()

        assert sb.approve_order(approved.orderid)["status"] == "confirmed"
        push = guard.begin(receiver.next("/push"), sb.apikey, expected_sid=sb.sid, max_age_ms=300000).commit()
        result = push.content.result
        assert push.sn == "OD1002" and result is not None
        assert result.orderid == approved.orderid and result.succeeded()

        assert sb.reject_order(rejected.orderid)["status"] == "rejected"
        push = guard.begin(receiver.next("/push"), sb.apikey, expected_sid=sb.sid, max_age_ms=300000).commit()
        result = push.content.result
        assert result is not None and result.orderid == rejected.orderid and not result.succeeded()

        assert "renew.rejected" in [e["action"] for e in sb.ledger()]
        # an order is decided once
        with pytest.raises(cardboss.InvalidInputError):
            sb.approve_order(rejected.orderid)


def test_send_warning_pushes_od1010(receiver: Receiver) -> None:
    with Sandbox(cards=3, strict=True) as sb:
        sb.set_push_url(f"{receiver.url}/push")
        msisdn = sb.client().list_cards(1).cards[0].msisdn
        sent = sb.send_warning(msisdn, 31)
        assert sent["pushed"] is True and sent["item"]["msisdn"] == msisdn
        push = cardboss.PushGuard().begin(receiver.next("/push"), sb.apikey, max_age_ms=300000).commit()
        assert push.sn == "OD1010"
        assert [w.warning_type for w in push.content.warnings] == [31]


@pytest.mark.parametrize(
    "bad", [{"apikey": "short"}, {"faults": 1.5}, {"faults": -0.1}, {"style": "nope"}, {"cards": -1}, {"seed": -1}]
)
def test_a_bad_configuration_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(cardboss.InvalidInputError):
        Sandbox(**bad)  # type: ignore[arg-type]


def test_bad_admin_calls_are_refused() -> None:
    with Sandbox(cards=2) as sb:
        with pytest.raises(cardboss.InvalidInputError, match="no order"):
            sb.approve_order("nope")
        with pytest.raises(cardboss.InvalidInputError, match="kinds"):
            sb.set_faults(0.5, ["nope"])
        with pytest.raises(cardboss.InvalidInputError):
            sb.send_warning(sb.card(sb.client().list_cards(1).cards[0].msisdn)["msisdn"], 99)
        with pytest.raises(cardboss.InvalidInputError, match="no card"):
            sb.card("0")


def test_admin_calls_release_the_gil() -> None:
    with Sandbox(cards=2000) as sb, Spinner() as spinner:
        before = spinner.count
        for _ in range(20):
            sb.ledger()
            sb.reset()
        assert spinner.count > before
