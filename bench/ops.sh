#!/usr/bin/env bash
# Benchmarks of running the hub (issue #12), release builds, on 127.0.0.1
# with a temporary data dir. Needs wrk (installed if absent) and strip.
#
#   bench/ops.sh [GB]      grow the database to GB (default 1) first
#
# 1. size of the stripped hub-server binary;
# 2. grow hub.db to GB with reports carrying incompressible padding
#    (bench/fill.lua), then: ingest at a fixed 1,000 reports/s (hub-load,
#    open loop) for 20 s idle, and again while `hub-server backup` copies
#    the database to another filesystem (BENCH_BACKUP_DIR, default
#    /dev/shm: the cluster's backups have a volume of their own) and to
#    the database's own — p99 of each, the backup's time and size;
# 3. the recovery call (retrieval password checked against its digest,
#    the infra backup unsealed), 2,000 times in a row;
# 4. with PRESEAL_BIN=path/to/hub-server built from commit 1b726fd (the
#    last one before secrets were sealed at rest): ingest throughput (wrk,
#    alternating binaries, fresh data dirs) and the recovery call of both.
set -euo pipefail
cd "$(dirname "$0")/.."
GB="${1:-1}"
PORT="${BENCH_PORT:-18182}"
KEY="bench-key-$(date +%s)"
export BENCH_KEY="$KEY"
BASE="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi
cargo build --release -p hub-server -p hubctl -p hub-sim >/dev/null 2>&1 \
  || cargo build --release -p hub-server -p hubctl -p hub-sim
HUB=./target/release/hub-server
LOAD=./target/release/hub-load
HUBCTL=./target/release/hubctl

WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

# No scheduled backup, no pruning of the padded history, while measuring.
start_hub() { # binary, data dir
  HUB_SERVER_DATA_DIR="$2" HUB_SERVER_LISTEN="127.0.0.1:$PORT" HUB_API_REPORT_API_KEY="$KEY" \
    HUB_BACKUP_SCHEDULE="" HUB_RETENTION_MAX_DAYS=3650 RUST_LOG=warn "$1" >>"$2/hub.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 300); do curl -sf "$BASE/healthz" >/dev/null && return; sleep 0.1; done
  echo "the hub did not start:"; cat "$2/hub.log"; exit 1
}
stop_hub() { kill -TERM "$PID"; wait "$PID" || true; }
db_bytes() { stat -c %s "$1/hub.db" "$1/hub.db-wal" 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f MB", b / 1e6}'; }

echo "== binary"
strip -o "$WORK/hub-server.stripped" "$HUB"
echo "hub-server: $(mb "$(stat -c %s "$HUB")") as built, $(mb "$(stat -c %s "$WORK/hub-server.stripped")") stripped"

DATA="$WORK/data"
mkdir -p "$DATA"
start_hub "$HUB" "$DATA"
TARGET=$(awk -v g="$GB" 'BEGIN {printf "%d", g * 1e9}')
echo "== growing hub.db to $(mb "$TARGET")"
run=0
while [ "$(db_bytes "$DATA")" -lt "$TARGET" ] && [ "$run" -lt 200 ]; do
  BENCH_RUN=$run wrk -t2 -c32 -d10s -s bench/fill.lua "$BASE" >/dev/null
  run=$((run + 1))
done
sleep 5
echo "hub.db + WAL: $(mb "$(db_bytes "$DATA")") after $run fill runs"

echo "== ingest at 1,000 reports/s, idle (20 s)"
IDLE=$("$LOAD" --hub "$BASE" ingest --key "$KEY" --rate 1000 --prefix idle --seconds 20)
echo "$IDLE"
p99() { sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p' <<<"$1"; }
# The cluster keeps backups on a volume of their own (hub-backups); /dev/shm
# stands in for that here. Then the worst case: the database's own disk.
OTHER_FS="${BENCH_BACKUP_DIR:-/dev/shm}"
for target in "$OTHER_FS/hub-bench-backup-$$.db" "$WORK/hub-backup.db"; do
  echo "== ingest at 1,000 reports/s while hub-server backup --to $target runs"
  UNDER=$("$LOAD" --hub "$BASE" ingest --key "$KEY" --rate 1000 --prefix "backup$RANDOM" -- \
    env HUB_SERVER_DATA_DIR="$DATA" RUST_LOG=warn "$HUB" backup --to "$target")
  echo "$UNDER"
  echo "backup file: $(mb "$(stat -c %s "$target")")"
  echo "ingest p99 during the backup / idle: $(awk -v a="$(p99 "$UNDER")" -v b="$(p99 "$IDLE")" 'BEGIN {printf "%.2f", a / b}')x"
  rm -f "$target"
done
stop_hub

recovery_bench() { # binary, label
  local dir="$WORK/recovery-$2"
  mkdir -p "$dir"
  start_hub "$1" "$dir"
  local token pw
  token=$(HUB_SERVER_DATA_DIR="$dir" "$1" token create --name bench 2>/dev/null | awk '/hubadm_/ {print $1}')
  pw=$(HUBCTL_TOKEN="$token" "$HUBCTL" --server "$BASE" config create rec --name Rec \
    --domain rec.felhom.eu --email rec@example.com -y -o json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["retrieval_password"])')
  curl -sf -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \
    -d '{"customer_id":"rec","created_at":"2026-11-28T03:00:00Z","disks":[{"uuid":"d1","label":"hdd1","mount_point":"/mnt/hdd1","fs_type":"ext4"}],"restic":{"primary_password":"bench-restic-secret"}}' \
    "$BASE/api/v1/infra-backup" >/dev/null
  echo "$2: $(HUB_LOAD_PASSWORD="$pw" "$LOAD" --hub "$BASE" recovery --customer rec --count 2000)"
  stop_hub
}
echo "== recovery call, 2,000 in a row"
recovery_bench "$HUB" sealed

if [ -n "${PRESEAL_BIN:-}" ]; then
  recovery_bench "$PRESEAL_BIN" plain
  echo "== ingest throughput, sealed vs plain build (wrk -t2 -c64 -d20s, alternating)"
  for round in 1 2; do
    for pair in "sealed:$HUB" "plain:$PRESEAL_BIN"; do
      dir="$WORK/ingest-${pair%%:*}-$round"
      mkdir -p "$dir"
      start_hub "${pair#*:}" "$dir"
      rps=$(wrk -t2 -c64 -d20s -s bench/report.lua "$BASE" | awk '/Requests\/sec/ {print $2}')
      echo "round $round ${pair%%:*}: $rps reports/s"
      stop_hub
      rm -rf "$dir"
    done
  done
fi
