"""`client.fleet_sync()` against the sandbox under injected faults (issue 14), mirroring
sandbox/tests/fleet_sync.rs: a 10,000-card sync at 20% faults delivers every card exactly once
in list order; a crashed sync resumes from its checkpoint (union = fleet, no card twice); the
same through `AsyncClient`; the GIL is free while a batch is awaited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

import cardboss
from conftest import Sandbox, Spinner

ALL_KINDS = ["http500", "http502", "reset", "delay", "truncated", "code1090"]
TIMEOUT = 0.7  # a `delay` fault answers after 1 s


@pytest.fixture(scope="module")
def fleet10k() -> Iterator[Sandbox]:
    sb = Sandbox("example", 10_000, "--seed", "7")
    yield sb
    sb.stop()


def faults(sb: Sandbox, rate: float) -> None:
    got = sb.admin("faults", {"rate": rate, "kinds": ALL_KINDS, "delay_secs": 1.0})
    assert got["rate"] == rate, got


def fleet(sb: Sandbox) -> list[str]:
    faults(sb, 0.0)
    with sb.client() as c:
        return [card.msisdn for card in c.iter_cards()]


def test_ten_thousand_cards_at_20_percent_faults_arrive_exactly_once(fleet10k: Sandbox) -> None:
    expected = fleet(fleet10k)
    faults(fleet10k, 0.2)
    try:
        with fleet10k.client(timeout_ms=int(TIMEOUT * 1000)) as c:
            sync = c.fleet_sync()
            got = [r.msisdn for batch in sync for r in batch]
            report = sync.report
    finally:
        faults(fleet10k, 0.0)
    print(f"fleet_sync of 10,000 cards at 20% faults: {report!r}")
    assert report.finished and report.complete, report
    assert report.missing_cards == [] and report.missing_pages == []
    assert got == expected, "every card once, in list order"
    assert report.cards == 10_000 and report.pages == 100


def test_a_crashed_sync_resumes_from_its_checkpoint(fleet10k: Sandbox) -> None:
    expected = fleet(fleet10k)
    faults(fleet10k, 0.2)
    try:
        with fleet10k.client(timeout_ms=int(TIMEOUT * 1000)) as c:
            first = c.fleet_sync(usage=False)
            delivered: list[cardboss.FleetRecord] = []
            for _ in range(7):
                delivered.extend(next(first))
            checkpoint = first.checkpoint()
            first.close()  # the crash
            assert isinstance(checkpoint, str) and len(checkpoint) < 200, checkpoint
            second = c.fleet_sync(usage=False, checkpoint=checkpoint)
            for batch in second:
                delivered.extend(batch)
            report = second.report
    finally:
        faults(fleet10k, 0.0)
    assert report.complete, report
    assert report.cards == 10_000 - 700
    ids = [r.msisdn for r in delivered]
    assert len(set(ids)) == len(ids), "no card twice"
    assert ids == expected, "union = fleet"
    assert all(r.detail_found and not r.usage_found for r in delivered)


def test_async_fleet_sync_and_its_checkpoint(fleet10k: Sandbox) -> None:
    expected = fleet(fleet10k)[:3_000]

    async def run() -> list[str]:
        async with fleet10k.async_client() as c:
            sync = c.fleet_sync(details=False)
            got: list[str] = []
            async for batch in sync:
                got.extend(r.msisdn for r in batch)
                if len(got) == 2_000:
                    break
            cp = sync.checkpoint()
            await sync.aclose()
            rest = c.fleet_sync(details=False, checkpoint=cp)
            async for batch in rest:
                got.extend(r.msisdn for r in batch)
                if len(got) >= 3_000:
                    break
            await rest.aclose()
            return got

    got = asyncio.run(run())
    assert got[:3_000] == expected


def test_the_gil_is_released_while_a_batch_is_awaited(fleet10k: Sandbox) -> None:
    # Every answer comes a second late, so the first batch cannot be ready (fetched ahead) by the
    # time next() waits for it: the spinner then counts only if next() released the GIL.
    got = fleet10k.admin("faults", {"rate": 1.0, "kinds": ["delay"], "delay_secs": 1.0})
    assert got["rate"] == 1.0, got
    try:
        with fleet10k.client() as c, Spinner() as spinner:
            sync = c.fleet_sync(details=False, usage=False)
            before = spinner.count
            assert len(next(sync)) == 100
            during = spinner.count - before
            sync.close()
            assert list(sync) == [], "closed: the iteration is over"
    finally:
        faults(fleet10k, 0.0)
    assert during > 10_000, during


def test_bad_options_raise_before_anything_is_sent(fleet10k: Sandbox) -> None:
    with fleet10k.client() as c:
        with pytest.raises(cardboss.InvalidInputError):
            c.fleet_sync(checkpoint="not json")
        with pytest.raises(cardboss.InvalidInputError):
            c.fleet_sync(history_month="199901")
