#!/usr/bin/env bash
# cargo deny check (deny.toml: advisories, licences, bans, sources), safe
# without the network: when the RustSec database cannot be fetched, the
# advisories are checked against the copy in .ci/advisory-db (the
# advisories of every crate in Cargo.lock, scripts/advisory-snapshot.sh)
# and the output says so, with the copy's date.
set -euo pipefail
cd "$(dirname "$0")/.."
if cargo deny fetch db >/dev/null 2>&1; then
  echo "cargo deny: advisory database fetched"
  exec cargo deny check
fi
snapshot=.ci/advisory-db
[ -d "$snapshot/crates" ] || { echo "cargo deny: no database and no $snapshot" >&2; exit 1; }
date=$(sed -n 's/^date //p' "$snapshot/SOURCE")
echo "cargo deny: the advisory database cannot be fetched; checking against" \
  "the copy in $snapshot ($(sed -n 's/^commit //p' "$snapshot/SOURCE"), $date)"
age_days=$(( ($(date +%s) - $(date -d "$date" +%s)) / 86400 ))
if [ "$age_days" -gt 90 ]; then
  echo "cargo deny: WARNING: that copy is $age_days days old; refresh it with scripts/advisory-snapshot.sh"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Where cargo-deny looks for the database of deny.toml's URL, as a git
# checkout (it reads the commit's time), under a db-path of our own.
db="$work/dbs/advisory-db-3157b0e258782691"
mkdir -p "$db"
cp -r "$snapshot/crates" "$db/"
git -C "$db" init -q
git -C "$db" add -A
GIT_COMMITTER_DATE="$date" GIT_AUTHOR_DATE="$date" \
  git -C "$db" -c user.name=snapshot -c user.email=snapshot@localhost commit -q -m snapshot
sed "s|^db-path = .*|db-path = \"$work/dbs\"|" deny.toml > "$work/deny.toml"
# Offline, cargo-deny reads every crate of every target from the local
# registry cache (Windows-only ones too, which no Linux build downloads):
# fetch them from the registry first; without one, what is cached must do.
cargo fetch --locked -q 2>/dev/null \
  || echo "cargo deny: the registry cannot be reached; checking what is cached"
cargo deny --config "$work/deny.toml" --offline check
