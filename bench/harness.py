"""The fleet-sync benchmark: every client against the same sandbox, interleaved.

Run through bench/run.sh (which builds everything and makes the venv); see BENCHMARKS.md.

    python bench/harness.py [--smoke] [--reps N] [--sizes 10000,100000] [--concurrency 8]
                            [--profile release]

The Rust binaries (sandbox, CLI, cardboss-bench, decode) are taken from
$CARGO_TARGET_DIR/<profile>/ (default target/release/; `--profile debug` uses the debug builds of
`cargo build --workspace`, as CI's smoke run does: fine for the checks, not for the figures).

For each fleet size a sandbox is started on loopback (`--ts-window` wide, so that the
ceiling's pre-signed URLs stay valid). Then, `reps` times, every client runs the same fleet sync
in its own process under /usr/bin/time (peak RSS), in an order rotated each repetition. Every run
is checked twice: by the client (card count, no duplicate, details and usages for exactly the
listed cards) and by the sandbox's request counters (every page of card/list, one card/detail and
one card/usage/current per 100 cards). A failed check fails the whole run (exit 1).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
PAGE = 100
TS_WINDOW = 7 * 24 * 3600


# ------------------------------------------------------------------------------------ sandbox


class Sandbox:
    def __init__(self, binary: Path, cards: int, latency_ms: int = 0):
        self.cards = cards
        self.log = open(OUT / f"sandbox-{cards}.log", "w")
        self.proc = subprocess.Popen(
            [str(binary), "--port1", "0", "--port2", "0", "--cards", str(cards),
             "--ts-window", str(TS_WINDOW), "--style", "example",
             *(["--latency", str(latency_ms)] if latency_ms else [])],
            stdout=subprocess.PIPE, stderr=self.log, text=True,
            env={k: v for k, v in os.environ.items() if k != "RUST_LOG"},
        )
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"sandbox ({cards} cards) did not start; see {self.log.name}")
        ready = json.loads(line)
        self.base_url, self.sid, self.apikey = ready["base_url"], ready["sid"], ready["apikey"]
        self.ops_url = ready["ops_url"]

    def stats(self) -> dict[str, int]:
        with urllib.request.urlopen(self.base_url + "/_sandbox/stats", timeout=30) as r:
            return json.load(r)["endpoints"]

    def expected(self) -> dict[str, int]:
        batches = -(-self.cards // PAGE)
        return {"card/list": batches, "card/detail": batches, "card/usage/current": batches}

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the sandbox has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def presign(sb: Sandbox, path: Path) -> None:
    """Every request of one fleet sync, signed now, one path per line (for wrk); the listed
    msisdns beside it (ids-N.txt, for the bulk rows)."""
    import hashlib
    from urllib.parse import urlencode

    ts = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y%m%d%H%M%S")

    def url(endpoint: str, params: list[tuple[str, str]]) -> str:
        sign = hashlib.md5((sb.sid + sb.apikey + ts + "".join(v for _, v in params)).encode()).hexdigest()
        return f"/iotapi/rest/v2/{endpoint}?" + urlencode([("sid", sb.sid), ("sign", sign), ("ts", ts), *params])

    lines, ids = [], []
    pages = -(-sb.cards // PAGE)
    for page in range(1, pages + 1):
        lines.append(url("card/list", [("pageindex", str(page))]))
        with urllib.request.urlopen(sb.base_url + lines[-1], timeout=30) as r:
            body = json.load(r)
        assert body["code"] == "0", body
        ids += [c.get("msisdn") or c["msisdns"] for c in body["result"]["cards"]]
    if len(ids) != sb.cards or len(set(ids)) != sb.cards:
        raise SystemExit(f"pre-signing: the sandbox listed {len(ids)} cards ({len(set(ids))} distinct), not {sb.cards}")
    (path.parent / f"ids-{sb.cards}.txt").write_text("\n".join(ids) + "\n")
    for endpoint in ("card/detail", "card/usage/current"):
        for i in range(0, len(ids), PAGE):
            lines.append(url(endpoint, [("msisdns", ",".join(ids[i:i + PAGE])), ("iccids", "")]))
    path.write_text("\n".join(lines) + "\n")
    # One whole card/detail answer, for the decoding micro-benchmark (bench/rust/src/bin/decode.rs).
    with urllib.request.urlopen(sb.base_url + lines[pages], timeout=30) as r:
        (path.parent / f"detail-body-{sb.cards}.json").write_bytes(r.read())


# ------------------------------------------------------------------------------------ clients


@dataclass
class Client:
    key: str
    label: str
    language: str
    baseline: str  # the SDK row its ratios compare to
    argv: Callable[[Sandbox, int, Path], list[str]]
    env: Callable[[Sandbox], dict[str, str]] = lambda sb: {}
    parse: Callable[[str], dict] | None = None  # stdout -> the common result shape
    note: str = ""


def last_json(stdout: str, prefix: str = "") -> dict:
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith(prefix) and line[len(prefix):].lstrip().startswith("{"):
            return json.loads(line[len(prefix):])
    raise ValueError("no JSON result line")


def parse_cli(stdout: str) -> dict:
    sync = json.loads(stdout)["sync"]
    ok = sync["duplicates_skipped"] == 0
    n = sync["exported"]
    return {
        "cards": n, "unique": n if ok else -1,
        "details": n - sync["without_detail"], "usages": n - sync["without_usage"],
        "details_match": sync["without_detail"] == 0, "usages_match": sync["without_usage"] == 0,
        "seconds": sync["seconds"],
    }


def clients(tools: dict[str, str], concurrency: int, wan: bool = False) -> list[Client]:
    py, node = tools["python"], tools["node"]
    py_clients, node_clients = str(BENCH / "clients" / "py_clients.py"), str(BENCH / "clients" / "node_clients.js")

    def py_mode(mode: str):
        return lambda sb, c, tmp: [py, py_clients, mode, sb.base_url, sb.sid, sb.apikey, str(c)]

    def node_mode(mode: str):
        return lambda sb, c, tmp: [node, node_clients, mode, sb.base_url, sb.sid, sb.apikey, str(c)]

    out = [
        Client("rust", "Rust core (`bench/rust`)", "Rust", "rust",
               lambda sb, c, tmp: [tools["rust_bench"], sb.base_url, sb.sid, sb.apikey, str(c)]),
        *([Client("rust-serial", "Rust core, one call at a time (the vendor samples' style)", "Rust", "rust",
                  lambda sb, c, tmp: [tools["rust_bench"], sb.base_url, sb.sid, sb.apikey, "1"])] if wan else []),
        Client("rust-fleet", "Rust core `fleet_sync()`", "Rust", "rust",
               lambda sb, c, tmp: [tools["rust_bench"], sb.base_url, sb.sid, sb.apikey, str(c), "fleet"],
               note="the same requests in one call, pipelined; merged records batch by batch"),
        Client("cli", "`cardboss sync --summary`", "Rust", "rust",
               lambda sb, c, tmp: [tools["cli"], "sync", "--summary", "--json", "--quiet", "--concurrency", str(c)],
               env=lambda sb: {"CARDBOSS_SID": sb.sid, "CARDBOSS_APIKEY": sb.apikey, "CARDBOSS_URL": sb.base_url},
               parse=parse_cli,
               note="chunks of concurrency×100 cards; details and usage of a chunk together (2×concurrency in flight)"),
        Client("py-sdk", "Python `cardboss.Client`", "Python", "py-sdk", py_mode("sdk-sync")),
        Client("py-sdk-async", "Python `cardboss.AsyncClient`", "Python", "py-sdk-async", py_mode("sdk-async")),
        Client("py-fleet", "Python `Client.fleet_sync()`", "Python", "py-sdk", py_mode("sdk-fleet")),
        Client("py-requests", "Python `requests`, one call at a time", "Python", "py-sdk", py_mode("requests")),
        Client("py-httpx", "Python `httpx` async", "Python", "py-sdk-async", py_mode("httpx")),
        Client("node-sdk", "Node `cardboss`", "Node", "node-sdk", node_mode("sdk")),
        Client("node-fleet", "Node `client.fleetSync()`", "Node", "node-sdk", node_mode("sdk-fleet")),
        Client("node-fetch", "Node `fetch` + promise pool", "Node", "node-sdk", node_mode("fetch")),
        Client("wrk", "ceiling: `wrk`, pre-signed, no decoding", "C", "rust",
               lambda sb, c, tmp: [tools["wrk"], "-t1", f"-c{c}", "-d3600s", "--timeout", "30s",
                                   "-s", str(BENCH / "wrk" / "sync.lua"), sb.base_url, "--", str(tmp / f"presigned-{sb.cards}.txt")],
               parse=lambda s: last_json(s, "BENCHJSON")),
    ]
    return [c for c in out if c.key not in tools.get("skip", set())]


# ----------------------------------------------------------------------------------------- runs


@dataclass
class Run:
    client: str
    cards: int
    rep: int
    seconds: float = 0.0
    requests: int = 0
    rss_mb: float = 0.0
    cpu_s: float = 0.0  # the client process, user + system (whole process, start-up included)
    server_cpu_s: float = 0.0  # the sandbox during the run
    ok: bool = False
    phases: list[float] = field(default_factory=list)  # list / details / usage, where reported
    problems: list[str] = field(default_factory=list)


@dataclass
class Measured:
    proc: subprocess.CompletedProcess
    rss_mb: float  # peak, the whole process
    cpu_s: float  # the client process, user + system
    server_cpu_s: float  # the sandbox during the run
    seen: dict[str, int]  # requests the sandbox answered during the run, by endpoint


def measure(client: Client, sb: Sandbox, concurrency: int, tmp: Path, prefix: tuple[str, ...] = (),
            extra_env: dict[str, str] | None = None) -> Measured:
    """Runs the client once under /usr/bin/time (and `prefix`, e.g. perf), with the sandbox's CPU
    and request counters read around it."""
    timefile = tmp / "time.txt"
    timefile.unlink(missing_ok=True)
    before = sb.stats()
    server_before = sb.cpu_seconds()
    env = {**os.environ, **client.env(sb), **(extra_env or {})}
    env.pop("RUST_LOG", None)
    cmd = ["/usr/bin/time", "-f", "%e %M %U %S", "-o", str(timefile), *prefix, *client.argv(sb, concurrency, tmp)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
    server_cpu_s = sb.cpu_seconds() - server_before
    after = sb.stats()
    seen = {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}
    rss_mb = cpu_s = 0.0
    if proc.returncode == 0:
        _, rss_kb, user, system = timefile.read_text().split()[-4:]
        rss_mb, cpu_s = int(rss_kb) / 1024, float(user) + float(system)
    return Measured(proc, rss_mb, cpu_s, server_cpu_s, {k: v for k, v in seen.items() if v})


def measured_run(client: Client, sb: Sandbox, concurrency: int, rep: int,
                 tmp: Path) -> tuple[Run, dict | None, dict[str, int]]:
    """One measured run as a Run: (the run, its result line or None when the client failed, the
    requests the sandbox answered by endpoint). The caller checks the result."""
    run = Run(client.key, sb.cards, rep)
    m = measure(client, sb, concurrency, tmp)
    run.server_cpu_s, run.rss_mb, run.cpu_s = m.server_cpu_s, m.rss_mb, m.cpu_s
    run.requests = sum(m.seen.values())
    if m.proc.returncode != 0:
        run.problems.append(f"exit {m.proc.returncode}: {m.proc.stderr.strip()[-600:]}")
        return run, None, m.seen
    try:
        return run, (client.parse or last_json)(m.proc.stdout), m.seen
    except Exception as e:  # noqa: BLE001 - any unreadable output fails the run
        run.problems.append(f"unreadable output ({e}): {m.proc.stdout[-300:]!r}")
        return run, None, m.seen


def run_one(client: Client, sb: Sandbox, concurrency: int, rep: int, tmp: Path) -> Run:
    run, result, seen = measured_run(client, sb, concurrency, rep, tmp)
    if result is None:
        return run
    if client.key == "wrk":
        # wrk may send up to c-1 repeats after the last answer; they are not part of the sync.
        run.seconds = result["seconds"]
        run.requests = result["responses"]
        if result["responses"] != result["total"] or result["total"] != sum(sb.expected().values()):
            run.problems.append(f"wrk answered {result['responses']} of {result['total']} pre-signed requests")
        if result["failed"]:
            run.problems.append(f"wrk: {result['failed']} answers were not HTTP 200 with code 0")
    else:
        run.seconds = float(result["seconds"])
        run.phases = result.get("phases", [])
        n = sb.cards
        for what in ("cards", "unique", "details", "usages"):
            if result[what] != n:
                run.problems.append(f"{what} = {result[what]}, expected {n}")
        for what in ("details_match", "usages_match"):
            if not result[what]:
                run.problems.append(f"{what} is false")
        for endpoint, want in sb.expected().items():
            got = seen.get(endpoint, 0)
            if got < want:
                run.problems.append(f"the sandbox saw {got} {endpoint} requests, expected {want}")
            elif got > want:
                print(f"    note: {client.key} sent {got} {endpoint} requests for {want} (retries?)")
        extra = set(seen) - set(sb.expected())
        if extra:
            run.problems.append(f"unexpected endpoints: {sorted(extra)}")
    run.ok = not run.problems
    return run


# -------------------------------------------------------------------------------------- machine


def sh(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:  # noqa: BLE001
        return "?"


def machine() -> dict[str, str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
    return {
        "cpu": cpu,
        "nproc": sh("nproc"),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "os": sh("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
        "rustc": sh("rustc", "--version"),
        "python": platform.python_version(),
        "node": sh("node", "--version"),
        "wrk": sh("sh", "-c", "wrk -v 2>&1 | head -1"),
    }


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# ------------------------------------------------------------------------------------- results


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def summarise(runs: list[Run], cls: list[Client], sizes: list[int]) -> list[dict]:
    rows = []
    for size in sizes:
        med = {}
        for c in cls:
            rs = [r for r in runs if r.client == c.key and r.cards == size and r.ok]
            if rs:
                med[c.key] = {
                    "seconds": median([r.seconds for r in rs]),
                    "rss_mb": median([r.rss_mb for r in rs]),
                    "cpu_s": median([r.cpu_s for r in rs]),
                    "server_cpu_s": median([r.server_cpu_s for r in rs]),
                    "requests": rs[0].requests,
                    "n": len(rs),
                    "phases": [median([r.phases[i] for r in rs]) for i in range(3)]
                    if all(len(r.phases) == 3 for r in rs) else [],
                    "spread": (min(r.seconds for r in rs), max(r.seconds for r in rs)),
                }
        for c in cls:
            m = med.get(c.key)
            base = med.get(c.baseline)
            row = {"client": c.key, "label": c.label, "language": c.language, "cards": size, "note": c.note,
                   "baseline": c.baseline}
            if m:
                row.update(m)
                row["rps"] = m["requests"] / m["seconds"] if m["seconds"] else float("nan")
                row["time_ratio"] = m["seconds"] / base["seconds"] if base else None
                row["rss_ratio"] = m["rss_mb"] / base["rss_mb"] if base else None
                row["cpu_ratio"] = m["cpu_s"] / base["cpu_s"] if base and base["cpu_s"] else None
            rows.append(row)
    return rows


def fmt_table(rows: list[dict], labels: dict[str, str]) -> str:
    head = ("| cards | client | wall s (median) | min–max s | req/s | peak RSS MB | client CPU s | sandbox CPU s "
            "| × time of its SDK | × RSS of its SDK | × CPU of its SDK | runs |")
    sep = "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    out = [head, sep]
    for r in rows:
        if "seconds" not in r:
            out.append(f"| {r['cards']:,} | {r['label']} | not run | | | | | | | | | 0 |")
            continue
        base = labels[r["baseline"]].split(" (")[0].replace("`", "")
        tr = f"{r['time_ratio']:.2f} (vs {base})" if r["baseline"] != r["client"] and r["time_ratio"] else ("1.00" if r["time_ratio"] else "–")
        rr = f"{r['rss_ratio']:.2f}" if r["rss_ratio"] else "–"
        cr = f"{r['cpu_ratio']:.2f}" if r["cpu_ratio"] else "–"
        out.append(
            f"| {r['cards']:,} | {r['label']} | {r['seconds']:.3f} | {r['spread'][0]:.3f}–{r['spread'][1]:.3f} | "
            f"{r['rps']:,.0f} | {r['rss_mb']:.1f} | {r['cpu_s']:.2f} | {r['server_cpu_s']:.2f} | {tr} | {rr} | {cr} | {r['n']} |"
        )
    return "\n".join(out)


def fmt_phases(rows: list[dict]) -> str:
    out = ["| cards | client | card/list s | card/detail s | card/usage/current s |", "|---:|---|---:|---:|---:|"]
    for r in rows:
        if r.get("phases"):
            a, b, c = r["phases"]
            out.append(f"| {r['cards']:,} | {r['label']} | {a:.3f} | {b:.3f} | {c:.3f} |")
    return "\n".join(out)


def fmt_micro(micro: dict[str, dict[str, float]]) -> str:
    out = ["| operation / implementation | ns per call (median) |", "|---|---:|"]
    for lang, cases in micro.items():
        for name, ns in cases.items():
            out.append(f"| {lang}: {name} | {ns:,.0f} |")
    return "\n".join(out)


def chart(rows: list[dict], cls: list[Client], sizes: list[int], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no chart")
        return False
    keys = [c.key for c in cls]
    labels = [c.label.replace("`", "") for c in cls]
    fig, axes = plt.subplots(1, 3, figsize=(20, 6.5))
    width = 0.8 / len(sizes)
    for ax, metric, title in ((axes[0], "seconds", "wall time of the fleet sync (s, log)"),
                              (axes[1], "rss_mb", "peak RSS (MB, log)"),
                              (axes[2], "cpu_s", "client CPU time, user + system (s, log)")):
        for i, size in enumerate(sizes):
            vals = []
            for k in keys:
                r = next((r for r in rows if r["client"] == k and r["cards"] == size), {})
                vals.append(r.get(metric, 0) or 0)
            ys = [j + (i - (len(sizes) - 1) / 2) * width for j in range(len(keys))]
            bars = ax.barh(ys, vals, height=width, label=f"{size:,} cards")
            for b, v in zip(bars, vals):
                if v:
                    ax.text(v, b.get_y() + b.get_height() / 2, f" {v:.2f}" if v < 100 else f" {v:.0f}",
                            va="center", fontsize=7)
        ax.set_yticks(range(len(keys)))
        ax.set_yticklabels(labels if ax is axes[0] else [], fontsize=8)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_title(title)
        ax.legend(fontsize=8)
    fig.suptitle("CardBOSS fleet sync (card/list + card/detail + card/usage/current), median per client")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write_markdown(block: str, path: Path, section: str = "results") -> None:
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{start}\n{end}\n"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1] if end in rest else ""
    path.write_text(f"{head}{start}\n{block}\n{end}{tail}")


# ----------------------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="small fleet, one repetition, BENCHMARKS.md untouched")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--sizes")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--skip", default="", help="comma-separated client keys to leave out")
    ap.add_argument("--command", default="bench/run.sh", help="the command line to record")
    ap.add_argument("--profile", default="release",
                    help="the cargo profile whose binaries to run: target/<profile>/ (dev = debug)")
    ap.add_argument("--wan", type=int, metavar="MS", default=0,
                    help="the WAN profile: every request takes a simulated MS round trip (sandbox --latency); "
                         "adds the Rust core one call at a time; writes its own section of BENCHMARKS.md")
    args = ap.parse_args()
    reps = args.reps or (1 if args.smoke else 3 if args.wan else 5)
    default_sizes = "2000" if args.smoke else "10000" if args.wan else "10000,100000"
    sizes = [int(s) for s in (args.sizes or default_sizes).split(",")]
    OUT.mkdir(exist_ok=True)

    profile_dir = "debug" if args.profile in ("dev", "debug") else args.profile
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / profile_dir
    missing = [b for b in ("cardboss-sandbox", "cardboss", "cardboss-bench") if not (target / b).is_file()]
    if missing:
        raise SystemExit(f"not built: {', '.join(str(target / b) for b in missing)} (bench/run.sh without --no-build)")
    if profile_dir != "release":
        print(f"note: {profile_dir} builds from {target}: the checks hold, the timings do not compare"
              " (BENCHMARKS.md is not rewritten)")
    tools = {
        "python": sys.executable,
        "node": shutil.which("node") or "node",
        "wrk": shutil.which("wrk") or "wrk",
        "cli": str(target / "cardboss"),
        "rust_bench": str(target / "cardboss-bench"),
        "skip": {s for s in args.skip.split(",") if s},
    }
    wan = args.wan > 0
    cls = clients(tools, args.concurrency, wan)
    labels = {c.key: c.label for c in clients({**tools, "skip": set()}, args.concurrency, wan)}
    info = machine()
    load_start = loadavg()
    started_at = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"machine: {info['cpu']}, {info['nproc']} cpus, {info['memory']}; load {load_start}")
    print(f"sizes {sizes}, {reps} repetition(s), concurrency {args.concurrency}, clients: {[c.key for c in cls]}, "
          f"Rust binaries from {target}")

    tmp = Path(tempfile.mkdtemp(prefix="cardboss-bench-"))
    sandboxes = {n: Sandbox(target / "cardboss-sandbox", n, args.wan) for n in sizes}
    runs: list[Run] = []
    micro: dict[str, dict[str, float]] = {}
    try:
        for sb in sandboxes.values():
            presign(sb, tmp / f"presigned-{sb.cards}.txt")
        for rep in range(reps):
            for size in sizes:
                order = cls[rep % len(cls):] + cls[:rep % len(cls)]
                for c in order:
                    r = run_one(c, sandboxes[size], args.concurrency, rep, tmp)
                    runs.append(r)
                    status = "ok" if r.ok else "FAILED: " + "; ".join(r.problems)
                    print(f"  rep {rep + 1}/{reps} {size:>7,} cards {c.key:<13} {r.seconds:8.3f} s {r.rss_mb:7.1f} MB cpu {r.cpu_s:5.2f} s (sandbox {r.server_cpu_s:5.2f} s)  {status}"
                          + (f"  phases {r.phases}" if r.phases else ""),
                          flush=True)
        micro_reps = 1 if args.smoke else 5
        decode = target / "decode"
        if decode.exists() and not wan:
            p = subprocess.run([str(decode), str(tmp / f"detail-body-{sizes[0]}.json")],
                               capture_output=True, text=True, timeout=600)
            if p.returncode == 0:
                d = last_json(p.stdout)
                what = f"decode one card/detail answer ({d.pop('cards_per_answer')} cards, {d.pop('bytes_per_answer') // 1024} KiB)"
                micro["Rust"] = {f"{what} / {k.replace(', µs', '')}": v * 1000 for k, v in d.items()}
            else:
                print(f"decode micro-benchmark FAILED: {p.stderr.strip()[-600:]}")
                runs.append(Run("decode-micro", 0, 0, problems=[p.stderr.strip()[-300:]]))
        for lang, cmd in () if wan else (("Python", [tools["python"], str(BENCH / "micro" / "py_micro.py"), str(micro_reps)]),
                          ("Node", [tools["node"], str(BENCH / "micro" / "node_micro.js"), str(micro_reps)])):
            if ("py" if lang == "Python" else "node") + "-sdk" in tools["skip"]:
                continue
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            if p.returncode != 0:
                print(f"{lang} micro-benchmark FAILED: {p.stderr.strip()[-600:]}")
                runs.append(Run(f"{lang}-micro", 0, 0, problems=[p.stderr.strip()[-300:]]))
            else:
                micro[lang] = last_json(p.stdout)
    finally:
        for sb in sandboxes.values():
            sb.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    load_end = loadavg()
    rows = summarise(runs, cls, sizes)
    failed = [r for r in runs if not r.ok]
    table = fmt_table(rows, labels)
    micro_table = fmt_micro(micro) if micro else "(not run)"
    phase_table = fmt_phases(rows)
    name = "results-smoke.json" if args.smoke else "results.json" if profile_dir == "release" else f"results-{profile_dir}.json"
    if wan:
        name = name.replace("results", "results-wan")
    (OUT / name).write_text(
        json.dumps({"machine": info, "load": [load_start, load_end], "started": started_at, "reps": reps,
                    "sizes": sizes, "concurrency": args.concurrency, "rows": rows, "micro": micro,
                    "runs": [r.__dict__ for r in runs]}, indent=1))
    print("\n" + table + "\n\n" + phase_table + "\n\n" + micro_table)

    if not args.smoke and profile_dir != "release":
        print(f"\n{profile_dir} builds: BENCHMARKS.md and bench/fleet-sync.png left untouched")
    elif wan and not args.smoke:
        write_markdown("\n".join([
            f"Measured {started_at} with `{args.command}`: every request took a simulated {args.wan} ms "
            f"round trip (`cardboss-sandbox --latency {args.wan}`), {reps} interleaved repetition(s), "
            f"concurrency {args.concurrency} except the one-call-at-a-time rows, median shown.",
            "",
            f"- Machine: {info['cpu']}, {info['nproc']} CPUs; load at start {load_start}, at the end {load_end}",
            "",
            table,
        ]), REPO / "BENCHMARKS.md", "wan")
        print("\nwrote the WAN section of BENCHMARKS.md")
    elif not args.smoke:
        chart_ok = chart(rows, cls, sizes, BENCH / "fleet-sync.png")
        skipped = sorted(set(labels) - {c.key for c in cls})
        block = "\n".join([
            f"Measured {started_at} with `{args.command}`: {reps} interleaved repetition(s) per client and "
            f"size (order rotated each repetition), concurrency {args.concurrency}, median shown.",
            "",
            f"- Machine: {info['cpu']}, {info['nproc']} CPUs, {info['memory']} RAM; {info['os']}, Linux {info['kernel']}",
            f"- Load average (1/5/15 min) at start: {load_start}; at the end: {load_end} "
            f"({info['nproc']} cores shared by the sandbox, the client and anything else running).",
            f"- {info['rustc']}; Python {info['python']}; Node {info['node']}; {info['wrk']}",
            *( [f"- Not run: {', '.join(skipped)}"] if skipped else [] ),
            "",
            table,
            "",
            "`× time of its SDK`: the row's median wall time over its baseline's (Python `requests` vs "
            "`cardboss.Client`, `httpx` vs `cardboss.AsyncClient`, Node `fetch` vs the Node package, "
            "the CLI and wrk vs the Rust core). Wall time is the sync alone, timed inside the client "
            "(wrk: its own run time); peak RSS is the whole process (`/usr/bin/time -f %M`); req/s counts "
            "the requests the sandbox answered during the run.",
            "",
            "![fleet sync: time and memory per client](bench/fleet-sync.png)" if chart_ok else "(no chart: matplotlib missing)",
            "",
            "Where the time goes (median seconds per phase, for the clients that report them):",
            "",
            phase_table,
            "",
            "Per-call overhead (no network):",
            "",
            micro_table,
        ])
        write_markdown(block, REPO / "BENCHMARKS.md")
        print(f"\nwrote BENCHMARKS.md{' and bench/fleet-sync.png' if chart_ok else ''}")
    if failed:
        print(f"\n{len(failed)} run(s) FAILED their checks:")
        for r in failed:
            print(f"  {r.client} {r.cards} cards rep {r.rep + 1}: {'; '.join(r.problems)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
