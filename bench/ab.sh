#!/usr/bin/env bash
# Paired ingest runs of two hub-server binaries, A and B alternating, each
# on a fresh data dir: single runs on a small VM swing by ±20%, the ratio
# of neighbouring runs much less. The same load as bench/run.sh (wrk, 2
# threads, 64 connections, distinct ~1.9 KB reports, 10,000 customers).
#
#   bench/ab.sh A_BIN B_BIN [pairs] [seconds]     (default 8 pairs of 8 s)
#
# SYNC_A / SYNC_B set `synchronous` for one side (full | normal; unset: the
# binary's default). Prints each pair (reports/s, p99) and the geometric
# mean of B/A.
set -euo pipefail
cd "$(dirname "$0")/.."
A="$1" B="$2" PAIRS="${3:-8}" SECONDS_EACH="${4:-8}"
PORT="${BENCH_PORT:-18198}"
export BENCH_KEY="ab-key-$(date +%s)"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

run() { # binary, synchronous ("" for the default): prints "reports/s p99"
  local dir; dir="$(mktemp -d)"
  # `env`: an assignment that comes out of an expansion is not one to the
  # shell (it would be run as the command).
  env HUB_SERVER_DATA_DIR="$dir" HUB_SERVER_LISTEN="127.0.0.1:$PORT" \
    HUB_API_REPORT_API_KEY="$BENCH_KEY" RUST_LOG=info \
    ${2:+HUB_SERVER_SYNCHRONOUS="$2"} "$1" >"$dir/hub.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
  sleep 0.5
  wrk -t2 -c64 -d"${SECONDS_EACH}s" --latency -s bench/report.lua "http://127.0.0.1:$PORT" \
    | awk '/Requests\/sec/ {r=$2} $1=="99%" {p=$2} END {print r, p}'
  kill -TERM "$pid"; wait "$pid" || true
  rm -rf "$dir"
}

for _ in $(seq "$PAIRS"); do
  echo "$(run "$A" "${SYNC_A:-}") | $(run "$B" "${SYNC_B:-}")"
done | awk '{
  split($0, x, "|"); split(x[1], a, " "); split(x[2], b, " ")
  r = b[1] / a[1]; s += log(r); n++
  printf "A %9.0f r/s p99 %-8s  B %9.0f r/s p99 %-8s  B/A %.3f\n", a[1], a[2], b[1], b[2], r
} END { printf "geometric mean B/A: %.3f over %d pairs\n", exp(s / n), n }'
