#!/usr/bin/env bash
# Peak memory of a fleet sync in each language package, at 10,000 and 100,000 cards (issue 14:
# the 100,000-card sync may take at most 1.5x the memory of the 10,000-card one, since only what
# is in flight is held). A benchmark, not a test: it prints figures, side by side with the ratio.
#
#   bench/fleet-memory.sh [--sizes 10000,100000] [--langs python,node,kotlin] [--reps N]
#
# Each run is one process under GNU time (`-f %M`: peak resident set, KB) doing
# `client.fleet_sync()` with the default options (list + details + usage) against a sandbox
# binary of that size (a separate process, started afresh per size), counting the records and
# dropping them (bench/fleet-memory/sync.py, sync.js, kotlin/FleetMemory.kt); a run that does
# not end complete with exactly the fleet's cards fails the script. With --reps N each figure is
# the median of N runs.
#
# Uses what the test suites build (nothing is built here except the small Kotlin main):
#   - the sandbox: target/debug/cardboss-sandbox ($CARDBOSS_SANDBOX_BIN);
#   - Python: a venv with the cardboss wheel installed ($CARDBOSS_BENCH_VENV, default
#     bindings-python/.venv, as bindings-python/test.sh leaves it);
#   - Node: the addon in bindings-node/ (bindings-node/test.sh, or `npm run build` there);
#   - Kotlin: bindings-kotlin/target/cardboss-0.1.0.jar (bindings-kotlin/test.sh), installed with
#     its pom into the local Maven repository, and Maven to compile the main.
# CARDBOSS_BENCH_JAVA_OPTS: JVM options of the Kotlin runs (e.g. -Xmx64m: the JVM's default heap
# sizing grows the heap with the run's length, not with what it holds).
# GNU time is installed with apt-get when missing (Debian; root or sudo).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$BENCH/lib.sh"
REPO="$(cd "$BENCH/.." && pwd)"
SIZES=10000,100000
LANGS=python,node,kotlin
REPS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="$2"; shift ;;
    --langs) LANGS="$2"; shift ;;
    --reps) REPS="$2"; shift ;;
    *) echo "unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift
done
IFS=, read -r -a SIZE_LIST <<<"$SIZES"
IFS=, read -r -a LANG_LIST <<<"$LANGS"

SANDBOX="${CARDBOSS_SANDBOX_BIN:-$REPO/target/debug/cardboss-sandbox}"
VENV="${CARDBOSS_BENCH_VENV:-$REPO/bindings-python/.venv}"
JAR="$REPO/bindings-kotlin/target/cardboss-0.1.0.jar"
KT="$BENCH/fleet-memory/kotlin"
[ -x "$SANDBOX" ] || { echo "no sandbox binary at $SANDBOX: cargo build -p cardboss-sandbox" >&2; exit 1; }
install_missing /usr/bin/time=time

WORK="$(mktemp -d)"
SANDBOX_PID=""
cleanup() {
  [ -n "$SANDBOX_PID" ] && kill "$SANDBOX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The command that runs one sync in language $1, after the sandbox's URLs and keys.
runner() {
  case "$1" in
    python) echo "$VENV/bin/python $BENCH/fleet-memory/sync.py" ;;
    node) echo "node $BENCH/fleet-memory/sync.js" ;;
    kotlin) echo "java ${CARDBOSS_BENCH_JAVA_OPTS:-} -cp $KT/target/classes:$(cat "$KT/target/classpath.txt") FleetMemoryKt" ;;
    *) echo "unknown language $1" >&2; exit 2 ;;
  esac
}

for lang in "${LANG_LIST[@]}"; do
  case "$lang" in
    python) "$VENV/bin/python" -c 'import cardboss' 2>/dev/null \
      || { echo "no cardboss package in $VENV: run bindings-python/test.sh" >&2; exit 1; } ;;
    node) ls "$REPO"/bindings-node/cardboss.*.node >/dev/null 2>&1 \
      || { echo "no Node addon in bindings-node/: run bindings-node/test.sh" >&2; exit 1; } ;;
    kotlin)
      [ -f "$JAR" ] || { echo "no $JAR: run bindings-kotlin/test.sh" >&2; exit 1; }
      kotlin_version="$(sed -n 's|.*<kotlin.version>\(.*\)</kotlin.version>.*|\1|p' "$REPO/bindings-kotlin/pom.xml")"
      mvn -q -B -Dstyle.color=never install:install-file -Dfile="$JAR" -DpomFile="$REPO/bindings-kotlin/pom.xml" >/dev/null
      mvn -q -B -Dstyle.color=never -f "$KT/pom.xml" -Dkotlin.version="$kotlin_version" compile \
        dependency:build-classpath -Dmdep.outputFile="$KT/target/classpath.txt" >/dev/null ;;
  esac
done

# Starts a sandbox of $1 cards; sets URLs and keys from its ready line.
start_sandbox() {
  local out="$WORK/sandbox-$1.out"
  "$SANDBOX" --port1 0 --port2 0 --cards "$1" --seed 1 >"$out" 2>"$WORK/sandbox.err" &
  SANDBOX_PID=$!
  local line=""
  for _ in $(seq 600); do
    line="$(head -n1 "$out" 2>/dev/null || true)"
    case "$line" in *'"ready"'*) break ;; esac
    kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$WORK/sandbox.err" >&2; exit 1; }
    sleep 0.1
  done
  read -r BASE OPS SID KEY < <(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r["base_url"], r["ops_url"], r["sid"], r["apikey"])' "$line")
}

declare -A PEAK
for size in "${SIZE_LIST[@]}"; do
  start_sandbox "$size"
  for lang in "${LANG_LIST[@]}"; do
    figures=()
    for rep in $(seq "$REPS"); do
      # shellcheck disable=SC2046
      /usr/bin/time -f %M -o "$WORK/rss" $(runner "$lang") "$BASE" "$OPS" "$SID" "$KEY" "$size" >"$WORK/out" \
        || { echo "$lang at $size cards failed:" >&2; cat "$WORK/out" >&2; exit 1; }
      figures+=("$(tail -n1 "$WORK/rss")")
      echo "$lang $size cards, run $rep: $(cat "$WORK/out"), peak RSS $(tail -n1 "$WORK/rss") KB" >&2
    done
    PEAK[$lang,$size]="$(printf '%s\n' "${figures[@]}" | sort -n | sed -n "$(( (REPS + 1) / 2 ))p")"
  done
  kill "$SANDBOX_PID"; wait "$SANDBOX_PID" 2>/dev/null || true; SANDBOX_PID=""
done

first="${SIZE_LIST[0]}"; last="${SIZE_LIST[${#SIZE_LIST[@]}-1]}"
printf '\n%-8s' language
for size in "${SIZE_LIST[@]}"; do printf '%16s' "$size cards"; done
printf '%10s\n' ratio
for lang in "${LANG_LIST[@]}"; do
  printf '%-8s' "$lang"
  for size in "${SIZE_LIST[@]}"; do
    awk -v kb="${PEAK[$lang,$size]}" 'BEGIN { printf "%13.1f MB", kb / 1024 }'
  done
  awk -v a="${PEAK[$lang,$last]}" -v b="${PEAK[$lang,$first]}" 'BEGIN { printf "%9.2fx\n", a / b }'
done
