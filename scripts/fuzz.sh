#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after another,
# starting from the seeds in hub-server/fuzz/seeds. Needs the nightly
# toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Findings land in
# hub-server/fuzz/artifacts/<target>/; a summary line per target is printed.
set -euo pipefail
cd "$(dirname "$0")/../hub-server"
secs="${1:-600}"
targets=(report event infra_backup preferences hub_yaml deep_merge)
cargo +nightly fuzz build -O
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
  log="fuzz/$t.log"
  if cargo +nightly fuzz run -O "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
      -max_total_time="$secs" -print_final_stats=1 >"$log" 2>&1; then
    outcome="no findings"
  else
    outcome="FOUND something: see fuzz/artifacts/$t and $log"
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "$t: ${runs} executions in ${secs} s, ${outcome}"
done
