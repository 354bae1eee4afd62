#!/usr/bin/env bash
# Memory, first rows and idle CPU of the real binary, read from /proc:
#  - for N active orders (simulator with --orders N), the TUI in a tmux pty:
#    first rows: seconds from the TUI's start until the tab title shows rows;
#    all rows: until it shows all N; rss_steady: VmRSS 10 s after all rows appeared;
#    rss_hwm first load: VmHWM at that point (the first read's peak, growing the book);
#    rss_hwm refreshing: VmHWM of the next 30 s of refreshes (every 2 s) replacing each other,
#    the mark reset first (5 > /proc/PID/clear_refs), and its ratio to the steady figure
#    (goal ≤ 1.3);
#  - the simulator's reply time for the same read with curl (the network floor);
#  - CPU used by the TUI over 20 s with nothing changing (simulator frozen: --interval 3600).
# ORDERS="1000 100000" by default; IDLE=0 skips the idle figure.
set -euo pipefail
cd "$(dirname "$0")/.."
# BLOTTER_BIN=path measures another build (e.g. a baseline) without building.
if [[ -z "${BLOTTER_BIN:-}" ]]; then cargo build --release -q; fi
bin=${BLOTTER_BIN:-${CARGO_TARGET_DIR:-target}/release/blotter}
command -v tmux >/dev/null || { echo "measure.sh needs tmux (apt-get install tmux)"; exit 0; }
port=$((20000 + RANDOM % 20000))
# The simulator wants an API key; the TUI reads it from the environment.
export TREADFI_API_KEY=measure-key
tick() { awk '{print $14+$15}' "/proc/$1/stat"; }
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }
now() { date +%s.%N; }
for n in ${ORDERS:-1000 100000}; do
  $bin sim --listen 127.0.0.1:$port --token "$TREADFI_API_KEY" --orders "$n" >/dev/null 2>&1 & sim=$!
  sleep 1
  if command -v curl >/dev/null; then
    curl -s -o /dev/null -H "Authorization: Token $TREADFI_API_KEY" -w "%{time_starttransfer} %{time_total} %{size_download}\n" \
      "http://127.0.0.1:$port/api/active_orders/?exclude_paused=false" |
      awk -v n="$n" '{ printf "%-55s first byte %.2f s, all %.2f s, %.1f MB\n", "curl_active_orders_" n, $1, $2, $3/1e6 }'
  fi
  t0=$(now)
  tmux new-session -d -s "bmeasure$$" -x 200 -y 50 "TREADFI_API_KEY=$TREADFI_API_KEY $bin --treadfi-url http://127.0.0.1:$port --log-file /tmp/blotter-measure.log"
  pid=""
  for _ in $(seq 1 50); do
    pid=$(pgrep -n -f "treadfi-url http://127.0.0.1:$port" || true)
    [[ -n "$pid" ]] && break || sleep 0.1
  done
  first=""
  for _ in $(seq 1 1200); do
    pane=$(tmux capture-pane -p -t "bmeasure$$")
    if [[ -z "$first" ]] && grep -q "Active orders ([1-9]" <<<"$pane"; then first=$(now); fi
    grep -q "Active orders ($((n + 14)))\|Active orders ($n)" <<<"$pane" && break || sleep 0.1
  done
  all=$(now)
  awk -v a="$t0" -v f="${first:-$all}" -v b="$all" -v n="$n" \
    'BEGIN { printf "%-55s %.1f s (all rows %.1f s)\n", "first_rows_" n "_orders_after_start", f-a, b-a }'
  sleep 10
  steady=$(kb VmRSS "$pid")
  load_hwm=$(kb VmHWM "$pid")
  # Reset the high-water mark (Linux: 5 > clear_refs) so the next one is the refreshes' own.
  echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
  sleep 30
  hwm=$(kb VmHWM "$pid")
  printf '%-55s %s MB\n' "rss_tui_with_${n}_orders_steady" "$((steady / 1024))"
  awk -v h="$load_hwm" -v s="$steady" -v n="$n" \
    'BEGIN { printf "%-55s %d MB (%.2f x steady)\n", "rss_hwm_" n "_orders_first_load", h/1024, h/s }'
  awk -v h="$hwm" -v s="$steady" -v n="$n" \
    'BEGIN { printf "%-55s %d MB (%.2f x steady)\n", "rss_hwm_" n "_orders_refreshing_30s", h/1024, h/s }'
  tmux kill-session -t "bmeasure$$"; kill $sim; wait $sim 2>/dev/null || true
done
[[ "${IDLE:-1}" == 0 ]] && exit 0
# Idle: a frozen simulator and polling once an hour, so nothing changes on screen.
$bin sim --listen 127.0.0.1:$port --token "$TREADFI_API_KEY" --frozen >/dev/null 2>&1 & sim=$!
sleep 1
tmux new-session -d -s "bidle$$" -x 200 -y 50 "TREADFI_API_KEY=$TREADFI_API_KEY $bin --treadfi-url http://127.0.0.1:$port --interval 3600 --log-file /tmp/blotter-idle.log"
sleep 4
pid=$(pgrep -n -f "interval 3600" || true)
t0=$(tick "$pid"); sleep 20; t1=$(tick "$pid")
hz=$(getconf CLK_TCK)
awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN { printf "%-55s %.2f%% of a core\n", "idle_cpu_20s_frozen_venue", (b-a)/hz/20*100 }'
tmux kill-session -t "bidle$$"; kill $sim; wait $sim 2>/dev/null || true
