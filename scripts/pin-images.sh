#!/usr/bin/env bash
# Pins deploy/Dockerfile's base images by digest: every `FROM image:tag`
# becomes `FROM image:tag@sha256:…` as the registry answers now, so a
# re-pushed tag cannot change what the hub is built from. Needs the
# registries (docker buildx, or crane); run it when raising a base image,
# review the diff, commit. `--check` only lists the images not pinned yet.
set -euo pipefail
cd "$(dirname "$0")/.."
file=deploy/Dockerfile
rust_version=$(sed -n 's/^ARG RUST_VERSION=//p' "$file")
mapfile -t refs < <(sed -n 's/^FROM \([^ ]*\).*/\1/p' "$file" | grep -v '@sha256:' \
  | grep -Ev '^(chef|planner|build)$' | sort -u)
if [ "${1:-}" = "--check" ]; then
  for r in "${refs[@]}"; do echo "not pinned by digest: $r"; done
  [ "${#refs[@]}" -eq 0 ]
  exit
fi
digest() {
  if command -v crane >/dev/null; then
    crane digest "$1"
  else
    docker buildx imagetools inspect "$1" --format '{{json .Manifest}}' \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["digest"])'
  fi
}
for r in "${refs[@]}"; do
  expanded=${r//\$\{RUST_VERSION\}/$rust_version}
  d=$(digest "$expanded")
  case "$d" in sha256:*) ;; *) echo "no digest for $expanded" >&2; exit 1 ;; esac
  # The ARG no longer changes a pinned image: pin the expanded name.
  sed -i "s|^FROM $(printf '%s' "$r" | sed 's/[][\.*^$|]/\\&/g')\( \|$\)|FROM $expanded@$d\1|" "$file"
  echo "$expanded@$d"
done
