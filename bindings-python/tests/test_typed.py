"""Written for `mypy --strict` (test.sh checks it): the public API used with full annotations,
and run by pytest against the sandbox like the other tests."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Iterator

import cardboss
from conftest import Sandbox


def this_month() -> str:
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y%m")


def fleet(client: cardboss.Client) -> Iterator[cardboss.Card]:
    it: cardboss.CardIterator = client.iter_cards()
    return it


def test_typed_sync_usage(table_sandbox: Sandbox) -> None:
    client: cardboss.Client = cardboss.Client(
        table_sandbox.sid,
        table_sandbox.apikey,
        base_url=table_sandbox.base_url,
        ops_url=table_sandbox.ops_url,
        timeout_ms=10_000,
        connect_timeout_ms=2000,
        max_retries=1,
        concurrency=4,
        utc_offset_minutes=480,
        cooldown_guard=True,
        retry_base_ms=50,
        retry_cap_ms=1000,
    )
    with client as c:
        me: cardboss.Customer = c.customer()
        balance: float = me.balance
        page: cardboss.CardPage = c.list_cards(1)
        first: cardboss.Card = page.cards[0]
        details: list[cardboss.CardDetail] = c.card_details(msisdns=[first.msisdn])
        opt: datetime.date | None = details[0].activedate
        state: cardboss.CardState | int = details[0].state
        fixture = cardboss.Card(msisdn=first.msisdn, state=cardboss.CardState.USABLE)
        usage: list[cardboss.CurrentUsage] = c.current_usage(iccids=[first.iccid])
        iccid: str = usage[0].iccid
        pkgs: cardboss.PackageList = c.packages(msisdn=first.msisdn)
        mainpkg: bool = pkgs.pkgs[0].mainpkg
        pools: list[cardboss.Pool] = c.pools()
        as_dict: dict[str, object] = me.to_dict()
        extra: dict[str, str] = me.extra
        count = sum(1 for _ in fleet(c))
        assert balance > 0 and count == me.cardqty and iccid == first.iccid
        assert isinstance(mainpkg, bool) and isinstance(pools, list) and as_dict["sid"] == me.sid
        assert opt is None or isinstance(opt, datetime.date)
        assert state == first.state and fixture.state == 1 and hash(fixture) == hash(fixture.__copy__())
        assert isinstance(extra, dict)
        batches: cardboss.BatchIterator[cardboss.CardDetail] = c.card_detail_batches(msisdns=[first.msisdn])
        for batch in batches:
            detail: cardboss.CardDetail = batch[0]
            assert detail.msisdn == first.msisdn
        batches.close()
        usage_batches: Iterator[list[cardboss.CurrentUsage]] = c.current_usage_batches(iccids=[first.iccid])
        assert sum(len(b) for b in usage_batches) == 1
        history: list[cardboss.MonthlyUsage] = [
            u for b in c.usage_history_batches(this_month(), msisdns=[first.msisdn]) for u in b
        ]
        assert [u.msisdn for u in history] == [first.msisdn]
        pkg: cardboss.Package = pkgs.pkgs[0]
        try:
            order: cardboss.RenewalOrder = c.renew_package(pkg, 0, msisdn=first.msisdn, audit="manual")
            raise AssertionError(order)
        except cardboss.InvalidInputError as refused:
            assert refused.code == "INVALID_INPUT"
        try:
            c.card_details(msisdns=["x"])
        except cardboss.InvalidInputError as e:
            code: str = e.code
            status: int | None = e.http_status
            assert code == "INVALID_INPUT" and status is None


def test_typed_async_usage(table_sandbox: Sandbox) -> None:
    async def main() -> int:
        async with cardboss.AsyncClient(
            table_sandbox.sid, table_sandbox.apikey, base_url=table_sandbox.base_url
        ) as c:
            me: cardboss.Customer = await c.customer()
            lot, template = await asyncio.gather(
                c.send_iot_sms([me.sid and table_sandbox.fresh_cards(1)[0].msisdn], "typed"),
                c.send_template_sms(["13800000003"], "1002", {"1": "42"}),
            )
            n = 0
            async for card in c.iter_cards():
                n += 1 if card.msisdn else 0
            batches: cardboss.AsyncBatchIterator[cardboss.CurrentUsage] = c.current_usage_batches(
                msisdns=[table_sandbox.fresh_cards(1)[0].msisdn]
            )
            async for batch in batches:
                usage: cardboss.CurrentUsage = batch[0]
                assert usage.msisdn
            await batches.aclose()
            receipts: list[cardboss.SmsReceipt] = [lot, template]
            return n + len(receipts)

    assert asyncio.run(main()) == 402


def test_typed_pure_functions() -> None:
    key = "0123456789abcdef0123456789abcdef"
    text: str = cardboss.encrypt_sms(key, ["1064787000001"], "hi")
    plain: cardboss.SmsPlaintext = cardboss.decrypt_sms(key, text)
    billed: int = cardboss.sms_billing_count(plain.content)
    sign: str = cardboss.sign(["10043", key, cardboss.timestamp()])
    guard = cardboss.PushGuard(capacity=10, ttl_ms=60_000, store="memory:", in_flight_ms=1000)
    try:
        ticket: cardboss.PushTicket = guard.begin(b"{}", key)
        push: cardboss.Push = ticket.commit()
        content: cardboss.PushContent = push.content
        result: cardboss.RenewalResult | None = content.result
        assert result is None
    except cardboss.PushRejectedError as e:
        assert e.kind == "push_rejected"
    sms: cardboss.SmsPush = cardboss.parse_sms_push(b'{"type":"P0002","data":"[]"}')
    replies: list[cardboss.SmsReply] = sms.replies
    assert billed == 1 and len(sign) == 32 and replies == [] and cardboss.PUSH_ACK == "success"
