"""Where each client's CPU goes: one fleet sync per client under `perf record`, samples grouped.

    python bench/cpu_profile.py [--cards 100000] [--clients rust,node-sdk,...] [--concurrency 8]
                            [--profile release] [--write]

The answer to "what would close it" for each target of BENCHMARKS.md that a client misses: the
harness says how long and how much CPU, this says on what. Every client row of the harness
(bench/harness.py, same argv, same sandbox, same checks of the result line) runs once under
`perf record -F 999` (every thread of the process; no call graphs: the flat profile is what the
grouping needs), then `perf report` gives each symbol's share, and each symbol goes into the first
group of GROUPS it matches. The Node rows run a second time without perf, with the event-loop
delay monitor on (`BENCH_LOOP_DELAY=1` in bench/clients/node_clients.js), for the longest time the
loop was blocked.

Writes bench/out/profile-<client>.txt (the 25 heaviest symbols) and, with --write, the profile
section of BENCHMARKS.md. Needs what bench/run.sh builds, and `perf` (Debian: linux-perf; root,
or kernel.perf_event_paranoid <= 1).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402  (the same clients, sandbox and checks)

# (group, dso pattern, symbol pattern; None matches anything): the first group that matches a
# sampled symbol takes it. Symbol tests come before the DSO tests of the interpreters, so the Rust
# inside the Python and Node extensions is counted by what it does.
GROUPS: list[tuple[str, re.Pattern[str] | None, re.Pattern[str] | None]] = [
    ("kernel (syscalls, loopback TCP, scheduling)", re.compile(r"kernel|vmlinux"), None),
    ("JSON decode into models (serde)", None,
     re.compile(r"serde_json::de|serde::de|Deserializ|Visitor|RawValue|serde_json::read|serde_json::value::de")),
    ("JSON encode for the binding (serde)", None, re.compile(r"serde_json::ser|Serializ|records::|RecordWriter")),
    ("HTTP (hyper, reqwest, URL and form encoding)", None,
     re.compile(r"hyper|reqwest|http::|httparse|\bh2::|url::|form_urlencoded|percent_encoding|idna")),
    ("signing (md5, hex)", None, re.compile(r"md5|md_5|Md5|hex::|digest::")),
    ("async runtime (tokio, futures, locks)", None,
     re.compile(r"tokio|mio::|futures|parking_lot|crossbeam|std::sync|std::thread|pthread_|__futex|syscall")),
    ("binding glue (napi, pyo3)", None, re.compile(r"napi|pyo3|PyO3")),
    ("allocator and memcpy (libc)", None,
     re.compile(r"malloc|free\b|cfree|realloc|calloc|memcpy|memmove|memset|memcmp|_int_|__libc|tcache|arena|mremap")),
    ("V8 / Node (JS, JSON.parse, GC)", re.compile(r"^node$|libnode|\[unknown\]|JIT|perf-\d+\.map"), None),
    ("Python interpreter (asyncio, objects)", re.compile(r"python"), None),
    ("cardboss (core logic)", None, re.compile(r"cardboss")),
]
OTHER = "other"
NODE_CLIENTS = ("node-sdk", "node-fleet", "node-fetch")
LINE = re.compile(r"^\s*([\d.]+)%\s*\x1f([^\x1f]*)\x1f(.*)$")


def group_of(dso: str, symbol: str) -> str:
    for name, dso_re, sym_re in GROUPS:
        if (dso_re is None or dso_re.search(dso)) and (sym_re is None or sym_re.search(symbol)):
            return name
    return OTHER


def perf_symbols(data: Path) -> list[tuple[float, str, str]]:
    """(percent, dso, symbol) of every symbol in a perf.data file."""
    out = subprocess.run(
        ["perf", "report", "-i", str(data), "--stdio", "--no-children", "--sort", "dso,sym",
         "--field-separator", "\x1f", "--percent-limit", "0", "-q"],
        capture_output=True, text=True, check=True,
    ).stdout
    rows = []
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            # The symbol column starts with its kind, "[.] " (user) or "[k] " (kernel).
            symbol = m.group(3).strip()
            if symbol.startswith("[k]"):
                rows.append((float(m.group(1)), "[kernel]", symbol[3:].strip()))
            else:
                rows.append((float(m.group(1)), m.group(2).strip(), symbol.removeprefix("[.]").strip()))
    return rows


def run_client(client: harness.Client, sb: harness.Sandbox, concurrency: int, tmp: Path,
               perf: bool, extra_env: dict[str, str] | None = None) -> tuple[dict, float, Path | None]:
    """One checked run; (result line, client CPU seconds, perf.data or None)."""
    data = tmp / f"perf-{client.key}.data" if perf else None
    prefix = ("perf", "record", "-F", "999", "-q", "-o", str(data), "--") if data else ()
    m = harness.measure(client, sb, concurrency, tmp, prefix, extra_env)
    if m.proc.returncode != 0:
        raise SystemExit(f"{client.key} failed (exit {m.proc.returncode}): {m.proc.stderr[-800:]}")
    result = (client.parse or harness.last_json)(m.proc.stdout)
    if result["cards"] != sb.cards or not (result["details_match"] and result["usages_match"]):
        raise SystemExit(f"{client.key}: the sync did not check out: {result}")
    return result, m.cpu_s, data


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--clients", default="rust,rust-fleet,py-sdk,py-sdk-async,py-httpx,node-sdk,node-fleet,node-fetch")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--profile", default="release")
    ap.add_argument("--write", action="store_true", help="rewrite the profile section of BENCHMARKS.md")
    args = ap.parse_args()
    if not shutil.which("perf"):
        raise SystemExit("perf is not installed (Debian: apt-get install linux-perf)")

    profile_dir = "debug" if args.profile in ("dev", "debug") else args.profile
    target = Path(os.environ.get("CARGO_TARGET_DIR", harness.REPO / "target")) / profile_dir
    tools = {"python": sys.executable, "node": shutil.which("node") or "node", "wrk": "wrk",
             "cli": str(target / "cardboss"), "rust_bench": str(target / "cardboss-bench"), "skip": set()}
    wanted = [k for k in args.clients.split(",") if k]
    by_key = {c.key: c for c in harness.clients(tools, args.concurrency)}
    unknown = [k for k in wanted if k not in by_key]
    if unknown:
        raise SystemExit(f"unknown clients {unknown}; known: {sorted(by_key)}")

    harness.OUT.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="cardboss-profile-"))
    sb = harness.Sandbox(target / "cardboss-sandbox", args.cards)
    shares: dict[str, dict[str, float]] = {}
    cpu: dict[str, float] = {}
    loop_block: dict[str, float] = {}
    try:
        for key in wanted:
            client = by_key[key]
            print(f"profiling {key} ({args.cards:,} cards) ...", flush=True)
            _, cpu[key], data = run_client(client, sb, args.concurrency, tmp, perf=True)
            groups: dict[str, float] = defaultdict(float)
            symbols = perf_symbols(data)
            for pct, dso, sym in symbols:
                groups[group_of(dso, sym)] += pct
            total = sum(groups.values()) or 1.0
            shares[key] = {g: 100 * v / total for g, v in groups.items()}
            top = sorted(symbols, reverse=True)[:25]
            (harness.OUT / f"profile-{key}.txt").write_text(
                "".join(f"{pct:6.2f}%  {group_of(dso, sym)[:28]:<28}  {dso[:28]:<28}  {sym[:140]}\n" for pct, dso, sym in top))
            data.unlink()
            if key in NODE_CLIENTS:
                result, _, _ = run_client(client, sb, args.concurrency, tmp, perf=False,
                                          extra_env={"BENCH_LOOP_DELAY": "1"})
                loop_block[key] = float(result["max_event_loop_block_ms"])
    finally:
        sb.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    names = [g for g, _, _ in GROUPS] + [OTHER]
    used = [g for g in names if any(shares[k].get(g, 0) >= 0.5 for k in shares)]
    labels = {k: by_key[k].label for k in shares}
    head = "| group | " + " | ".join(labels[k] for k in shares) + " |"
    lines = [head, "|---|" + "---:|" * len(shares)]
    for g in used:
        lines.append(f"| {g} | " + " | ".join(f"{shares[k].get(g, 0):.0f}%" for k in shares) + " |")
    lines.append("| **client CPU s (this run, under perf)** | " + " | ".join(f"**{cpu[k]:.2f}**" for k in shares) + " |")
    block = [
        f"Measured with `python bench/cpu_profile.py --cards {args.cards}` ({args.cards:,} cards, concurrency "
        f"{args.concurrency}, `perf record -F 999`, one run per client; load at the end "
        f"{harness.loadavg()}). Share of each client's CPU samples (every thread), by what the "
        "sampled symbol belongs to:",
        "",
        *lines,
    ]
    if loop_block:
        block += ["", "Longest event-loop block during the same sync (Node, `monitorEventLoopDelay`, a separate run "
                  "without perf): " + ", ".join(f"{labels[k]} **{v:.0f} ms**" for k, v in loop_block.items()) + "."]
    text = "\n".join(block)
    print("\n" + text)
    print(f"\nheaviest symbols: {harness.OUT}/profile-<client>.txt")
    print(json.dumps({"cpu_s": cpu, "loop_block_ms": loop_block}))
    if args.write:
        harness.write_markdown(text, harness.REPO / "BENCHMARKS.md", "profile")
    return 0


if __name__ == "__main__":
    sys.exit(main())
