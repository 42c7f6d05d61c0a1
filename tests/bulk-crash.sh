#!/usr/bin/env bash
# The bulk-run figure of RELIABILITY.md: a `cardboss bulk` run killed with SIGKILL part way and
# repeated from its journal applies no operation twice and leaves every card final (or unknown
# with the state it showed, counted), under 20% faults.
#
#   tests/bulk-crash.sh [--cards 5000] [--faults 0.2] [--seed 1] [--profile debug]
#
# Steps: a sandbox process (`cardboss sandbox`) with a fleet of 3x --cards, from which the first
# --cards cards in state 正常 are taken (a fault-free `cardboss sync`); faults at --faults, every
# kind (delays of 3 s, beyond the CLI's --timeout 2); `cardboss bulk suspend --from-file
# --journal` killed with -9 once the journal holds outcomes for a random 10-60% of the cards;
# the same command again; then the ledger (`GET /_sandbox/ledger`) checked: no card suspended
# twice, every card done (and in the target state, by `cardboss cards detail`) or refused, or
# unknown with an observed state. Then the sandbox clock goes 181 s ahead (past the carrier's
# 3-minute window; the CLI's cooldown file is cleared with it) and the same for a resume.
# Prints the figures; exits 1 if a check fails.
#
# Uses the CLI the tests build (target/<profile>/cardboss; built here if missing).
# --cards 1000 takes about a minute on 2 cores (debug); 5000, about five.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bench/lib.sh"
CARDS=5000
FAULTS=0.2
SEED=1
set_profile debug
while [ $# -gt 0 ]; do
  case "$1" in
    --cards) CARDS="$2"; shift ;;
    --faults) FAULTS="$2"; shift ;;
    --seed) SEED="$2"; shift ;;
    --profile) set_profile "$2"; shift ;;
    *) echo "unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift
done
CLI="$ROOT/target/$PROFILE/cardboss"
[ -x "$CLI" ] || { step "cargo build -p cardboss-cli"; (cd "$ROOT" && cargo build -q "${CARGO_PROFILE[@]}" -p cardboss-cli); }

WORK="$(mktemp -d)"
# The CLI's cooldown memory (its state file) is this run's own, so the clock jump below can
# clear it as `clear_cooldowns()` does for the packages.
export XDG_STATE_HOME="$WORK/state"
SANDBOX_PID=""
CLI_PID=""
cleanup() {
  [ -n "$CLI_PID" ] && kill -9 "$CLI_PID" 2>/dev/null || true
  [ -n "$SANDBOX_PID" ] && kill "$SANDBOX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

step "sandbox of $((CARDS * 3)) cards"
"$CLI" sandbox --port1 0 --port2 0 --cards "$((CARDS * 3))" --seed "$SEED" --strict \
  >"$WORK/sandbox.out" 2>"$WORK/sandbox.err" &
SANDBOX_PID=$!
line=""
for _ in $(seq 600); do
  line="$(head -n1 "$WORK/sandbox.out" 2>/dev/null || true)"
  case "$line" in *'"ready"'*) break ;; esac
  kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$WORK/sandbox.err" >&2; exit 1; }
  sleep 0.1
done
read -r BASE OPS SID KEY < <(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r["base_url"], r["ops_url"], r["sid"], r["apikey"])' "$line")
export CARDBOSS_URL="$BASE" CARDBOSS_OPS_URL="$OPS" CARDBOSS_SID="$SID" CARDBOSS_APIKEY="$KEY"
unset CARDBOSS_CONFIG
admin() { # METHOD PATH [JSON]
  curl -sf -X "$1" "$BASE/_sandbox/$2" -H 'content-type: application/json' ${3:+--data "$3"}
}

step "the first $CARDS cards in state 正常 (msstatus 2)"
"$CLI" --quiet sync --out "$WORK/fleet.csv" >/dev/null
python3 - "$WORK/fleet.csv" "$CARDS" >"$WORK/ids.txt" <<'EOF'
import csv, sys
rows = [r["msisdn"] for r in csv.DictReader(open(sys.argv[1])) if r["msstatus"] == "2"]
n = int(sys.argv[2])
if len(rows) < n:
    sys.exit(f"only {len(rows)} cards in state 2")
print("\n".join(rows[:n]))
EOF

outcomes() { # JOURNAL: its outcome lines
  local n
  n=$(grep -c '"kind":"outcome"' "$1" 2>/dev/null) || true
  echo "${n:-0}"
}

# One operation: killed with -9 part way, then repeated from the journal; checked on the ledger.
crash_and_repeat() { # OP STOPKEEP
  local op="$1" stopkeep="$2" journal="$WORK/$1.jsonl" start requests_before kill_at
  kill_at=$(python3 -c "import random; print(int($CARDS * random.uniform(0.1, 0.6)))")
  admin POST faults "{\"rate\": $FAULTS, \"kinds\": [], \"delay_secs\": 3}" >/dev/null
  requests_before=$(admin GET stats | jq .total)
  start=$(date +%s.%N)
  step "$op $CARDS cards, killed with -9 after $kill_at outcomes"
  "$CLI" --quiet --timeout 2 bulk "$op" --from-file "$WORK/ids.txt" --journal "$journal" \
    >"$WORK/$op-1.out" 2>"$WORK/$op-1.err" &
  CLI_PID=$!
  while [ "$(outcomes "$journal")" -lt "$kill_at" ]; do
    kill -0 "$CLI_PID" 2>/dev/null || { echo "the run ended before the kill:" >&2; cat "$WORK/$op-1.err" >&2; exit 1; }
    sleep 0.05
  done
  kill -9 "$CLI_PID"; wait "$CLI_PID" 2>/dev/null || true; CLI_PID=""
  step "$op again from the journal"
  local code=0
  "$CLI" --quiet --timeout 2 --json bulk "$op" --from-file "$WORK/ids.txt" --journal "$journal" \
    >"$WORK/$op.json" 2>"$WORK/$op-2.err" || code=$?
  local wall
  wall=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
  admin POST faults '{"rate": 0}' >/dev/null
  local requests=$(( $(admin GET stats | jq .total) - requests_before ))
  admin GET ledger >"$WORK/ledger.json"
  # shellcheck disable=SC2046
  "$CLI" --quiet --json cards detail $(cat "$WORK/ids.txt") >"$WORK/states.json"
  python3 - "$WORK/$op.json" "$WORK/ledger.json" "$stopkeep" "$code" "$kill_at" "$requests" "$wall" "$op" "$FAULTS" "$WORK/states.json" <<'EOF'
import json, sys
report, ledger = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
stopkeep, code, kill_at, requests, wall, op, faults = sys.argv[3:10]
state = {d["msisdn"]: d["msstatus"] for d in json.load(open(sys.argv[10]))}
target = 3 if stopkeep == "0" else 2
applied = {}
for e in ledger:
    if e["endpoint"].endswith("card/stopkeep") and e["applied"] and e["details"].get("stopkeep") == stopkeep:
        for c in e["cards"]:
            applied[c] = applied.get(c, 0) + 1
twice = sum(1 for n in applied.values() if n > 1)
problems = []
if twice:
    problems.append(f"{twice} cards applied twice")
unknown_seen = unknown_unseen = unknown_applied = 0
for o in report["outcomes"]:
    n = applied.get(o["card"], 0)
    if o["status"] == "done" and state[o["card"]] != target:
        problems.append(f"{o['card']} done but in state {state[o['card']]}")
    elif o["status"] == "unknown":
        if o["observed_msstatus"] is None:
            unknown_unseen += 1
        else:
            unknown_seen += 1
        unknown_applied += n
    elif o["status"] not in ("done", "refused", "unknown"):
        problems.append(f"{o['card']} ended {o['status']}")
expected_code = 4 if report["unknown"] else 3 if report["refused"] else 0
if int(code) != expected_code:
    problems.append(f"exit code {code}, expected {expected_code}")
print(f"{op}: {report['cards']} cards, faults {faults}, killed after {kill_at} outcomes; "
      f"{requests} requests (both runs); done {report['done']} "
      f"(reconciled {report['reconciled']}), from the journal {report['from_journal']}, "
      f"refused {report['refused']}, unknown {report['unknown']} "
      f"({unknown_seen} with the observed state, {unknown_unseen} not read back, "
      f"{unknown_applied} of them applied); applied twice: {twice}; wall {wall} s")
if problems:
    sys.exit("FAILED: " + "; ".join(problems[:10]))
EOF
}

crash_and_repeat suspend 0
step "sandbox clock +181 s (past the 3-minute window)"
admin POST clock/advance '{"seconds": 181}' >/dev/null
rm -f "$XDG_STATE_HOME/cardboss/cooldowns.json"
crash_and_repeat resume 1
