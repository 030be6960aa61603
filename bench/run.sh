#!/usr/bin/env bash
# Ingest / fleet-list / storage / memory benchmark of hub-server.
# Usage: bench/run.sh [seconds]   (default 30). Needs wrk (installed if absent).
# Everything runs on 127.0.0.1; the data dir is a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-30}"
PORT="${BENCH_PORT:-18181}"
KEY="bench-key-$(date +%s)"
export BENCH_KEY="$KEY"

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi
cargo build --release -p hub-server >/dev/null 2>&1 || cargo build --release -p hub-server

DATA="$(mktemp -d)"
LOG="$DATA/hub.log"
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
HUB_SERVER_DATA_DIR="$DATA" HUB_SERVER_LISTEN="127.0.0.1:$PORT" HUB_API_REPORT_API_KEY="$KEY" \
  RUST_LOG=info ./target/release/hub-server >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
sleep 1
rss() { awk -v k="$1" '$1 == k":" {printf "%.1f MiB", $2/1024}' "/proc/$PID/status"; }
IDLE_RSS=$(rss VmRSS)

echo "== ingest: wrk -t2 -c64 -d${DURATION}s, distinct ~1.9 KB reports, 10,000 customers"
wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/report.lua "http://127.0.0.1:$PORT" | tee "$DATA/ingest.txt"
PEAK_RSS=$(rss VmHWM)
# Let the checkpoint of the ingest's WAL finish: the fleet view is measured
# on a settled hub (under ingest load its tail is longer; see README).
sleep 10
AFTER_RSS=$(rss VmRSS)

echo "== fleet list: GET /api/v1/customers, 1 connection, 10 s"
wrk -t1 -c1 -d10s --latency -H "Authorization: Bearer $KEY" \
  "http://127.0.0.1:$PORT/api/v1/customers" | tee "$DATA/fleet.txt"
CUSTOMERS=$(curl -s -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/api/v1/customers" \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["customers"]))')

kill -TERM "$PID"; wait "$PID" || true
read -r REPORTS DB_BYTES BODY_AVG < <(python3 - "$DATA/hub.db" <<'PY'
import os, sqlite3, sys
db = sys.argv[1]
c = sqlite3.connect(db)
n = c.execute("select count(*) from reports").fetchone()[0]
avg = c.execute("select avg(length(body)) from reports").fetchone()[0] or 0
c.execute("pragma wal_checkpoint(truncate)")
c.close()
size = os.path.getsize(db)
print(n, size, round(avg))
PY
)
non2xx=$(grep -c "Non-2xx" "$DATA/ingest.txt" || true)
echo
echo "== summary ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))"
echo "ingest throughput:   $(awk '/Requests\/sec/ {print $2}' "$DATA/ingest.txt") reports/s"
echo "ingest latency p50:  $(awk '$1 == "50%" {print $2}' "$DATA/ingest.txt")   p99: $(awk '$1 == "99%" {print $2}' "$DATA/ingest.txt")"
echo "non-2xx answers:     $([ "$non2xx" = 0 ] && echo none || grep Non-2xx "$DATA/ingest.txt")"
echo "fleet list ($CUSTOMERS customers) p50: $(awk '$1 == "50%" {print $2}' "$DATA/fleet.txt")   p99: $(awk '$1 == "99%" {print $2}' "$DATA/fleet.txt")"
echo "reports stored:      $REPORTS"
echo "bytes on disk/report: $((DB_BYTES / (REPORTS > 0 ? REPORTS : 1))) (database file $DB_BYTES B; compressed body avg $BODY_AVG B)"
echo "RSS idle: $IDLE_RSS   peak: $PEAK_RSS   after load: $AFTER_RSS"
python3 - "$LOG" <<'PY'
import re, sys
lat = {"/api/v1/report": [], "/api/v1/customers": []}
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"route=(\S+) status=\d+ latency_us=(\d+)", line)
    if m and m.group(1) in lat:
        lat[m.group(1)].append(int(m.group(2)))
for route, xs in lat.items():
    if xs:
        xs.sort()
        pct = lambda p: xs[min(len(xs) - 1, int(len(xs) * p))] / 1000
        print(f"server-side {route}: p50 {pct(0.5):.2f} ms  p99 {pct(0.99):.2f} ms  ({len(xs)} requests, from the hub's log)")
PY
