#!/usr/bin/env bash
# A throwaway redis-server for the test suites (the shared guard stores of issue 18).
#   scripts/redis.sh install      installs the Debian package redis-server if it is missing
#   scripts/redis.sh start DIR    starts one on a free loopback port, no persistence, its pid and
#                                 log in DIR; prints its URL (redis://127.0.0.1:PORT/0)
#   scripts/redis.sh stop DIR     stops the one started in DIR (and waits until it is gone)
# Every language's test.sh uses it, and so do tests that stop Redis mid-run on purpose.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

install() {
  command -v redis-server >/dev/null && return 0
  # shellcheck source=../bench/lib.sh
  source "$here/bench/lib.sh"
  install_missing redis-server=redis-server >&2
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local dir="$1" port
  install
  mkdir -p "$dir"
  port="$(free_port)"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" >&2
  for _ in $(seq 1 100); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
      echo "redis://127.0.0.1:$port/0"
      return 0
    fi
    sleep 0.1
  done
  echo "redis-server did not answer on port $port; see $dir/redis.log" >&2
  return 1
}

stop() {
  local dir="$1" pid
  [ -f "$dir/redis.pid" ] || return 0
  pid="$(cat "$dir/redis.pid")"
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$dir/redis.pid"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:?usage: redis.sh start DIR}" ;;
  stop) stop "${2:?usage: redis.sh stop DIR}" ;;
  *) echo "usage: scripts/redis.sh install | start DIR | stop DIR" >&2; exit 2 ;;
esac
