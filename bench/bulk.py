"""The bulk rows: one lifecycle operation (suspend) on every card of a fleet, from every client.

    python bench/bulk.py [--smoke] [--reps N] [--cards 10000] [--concurrency 8] [--profile release]

Run through `bench/run.sh --bulk` (which builds everything first); the smoke run (500 cards, one
repetition) is part of `bench/run.sh --smoke`. A bulk run changes the sandbox (every card ends
suspended, and the carrier's window then refuses a second operation on it), so each run gets a
fresh sandbox of the same seed: the same fleet, the same answers. Each run is checked by the
client's result line (every card done) and by the sandbox's counters (exactly one card/stopkeep
per card: a POST is never repeated, and nothing else but the listing the harness does itself).
Writes the bulk section of BENCHMARKS.md (release builds, not --smoke).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402  (the same sandbox, runs, tables)

OP_ENDPOINT = "card/stopkeep"


def clients(tools: dict[str, str], concurrency: int) -> list[harness.Client]:
    py, node = tools["python"], tools["node"]
    py_clients = str(harness.BENCH / "clients" / "py_clients.py")
    node_clients = str(harness.BENCH / "clients" / "node_clients.js")

    def env(sb: harness.Sandbox) -> dict[str, str]:
        return {"BENCH_IDS": str(sb.ids_file), "BENCH_OPS_URL": sb.ops_url}

    def py_mode(mode: str):
        return lambda sb, c, tmp: [py, py_clients, mode, sb.base_url, sb.sid, sb.apikey, str(c)]

    return [
        harness.Client("rust-bulk", "Rust core `Client::bulk`", "Rust", "rust-bulk",
                       lambda sb, c, tmp: [tools["rust_bench"], sb.base_url, sb.sid, sb.apikey, str(c),
                                           "bulk", sb.ops_url, str(sb.ids_file)]),
        harness.Client("py-bulk", "Python `Client.bulk()`", "Python", "py-bulk", py_mode("bulk-sdk"), env=env),
        harness.Client("py-bulk-requests", "Python `requests`, one POST at a time (the vendor samples' style)",
                       "Python", "py-bulk", py_mode("bulk-requests"), env=env),
        harness.Client("node-bulk", "Node `client.bulk()`", "Node", "node-bulk",
                       lambda sb, c, tmp: [node, node_clients, "bulk-sdk", sb.base_url, sb.sid, sb.apikey, str(c)],
                       env=env),
    ]


def run_bulk(client: harness.Client, sb: harness.Sandbox, concurrency: int, rep: int, tmp: Path) -> harness.Run:
    run, result, seen = harness.measured_run(client, sb, concurrency, rep, tmp)
    if result is None:
        return run
    run.seconds = float(result["seconds"])
    if result["cards"] != sb.cards or result["done"] != sb.cards:
        run.problems.append(f"{result['done']} of {result['cards']} cards done, expected {sb.cards}")
    if seen.get(OP_ENDPOINT, 0) != sb.cards:
        run.problems.append(f"the sandbox saw {seen.get(OP_ENDPOINT, 0)} {OP_ENDPOINT} for {sb.cards} cards")
    if set(seen) - {OP_ENDPOINT}:
        run.problems.append(f"unexpected endpoints: {sorted(set(seen) - {OP_ENDPOINT})}")
    run.ok = not run.problems
    return run


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="500 cards, one repetition, BENCHMARKS.md untouched")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--cards", type=int)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--profile", default="release")
    ap.add_argument("--command", default="bench/run.sh --bulk")
    args = ap.parse_args()
    reps = args.reps or (1 if args.smoke else 3)
    cards = args.cards or (500 if args.smoke else 10_000)
    harness.OUT.mkdir(exist_ok=True)

    profile_dir = "debug" if args.profile in ("dev", "debug") else args.profile
    target = Path(os.environ.get("CARGO_TARGET_DIR", harness.REPO / "target")) / profile_dir
    tools = {"python": sys.executable, "node": shutil.which("node") or "node",
             "rust_bench": str(target / "cardboss-bench")}
    cls = clients(tools, args.concurrency)
    labels = {c.key: c.label for c in cls}
    info = harness.machine()
    load_start = harness.loadavg()
    started_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"bulk: suspend {cards:,} cards, {reps} repetition(s), concurrency {args.concurrency}, "
          f"a fresh sandbox per run; clients {[c.key for c in cls]}")

    tmp = Path(tempfile.mkdtemp(prefix="cardboss-bulk-"))
    runs: list[harness.Run] = []
    try:
        for rep in range(reps):
            for c in cls[rep % len(cls):] + cls[:rep % len(cls)]:
                sb = harness.Sandbox(target / "cardboss-sandbox", cards)
                try:
                    harness.presign(sb, tmp / f"presigned-{cards}.txt")
                    sb.ids_file = tmp / f"ids-{cards}.txt"
                    r = run_bulk(c, sb, args.concurrency, rep, tmp)
                finally:
                    sb.stop()
                runs.append(r)
                status = "ok" if r.ok else "FAILED: " + "; ".join(r.problems)
                print(f"  rep {rep + 1}/{reps} {c.key:<17} {r.seconds:8.3f} s {r.rss_mb:7.1f} MB "
                      f"cpu {r.cpu_s:5.2f} s (sandbox {r.server_cpu_s:5.2f} s)  {status}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    rows = harness.summarise(runs, cls, [cards])
    table = harness.fmt_table(rows, labels)
    print("\n" + table)
    name = "bulk-smoke.json" if args.smoke else f"bulk-{profile_dir}.json"
    (harness.OUT / name).write_text(json.dumps({"machine": info, "rows": rows,
                                                "runs": [r.__dict__ for r in runs]}, indent=1))
    if not args.smoke and profile_dir == "release":
        harness.write_markdown("\n".join([
            f"Measured {started_at} with `{args.command}`: `suspend` on all {cards:,} cards, {reps} repetition(s) "
            f"(order rotated), a fresh sandbox per run, concurrency {args.concurrency} except the "
            f"one-at-a-time row, median shown. Load at start {load_start}, at the end {harness.loadavg()}.",
            "",
            table,
        ]), harness.REPO / "BENCHMARKS.md", "bulk")
        print("\nwrote the bulk section of BENCHMARKS.md")
    failed = [r for r in runs if not r.ok]
    for r in failed:
        print(f"FAILED {r.client} rep {r.rep + 1}: {'; '.join(r.problems)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
