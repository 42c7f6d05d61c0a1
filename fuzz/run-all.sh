#!/usr/bin/env bash
# Builds and runs every fuzz target for RUNS executions (default 1,000,000) on stable Rust,
# one after the other. Work corpora go to fuzz/corpus/<target> and full logs to
# fuzz/logs/<target>.log (both ignored by git), seeds are read from fuzz/seeds/<target>,
# crashing inputs are saved in fuzz/artifacts/<target>/.
# Usage: fuzz/run-all.sh [RUNS] [extra cargo-fuzz flags, e.g. -s none]
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-1000000}"
shift || true
export RUSTC_BOOTSTRAP=1   # cargo-fuzz passes nightly-only flags (-Zsanitizer, …) to rustc
[ -d fuzz/seeds ] || python3 fuzz/seed.py
mkdir -p fuzz/logs
failed=0
for target in decode_models verify_push parse_sms_push decrypt_sms; do
  mkdir -p "fuzz/corpus/$target"
  echo "== $target: $runs runs"
  cargo fuzz run "$@" "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
    -runs="$runs" -print_final_stats=1 > "fuzz/logs/$target.log" 2>&1
  status=$?
  grep -E '^(INFO: seed|INFO: .*inputs|#[0-9]+ *DONE|Done |stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|.*panicked|Test unit written)' \
    "fuzz/logs/$target.log"
  if [ "$status" -ne 0 ]; then
    echo "!! $target exited with $status: see fuzz/logs/$target.log and fuzz/artifacts/$target/"
    failed=1
  fi
done
exit "$failed"
