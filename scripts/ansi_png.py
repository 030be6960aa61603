#!/usr/bin/env python3
"""Renders terminal captures (`tmux capture-pane -e`) to PNG with headless
Chromium: each FILE.ansi becomes FILE.png (and the .ansi is removed).

Usage: ansi_png.py FILE.ansi...
"""
import html
import os
import re
import sys

from playwright.sync_api import sync_playwright

BASE = ["#1e1e1e", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5"]
BRIGHT = ["#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff"]
FG, BG = "#d4d4d4", "#1e1e1e"


def color256(n):
    if n < 8:
        return BASE[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


def to_html(text):
    out, state = [], {"fg": None, "bg": None, "bold": False, "rev": False}

    def span(chunk):
        if not chunk:
            return
        fg, bg = state["fg"] or FG, state["bg"] or BG
        if state["rev"]:
            fg, bg = bg, fg
        style = f"color:{fg};background:{bg}" + (";font-weight:bold" if state["bold"] else "")
        out.append(f'<span style="{style}">{html.escape(chunk)}</span>')

    pos = 0
    for m in re.finditer(r"\x1b\[([0-9;]*)m", text):
        span(text[pos:m.start()])
        pos = m.end()
        codes = [int(c) if c else 0 for c in m.group(1).split(";")]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                state.update(fg=None, bg=None, bold=False, rev=False)
            elif c == 1:
                state["bold"] = True
            elif c == 22:
                state["bold"] = False
            elif c == 7:
                state["rev"] = True
            elif c == 27:
                state["rev"] = False
            elif 30 <= c <= 37:
                state["fg"] = BASE[c - 30]
            elif 90 <= c <= 97:
                state["fg"] = BRIGHT[c - 90]
            elif 40 <= c <= 47:
                state["bg"] = BASE[c - 40]
            elif 100 <= c <= 107:
                state["bg"] = BRIGHT[c - 100]
            elif c == 39:
                state["fg"] = None
            elif c == 49:
                state["bg"] = None
            elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                state["fg" if c == 38 else "bg"] = color256(codes[i + 2])
                i += 2
            elif c in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
                rgb = "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])
                state["fg" if c == 38 else "bg"] = rgb
                i += 4
            i += 1
    span(text[pos:])
    return "".join(out)


def main(files):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
        page = browser.new_page(device_scale_factor=1)
        for f in files:
            text = open(f, encoding="utf-8", errors="replace").read()
            page.set_content(
                f'<body style="margin:0;background:{BG}"><pre id="t" style="margin:0;padding:8px;'
                f'font:14px/1.2 \'DejaVu Sans Mono\',monospace;color:{FG};display:inline-block">'
                f"{to_html(text)}</pre></body>"
            )
            page.locator("#t").screenshot(path=f[: -len(".ansi")] + ".png")
            os.remove(f)
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
