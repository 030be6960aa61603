#!/bin/sh
# Refreshes docs/screenshots: the dashboard at 1280 and 390 px (the
# browser test takes them) and the TUI at 120×40 and 80×24 (the tmux test
# captures the screen, scripts/ansi_png.py draws it). Needs what the
# browser and tmux tests need: chromium, playwright, tmux.
set -eu
cd "$(dirname "$0")/.."
out="$PWD/docs/screenshots"
mkdir -p "$out"
export HUB_SCREENSHOTS="$out" HUB_REQUIRE_TOOLS=1
cargo test -p hub-server --test it browser
cargo test -p hubctl --test cli the_tui_in_a_real_terminal
python3 scripts/ansi_png.py "$out"/tui-*.ansi
ls -l "$out"
