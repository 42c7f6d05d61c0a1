"""Reliability of the Python SDK under injected faults (issue 9), mirroring
sandbox/tests/reliability.rs. Every fault kind at 20%: HTTP 500, 502 HTML, connection resets,
answers delayed beyond the client timeout, truncated JSON and code 1090.

- (a) a fleet sync of 10,000 cards returns every card exactly once or raises a `CardBossError`
  naming what could not be fetched, never a short result;
- (b) 1,000 POST operations are never applied twice (the SDK never repeats a POST), and every
  failed one says whether its outcome is unknown, consistently with the sandbox's ledger;
- (c) no call outlives its timeout x attempts plus the backoff caps.

The figures are printed (`pytest -s tests/test_reliability.py`).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Optional

import pytest

import cardboss
from conftest import Sandbox

FAULT_RATE = 0.2
ALL_KINDS = ["http500", "http502", "reset", "delay", "truncated", "code1090"]
DELAY_SECS = 1.0  # how late a `delay` fault answers; the client gives up a little before
TIMEOUT = 0.7
# The core's default backoff (core/src/client/config.rs): full jitter, base 200 ms doubling per
# retry, capped at 5 s. The Python client does not expose them.
RETRY_BASE = 0.2
RETRY_CAP = 5.0
SLACK = 2.0  # room for a loaded machine on top of the computed bound
POST_ENDPOINTS = ("card/pkg/renew", "sms/sendlotsms", "card/stopkeep")


def call_bound(max_retries: int) -> float:
    """The longest one request may take: every attempt timing out, plus the longest backoff
    (full jitter never exceeds `min(cap, base * 2^(n-1))`) between attempts."""
    attempts = max_retries + 1
    backoff = sum(min(RETRY_CAP, RETRY_BASE * 2 ** (n - 1)) for n in range(1, attempts))
    return float(TIMEOUT * attempts + backoff)


def set_faults(sb: Sandbox, rate: float, kinds: list[str] | None = None) -> None:
    got = sb.admin("faults", {"rate": rate, "kinds": kinds if kinds is not None else ALL_KINDS, "delay_secs": DELAY_SECS})
    assert got["rate"] == rate, got


def total_requests(sb: Sandbox) -> int:
    return int(sb.admin("stats")["total"])


def is_fault_error(e: cardboss.CardBossError) -> bool:
    return e.kind in ("timeout", "transport", "http", "decode") or e.code == "1090"


def names_batch(e: cardboss.CardBossError, known: set[str]) -> bool:
    """Whether `e` names the batch (and its first card) of a bulk call that failed."""
    m = re.search(r"\(batch \d+ of \d+, from card ([0-9A-Za-z]+)", str(e))
    return m is not None and m.group(1) in known


@pytest.fixture(scope="module")
def fleet_sandbox() -> Iterator[Sandbox]:
    sb = Sandbox("example", 10_000, "--seed", "7")
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def ops_sandbox() -> Iterator[Sandbox]:
    sb = Sandbox("example", 2_000, "--seed", "11")
    yield sb
    sb.stop()


@pytest.fixture(scope="module")
def small_sandbox() -> Iterator[Sandbox]:
    sb = Sandbox("example", 300, "--seed", "3")
    yield sb
    sb.stop()


# ----------------------------------------------------------------------------- (a) fleet sync


def sync(client: cardboss.Client, fleet: list[str], max_retries: int) -> tuple[bool, int, str]:
    """iter_cards + card_details + current_usage of the whole fleet. Returns (completed, pages
    and batches fetched, what failed). Asserts: every card exactly once, in order, or a
    `CardBossError` naming what could not be fetched; never a short result."""
    known = set(fleet)
    units = (len(fleet) + 99) // 100
    cards: list[cardboss.Card] = []
    started = time.monotonic()
    try:
        for card in client.iter_cards():
            cards.append(card)
    except cardboss.CardBossError as e:
        assert is_fault_error(e), f"a fault-caused error: {e!r}"
        assert (e.endpoint or "").startswith("card/list") and "card/list" in str(e), f"names the listing: {e}"
        assert len(cards) < len(fleet) and len(cards) % 100 == 0, f"whole pages before the error: {len(cards)}"
        page = len(cards) // 100 + 1
        return False, len(cards) // 100, f"card/list after {len(cards)} cards (page {page}): {e}"
    listed_in = time.monotonic() - started
    msisdns = [c.msisdn for c in cards]
    assert len(msisdns) == len(fleet), f"every card listed, not a short list: {len(msisdns)}"
    assert len(set(msisdns)) == len(fleet), "no card listed twice"
    assert msisdns == fleet, "the fleet, in page order"
    assert listed_in <= call_bound(max_retries) * units + SLACK, f"listing took {listed_in:.1f} s"
    done = units

    for name in ("card_details", "current_usage"):
        try:
            got = getattr(client, name)(msisdns=msisdns)
        except cardboss.CardBossError as e:
            assert is_fault_error(e), f"{name}: {e!r}"
            assert names_batch(e, known), f"{name}: the error names the batch: {e}"
            return False, done, f"{name}: {e}"
        got_msisdns = [r.msisdn for r in got]
        assert len(got_msisdns) == len(fleet), f"{name}: one result per card, not a short result"
        assert got_msisdns == msisdns, f"{name}: results in input order, each card once"
        done += units
    return True, done, ""


def test_fleet_sync_of_10000_cards_is_complete_or_fails_loudly(fleet_sandbox: Sandbox) -> None:
    sb = fleet_sandbox
    with sb.client() as clean:
        fleet = [c.msisdn for c in clean.iter_cards()]
    assert len(fleet) == 10_000 and len(set(fleet)) == 10_000
    set_faults(sb, FAULT_RATE)
    completed = failed = 0
    try:
        # Generous retries (a page or batch is lost with probability 0.2^7 per unit, so nearly
        # always complete) and none (nearly always a loud failure): each must be whole or loud.
        for max_retries in (6, 0):
            before = total_requests(sb)
            started = time.monotonic()
            with sb.client(timeout_ms=int(TIMEOUT * 1000), max_retries=max_retries, cooldown_guard=False) as c:
                ok, units, failure = sync(c, fleet, max_retries)
            elapsed = time.monotonic() - started
            sent = total_requests(sb) - before
            if ok:
                completed += 1
                print(
                    f"\nfleet sync (max_retries {max_retries}): complete, 10000 cards exactly once in "
                    f"cards/details/usage; {sent} GET requests for {units} pages+batches, "
                    f"{sent - units} faulted attempts retried, {elapsed:.1f} s"
                )
            else:
                failed += 1
                print(
                    f"\nfleet sync (max_retries {max_retries}): failed loudly after {sent} GET requests "
                    f"({units} pages+batches fetched), {elapsed:.1f} s: {failure}"
                )
    finally:
        set_faults(sb, 0.0)
    print(f"fleet syncs: {completed} complete, {failed} failed with a named error, 0 short")


# ------------------------------------------------------------------------- (b) POST operations


@dataclass
class Op:
    n: int
    card: str
    kind: str  # renew | sms | suspend | resume
    pkgcode: str = ""
    months: int = 0
    audit: str = "automatic"

    @property
    def endpoint(self) -> str:
        return {"renew": "card/pkg/renew", "sms": "sms/sendlotsms"}.get(self.kind, "card/stopkeep")

    @property
    def text(self) -> str:
        return f"reliability op {self.n}"

    @property
    def remark(self) -> str:
        return f"op-{self.n}"

    async def run(self, c: cardboss.AsyncClient) -> None:
        if self.kind == "renew":
            await c.renew(
                self.pkgcode,
                self.months,
                msisdn=self.card,
                repetition=True,
                audit=self.audit,  # type: ignore[arg-type]
                remark=self.remark,
            )
        elif self.kind == "sms":
            await c.send_iot_sms([self.card], self.text)
        elif self.kind == "suspend":
            await c.suspend(msisdn=self.card)
        else:
            await c.resume(msisdn=self.card)

    def is_applied_in(self, e: dict[str, Any]) -> bool:
        """Whether a ledger entry records this operation taking effect."""
        if not e.get("applied") or e.get("endpoint") != self.endpoint:
            return False
        details = e.get("details") or {}
        cards = e.get("cards") or []
        if self.kind == "renew":
            return bool(e.get("action") == "renew.order" and details.get("remark") == self.remark)
        if self.kind == "sms":
            return bool(e.get("action") == "sms.send" and details.get("content") == self.text)
        action = "stop" if self.kind == "suspend" else "resume"
        return bool(e.get("action") == action and cards[:1] == [self.card])


@dataclass
class Outcome:
    op: Op
    error: Optional[cardboss.CardBossError]
    elapsed: float


def test_posts_are_never_applied_twice_and_failures_say_if_unknown(ops_sandbox: Sandbox) -> None:
    rounds, renewals, sms, stopkeep = 10, 40, 30, 30
    sb = ops_sandbox
    sb.admin("config", {"balance": 100_000_000.0})

    # Cards in normal service, each used by one kind of operation only; a renewal renews a
    # package the card owns, for a term every package category accepts.
    with sb.client() as clean:
        msisdns = [c.msisdn for c in clean.iter_cards()]
        normal = [d.msisdn for d in clean.card_details(msisdns=msisdns) if d.msstatus == 2]

    async def owned_packages() -> list[tuple[str, cardboss.PackageList]]:
        async with sb.async_client() as ac:
            lists = await asyncio.gather(*(ac.packages(msisdn=m) for m in normal))
        return list(zip(normal, lists))

    with_pkgs = [(m, pl) for m, pl in asyncio.run(owned_packages()) if any(p.pkgcode for p in pl.pkgs)]
    need = renewals * rounds + sms * rounds + stopkeep * rounds // 2
    assert len(with_pkgs) >= need, f"enough cards in service: {len(with_pkgs)}"
    renew_cards = []
    for m, pl in with_pkgs[: renewals * rounds]:
        pkg = next(p for p in pl.pkgs if p.pkgcode)
        renew_cards.append((m, pkg.pkgcode, 12 * max(pkg.buycycle, 1)))
    rest = [m for m, _ in with_pkgs[renewals * rounds :]]
    sms_cards = rest[: sms * rounds]
    stop_cards = rest[sms * rounds : sms * rounds + stopkeep * rounds // 2]

    stats_before = sb.admin("stats")["endpoints"]
    ledger_before = len(sb.admin("ledger"))
    set_faults(sb, FAULT_RATE)
    outcomes: list[Outcome] = []

    async def run_all() -> None:
        n = 0
        async with sb.async_client(timeout_ms=int(TIMEOUT * 1000), max_retries=6, cooldown_guard=False, concurrency=8) as c:
            gate = asyncio.Semaphore(8)

            async def one(op: Op) -> Outcome:
                async with gate:
                    started = time.monotonic()
                    try:
                        await op.run(c)
                        error = None
                    except cardboss.CardBossError as e:
                        error = e
                    return Outcome(op, error, time.monotonic() - started)

            for rnd in range(rounds):
                ops: list[Op] = []
                for i, (card, pkgcode, months) in enumerate(renew_cards[rnd * renewals : (rnd + 1) * renewals]):
                    n += 1
                    audit = "automatic" if i % 2 == 0 else "manual"
                    ops.append(Op(n, card, "renew", pkgcode, months, audit))
                for card in sms_cards[rnd * sms : (rnd + 1) * sms]:
                    n += 1
                    ops.append(Op(n, card, "sms"))
                # Even rounds suspend a group of cards, odd rounds resume the same group.
                for card in stop_cards[(rnd // 2) * stopkeep : (rnd // 2 + 1) * stopkeep]:
                    n += 1
                    ops.append(Op(n, card, "suspend" if rnd % 2 == 0 else "resume"))
                outcomes.extend(await asyncio.gather(*(one(op) for op in ops)))
                # Let answers delayed past the client's timeout land, then move the sandbox clock
                # past the carrier's 3-minute lifecycle window for the next round.
                await asyncio.sleep(DELAY_SECS + 0.3)
                sb.admin("clock/advance", {"seconds": 181})

    try:
        asyncio.run(run_all())
    finally:
        set_faults(sb, 0.0)

    # A refusal the server is sure of (1031: not the card's package) is known not applied.
    ledger_len = len(sb.admin("ledger"))
    with sb.client(timeout_ms=int(TIMEOUT * 1000), cooldown_guard=False) as c:
        with pytest.raises(cardboss.ApiError) as refused:
            c.renew("nosuchpkg", 12, msisdn=renew_cards[0][0])
    assert (refused.value.code, refused.value.outcome_unknown) == ("1031", False), str(refused.value)
    assert "outcome is unknown" not in str(refused.value)
    assert len(sb.admin("ledger")) == ledger_len, "a refusal leaves the ledger alone"

    stats_after = sb.admin("stats")["endpoints"]
    ledger: list[dict[str, Any]] = sb.admin("ledger")[ledger_before:]
    # one request more on card/pkg/renew: the refusal above
    post_requests = sum(stats_after.get(e, 0) - stats_before.get(e, 0) for e in POST_ENDPOINTS) - 1

    assert len(outcomes) == rounds * (renewals + sms + stopkeep)
    assert post_requests == len(outcomes), f"POST requests received == SDK calls (never retried): {stats_after}"

    applied_by_op: dict[int, list[dict[str, Any]]] = {}
    for o in outcomes:
        applied_by_op[o.op.n] = [e for e in ledger if e.get("applied") and o.op.is_applied_in(e)]

    duplicates = ok = failed = unknown_applied = unknown_not_applied = known_not_applied = 0
    errors: Counter[str] = Counter()
    worst = 0.0
    for o in outcomes:
        applied = applied_by_op[o.op.n]
        if len(applied) > 1:
            duplicates += 1
        after_fault = any(
            (e.get("fault") or {}).get("stage") == "after" or (e.get("fault") or {}).get("kind") == "delay"
            for e in applied
        )
        worst = max(worst, o.elapsed)
        assert o.elapsed <= TIMEOUT + SLACK, f"op {o.op} took {o.elapsed:.2f} s, beyond its timeout"
        if o.error is None:
            ok += 1
            assert len(applied) == 1, f"a success is applied once: {o.op} {applied}"
            assert applied[0].get("fault") is None, f"a faulted request cannot succeed: {o.op} {applied[0]}"
            continue
        e = o.error
        failed += 1
        errors[f"{e.kind} ({e.code})"] += 1
        assert isinstance(e.outcome_unknown, bool)
        assert ("outcome is unknown" in str(e)) == e.outcome_unknown, f"the message says it too: {e}"
        if after_fault or applied:
            assert e.outcome_unknown, f"{o.op} took effect ({applied}) but its error claims it did not: {e}"
        if e.outcome_unknown and applied:
            unknown_applied += 1
        elif e.outcome_unknown:
            unknown_not_applied += 1
        else:
            known_not_applied += 1
    assert duplicates == 0, "no operation applied twice"

    faults = Counter(
        f"{e['fault'].get('kind')}/{e['fault'].get('stage')}" for e in ledger if e.get("fault")
    )
    print(
        f"\nPOST operations: {len(outcomes)} run ({renewals * rounds} renewals audit auto/manual, "
        f"{sms * rounds} plain SMS, {stopkeep * rounds} suspend/resume) over {rounds} rounds; "
        f"{post_requests} POST requests received (1 per operation)"
    )
    print(f"POST faults recorded in the ledger: {sum(faults.values())} {dict(sorted(faults.items()))}")
    print(
        f"POST results: {ok} ok (each applied once), {failed} failed: {unknown_applied} outcome_unknown "
        f"& applied, {unknown_not_applied} outcome_unknown & not applied, {known_not_applied} known "
        f"not applied; errors {dict(sorted(errors.items()))}"
    )
    print(f"POST duplicates found: {duplicates}; slowest call {worst:.2f} s (timeout {TIMEOUT:.2f} s)")


# -------------------------------------------------------------------------------- (c) timeouts


def test_calls_never_outlive_timeout_times_attempts_plus_backoff(small_sandbox: Sandbox) -> None:
    sb = small_sandbox
    retries = 3
    bound = call_bound(retries)
    with sb.client() as clean:
        msisdns = [c.msisdn for c in clean.iter_cards()]
        target = next(d.msisdn for d in clean.card_details(msisdns=msisdns) if d.msstatus == 2)

    with sb.client(timeout_ms=int(TIMEOUT * 1000), max_retries=retries, cooldown_guard=False) as c:
        try:
            # Every answer late: a GET tries every attempt, then fails with a timeout.
            set_faults(sb, 1.0, ["delay"])
            started = time.monotonic()
            with pytest.raises(cardboss.TimeoutError) as err:
                c.customer()
            get_elapsed = time.monotonic() - started
            assert err.value.kind == "timeout" and err.value.outcome_unknown is False, str(err.value)
            assert get_elapsed >= TIMEOUT * (retries + 1) - 0.05, f"all attempts made: {get_elapsed:.2f} s"
            assert get_elapsed <= bound + SLACK, f"{get_elapsed:.2f} s > {bound:.2f} s + slack"

            # A POST is tried once and its outcome is unknown.
            started = time.monotonic()
            with pytest.raises(cardboss.TimeoutError) as err:
                c.suspend(msisdn=target)
            post_elapsed = time.monotonic() - started
            assert err.value.outcome_unknown is True, str(err.value)
            assert TIMEOUT - 0.05 <= post_elapsed <= TIMEOUT + SLACK, f"one attempt: {post_elapsed:.2f} s"
            print(
                f"\ntimeouts (every answer {DELAY_SECS} s late, timeout {TIMEOUT:.2f} s): GET failed after "
                f"{get_elapsed:.2f} s ({retries + 1} attempts, bound {bound:.2f} s), POST after "
                f"{post_elapsed:.2f} s (1 attempt, outcome unknown)"
            )

            # All kinds at 20%: single-request calls, each timed against the bound.
            set_faults(sb, FAULT_RATE)
            worst, failures, calls = 0.0, 0, 60
            for i in range(calls):
                started = time.monotonic()
                try:
                    if i % 4 == 0:
                        c.customer()
                    elif i % 4 == 1:
                        c.list_cards(1 + i % 3)
                    elif i % 4 == 2:
                        c.card_details(msisdns=msisdns[:100])
                    else:
                        c.packages(msisdn=msisdns[i])
                except cardboss.CardBossError as e:
                    failures += 1
                    assert is_fault_error(e), repr(e)
                elapsed = time.monotonic() - started
                worst = max(worst, elapsed)
                assert elapsed <= bound + SLACK, f"call {i} took {elapsed:.2f} s > {bound:.2f} s + slack"
        finally:
            set_faults(sb, 0.0)
    print(
        f"timeouts (20% faults): {calls} GET calls, slowest {worst:.2f} s, bound {bound:.2f} s, "
        f"{failures} failed after all retries"
    )
