"""The bulk fault suite (issue 15): a 1,000-card suspend, then resume, at 20% injected faults,
each run killed for real (SIGKILL of a child Python process running `client.bulk(...)` with a
journal, against this process's in-process sandbox) once its journal holds some outcomes, then
repeated here with the same journal. The sandbox's ledger must show no card operated twice, and
every card must end done (the card shows it) or unknown with the state read back (it does not).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import cardboss
from cardboss import BulkOutcome, BulkReport, OutcomeStatus
from cardboss.testing import Sandbox

# Every kind but the delay, as in sandbox/tests/bulk.rs: the others settle the operation
# (applied or not) before the answer, so what the card shows afterwards is the truth to compare
# with (a delayed operation may land after the run has read the card back).
KINDS = ["http500", "http502", "reset", "truncated", "code1090"]
CARDS = 1_000
CRASH_AFTER = 150  # outcomes in the journal when the child is killed
PATIENCE = 120.0  # only reached when something is broken
CLIENT = {"timeout_ms": 5_000, "retry_base_ms": 5, "retry_cap_ms": 50}

CHILD = """
import sys
import cardboss

op, cards, journal = sys.argv[1], open(sys.argv[2]).read().split(), sys.argv[3]
with cardboss.Client.from_env(timeout_ms=5000, retry_base_ms=5, retry_cap_ms=50) as client:
    client.bulk(op, msisdns=cards, journal=journal)
print("the run ended before it was killed")
"""


def outcomes_in(journal: Path) -> int:
    return journal.read_text().count('"kind":"outcome"') if journal.exists() else 0


def final_in(journal: Path) -> int:
    """Cards whose last journal line is a final outcome: what a repeat takes from it."""
    last: dict[str, str] = {}
    for line in journal.read_text().splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # the line the kill tore
        if entry["kind"] == "outcome":
            last[entry["outcome"]["card"]] = entry["outcome"]["status"]
        elif entry["kind"] in ("intent", "requeued"):
            last[entry["card"]] = entry["kind"]
    return sum(status in ("done", "refused", "skipped") for status in last.values())


def crash(sb: Sandbox, op: str, cards: list[str], journal: Path, tmp: Path) -> None:
    """Runs `op` in a child process and kills it (SIGKILL) once the journal has outcomes."""
    listed = tmp / f"{op}.cards"
    listed.write_text("\n".join(cards))
    env = {
        **os.environ,
        "CARDBOSS_SID": sb.sid,
        "CARDBOSS_APIKEY": sb.apikey,
        "CARDBOSS_URL": sb.base_url,
        "CARDBOSS_OPS_URL": sb.ops_url,
    }
    log = tmp / f"{op}.child.log"
    with log.open("w") as out:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, op, str(listed), str(journal)], env=env, stdout=out, stderr=out
        )
        try:
            deadline = time.monotonic() + PATIENCE
            while outcomes_in(journal) < CRASH_AFTER:
                assert child.poll() is None, f"the child ended first: {log.read_text()}"
                assert time.monotonic() < deadline, "the child's run made no progress"
                time.sleep(0.005)
            child.send_signal(signal.SIGKILL)
        finally:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, log.read_text()


def applied(sb: Sandbox, stopkeep: str) -> Counter[str]:
    count: Counter[str] = Counter()
    for e in sb.ledger():
        if e["endpoint"].endswith("card/stopkeep") and e["applied"] and e["details"].get("stopkeep") == stopkeep:
            count.update(e["cards"])
    return count


def repeat_after_crash(sb: Sandbox, c: cardboss.Client, op: str, cards: list[str], tmp: Path) -> BulkReport:
    journal = tmp / f"{op}.jsonl"
    sb.set_faults(0.2, KINDS)
    try:
        crash(sb, op, cards, journal, tmp)
        taken = final_in(journal)
        before = sb.stats()["total"]
        report = c.bulk(op, msisdns=cards, journal=journal)
        assert report.requests == sb.stats()["total"] - before, "every attempt counted"
    finally:
        sb.set_faults(0.0)
    print(f"{op} of {len(cards)} cards at 20% faults, killed after {CRASH_AFTER} outcomes, repeated: {summary(report)}")
    assert report.from_journal == taken, (report.from_journal, taken)
    assert report.from_journal >= CRASH_AFTER // 2
    return report


def summary(r: BulkReport) -> str:
    return (
        f"done {r.done} (reconciled {r.reconciled}), unknown {r.unknown}, refused {r.refused}, "
        f"from the journal {r.from_journal}, rescheduled {r.rescheduled}, requests {r.requests}"
    )


def check(c: cardboss.Client, sb: Sandbox, report: BulkReport, cards: list[str], stopkeep: str, target: int) -> None:
    outcomes: dict[str, BulkOutcome] = {o.card: o for o in report.outcomes}
    assert len(outcomes) == len(report.outcomes) == report.cards == len(cards), "each card once"
    assert set(outcomes) == set(cards)
    assert report.done + report.unknown + report.refused + report.skipped + report.not_attempted == report.cards
    states = {d.msisdn: int(d.msstatus) for d in c.card_details(msisdns=cards)}
    ops = applied(sb, stopkeep)
    for m in cards:
        assert ops[m] <= 1, f"{m} operated {ops[m]} times: {outcomes[m]!r}"
        o = outcomes[m]
        if o.status is OutcomeStatus.DONE:
            assert states[m] == target, f"{m} reported done, the card shows {states[m]}: {o!r}"
        elif o.status is OutcomeStatus.UNKNOWN:
            assert states[m] != target, f"{m} applied but left unknown: {o!r}"
            assert o.observed_msstatus == states[m], o
            assert "check before repeating" in (o.note or ""), o
        else:
            raise AssertionError(f"{m}: {o!r}")
    # At 20% faults some answers were lost after the operation applied: read back, settled.
    assert report.reconciled > 0, summary(report)
    assert report.done > report.cards // 2, summary(report)


def test_a_thousand_cards_suspended_then_resumed_through_crashes_at_20_percent_faults(tmp_path: Path) -> None:
    with Sandbox(cards=1_500, strict=True) as sb, sb.client(**CLIENT) as c:
        normal: list[str] = []
        for page in range(1, 16):
            ids = [card.msisdn for card in c.list_cards(page).cards]
            normal.extend(d.msisdn for d in c.card_details(msisdns=ids) if d.msstatus == 2)
        assert len(normal) >= CARDS, len(normal)
        cards = normal[:CARDS]

        suspended = repeat_after_crash(sb, c, "suspend", cards, tmp_path)
        check(c, sb, suspended, cards, "0", 3)

        # After the carrier's window (the sandbox's clock; this client's memory forgotten), the
        # suspended cards are resumed the same way.
        sb.advance_clock(181)
        c.clear_cooldowns()
        back = [o.card for o in suspended.outcomes if o.status is OutcomeStatus.DONE]
        resumed = repeat_after_crash(sb, c, "resume", back, tmp_path)
        check(c, sb, resumed, back, "1", 2)
