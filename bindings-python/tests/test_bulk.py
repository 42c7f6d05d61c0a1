"""`client.bulk(...)` and `client.bulk_iter(...)` (issue 15) against the in-process sandbox in
strict mode, mirroring sandbox/tests/bulk.rs: a suspend then a resume after the window, a dry
run that sends nothing, `check_state` skips, bad input refused before any request, each card
settled once, the async forms, and stopping (the iterator's close, Ctrl-C, a cancelled task)
that leaves a valid journal. The models are frozen, built from keyword arguments and pickle.
"""

from __future__ import annotations

import asyncio
import copy
import fcntl
import json
import os
import pickle
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cardboss
from cardboss import BulkOutcome, BulkReport, OutcomeStatus
from cardboss.testing import Sandbox

# Far longer than any wait below needs; only reached when something is broken.
PATIENCE = 60.0


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(cards=300, strict=True) as sandbox:
        yield sandbox


def normal_cards(sb: Sandbox, n: int) -> list[str]:
    """Cards in state 正常 (msstatus 2): suspendable."""
    with sb.client() as c:
        out: list[str] = []
        page = 1
        while len(out) < n:
            ids = [card.msisdn for card in c.list_cards(page).cards]
            assert ids, "the sandbox has too few normal cards"
            out.extend(d.msisdn for d in c.card_details(msisdns=ids) if d.msstatus == 2)
            page += 1
        return out[:n]


def applied(sb: Sandbox, stopkeep: str) -> Counter[str]:
    """Applied card/stopkeep operations per card, from the sandbox's ledger."""
    count: Counter[str] = Counter()
    for e in sb.ledger():
        if e["endpoint"].endswith("card/stopkeep") and e["applied"] and e["details"].get("stopkeep") == stopkeep:
            count.update(e["cards"])
    return count


def total(sb: Sandbox) -> int:
    n: int = sb.stats()["total"]
    return n


def by_card(outcomes: list[BulkOutcome]) -> dict[str, BulkOutcome]:
    got = {o.card: o for o in outcomes}
    assert len(got) == len(outcomes), "a card was settled twice"
    return got


def journal_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def assert_graceful(path: Path) -> None:
    """A run stopped gracefully leaves no intent without an outcome after it."""
    pending: set[str] = set()
    for line in journal_lines(path):
        if line["kind"] == "intent":
            pending.add(line["card"])
        elif line["kind"] == "outcome":
            pending.discard(line["outcome"]["card"])
        elif line["kind"] == "requeued":
            pending.discard(line["card"])
    assert not pending, f"intents without an outcome: {pending}"


def outcomes_in(path: Path) -> int:
    if not path.exists():
        return 0
    return path.read_text().count('"kind":"outcome"')


def wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def lock_is_free(path: Path) -> bool:
    """The journal's lock is released (its run is over)."""
    with path.open("a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(f, fcntl.LOCK_UN)
        return True


def cooling_and_fresh(c: cardboss.Client, sb: Sandbox, cooling: int, fresh: int) -> tuple[list[str], list[str]]:
    """Cards `c` has just suspended (their window is open: a suspend of them waits ~3 min), and
    cards it may suspend now. A suspend over both cannot end on its own before the window
    closes: a stop is what ends it, with the fresh cards done and the others never sent."""
    cards = normal_cards(sb, cooling + fresh)
    report = c.bulk("suspend", msisdns=cards[:cooling])
    assert report.done == cooling, report
    return cards[:cooling], cards[cooling:]


# ---------------------------------------------------------------------------------------------


def test_suspend_then_resume_after_the_window(sb: Sandbox) -> None:
    cards = normal_cards(sb, 12)
    with sb.client() as c:
        before = total(sb)
        report = c.bulk("suspend", msisdns=cards, concurrency=4)
        assert isinstance(report, BulkReport)
        assert (report.op, report.cards, report.done) == ("suspend", 12, 12), report
        assert report.all_done() and report.stopped is None
        assert report.requests == total(sb) - before == 12
        outcomes = by_card(report.outcomes)
        assert set(outcomes) == set(cards)
        assert all(o.status is OutcomeStatus.DONE and o.attempts == 1 for o in report.outcomes)
        status: object = report.outcomes[0].status
        assert status == "done", "a str enum: equal to its wire name"
        assert applied(sb, "0") == Counter(cards)

        # The client remembers the windows: without waiting, nothing is sent.
        before = total(sb)
        report = c.bulk("resume", msisdns=cards, wait_cooldowns=False)
        assert report.not_attempted == 12, report
        assert "cooling down" in (report.outcomes[0].note or "")
        assert total(sb) == before

        sb.advance_clock(181)
        c.clear_cooldowns()
        report = c.bulk("resume", msisdns=cards)
        assert report.done == 12, report
        assert applied(sb, "1") == Counter(cards)
        assert {d.msstatus for d in c.card_details(msisdns=cards)} == {2}


def test_a_dry_run_sends_nothing(sb: Sandbox, tmp_path: Path) -> None:
    cards = normal_cards(sb, 5)
    journal = tmp_path / "dry.jsonl"
    with sb.client() as c:
        before = total(sb)
        report = c.bulk("suspend", cards=cards, dry_run=True, journal=journal)
        assert total(sb) == before
        assert report.not_attempted == 5 and report.requests == 0, report
        assert all((o.note or "").startswith("dry run") for o in report.outcomes)
        assert not journal.exists(), "a dry run writes no journal"
        assert sb.ledger() == []


def test_check_state_skips_cards_already_there(sb: Sandbox) -> None:
    cards = normal_cards(sb, 6)
    with sb.client() as c:
        c.suspend(msisdn=cards[0])
        before = total(sb)
        report = c.bulk("suspend", cards=cards, check_state=True)
        outcomes = by_card(report.outcomes)
        assert outcomes[cards[0]].status is OutcomeStatus.SKIPPED
        assert outcomes[cards[0]].observed_msstatus == 3
        assert (report.skipped, report.done) == (1, 5), report
        # One read of the six cards, five suspends.
        assert report.requests == total(sb) - before == 6
        assert applied(sb, "0")[cards[0]] == 1


def test_bad_input_raises_before_any_request(sb: Sandbox, tmp_path: Path) -> None:
    m = normal_cards(sb, 1)[0]
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    one = {"msisdns": [m]}
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("suspend", {"msisdns": [m, m]}, "cards"),
        ("suspend", {"msisdns": ["12ab"]}, "msisdns"),
        ("suspend", {"msisdns": []}, "cards"),
        ("suspend", {}, "cards"),
        ("suspend", {"cards": [m], "iccids": ["89860000000000000001"]}, "cards"),
        ("explode", one, "op"),
        ("suspend", {**one, "pkgcode": "P1"}, "pkgcode"),
        ("resume", {**one, "apn": "cmnet"}, "apn"),
        ("renew", {**one, "pkgcode": "P1", "months": 0}, "months"),
        ("renew", {**one, "pkgcode": "P1"}, "months"),
        ("renew", {**one, "pkgcode": "P1", "months": 12, "startdate": "2024-13-01"}, "startdate"),
        ("renew", {**one, "pkgcode": "P1", "months": 12, "audit": "bogus"}, "audit"),
        ("renew", {**one, "pkgcode": "P1", "months": 12, "audit": 7}, "audit"),
        ("enable_data", {**one, "min_left_percent": 101}, "min_left_percent"),
        ("suspend", {**one, "concurrency": 0}, "concurrency"),
        ("suspend", {**one, "deadline_ms": -1}, "deadline_ms"),
        ("suspend", {**one, "max_requeues": -1}, "max_requeues"),
        ("suspend", {**one, "journal": notes}, "journal"),
    ]
    before = total(sb)

    async def refused_async() -> None:
        async with sb.async_client() as ac:
            for op, kwargs, field in cases:
                with pytest.raises(cardboss.InvalidInputError) as raised:
                    ac.bulk_iter(op, **kwargs)
                assert raised.value.field == field, (op, kwargs, raised.value)
                with pytest.raises(cardboss.InvalidInputError) as raised:
                    await ac.bulk(op, **kwargs)
                assert raised.value.field == field, (op, kwargs, raised.value)

    with sb.client() as c:
        for op, kwargs, field in cases:
            for call in (c.bulk, c.bulk_iter):
                with pytest.raises(cardboss.InvalidInputError) as raised:
                    call(op, **kwargs)
                assert raised.value.field == field, (op, kwargs, raised.value)
    asyncio.run(refused_async())
    assert notes.read_text() == "my notes\n", "a file that is not a journal is never written"
    assert total(sb) == before


def test_bulk_iter_yields_each_card_once_as_settled(sb: Sandbox) -> None:
    cards = normal_cards(sb, 30)
    with sb.client() as c, c.bulk_iter("suspend", msisdns=cards, concurrency=3) as run:
        got = list(run)
        report = run.report
    assert sorted(o.card for o in got) == sorted(cards)
    assert got == report.outcomes, "the report lists the outcomes in the order they came"
    assert report.done == 30 and report.all_done()
    assert applied(sb, "0") == Counter(cards)


def test_closing_the_iterator_cancels_and_leaves_a_valid_journal(sb: Sandbox, tmp_path: Path) -> None:
    journal = tmp_path / "suspend.jsonl"
    with sb.client() as c:
        cooling, fresh = cooling_and_fresh(c, sb, 4, 6)
        run = c.bulk_iter("suspend", msisdns=fresh + cooling, journal=journal, concurrency=1)
        with pytest.raises(cardboss.InvalidInputError, match="in use"):
            c.bulk("suspend", msisdns=fresh, journal=journal)
        first = [next(run) for _ in range(3)]
        assert all(o.status is OutcomeStatus.DONE for o in first)
        run.close()  # the cooling cards' window is still open: only a stop ends this run
        assert list(run) == [], "closed: the iteration is over"
        report = run.report
        assert report.stopped == "cancelled", report
        # The request in flight at the close finished; nothing else was sent.
        assert report.done in (3, 4) and report.not_attempted == 10 - report.done, report
        assert report.outcomes[:3] == first
        assert lock_is_free(journal)
        assert_graceful(journal)

        # The same journal again: the done cards are not sent again, the others are.
        again = c.bulk("suspend", msisdns=fresh, journal=journal)
        assert again.from_journal == report.done and again.done == 6, again
        assert again.requests == 6 - report.done
    assert applied(sb, "0") == Counter(fresh + cooling), "each card suspended once"


def test_ctrl_c_cancels_the_run_and_waits_for_its_requests(sb: Sandbox, tmp_path: Path) -> None:
    journal = tmp_path / "suspend.jsonl"
    with sb.client() as c:
        cooling, fresh = cooling_and_fresh(c, sb, 3, 5)

        def interrupt() -> None:
            wait_for(lambda: outcomes_in(journal) >= len(fresh), "the fresh cards' outcomes")
            os.kill(os.getpid(), signal.SIGINT)

        thread = threading.Thread(target=interrupt)
        thread.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                c.bulk("suspend", msisdns=fresh + cooling, journal=journal, concurrency=1)
        finally:
            thread.join()
        assert lock_is_free(journal), "the run was over when the interrupt was raised"
        assert_graceful(journal)
        last = {line["outcome"]["card"]: line["outcome"]["status"] for line in journal_lines(journal) if line["kind"] == "outcome"}
        assert last == {m: "done" for m in fresh}, "the cooling cards were never sent"
    assert applied(sb, "0") == Counter(fresh + cooling), "each card suspended once"


def test_the_async_forms(sb: Sandbox) -> None:
    cards = normal_cards(sb, 20)

    async def main() -> tuple[BulkReport, list[BulkOutcome], BulkReport]:
        async with sb.async_client() as c:
            report = await c.bulk("suspend", msisdns=cards[:10])
            got: list[BulkOutcome] = []
            async with c.bulk_iter("suspend", msisdns=cards[10:], concurrency=2) as run:
                async for o in run:
                    got.append(o)
                return report, got, run.report

    report, got, iter_report = asyncio.run(main())
    assert report.done == 10, report
    assert sorted(o.card for o in got) == sorted(cards[10:])
    assert iter_report.done == 10 and iter_report.outcomes == got
    assert applied(sb, "0") == Counter(cards)


def test_cancelling_the_awaiting_task_cancels_the_run(sb: Sandbox, tmp_path: Path) -> None:
    journal = tmp_path / "suspend.jsonl"
    cards = normal_cards(sb, 7)
    cooling, fresh = cards[:3], cards[3:]

    async def main() -> None:
        async with sb.async_client() as ac:
            # This client now remembers the cooling cards' windows (see `cooling_and_fresh`).
            assert (await ac.bulk("suspend", msisdns=cooling)).done == 3
            task = asyncio.ensure_future(ac.bulk("suspend", msisdns=fresh + cooling, journal=journal, concurrency=1))
            while outcomes_in(journal) < len(fresh):
                assert not task.done(), task
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(main())
    # Without the cancel the run would hold its journal until the windows close (~3 min).
    wait_for(lambda: lock_is_free(journal), "the cancelled run to end")
    assert_graceful(journal)
    last = {line["outcome"]["card"]: line["outcome"]["status"] for line in journal_lines(journal) if line["kind"] == "outcome"}
    assert last == {m: "done" for m in fresh}, "the cooling cards were never sent"
    assert applied(sb, "0") == Counter(cards), "each card suspended once"


# ---------------------------------------------------------------------------------------------
# The models


def test_the_models_are_frozen_constructible_and_pickle() -> None:
    o = BulkOutcome(card="13800000001", status="unknown", observed_msstatus=2, note="check it")
    assert o.status is OutcomeStatus.UNKNOWN and o.attempts == 0 and not o.reconciled
    assert o == BulkOutcome(card="13800000001", status=OutcomeStatus.UNKNOWN, observed_msstatus=2, note="check it")
    assert hash(o) == hash(copy.deepcopy(o))
    assert pickle.loads(pickle.dumps(o)) == o
    assert o.to_dict()["status"] == "unknown"
    with pytest.raises(AttributeError):
        o.card = "x"  # type: ignore[misc]
    with pytest.raises(ValueError):
        BulkOutcome(card="13800000001")  # the status is required
    with pytest.raises(ValueError):
        BulkOutcome(card="13800000001", status="lost")
    with pytest.raises(TypeError):
        BulkOutcome(card="13800000001", status="done", colour="red")  # type: ignore[call-arg]

    r = BulkReport(op="suspend", cards=1, unknown=1, outcomes=[o])
    assert r.outcomes == [o] and not r.all_done() and r.stopped is None
    assert pickle.loads(pickle.dumps(r)) == r
    assert "OutcomeStatus.UNKNOWN" in repr(r)
    assert [s.value for s in OutcomeStatus] == ["done", "refused", "unknown", "skipped", "not_attempted"]
