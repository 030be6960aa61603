#!/usr/bin/env bash
# Refreshes .ci/advisory-db: the RustSec advisories for every crate in
# Cargo.lock, taken from a checkout of github.com/rustsec/advisory-db.
# `cargo deny check` falls back to it when CI cannot fetch the database;
# run this after adding a dependency, or to bring the copy up to date:
#   git clone https://github.com/rustsec/advisory-db /tmp/advisory-db
#   scripts/advisory-snapshot.sh /tmp/advisory-db
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?usage: scripts/advisory-snapshot.sh <advisory-db checkout>}
[ -d "$src/crates" ] || { echo "$src has no crates/ directory" >&2; exit 1; }
out=.ci/advisory-db
rm -rf "$out/crates"
mkdir -p "$out/crates"
n=0
for name in $(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.lock | sort -u); do
  if [ -d "$src/crates/$name" ]; then
    cp -r "$src/crates/$name" "$out/crates/"
    n=$((n + 1))
  fi
done
{
  echo "commit $(git -C "$src" log -1 --format=%H)"
  echo "date $(git -C "$src" log -1 --format=%cI)"
  echo "crates-with-advisories $n"
} > "$out/SOURCE"
cat "$out/SOURCE"
