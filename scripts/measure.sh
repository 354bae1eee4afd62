#!/usr/bin/env bash
# Memory and idle CPU of the real binary, read from /proc:
#  - RSS of the TUI holding N active orders (simulator with --orders N), in a tmux pty;
#  - CPU used by the TUI over 20 s with nothing changing (simulator frozen: --interval 3600).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=target/release/blotter
command -v tmux >/dev/null || { echo "measure.sh needs tmux (apt-get install tmux)"; exit 0; }
port=$((20000 + RANDOM % 20000))
tick() { awk '{print $14+$15}' "/proc/$1/stat"; }
for n in ${ORDERS:-1000 100000}; do
  $bin sim --listen 127.0.0.1:$port --orders "$n" >/dev/null 2>&1 & sim=$!
  sleep 1
  tmux new-session -d -s bmeasure -x 200 -y 50 "$bin --treadfi-url http://127.0.0.1:$port --log-file /tmp/blotter-measure.log"
  sleep 2
  pid=$(pgrep -n -f "treadfi-url http://127.0.0.1:$port" || true)
  for _ in $(seq 1 60); do
    tmux capture-pane -p -t bmeasure | grep -q "Active orders ($((n + 14)))\|Active orders ($n)" && break || sleep 1
  done
  sleep 3
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  printf '%-55s %s MB\n' "rss_tui_with_${n}_orders" "$((rss / 1024))"
  tmux kill-session -t bmeasure; kill $sim; wait $sim 2>/dev/null || true
done
# Idle: a frozen simulator and polling once an hour, so nothing changes on screen.
$bin sim --listen 127.0.0.1:$port --frozen >/dev/null 2>&1 & sim=$!
sleep 1
tmux new-session -d -s bidle -x 200 -y 50 "$bin --treadfi-url http://127.0.0.1:$port --interval 3600 --log-file /tmp/blotter-idle.log"
sleep 4
pid=$(pgrep -n -f "interval 3600" || true)
t0=$(tick "$pid"); sleep 20; t1=$(tick "$pid")
hz=$(getconf CLK_TCK)
awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%-55s %.2f%% of a core\n", "idle_cpu_20s_frozen_venue", (b-a)/hz/20*100 }'
tmux kill-session -t bidle; kill $sim; wait $sim 2>/dev/null || true
