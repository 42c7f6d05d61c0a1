"""The GIL is released during calls, asyncio calls run concurrently, the card iterator covers a
10,000-card fleet exactly once, the runtime survives fork()."""

from __future__ import annotations

import asyncio
import inspect
import os
import sys
import threading
import time
from collections.abc import Awaitable, Iterator
from typing import Any

import pytest

import cardboss
from conftest import Sandbox, Spinner


@pytest.fixture
def slow(faulty: Sandbox) -> Iterator[Sandbox]:
    """Every answer of the sandbox comes `delay_secs` late."""
    faulty.admin("faults", {"rate": 1.0, "kinds": ["delay"], "delay_secs": 1.0})
    yield faulty
    faulty.admin("faults", {"rate": 0})


def test_gil_is_released_during_a_slow_call(slow: Sandbox) -> None:
    with slow.client() as client, Spinner() as spinner:
        before = spinner.count
        started = time.monotonic()
        assert client.customer().sid == slow.sid
        elapsed = time.monotonic() - started
        during = spinner.count - before
    assert elapsed >= 0.9
    # With the GIL held for the whole second the other thread could not have counted at all.
    assert during > 10_000, during


def test_threads_share_one_client(example_sandbox: Sandbox) -> None:
    with example_sandbox.client() as client:
        results: list[str] = []

        def work() -> None:
            for _ in range(5):
                results.append(client.customer().sid)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == [example_sandbox.sid] * 40


def test_100_concurrent_asyncio_calls(slow: Sandbox) -> None:
    async def main() -> float:
        async with slow.async_client() as client:
            started = time.monotonic()
            results = await asyncio.gather(*(client.customer() for _ in range(100)))
            elapsed = time.monotonic() - started
            assert len(results) == 100 and all(r.sid == slow.sid for r in results)
            return elapsed

    elapsed = asyncio.run(main())
    # each answer takes 1 s: one after the other would take 100 s
    assert elapsed < 15, elapsed


def test_100_concurrent_asyncio_calls_of_different_kinds(example_sandbox: Sandbox) -> None:
    cards = example_sandbox.fresh_cards(50)

    async def main() -> None:
        async with example_sandbox.async_client() as client:
            calls: list[Awaitable[Any]] = [client.card_details(msisdns=[c.msisdn]) for c in cards]
            calls += [client.current_usage(iccids=[c.iccid]) for c in cards]
            results = await asyncio.gather(*calls)
            assert [r[0].msisdn for r in results[:50]] == [c.msisdn for c in cards]
            assert [r[0].msisdn for r in results[50:]] == [c.msisdn for c in cards]

    asyncio.run(main())


def test_cancelling_an_awaitable(slow: Sandbox) -> None:
    async def main() -> None:
        async with slow.async_client() as client:
            task = asyncio.ensure_future(client.customer())
            await asyncio.sleep(0.1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # the client still works
            done = await asyncio.wait_for(client.customer(), 10)
            assert done.sid == slow.sid

    asyncio.run(main())


def test_iter_cards_over_10000_cards_yields_each_once(example_sandbox: Sandbox) -> None:
    with example_sandbox.client() as client:
        total = client.customer().cardqty
        assert total == 10_000
        msisdns = [card.msisdn for card in client.iter_cards()]
    assert len(msisdns) == 10_000
    assert len(set(msisdns)) == 10_000


def test_async_iter_cards_over_10000_cards_yields_each_once(example_sandbox: Sandbox) -> None:
    async def main() -> list[str]:
        async with example_sandbox.async_client() as client:
            return [card.msisdn async for card in client.iter_cards()]

    msisdns = asyncio.run(main())
    assert len(msisdns) == 10_000 == len(set(msisdns))


def test_async_iter_cards_hands_out_a_fetched_card_without_the_event_loop(example_sandbox: Sandbox) -> None:
    async def main() -> None:
        async with example_sandbox.async_client() as client:
            it = client.iter_cards()
            first = await it.__anext__()  # waits for page 1 on the runtime
            ready = it.__anext__()  # card 2 is in the buffer
            assert not isinstance(ready, asyncio.Future) and inspect.isawaitable(ready)
            awaited: object = ready.__await__()
            assert awaited is ready
            second = await ready
            assert isinstance(second, cardboss.Card) and second.msisdn != first.msisdn
            with pytest.raises(RuntimeError, match="already awaited"):
                await ready
            # the ready awaitable works wherever asyncio takes an awaitable
            third, fourth = await asyncio.gather(it.__anext__(), it.__anext__())
            fifth = await asyncio.wait_for(it.__anext__(), 5)
            sixth = await asyncio.ensure_future(it.__anext__())
            rest = [card async for card in it]
            seen = [c.msisdn for c in [first, second, third, fourth, fifth, sixth, *rest]]
            assert len(seen) == len(set(seen)) == 10_000
            # the end is also ready: StopAsyncIteration when awaited, again and again
            end = it.__anext__()
            with pytest.raises(StopAsyncIteration):
                await end
            with pytest.raises(StopAsyncIteration):
                await it.__anext__()

    asyncio.run(main())


@pytest.fixture
def pages() -> Iterator[Sandbox]:
    """A sandbox of its own with 2,000 cards (20 pages), for a failure in the middle."""
    sb = Sandbox("example", 2000)
    yield sb
    sb.stop()


def test_iter_cards_raises_a_failed_page_then_ends(pages: Sandbox) -> None:
    with pages.client(concurrency=1, max_retries=0) as client:
        it = client.iter_cards()
        seen = [next(it).msisdn for _ in range(150)]
        pages.admin("faults", {"rate": 1.0, "kinds": ["http500"]})
        with pytest.raises(cardboss.HttpError) as err:
            for card in it:
                seen.append(card.msisdn)
        assert "page" in (err.value.endpoint or "") and err.value.http_status == 500
        assert len(seen) % 100 == 0 and 200 <= len(seen) < 2000 and len(set(seen)) == len(seen)
        assert next(it, None) is None


def test_async_iter_cards_raises_a_failed_page_then_ends(pages: Sandbox) -> None:
    async def main() -> list[str]:
        async with pages.async_client(concurrency=1, max_retries=0) as client:
            it = client.iter_cards()
            seen = [(await it.__anext__()).msisdn for _ in range(150)]
            pages.admin("faults", {"rate": 1.0, "kinds": ["http500"]})
            with pytest.raises(cardboss.HttpError) as err:
                async for card in it:
                    seen.append(card.msisdn)
            assert "page" in (err.value.endpoint or "") and err.value.http_status == 500
            with pytest.raises(StopAsyncIteration):
                await it.__anext__()
            return seen

    seen = asyncio.run(main())
    assert len(seen) % 100 == 0 and 200 <= len(seen) < 2000 and len(set(seen)) == len(seen)


def test_iterator_can_be_abandoned(example_sandbox: Sandbox) -> None:
    with example_sandbox.client() as client:
        it = client.iter_cards()
        first = [next(it) for _ in range(150)]
        assert len({c.msisdn for c in first}) == 150
        del it


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_client_works_in_a_forked_child(example_sandbox: Sandbox) -> None:
    with example_sandbox.client() as client:
        assert client.customer().sid == example_sandbox.sid  # the parent's runtime is running
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: a fresh runtime and a fresh connection pool
            code = 1
            try:
                os.close(read)
                ok = client.customer().sid == example_sandbox.sid
                ok = ok and len(client.list_cards(3).cards) > 0
                os.write(write, b"ok" if ok else b"bad")
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            answer = pipe.read()
        _, status = os.waitpid(pid, 0)
        assert answer == b"ok" and os.WEXITSTATUS(status) == 0
        assert client.customer().sid == example_sandbox.sid  # the parent still works


def test_keyboard_interrupt_reaches_a_blocked_call(faulty: Sandbox) -> None:
    if sys.platform == "win32":
        pytest.skip("signals")
    import signal

    # Set up what the test relies on: a job started in the background (`cmd &`, nohup, some CI
    # runners) inherits SIGINT as ignored, and Python then installs no handler of its own.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    delay = 30.0
    faulty.admin("faults", {"rate": 1.0, "kinds": ["delay"], "delay_secs": delay})
    before = faulty.requests_to("customer/get")

    def interrupt_once_the_request_arrived() -> None:
        # The sandbox counts a request when it arrives, before its delay: only then is the call
        # surely blocked in the SDK.
        deadline = time.monotonic() + 20
        while faulty.requests_to("customer/get") == before and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)

    try:
        with faulty.client(timeout_ms=int((delay + 10) * 1000)) as client:
            threading.Thread(target=interrupt_once_the_request_arrived, daemon=True).start()
            started = time.monotonic()
            with pytest.raises(KeyboardInterrupt):
                client.customer()
            # Interrupted, not answered: the sandbox would have held the answer for `delay` s.
            assert time.monotonic() - started < delay / 2
    finally:
        signal.signal(signal.SIGINT, previous)
        faulty.admin("faults", {"rate": 0})
