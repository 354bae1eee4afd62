#!/usr/bin/env python3
"""Turn a terminal capture with ANSI colours (`tmux capture-pane -e -p`) into an SVG picture.

Reads the capture on stdin, writes SVG on stdout. Standard library only. Handles the SGR codes
ratatui emits through crossterm: reset, bold, dim, italic, underline, reverse, 16/256/RGB colours.
"""
import html
import re
import sys

CELL_W, CELL_H, FONT = 8.4, 17, 14
BG, FG = "#1c1c1c", "#d3d7cf"
# The Tango palette (GNOME Terminal's default): the 16 colours most terminals show.
BASE16 = ["#2e3436", "#cc0000", "#4e9a06", "#c4a000", "#3465a4", "#75507b", "#06989a", "#d3d7cf",
          "#555753", "#ef2929", "#8ae234", "#fce94f", "#729fcf", "#ad7fa8", "#34e2e2", "#eeeeec"]


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return "#%02x%02x%02x" % (v, v, v)


def sgr(params, st):
    it = iter(params or [0])
    for p in it:
        if p == 0:
            st.update(fg=None, bg=None, bold=False, ul=False, rev=False, dim=False)
        elif p == 1:
            st["bold"] = True
        elif p == 2:
            st["dim"] = True
        elif p == 4:
            st["ul"] = True
        elif p == 7:
            st["rev"] = True
        elif p == 22:
            st["bold"] = st["dim"] = False
        elif p == 24:
            st["ul"] = False
        elif p == 27:
            st["rev"] = False
        elif 30 <= p <= 37:
            st["fg"] = BASE16[p - 30]
        elif 90 <= p <= 97:
            st["fg"] = BASE16[p - 90 + 8]
        elif 40 <= p <= 47:
            st["bg"] = BASE16[p - 40]
        elif 100 <= p <= 107:
            st["bg"] = BASE16[p - 100 + 8]
        elif p == 39:
            st["fg"] = None
        elif p == 49:
            st["bg"] = None
        elif p in (38, 48):
            mode = next(it, None)
            if mode == 5:
                col = xterm256(next(it, 0))
            elif mode == 2:
                col = "#%02x%02x%02x" % (next(it, 0), next(it, 0), next(it, 0))
            else:
                continue
            st["fg" if p == 38 else "bg"] = col


def main():
    lines = sys.stdin.read().rstrip("\n").split("\n")
    rows = []
    for line in lines:
        st = dict(fg=None, bg=None, bold=False, ul=False, rev=False, dim=False)
        cells = []
        for tok in re.split(r"(\x1b\[[0-9;:]*m)", line):
            if tok.startswith("\x1b["):
                params = [int(x) for x in re.split("[;:]", tok[2:-1]) if x.isdigit()]
                sgr(params, st)
            else:
                for ch in tok:
                    cells.append((ch, dict(st)))
        rows.append(cells)
    width = max((len(r) for r in rows), default=80)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width * CELL_W + 20:.0f}" '
           f'height="{len(rows) * CELL_H + 20}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
           f'font-size="{FONT}">', f'<rect width="100%" height="100%" fill="{BG}"/>']
    for y, cells in enumerate(rows):
        x = 0
        while x < len(cells):
            ch, st = cells[x]
            run = [ch]
            x2 = x + 1
            while x2 < len(cells) and cells[x2][1] == st:
                run.append(cells[x2][0])
                x2 += 1
            fg, bg = st["fg"] or FG, st["bg"]
            if st["rev"]:
                fg, bg = (st["bg"] or BG), (st["fg"] or FG)
            px, py = 10 + x * CELL_W, 10 + y * CELL_H
            if bg:
                out.append(f'<rect x="{px:.1f}" y="{py}" width="{len(run) * CELL_W:.1f}" '
                           f'height="{CELL_H}" fill="{bg}"/>')
            text = "".join(run)
            if text.strip():
                attrs = f'fill="{fg}"'
                if st["bold"]:
                    attrs += ' font-weight="bold"'
                if st["dim"]:
                    attrs += ' opacity="0.6"'
                if st["ul"]:
                    attrs += ' text-decoration="underline"'
                out.append(f'<text x="{px:.1f}" y="{py + CELL_H - 4}" {attrs} xml:space="preserve" '
                           f'textLength="{len(run) * CELL_W:.1f}">{html.escape(text)}</text>')
            x = x2
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
