"""Every endpoint, over real HTTP, against the sandbox in both response styles (`sandbox` is
parametrized: each test runs once with `--style example` and once with `--style table`)."""

from __future__ import annotations

import asyncio
import datetime
import warnings

import pytest

import cardboss
from conftest import Sandbox

CHINA = datetime.timezone(datetime.timedelta(hours=8))


def this_month() -> str:
    return datetime.datetime.now(CHINA).strftime("%Y%m")


def today() -> str:
    return datetime.datetime.now(CHINA).strftime("%Y%m%d")


def test_customer(client: cardboss.Client, sandbox: Sandbox) -> None:
    me = client.customer()
    assert isinstance(me, cardboss.Customer)
    assert me.sid == sandbox.sid
    assert me.status == 1 and me.balance > 0 and me.cardqty > 0
    assert me.to_dict()["sid"] == sandbox.sid
    assert repr(me).startswith("Customer(sid=")
    assert me == client.customer()


def test_list_cards_and_pages(client: cardboss.Client) -> None:
    page = client.list_cards()
    assert isinstance(page, cardboss.CardPage)
    assert page.pageindex == 1 and page.totalpage >= 1 and page.count >= len(page.cards) > 0
    card = page.cards[0]
    assert card.msisdn.isdigit() and len(card.iccid) in (19, 20) and card.imsi
    assert client.list_cards(2).pageindex == 2
    assert isinstance(page.cards, list)


def test_card_details_by_msisdns_and_iccids(client: cardboss.Client, sandbox: Sandbox) -> None:
    cards = sandbox.fresh_cards(3)
    by_msisdn = client.card_details(msisdns=[c.msisdn for c in cards])
    assert [d.msisdn for d in by_msisdn] == [c.msisdn for c in cards]
    by_iccid = client.card_details(iccids=[c.iccid for c in cards])
    assert [d.iccid for d in by_iccid] == [c.iccid for c in cards]
    d = by_msisdn[0]
    # fields whose names differ between the spec's tables and examples are filled in both styles
    assert d.mno in ("CM", "CT", "UN")
    assert d.online != "" and d.onoff != ""
    assert isinstance(d.msstatus, int) and isinstance(d.pkgtotalflow, float)
    assert d.monthsyncdate is None or isinstance(d.monthsyncdate, datetime.date)
    # msisdns win when both lists are given
    both = client.card_details(msisdns=[cards[0].msisdn], iccids=[cards[1].iccid])
    assert [x.msisdn for x in both] == [cards[0].msisdn]


def test_card_details_batches_beyond_100(client: cardboss.Client, sandbox: Sandbox) -> None:
    cards = [c for p in (1, 2, 3) for c in client.list_cards(p).cards][:250]
    before = sandbox.requests_to("card/detail")
    details = client.card_details(msisdns=[c.msisdn for c in cards])
    assert [d.msisdn for d in details] == [c.msisdn for c in cards]
    assert sandbox.requests_to("card/detail") - before == 3


def test_current_usage(client: cardboss.Client, sandbox: Sandbox) -> None:
    cards = sandbox.fresh_cards(2)
    usage = client.current_usage(msisdns=[c.msisdn for c in cards])
    assert [u.msisdn for u in usage] == [c.msisdn for c in cards]
    assert usage[0].iccid == usage[0].iccids == cards[0].iccid
    assert usage[0].flowusage >= 0 and isinstance(usage[0].smsusage, int)
    assert client.current_usage(iccids=[cards[0].iccid])[0].msisdn == cards[0].msisdn


def test_usage_history(client: cardboss.Client, sandbox: Sandbox) -> None:
    cards = sandbox.fresh_cards(2)
    history = client.usage_history(this_month(), msisdns=[c.msisdn for c in cards])
    assert {h.msisdn for h in history} <= {c.msisdn for c in cards}
    for h in history:
        assert h.month == this_month()
    by_iccid = client.usage_history(this_month(), iccids=[cards[0].iccid], showday="1")
    assert all(h.iccid == cards[0].iccid for h in by_iccid)
    with pytest.raises(cardboss.InvalidInputError):
        client.usage_history("199901", msisdns=[cards[0].msisdn])


def test_withdrawn_endpoints_warn_and_answer(client: cardboss.Client, sandbox: Sandbox) -> None:
    with pytest.warns(DeprecationWarning, match="withdrawn"):
        arrears = client.arrears()
    assert isinstance(arrears, cardboss.ArrearsPage) and arrears.pageindex == 1
    card = sandbox.fresh_cards(1)[0]
    with pytest.warns(DeprecationWarning):
        daily = client.daily_usage(today(), msisdns=[card.msisdn])
    assert isinstance(daily, cardboss.DailyUsage) and daily.day == today()
    assert all(u.msisdn == card.msisdn for u in daily.usages)


def test_packages(client: cardboss.Client, sandbox: Sandbox) -> None:
    card = sandbox.fresh_cards(1)[0]
    pkgs = client.packages(msisdn=card.msisdn)
    assert pkgs.count == len(pkgs.pkgs) >= 1
    p = pkgs.pkgs[0]
    assert p.pkgcode and isinstance(p.mainpkg, bool) and isinstance(p.buycycle, int)
    assert client.packages(iccid=card.iccid) == pkgs


def test_pools(client: cardboss.Client) -> None:
    pools = client.pools()
    assert isinstance(pools, list)
    for pool in pools:
        assert isinstance(pool, cardboss.Pool) and pool.poolid


def renewable(client: cardboss.Client, sandbox: Sandbox) -> tuple[cardboss.Card, cardboss.Package]:
    for card in sandbox.fresh_cards(5):
        for pkg in client.packages(msisdn=card.msisdn).pkgs:
            if pkg.pkgcode:
                return card, pkg
    raise AssertionError("no renewable card")


def test_renew(client: cardboss.Client, sandbox: Sandbox) -> None:
    card, pkg = renewable(client, sandbox)
    order = client.renew(pkg.pkgcode, max(pkg.buycycle, 12), msisdn=card.msisdn, remark="python test")
    assert isinstance(order, cardboss.RenewalOrder)
    assert order.msisdn == card.msisdn and order.orderid and order.orderamount > 0
    # a second order for the same card while one is pending is refused (1080), unless repetition
    with pytest.raises(cardboss.ApiError) as err:
        client.renew(pkg.pkgcode, max(pkg.buycycle, 12), msisdn=card.msisdn)
    assert err.value.code == "1080" and err.value.endpoint == "card/pkg/renew"
    again = client.renew(pkg.pkgcode, max(pkg.buycycle, 12), iccid=card.iccid, repetition=True, audit="automatic")
    assert again.orderid != order.orderid


def long_or_month_pack(client: cardboss.Client, sandbox: Sandbox) -> tuple[cardboss.Card, cardboss.Package]:
    """A card and one of its packages that the spec's length rule applies to."""
    for _ in range(10):
        for card in sandbox.fresh_cards(5):
            for pkg in client.packages(msisdn=card.msisdn).pkgs:
                if pkg.pkgcode and pkg.pkgcategory in (1, 2) and pkg.buycycle > 1:
                    return card, pkg
    raise AssertionError("no card with a month or long pack")


def test_renew_package(client: cardboss.Client, sandbox: Sandbox) -> None:
    card, pkg = long_or_month_pack(client, sandbox)
    # too short for a month pack (at least 12 months), or not whole cycles of a long pack
    wrong = 6 if pkg.pkgcategory == 1 else pkg.buycycle + 1
    before = sandbox.requests_to("card/pkg/renew")
    with pytest.raises(cardboss.InvalidInputError, match="months") as err:
        client.renew_package(pkg, wrong, msisdn=card.msisdn)
    assert err.value.code == "INVALID_INPUT" and err.value.endpoint is None
    assert sandbox.requests_to("card/pkg/renew") == before, "refused locally, nothing sent"
    # the options are checked like renew's
    with pytest.raises(cardboss.InvalidInputError, match="audit"):
        client.renew_package(pkg, 12, msisdn=card.msisdn, audit="sometimes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.renew_package(pkg.pkgcode, 12, msisdn=card.msisdn)  # type: ignore[arg-type]
    assert sandbox.requests_to("card/pkg/renew") == before
    # plain renew sends the same order and the platform refuses it
    with pytest.raises(cardboss.ApiError) as refused:
        client.renew(pkg.pkgcode, wrong, msisdn=card.msisdn)
    assert refused.value.code == "1031"
    assert sandbox.requests_to("card/pkg/renew") == before + 1

    months = 2 * pkg.buycycle if pkg.pkgcategory == 2 else 12
    order = client.renew_package(pkg, months, iccid=card.iccid, audit="manual", remark="renew_package test")
    assert isinstance(order, cardboss.RenewalOrder) and order.orderid
    assert order.msisdn == card.msisdn
    assert sandbox.requests_to("card/pkg/renew") == before + 2
    placed = [o for o in sandbox.admin("orders") if o["orderid"] == order.orderid]
    assert len(placed) == 1
    assert placed[0]["pkgcode"] == pkg.pkgcode and placed[0]["month"] == months
    assert placed[0]["audit"] == 1 and placed[0]["remark"] == "renew_package test"


def test_async_renew_package(sandbox: Sandbox) -> None:
    with sandbox.client() as sync:
        card, pkg = long_or_month_pack(sync, sandbox)

    async def main() -> cardboss.RenewalOrder:
        async with sandbox.async_client() as client:
            before = sandbox.requests_to("card/pkg/renew")
            with pytest.raises(cardboss.InvalidInputError, match="months"):
                await client.renew_package(pkg, 0, msisdn=card.msisdn)
            with pytest.raises(cardboss.InvalidInputError):
                await client.renew_package(pkg, 12)  # no card
            assert sandbox.requests_to("card/pkg/renew") == before
            months = pkg.buycycle if pkg.pkgcategory == 2 else 12
            return await client.renew_package(pkg, months, msisdn=card.msisdn, repetition=False)

    order = asyncio.run(main())
    assert order.msisdn == card.msisdn and order.orderid


def test_lifecycle_operations(client: cardboss.Client, sandbox: Sandbox) -> None:
    a, b, c, d, e = sandbox.fresh_cards(5)
    assert client.end_test_period(msisdn=a.msisdn) is None
    assert client.force_activate(iccid=b.iccid) is None
    assert client.suspend(msisdn=c.msisdn) is None
    assert client.card_details(msisdns=[c.msisdn])[0].msstatus == 3
    detail = client.card_details(msisdns=[d.msisdn])[0]
    apn = detail.openapns.split(",")[0] or None
    assert client.disable_data(msisdn=d.msisdn, apn=apn) is None
    assert client.add_voice_whitelist(["13800000001", "13800000002"], msisdn=e.msisdn, group="g1") is None


def test_resume_and_enable_data_after_the_carrier_window(sandbox: Sandbox) -> None:
    # the cooldown guard is off so the sandbox's clock decides; it moves 181 s ahead
    with sandbox.client(cooldown_guard=False) as client:
        c, d = sandbox.fresh_cards(2)
        client.suspend(msisdn=c.msisdn)
        detail = client.card_details(msisdns=[d.msisdn])[0]
        apn = detail.openapns.split(",")[0] or None
        client.disable_data(msisdn=d.msisdn, apn=apn)
        sandbox.admin("clock/advance", {"seconds": 181})
        client.resume(msisdn=c.msisdn)
        assert client.card_details(msisdns=[c.msisdn])[0].msstatus == 2
        client.enable_data(msisdn=d.msisdn, apn=apn, min_left_percent=0)


def test_sms_send_and_queues(client: cardboss.Client, sandbox: Sandbox) -> None:
    a, b = sandbox.fresh_cards(2)
    receipt = client.send_iot_sms([a.msisdn, b.msisdn], "reboot")
    assert isinstance(receipt, cardboss.SmsReceipt)
    assert receipt.count == 2 and receipt.fee == 2 and receipt.taskid
    assert receipt.taskids == [receipt.taskid]
    encrypted = client.send_iot_sms_encrypted([a.msisdn], "江苏 reboot")
    assert encrypted.count == 1 and encrypted.taskid != receipt.taskid
    template = client.send_template_sms(["13800000001"], "1002", {"1": "123456"})
    assert template.count == 1
    pairs = client.send_template_sms(["13800000002"], "1001", ["张三", "即将到期"])
    assert pairs.count == 1
    reports = client.sms_reports()
    assert any(r.taskid == receipt.taskid and r.mobile == a.msisdn for r in reports)
    assert all(isinstance(r.delivered(), bool) for r in reports)
    sandbox.admin("sms/upstream", {"mobile": a.msisdn, "content": "pong"})
    replies = client.sms_replies()
    assert any(r.mobile == a.msisdn and r.content == "pong" for r in replies)


def test_iter_cards_small_fleet(table_sandbox: Sandbox) -> None:
    with table_sandbox.client() as client:
        cards = list(client.iter_cards())
        assert len(cards) == client.customer().cardqty == len({c.msisdn for c in cards})


def test_async_endpoints(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with sandbox.async_client() as client:
            a, b, c = sandbox.fresh_cards(3)
            me, page, pools = await asyncio.gather(client.customer(), client.list_cards(), client.pools())
            assert me.sid == sandbox.sid and page.cards and isinstance(pools, list)
            details = await client.card_details(msisdns=[a.msisdn, b.msisdn])
            assert [d.msisdn for d in details] == [a.msisdn, b.msisdn]
            assert (await client.current_usage(iccids=[a.iccid]))[0].msisdn == a.msisdn
            assert isinstance(await client.usage_history(this_month(), msisdns=[a.msisdn]), list)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                assert (await client.arrears()).pageindex == 1
                assert (await client.daily_usage(today(), msisdns=[a.msisdn])).day == today()
            pkgs = await client.packages(msisdn=a.msisdn)
            assert pkgs.msisdn == a.msisdn
            assert await client.suspend(msisdn=c.msisdn) is None
            with pytest.raises(cardboss.CooldownError):
                await client.resume(msisdn=c.msisdn)
            receipt = await client.send_iot_sms([b.msisdn], "hello")
            assert receipt.count == 1
            assert isinstance(await client.sms_reports(), list)
            assert isinstance(await client.sms_replies(), list)
            with pytest.raises(cardboss.InvalidInputError):
                await client.card_details()
        assert client.closed

    asyncio.run(main())
