#!/usr/bin/env bash
# Benchmark of hub-server (and hubctl's watch mode), release builds, on
# 127.0.0.1 with a temporary data dir. Needs wrk (installed if absent).
#
#   bench/run.sh [seconds]        ingest for `seconds` (default 30)
#
# 1. ingest: wrk, 2 threads, 64 connections, distinct ~1.9 KB reports for
#    10,000 customers, synchronous=full (the default) — and again with
#    synchronous=normal, to show what the fsync of every group costs;
# 2. fleet lists on the settled hub, one connection: the admin fleet
#    uncompressed, zstd, gzip; the controller API's list;
# 3. the same under a trickle of 10 reports/s;
# 4. `hubctl fleet --watch` for 60 s under the trickle: fleet fetches, RSS;
# 5. the dashboard: the fleet page of every customer, a customer page with
#    90 days of history (8,640 reports), the login page; sizes on the wire.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-30}"
PORT="${BENCH_PORT:-18181}"
KEY="bench-key-$(date +%s)"
export BENCH_KEY="$KEY"
BASE="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi
cargo build --release -p hub-server -p hubctl >/dev/null 2>&1 || cargo build --release -p hub-server -p hubctl

WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

start_hub() { # data dir, synchronous
  HUB_SERVER_DATA_DIR="$1" HUB_SERVER_LISTEN="127.0.0.1:$PORT" HUB_API_REPORT_API_KEY="$KEY" \
    HUB_SERVER_SYNCHRONOUS="$2" RUST_LOG=info ./target/release/hub-server >"$1/hub.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
  sleep 1
}
rss() { awk -v k="$2" '$1 == k":" {printf "%.1f MiB", $2/1024}' "/proc/$1/status"; }
pct() { awk -v p="$1" '$1 == p {print $2}' "$2"; }

# --- synchronous=normal first, on its own data dir, for the comparison ---
mkdir -p "$WORK/normal"
start_hub "$WORK/normal" normal
echo "== ingest, synchronous=normal: wrk -t2 -c64 -d${DURATION}s"
wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/report.lua "$BASE" >"$WORK/ingest-normal.txt"
kill -TERM "$PID"; wait "$PID" || true

# --- the hub under test: synchronous=full (the default) ---
DATA="$WORK/full"
mkdir -p "$DATA"
start_hub "$DATA" full
TOKEN=$(HUB_SERVER_DATA_DIR="$DATA" ./target/release/hub-server token create --name bench \
  | awk '/hubadm_/ {print $1}')
IDLE_RSS=$(rss "$PID" VmRSS)

echo "== ingest, synchronous=full: wrk -t2 -c64 -d${DURATION}s, distinct ~1.9 KB reports, 10,000 customers"
wrk -t2 -c64 -d"${DURATION}s" --latency -s bench/report.lua "$BASE" | tee "$WORK/ingest.txt"
PEAK_RSS=$(rss "$PID" VmHWM)
sleep 10
AFTER_RSS=$(rss "$PID" VmRSS)

# Each run notes which lines of the hub's log are its own, for the
# server-side figures.
run_phase() { # name, route (as logged), path, extra wrk args...
  local name="$1" route="$2" path="$3"; shift 3
  local from; from=$(wc -l <"$DATA/hub.log")
  wrk -t1 -c1 -d10s --latency "$@" "$BASE$path" >"$WORK/$name.txt"
  echo "$name $from $(wc -l <"$DATA/hub.log") $route" >>"$WORK/phases"
}
fleet_run() { # name, path, extra wrk args...
  local name="$1" path="$2"; shift 2
  run_phase "$name" /api/admin/v1/fleet "$path" -H "Authorization: Bearer $TOKEN" "$@"
}
echo "== fleet lists, settled, 1 connection, 10 s each"
fleet_run fleet-plain /api/admin/v1/fleet
fleet_run fleet-zstd /api/admin/v1/fleet -H "Accept-Encoding: zstd"
fleet_run fleet-gzip /api/admin/v1/fleet -H "Accept-Encoding: gzip"
run_phase customers /api/v1/customers /api/v1/customers -H "Authorization: Bearer $KEY"
size() { curl -s -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $TOKEN" "$@" "$BASE/api/admin/v1/fleet"; }
SIZE_PLAIN=$(size)
SIZE_ZSTD=$(size -H "Accept-Encoding: zstd")
SIZE_GZIP=$(size -H "Accept-Encoding: gzip")
SIZE_BR=$(size -H "Accept-Encoding: br")
CUSTOMERS=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/admin/v1/fleet?all=true" \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["customers"]))')

echo "== dashboard pages, settled, 1 connection, 10 s each"
# No password on loopback: the first page opens a session (the laptop trial).
COOKIE=$(curl -s -D - -o /dev/null "$BASE/" | awk 'tolower($1) == "set-cookie:" {split($2, a, ";"); print a[1]}')
# One customer with 90 days of reports every 15 minutes.
python3 - "$PORT" "$KEY" <<'PY'
import datetime, http.client, json, sys
port, key = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port)
now = datetime.datetime.now(datetime.timezone.utc)
for i in range(8640):
    t = now - datetime.timedelta(minutes=15 * (8640 - i))
    body = json.dumps({"customer_id": "bench-history", "health": "ok", "controller_version": "1.8.2",
                       "timestamp": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "system": {"hostname": "history", "cpu_percent": (i * 7) % 100,
                                  "memory_total_bytes": 8e9, "memory_used_bytes": 3e9 + (i % 50) * 5e7},
                       "storage": [{"mount_point": "/", "total_bytes": 250e9, "used_bytes": 60e9 + i * 1e7}]})
    conn.request("POST", "/api/v1/report", body, {"Authorization": f"Bearer {key}",
                                                 "Content-Type": "application/json"})
    r = conn.getresponse(); r.read()
    assert r.status == 200, r.status
PY
BROWSER_ENC="gzip, deflate, br, zstd"
run_phase dash-fleet / / -H "Cookie: $COOKIE" -H "Accept-Encoding: $BROWSER_ENC"
run_phase dash-customer "/customers/{id}" "/customers/bench-history?period=90d" -H "Cookie: $COOKIE" -H "Accept-Encoding: $BROWSER_ENC"
run_phase dash-login /login /login -H "Accept-Encoding: $BROWSER_ENC"
page_size() { curl -s -o /dev/null -w '%{size_download}' -H "Cookie: $COOKIE" -H "Accept-Encoding: $1" "$BASE$2"; }
PAGE_PLAIN=$(page_size identity /)
PAGE_BROWSER=$(page_size "$BROWSER_ENC" /)
PAGE_GZIP=$(page_size gzip /)
PAGE_ENC=$(curl -s -o /dev/null -D - -H "Cookie: $COOKIE" -H "Accept-Encoding: $BROWSER_ENC" "$BASE/" | awk 'tolower($1) == "content-encoding:" {print $2}' | tr -d '\r')
CUSTOMER_PAGE=$(page_size "$BROWSER_ENC" "/customers/bench-history?period=90d")

# A trickle of 10 reports/s to random customers, until stopped.
python3 - "$PORT" "$KEY" >"$WORK/trickle.log" 2>&1 <<'PY' &
import http.client, json, random, sys, time, datetime
port, key = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port)
while True:
    now = datetime.datetime.now(datetime.timezone.utc)
    body = json.dumps({"customer_id": f"bench-{random.randrange(10000)}", "health": "ok",
                       "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                       "controller_version": "1.8.2", "system": {"hostname": "trickle"}})
    conn.request("POST", "/api/v1/report", body, {"Authorization": f"Bearer {key}",
                                                 "Content-Type": "application/json"})
    conn.getresponse().read()
    time.sleep(0.1)
PY
TRICKLE=$!
PIDS+=("$TRICKLE")
echo "== fleet lists under a trickle of 10 reports/s"
fleet_run trickle-plain /api/admin/v1/fleet
fleet_run trickle-zstd /api/admin/v1/fleet -H "Accept-Encoding: zstd"

echo "== hubctl fleet --watch, 60 s under the trickle"
BEFORE=$(grep -c 'route=/api/admin/v1/fleet ' "$DATA/hub.log" || true)
./target/release/hubctl --server "$BASE" --token "$TOKEN" fleet --watch >/dev/null 2>"$WORK/watch.err" &
WATCH=$!
PIDS+=("$WATCH")
sleep 60
WATCH_RSS=$(rss "$WATCH" VmHWM)
kill "$WATCH"; wait "$WATCH" 2>/dev/null || true
AFTER_WATCH=$(grep -c 'route=/api/admin/v1/fleet ' "$DATA/hub.log" || true)

echo "== hubctl tui on the whole fleet, 30 s under the trickle (tmux 200x60)"
if ! command -v tmux >/dev/null; then apt-get install -y -qq tmux; fi
tmux -L hubbench kill-server 2>/dev/null || true
tmux -L hubbench new-session -d -x 200 -y 60 -s tui \
  "./target/release/hubctl --server $BASE --token $TOKEN tui"
sleep 30
TUI_PID=$(pgrep -f "hubctl --server $BASE --token $TOKEN tui" | head -1)
TUI_RSS=$(rss "$TUI_PID" VmHWM)
TUI_CPU=$(awk '{print $14 + $15}' "/proc/$TUI_PID/stat")
tmux -L hubbench send-keys -t tui q
sleep 1
tmux -L hubbench kill-server 2>/dev/null || true
kill "$TRICKLE"
STREAM_ROWS=$(grep -c 'route=/api/v1/report ' "$DATA/hub.log" || true)

kill -TERM "$PID"; wait "$PID" || true
read -r REPORTS DB_BYTES BODY_AVG < <(python3 - "$DATA/hub.db" <<'PY'
import os, sqlite3, sys
db = sys.argv[1]
c = sqlite3.connect(db)
n = c.execute("select count(*) from reports").fetchone()[0]
avg = c.execute("select avg(length(body)) from reports").fetchone()[0] or 0
c.execute("pragma wal_checkpoint(truncate)")
c.close()
print(n, os.path.getsize(db), round(avg))
PY
)

echo
echo "== summary ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))"
for f in ingest ingest-normal; do
  label=$([ "$f" = ingest ] && echo "synchronous=full  " || echo "synchronous=normal")
  non2xx=$(grep -c "Non-2xx" "$WORK/$f.txt" || true)
  echo "ingest $label: $(awk '/Requests\/sec/ {print $2}' "$WORK/$f.txt") reports/s, p50 $(pct 50% "$WORK/$f.txt") p99 $(pct 99% "$WORK/$f.txt"), non-2xx: $([ "$non2xx" = 0 ] && echo none || grep Non-2xx "$WORK/$f.txt")"
done
for f in fleet-plain fleet-zstd fleet-gzip customers trickle-plain trickle-zstd dash-fleet dash-customer dash-login; do
  echo "$f ($CUSTOMERS customers) at the client: p50 $(pct 50% "$WORK/$f.txt") p99 $(pct 99% "$WORK/$f.txt") ($(awk '/Requests\/sec/ {print $2}' "$WORK/$f.txt") req/s)"
done
echo "fleet on the wire: plain $SIZE_PLAIN B, zstd $SIZE_ZSTD B, br $SIZE_BR B, gzip $SIZE_GZIP B"
echo "dashboard fleet page on the wire: plain $PAGE_PLAIN B, as a browser asks ($PAGE_ENC) $PAGE_BROWSER B, gzip $PAGE_GZIP B; customer page (90 d chart) $CUSTOMER_PAGE B"
echo "fleet --watch: $((AFTER_WATCH - BEFORE)) fleet fetch(es) in 60 s; hubctl peak RSS $WATCH_RSS"
echo "hubctl tui ($CUSTOMERS customers, 30 s, 10 reports/s): peak RSS $TUI_RSS, CPU $((TUI_CPU * 10)) ms in all (user+system)"
echo "reports stored:      $REPORTS"
echo "bytes on disk/report: $((DB_BYTES / (REPORTS > 0 ? REPORTS : 1))) (database file $DB_BYTES B; compressed body avg $BODY_AVG B)"
echo "hub RSS idle: $IDLE_RSS   peak: $PEAK_RSS   after load: $AFTER_RSS"
python3 - "$DATA/hub.log" "$WORK/phases" <<'PY'
import re, sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
def stats(name, chunk, route):
    xs = []
    for line in chunk:
        m = re.search(r"route=(\S+) status=\d+ latency_us=(\d+)", line)
        if m and m.group(1) == route:
            xs.append(int(m.group(2)))
    if xs:
        xs.sort()
        pct = lambda p: xs[min(len(xs) - 1, int(len(xs) * p))] / 1000
        print(f"server-side {name}: p50 {pct(0.5):.2f} ms  p99 {pct(0.99):.2f} ms  ({len(xs)} requests, from the hub's log)")
stats("ingest (full)", lines, "/api/v1/report")
for phase in open(sys.argv[2]).read().splitlines():
    name, a, b, route = phase.split()
    stats(name, lines[int(a):int(b)], route)
PY
