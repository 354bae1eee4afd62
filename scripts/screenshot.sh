#!/usr/bin/env bash
# Renders assets/screenshot.svg from a real run: the blotter on the embedded demo venues, in a
# 132×36 tmux pane, captured with colours once the rows are on screen.
# Usage: scripts/screenshot.sh [path/to/blotter]   (default: target/release/blotter, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/blotter}
[ -x "$bin" ] || cargo build --release
command -v tmux >/dev/null || { echo "needs tmux (apt-get install tmux)" >&2; exit 1; }
sock=blotter-shot-$$
state=$(mktemp -d)
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$state"' EXIT
tmux -L "$sock" new-session -d -x 132 -y 36 \
  "env TERM=xterm-256color COLORTERM=truecolor HOME=$state $bin --audit-file $state/audit.jsonl --log-file $state/log"
# Wait for every venue to report in (the header says "live" or "polling" for each).
for _ in $(seq 1 60); do
  sleep 0.5
  screen=$(tmux -L "$sock" capture-pane -p)
  if grep -q "AlphaSec ●" <<<"$screen" && ! grep -q "connecting" <<<"$screen"; then break; fi
done
sleep 3   # a few fills and placements land
tmux -L "$sock" capture-pane -e -p | python3 scripts/ansi2svg.py > assets/screenshot.svg
echo "wrote assets/screenshot.svg"
