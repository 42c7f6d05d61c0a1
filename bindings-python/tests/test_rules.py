"""The value rules of the core as Python passes them (issue 20): template variables from a list
or a mapping, the audit mode by code or name, and the month / day windows. Each check reads what
the sandbox received (the SMS it rendered, the order it recorded) or that it received nothing."""

from __future__ import annotations

import asyncio
import datetime
import enum
from typing import Any

import pytest

import cardboss
from conftest import Sandbox
from test_endpoints import renewable

FILLED = "尊敬的xx客户，您的物联网卡用量即将到期，请及时处理。"


def total_requests(sandbox: Sandbox) -> int:
    total: int = sandbox.admin("stats")["total"]
    return total


def last_template_text(sandbox: Sandbox) -> str:
    entries = [e for e in sandbox.admin("ledger") if e["endpoint"] == "sms/sendsms"]
    text: str = entries[-1]["details"]["text"]
    return text


def platform_today(sandbox: Sandbox) -> datetime.date:
    return datetime.date.fromisoformat(sandbox.admin("clock")["now"][:10])


def month_back(sandbox: Sandbox, back: int) -> str:
    today = platform_today(sandbox)
    index = today.year * 12 + today.month - 1 - back
    return f"{index // 12:04}{index % 12 + 1:02}"


@pytest.mark.parametrize(
    "params",
    [
        ["xx客户", "用量即将到期"],
        ("xx客户", "用量即将到期"),
        {1: "xx客户", 2: "用量即将到期"},
        {"2": "用量即将到期", "1": "xx客户"},
        {"@1@": "xx客户", "@2@": "用量即将到期"},
    ],
)
def test_template_params_fill_1_2_in_order(client: cardboss.Client, sandbox: Sandbox, params: Any) -> None:
    receipt = client.send_template_sms(["13800000001"], "1001", params)
    assert receipt.count == 1
    assert last_template_text(sandbox) == FILLED


@pytest.mark.parametrize("params", [{"0": "a"}, {-1: "a"}, {"x": "a"}, {"": "a"}, {"1": "a|b"}, ["a|b"]])
def test_bad_template_params_are_refused_before_sending(client: cardboss.Client, sandbox: Sandbox, params: Any) -> None:
    before = total_requests(sandbox)
    with pytest.raises(cardboss.InvalidInputError, match="params"):
        client.send_template_sms(["13800000001"], "1001", params)
    assert total_requests(sandbox) == before


def test_template_params_of_another_type_are_a_type_error(client: cardboss.Client, sandbox: Sandbox) -> None:
    before = total_requests(sandbox)
    for params in ("xx客户", 42, [1, 2]):
        with pytest.raises(TypeError):
            client.send_template_sms(["13800000001"], "1001", params)  # type: ignore[arg-type]
    assert total_requests(sandbox) == before


class Mode(enum.IntEnum):
    """Any IntEnum of the spec's codes is its int."""

    MANUAL = 1
    AUTOMATIC = 2


@pytest.mark.parametrize(
    "audit, code",
    [(2, 2), (1, 1), (Mode.AUTOMATIC, 2), ("automatic", 2), ("MANUAL", 1)],
)
def test_audit_by_code_or_name(client: cardboss.Client, sandbox: Sandbox, audit: Any, code: int) -> None:
    card, pkg = renewable(client, sandbox)
    order = client.renew(pkg.pkgcode, max(pkg.buycycle, 12), msisdn=card.msisdn, repetition=True, audit=audit)
    recorded = [o for o in sandbox.admin("orders") if o["orderid"] == order.orderid]
    assert [o["audit"] for o in recorded] == [code]


@pytest.mark.parametrize("audit", [0, 3, -1, "auto", ""])
def test_bad_audit_is_refused_before_sending(client: cardboss.Client, sandbox: Sandbox, audit: Any) -> None:
    card = sandbox.fresh_cards(1)[0]
    before = total_requests(sandbox)
    with pytest.raises(cardboss.InvalidInputError, match="audit"):
        client.renew("xagx020", 12, msisdn=card.msisdn, audit=audit)
    assert total_requests(sandbox) == before


def test_months_in_the_window_are_sent(client: cardboss.Client, sandbox: Sandbox) -> None:
    card = sandbox.fresh_cards(1)[0]
    for back in (0, 2):
        month = month_back(sandbox, back)
        [usage] = client.usage_history(month, msisdns=[card.msisdn])
        assert usage.month == month


@pytest.mark.parametrize("back", [-1, -12, 3, 12])
def test_months_outside_the_window_are_refused_before_sending(client: cardboss.Client, sandbox: Sandbox, back: int) -> None:
    card = sandbox.fresh_cards(1)[0]
    before = total_requests(sandbox)
    with pytest.raises(cardboss.InvalidInputError, match="month"):
        client.usage_history(month_back(sandbox, back), msisdns=[card.msisdn])
    with pytest.raises(cardboss.InvalidInputError, match="month"):
        list(client.usage_history_batches(month_back(sandbox, back), msisdns=[card.msisdn]))
    assert total_requests(sandbox) == before


@pytest.mark.filterwarnings("ignore:card/usage/day is withdrawn:DeprecationWarning")
@pytest.mark.parametrize("back", [-1, 7, 30])
def test_days_outside_the_window_are_refused_before_sending(client: cardboss.Client, sandbox: Sandbox, back: int) -> None:
    card = sandbox.fresh_cards(1)[0]
    day = (platform_today(sandbox) - datetime.timedelta(days=back)).strftime("%Y%m%d")
    before = total_requests(sandbox)
    with pytest.raises(cardboss.InvalidInputError, match="day"):
        client.daily_usage(day, msisdns=[card.msisdn])
    assert total_requests(sandbox) == before


def test_async_client_applies_the_same_rules(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with sandbox.async_client() as client:
            await client.send_template_sms(["13800000001"], "1001", ["xx客户", "用量即将到期"])
            assert last_template_text(sandbox) == FILLED
            before = total_requests(sandbox)
            with pytest.raises(cardboss.InvalidInputError, match="month"):
                await client.usage_history(month_back(sandbox, -1), msisdns=["1064787000001"])
            assert total_requests(sandbox) == before

    asyncio.run(main())
