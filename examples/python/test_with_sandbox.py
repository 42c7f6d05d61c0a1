"""Testing your code against the sandbox, with pytest: the `cardboss_sandbox` fixture (the
`cardboss` package's pytest plugin) gives each test a fresh sandbox running in the test process.

    pytest examples/python/test_with_sandbox.py
"""

from __future__ import annotations

import pytest

import cardboss
from cardboss.testing import Sandbox


def suspend_idle_cards(client: cardboss.Client, limit: int) -> list[str]:
    """The code under test: suspends the first `limit` cards of the account."""
    cards = [card.msisdn for card in client.list_cards(1).cards[:limit]]
    for msisdn in cards:
        client.suspend(msisdn=msisdn)
    return cards


@pytest.fixture
def cardboss_sandbox_options() -> dict[str, object]:
    return {"cards": 50, "strict": True}


def test_suspends_the_cards(cardboss_sandbox: Sandbox) -> None:
    with cardboss_sandbox.client() as client:
        suspended = suspend_idle_cards(client, 3)
        assert [d.msstatus for d in client.card_details(msisdns=suspended)] == [3, 3, 3]
    # the sandbox's ledger shows exactly what was done
    assert sorted(e["cards"][0] for e in cardboss_sandbox.ledger()) == sorted(suspended)


def test_survives_a_flaky_platform(cardboss_sandbox: Sandbox) -> None:
    cardboss_sandbox.set_faults(1.0, ["http502"])
    with cardboss_sandbox.client(max_retries=0) as client, pytest.raises(cardboss.HttpError):
        suspend_idle_cards(client, 1)
    assert cardboss_sandbox.ledger() == []  # a GET failed first: nothing was suspended
