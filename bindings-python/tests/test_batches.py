"""Bulk results batch by batch (`card_detail_batches`, `current_usage_batches`,
`usage_history_batches`) on both clients, over real HTTP against the sandbox: input order, bad
input refused at the call with nothing sent, a failed batch ends the iteration, and ending early
(break, close(), garbage collection) stops the background fetching."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import gc
import threading
import time
import typing
from collections.abc import Iterator

import pytest

import cardboss
from conftest import Sandbox, Spinner

CHINA = datetime.timezone(datetime.timedelta(hours=8))


def this_month() -> str:
    return datetime.datetime.now(CHINA).strftime("%Y%m")


@pytest.fixture(scope="module")
def bulk() -> Iterator[Sandbox]:
    """A sandbox of its own with 2,000 cards (20 batches), for faults and request counting."""
    sb = Sandbox("example", 2000)
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def fleet(bulk: Sandbox) -> list[cardboss.Card]:
    with bulk.client() as client:
        return list(client.iter_cards())


@pytest.fixture
def clean(bulk: Sandbox) -> Iterator[Sandbox]:
    bulk.admin("faults", {"rate": 0})
    yield bulk
    bulk.admin("faults", {"rate": 0})


def settled_count(sb: Sandbox, endpoint: str) -> int:
    """The request count once requests already on their way have arrived."""
    time.sleep(0.3)
    return sb.requests_to(endpoint)


def test_batches_arrive_in_input_order(client: cardboss.Client, sandbox: Sandbox) -> None:
    cards = [c for p in (1, 2, 3) for c in client.list_cards(p).cards][:250]
    msisdns = [c.msisdn for c in cards]
    before = sandbox.requests_to("card/detail")
    it = client.card_detail_batches(msisdns=msisdns)
    assert isinstance(it, cardboss.BatchIterator) and iter(it) is it
    batches = list(it)
    assert [len(b) for b in batches] == [100, 100, 50]
    assert all(isinstance(d, cardboss.CardDetail) for b in batches for d in b)
    assert [d.msisdn for b in batches for d in b] == msisdns
    assert sandbox.requests_to("card/detail") - before == 3
    with pytest.raises(StopIteration):
        next(it)

    usage = list(client.current_usage_batches(iccids=[c.iccid for c in cards]))
    assert [len(b) for b in usage] == [100, 100, 50]
    assert [u.msisdn for b in usage for u in b] == msisdns
    assert all(isinstance(u, cardboss.CurrentUsage) for b in usage for u in b)

    history = list(client.usage_history_batches(this_month(), msisdns=msisdns[:150], showday="1"))
    assert [len(b) for b in history] == [100, 50]
    assert all(isinstance(u, cardboss.MonthlyUsage) for b in history for u in b)
    assert [u.msisdn for b in history for u in b] == msisdns[:150]


def test_async_batches_arrive_in_input_order(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with sandbox.async_client() as client:
            cards = (await client.list_cards(1)).cards + (await client.list_cards(2)).cards
            msisdns = [c.msisdn for c in cards[:130]]
            it = client.card_detail_batches(msisdns=msisdns)
            assert isinstance(it, cardboss.AsyncBatchIterator) and it.__aiter__() is it
            details = [b async for b in it]
            assert [len(b) for b in details] == [100, 30]
            assert [d.msisdn for b in details for d in b] == msisdns
            with pytest.raises(StopAsyncIteration):
                await it.__anext__()
            usage = [b async for b in client.current_usage_batches(msisdns=msisdns)]
            assert [u.msisdn for b in usage for u in b] == msisdns
            history = [b async for b in client.usage_history_batches(this_month(), iccids=[c.iccid for c in cards[:5]])]
            assert [u.msisdn for b in history for u in b] == msisdns[:5]

    asyncio.run(main())


def test_bad_input_raises_at_the_call_and_sends_nothing(clean: Sandbox, fleet: list[cardboss.Card]) -> None:
    msisdns = [c.msisdn for c in fleet[:150]]
    bad = msisdns[:120] + ["10647x"] + msisdns[120:]
    before = clean.admin("stats")["total"]
    with clean.client() as client:
        with pytest.raises(cardboss.InvalidInputError, match="10647x"):
            client.card_detail_batches(msisdns=bad)
        with pytest.raises(cardboss.InvalidInputError):
            client.current_usage_batches()
        with pytest.raises(cardboss.InvalidInputError, match="month"):
            client.usage_history_batches("199901", msisdns=msisdns)
        with pytest.raises(TypeError):
            client.card_detail_batches(msisdns="1064787000001")  # a str, not a list

    async def main() -> None:
        async with clean.async_client() as client:
            # raised by the call itself, before any iteration or await
            with pytest.raises(cardboss.InvalidInputError, match="10647x"):
                client.card_detail_batches(msisdns=bad)
            with pytest.raises(cardboss.InvalidInputError):
                client.current_usage_batches(iccids=["123"])
            with pytest.raises(cardboss.InvalidInputError, match="month"):
                client.usage_history_batches("2024-01", msisdns=msisdns)

    asyncio.run(main())
    assert settled_count(clean, "card/detail") == clean.requests_to("card/detail")
    assert clean.admin("stats")["total"] == before, "nothing sent for bad input"

    closed = clean.client()
    closed.close()
    with pytest.raises(cardboss.InvalidInputError, match="closed"):
        closed.card_detail_batches(msisdns=msisdns)


def test_a_failed_batch_is_raised_and_ends_the_iteration(clean: Sandbox, fleet: list[cardboss.Card]) -> None:
    msisdns = [c.msisdn for c in fleet[:1000]]
    with clean.client(concurrency=1, max_retries=0) as client:
        it = client.card_detail_batches(msisdns=msisdns)
        got = next(it)
        clean.admin("faults", {"rate": 1.0, "kinds": ["http500"]})
        with pytest.raises(cardboss.HttpError) as err:
            while True:
                got += next(it)
        # the batches before the failure came whole and in order; the error names its batch
        assert len(got) % 100 == 0 and 100 <= len(got) < 1000
        assert [d.msisdn for d in got] == msisdns[: len(got)]
        assert err.value.http_status == 500 and "batch" in (err.value.endpoint or "")
        with pytest.raises(StopIteration):
            next(it)


def test_a_failed_batch_is_raised_and_ends_the_async_iteration(clean: Sandbox, fleet: list[cardboss.Card]) -> None:
    msisdns = [c.msisdn for c in fleet[:1000]]

    async def main() -> None:
        async with clean.async_client(concurrency=1, max_retries=0) as client:
            it = client.card_detail_batches(msisdns=msisdns)
            got = await it.__anext__()
            clean.admin("faults", {"rate": 1.0, "kinds": ["code1090"]})
            with pytest.raises(cardboss.ApiError) as err:
                async for batch in it:
                    got += batch
            assert err.value.code == "1090" and "batch" in (err.value.endpoint or "")
            assert [d.msisdn for d in got] == msisdns[: len(got)] and len(got) < 1000
            with pytest.raises(StopAsyncIteration):
                await it.__anext__()

    asyncio.run(main())


def test_breaking_early_stops_the_fetching(clean: Sandbox, fleet: list[cardboss.Card]) -> None:
    # 20 batches; with concurrency=1 at most one batch waits unread and one more is fetched
    msisdns = [c.msisdn for c in fleet]
    before = clean.requests_to("card/detail")
    with clean.client(concurrency=1) as client:
        for batch in client.card_detail_batches(msisdns=msisdns):
            assert [d.msisdn for d in batch] == msisdns[:100]
            break
        gc.collect()
        stopped = settled_count(clean, "card/detail")
        assert stopped - before <= 4, f"{stopped - before} of 20 batches requested after a break at the first"
        time.sleep(0.5)
        assert clean.requests_to("card/detail") == stopped, "requests went on after the break"


def test_garbage_collecting_an_async_iterator_stops_the_fetching(clean: Sandbox, fleet: list[cardboss.Card]) -> None:
    msisdns = [c.msisdn for c in fleet]
    before = clean.requests_to("card/usage/current")

    async def main() -> None:
        async with clean.async_client(concurrency=1) as client:
            it = client.current_usage_batches(msisdns=msisdns)
            assert len(await it.__anext__()) == 100
            del it
            gc.collect()
            await asyncio.sleep(0.3)
            stopped = clean.requests_to("card/usage/current")
            assert stopped - before <= 4, f"{stopped - before} of 20 batches requested"
            await asyncio.sleep(0.5)
            assert clean.requests_to("card/usage/current") == stopped, "requests went on"

    asyncio.run(main())


def test_close_ends_a_wait_in_progress(clean: Sandbox, fleet: list[cardboss.Card]) -> None:
    clean.admin("faults", {"rate": 1.0, "kinds": ["delay"], "delay_secs": 5})
    msisdns = [c.msisdn for c in fleet[:300]]
    with clean.client() as client:
        it = client.card_detail_batches(msisdns=msisdns)
        outcome: list[object] = []

        def consume() -> None:
            outcome.append(next(it, "stopped"))

        thread = threading.Thread(target=consume)
        thread.start()
        time.sleep(0.3)
        assert thread.is_alive(), "still waiting for the slow batch"
        it.close()
        thread.join(10)
        assert outcome == ["stopped"], "close() ends the iteration instead of waiting for the batch"
        it.close()  # idempotent
        assert next(it, None) is None
        # contextlib.closing works with it
        with contextlib.closing(client.current_usage_batches(msisdns=msisdns)) as closing:
            assert isinstance(closing, cardboss.BatchIterator)
        assert next(closing, None) is None


def test_async_close_ends_a_wait_in_progress(clean: Sandbox, fleet: list[cardboss.Card]) -> None:
    clean.admin("faults", {"rate": 1.0, "kinds": ["delay"], "delay_secs": 5})
    msisdns = [c.msisdn for c in fleet[:300]]

    async def main() -> None:
        async with clean.async_client() as client:
            it = client.card_detail_batches(msisdns=msisdns)
            waiting = asyncio.ensure_future(it.__anext__())
            await asyncio.sleep(0.3)
            assert not waiting.done()
            await it.aclose()
            with pytest.raises(StopAsyncIteration):
                await asyncio.wait_for(waiting, 10)
            # what contextlib.aclosing (3.10+) does
            closing = client.current_usage_batches(msisdns=msisdns)
            try:
                assert isinstance(closing, cardboss.AsyncBatchIterator)
            finally:
                await closing.aclose()
            with pytest.raises(StopAsyncIteration):
                await closing.__anext__()
            closing.close()  # idempotent, also without awaiting

    asyncio.run(main())


def test_waiting_for_a_batch_releases_the_gil(clean: Sandbox, fleet: list[cardboss.Card]) -> None:
    clean.admin("faults", {"rate": 1.0, "kinds": ["delay"], "delay_secs": 1.0})
    with clean.client() as client:
        it = client.card_detail_batches(msisdns=[c.msisdn for c in fleet[:100]])
        with Spinner() as spinner:
            before = spinner.count
            assert len(next(it)) == 100
            during = spinner.count - before
    # With the GIL held for the whole wait the other thread could not have counted at all.
    assert during > 10_000, during


def test_generic_alias_at_run_time() -> None:
    alias = cardboss.BatchIterator[cardboss.CardDetail]
    assert typing.get_origin(alias) is cardboss.BatchIterator
    assert typing.get_args(cardboss.AsyncBatchIterator[cardboss.CurrentUsage]) == (cardboss.CurrentUsage,)
