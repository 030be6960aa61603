#!/usr/bin/env bash
# Regenerates the checked-in shell completions of hubctl (a test checks they are current).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p hubctl
bin=target/debug/hubctl
"$bin" completions bash > completions/hubctl.bash
"$bin" completions zsh > completions/_hubctl
"$bin" completions fish > completions/hubctl.fish
"$bin" completions elvish > completions/hubctl.elv
"$bin" completions powershell > completions/_hubctl.ps1
"$bin" man > completions/hubctl.1
echo "completions/ regenerated"
