#!/usr/bin/env bash
# Runs the criterion benchmarks and the memory/idle measurements, and prints one table.
# Usage: scripts/bench.sh            (all)      scripts/bench.sh --quick  (shorter runs)
set -euo pipefail
cd "$(dirname "$0")/.."
args=(--noplot)
if [[ "${1:-}" == "--quick" ]]; then args+=(--warm-up-time 1 --measurement-time 3); fi
out=$(mktemp)
cargo bench --bench render --bench decode --bench book --bench stream_read -- "${args[@]}" 2>/dev/null >"$out"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); date: $(date -u +%F)"
printf '%-55s %s\n' benchmark "time [low mean high]"
awk '/^[A-Za-z_0-9\/]+ *$/ {name=$1} /time:/ {sub(/^.*time: */, ""); printf "%-55s %s\n", name, $0}' "$out"
# Figures the decode, book and stream_read benches print themselves (side by side with
# IgnoredAny; counted bytes; peak heap of a 100k read whole vs in parts).
grep -E '^(decode_1k|book_)[a-z_0-9]+ +[0-9]|^stream_read_[a-z_]+ ' "$out" || true
rm -f "$out"
cargo bench --bench latency 2>/dev/null | grep change_to
cargo bench --bench keys 2>/dev/null | grep -E 'keypress|frames_'
echo "blotter serve (SSH sessions on one shared feed; server as its own process):"
cargo bench --bench serve 2>/dev/null | sed -n '/^sessions/,$p'
scripts/measure.sh
