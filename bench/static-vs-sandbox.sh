#!/usr/bin/env bash
# The sandbox against a static file server serving the very same bytes (see BENCHMARKS.md,
# "The sandbox against a static server"):
#
#   bench/static-vs-sandbox.sh             release sandbox (built here), 3 interleaved rounds of
#                                          10 s per server and endpoint; prints req/s and ratios
#   bench/static-vs-sandbox.sh --smoke     debug sandbox, 1 round of 1 s: checks that it runs
#   options: --no-build  --profile release|debug  --rounds N  --duration SECS  --cards N
#            --connections N (wrk -c, default 8)
#            --sandbox PATH (another sandbox binary, e.g. an older build to compare; implies
#            --no-build)
#
# For each endpoint (card/detail and card/usage/current for 100 cards, card/list page 1) it signs
# one request by hand (MD5 of sid+apikey+ts+params; the sandbox runs with a 7-day --ts-window so
# the one request stays valid), checks the sandbox's answer is a success, saves that answer as a
# file, serves the files with nginx on loopback (access log off, sendfile, keep-alive; worker
# processes = cores, as the sandbox's runtime has one thread per core), and runs
# `wrk -t1 -c8` against nginx and the sandbox in turn, round after round, in one run.
# nginx and wrk come from Debian's packages (apt-get, through sudo when not root) when missing.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
. "$BENCH/lib.sh"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"

BUILD=1 PROFILE=release ROUNDS=3 DURATION=10 CARDS=1000 CONNS=8 SMOKE=0 SANDBOX=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1; PROFILE=debug; ROUNDS=1; DURATION=1 ;;
    --no-build) BUILD=0 ;;
    --profile) PROFILE="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --cards) CARDS="$2"; shift ;;
    --connections) CONNS="$2"; shift ;;
    --sandbox) SANDBOX="$2"; BUILD=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
set_profile "$PROFILE"
SANDBOX="${SANDBOX:-$CARGO_TARGET_DIR/$PROFILE/cardboss-sandbox}"


# --- tools ---------------------------------------------------------------------------------------
install_missing wrk=wrk nginx=nginx-light curl=curl
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

if [ "$BUILD" = 1 ]; then
  step "cargo build ${CARGO_PROFILE[*]} -p cardboss-sandbox"
  (cd "$REPO" && cargo build "${CARGO_PROFILE[@]}" --quiet -p cardboss-sandbox)
fi
[ -x "$SANDBOX" ] || { echo "no $SANDBOX: run without --no-build" >&2; exit 1; }

WORK="$(mktemp -d)"
SB_PID="" NGINX_PID=""
cleanup() {
  [ -n "$SB_PID" ] && kill "$SB_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- the sandbox -----------------------------------------------------------------------------------
step "sandbox: $SANDBOX --cards $CARDS"
mkfifo "$WORK/ready"
"$SANDBOX" --port1 0 --port2 0 --cards "$CARDS" --ts-window 604800 >"$WORK/ready" 2>"$WORK/sandbox.log" &
SB_PID=$!
read -r READY <"$WORK/ready"
field() { sed -E "s/.*\"$1\":\"([^\"]*)\".*/\1/" <<<"$READY"; }
BASE="$(field base_url)" SID="$(field sid)" APIKEY="$(field apikey)"
TS="$(TZ=Asia/Shanghai date +%Y%m%d%H%M%S)"
sign() { printf '%s' "$SID$APIKEY$TS$*" | md5sum | cut -d' ' -f1; }
url() { # path, then name=value pairs; every value is signed, in order
  local path="$1"; shift
  local plain="" query=""
  for kv in "$@"; do plain+="${kv#*=}"; query+="&$kv"; done
  printf '%s/iotapi/rest/v2/%s?sid=%s&sign=%s&ts=%s%s' "$BASE" "$path" "$SID" "$(sign "$plain")" "$TS" "$query"
}

LIST_URL="$(url card/list pageindex=1)"
curl -sf "$LIST_URL" >"$WORK/list.json"
MSISDNS="$(grep -oE '"msisdns?":"[0-9]+"' "$WORK/list.json" | head -100 | sed -E 's/.*:"([0-9]+)"/\1/' | paste -sd, -)"
[ "$(tr ',' '\n' <<<"$MSISDNS" | wc -l)" -eq 100 ] || { echo "card/list gave no 100 cards" >&2; exit 1; }
DETAIL_URL="$(url card/detail "msisdns=$MSISDNS" "iccids=")"
USAGE_URL="$(url card/usage/current "msisdns=$MSISDNS" "iccids=")"

mkdir -p "$WORK/www"
declare -A SANDBOX_URL=([detail]="$DETAIL_URL" [usage]="$USAGE_URL" [list]="$LIST_URL")
declare -A LABEL=([detail]="card/detail, 100 cards" [usage]="card/usage/current, 100 cards" [list]="card/list, page of 100")
for e in detail usage list; do
  curl -sf "${SANDBOX_URL[$e]}" >"$WORK/www/$e.json"
  grep -q '^{"code":"0"' "$WORK/www/$e.json" || { echo "$e: not a success: $(head -c 300 "$WORK/www/$e.json")" >&2; exit 1; }
done

# --- nginx on a free loopback port -------------------------------------------------------------
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { application/json json; }
  client_body_temp_path $WORK/tmp;
  proxy_temp_path $WORK/tmp;
  fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp;
  scgi_temp_path $WORK/tmp;
  server {
    listen 127.0.0.1:$PORT;
    root $WORK/www;
  }
}
EOF
mkdir -p "$WORK/tmp"
# nginx's workers run as an unprivileged user when started by root: let them read the files.
chmod 755 "$WORK" "$WORK/www"
chmod 644 "$WORK"/www/*.json
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" 2>>"$WORK/nginx-error.log" &
NGINX_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/list.json" -o /dev/null && break; sleep 0.05; done
for e in detail usage list; do
  cmp -s <(curl -sf "http://127.0.0.1:$PORT/$e.json") "$WORK/www/$e.json" \
    || { echo "nginx does not serve $e.json" >&2; exit 1; }
done

# --- wrk, interleaved -------------------------------------------------------------------------
rps() { # url -> requests/s (fails on socket errors or non-2xx answers)
  local out
  out="$(wrk -t1 -c"$CONNS" -d"${DURATION}s" "$1")"
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then echo "wrk: $out" >&2; exit 1; fi
  awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out"
}
median() { tr -s ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A STATIC SB
for r in $(seq "$ROUNDS"); do
  for e in detail usage list; do
    step "round $r/$ROUNDS: $e (nginx, then sandbox)"
    STATIC[$e]+="$(rps "http://127.0.0.1:$PORT/$e.json") "
    SB[$e]+="$(rps "${SANDBOX_URL[$e]}") "
  done
done

# The sandbox answered every request it was sent with a success (wrk saw only 2xx; the stats
# count them).
kill -0 "$SB_PID" || { echo "the sandbox died: $(tail -5 "$WORK/sandbox.log")" >&2; exit 1; }

printf '\nwrk -t1 -c%s, %s s per run, median of %s interleaved rounds; %s cards; sandbox: %s\n\n' \
  "$CONNS" "$DURATION" "$ROUNDS" "$CARDS" "$SANDBOX"
printf '| endpoint | answer | nginx, static file (req/s) | sandbox (req/s) | sandbox / nginx |\n'
printf '|---|---:|---:|---:|---:|\n'
for e in detail usage list; do
  s="$(median <<<"${STATIC[$e]}")" b="$(median <<<"${SB[$e]}")"
  size="$(wc -c <"$WORK/www/$e.json")"
  printf '| %s | %s kB | %s | %s | %s |\n' "${LABEL[$e]}" "$((size / 1000))" "$s" "$b" \
    "$(awk -v a="$b" -v b="$s" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')"
done
printf '\nall rounds (req/s): '
for e in detail usage list; do printf '%s nginx [%s] sandbox [%s]; ' "$e" "${STATIC[$e]% }" "${SB[$e]% }"; done
printf '\n'
