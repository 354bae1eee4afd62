#!/usr/bin/env bash
# Runs the criterion benchmarks and prints one table of figures (mean time per iteration).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench render -- --noplot 2>/dev/null | tee /tmp/blotter-bench.txt >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); date: $(date -u +%F)"
printf '%-40s %s\n' benchmark "time (low / mean / high)"
awk '/^[a-z_0-9\/]+ *$/ {name=$1} /time:/ {sub(/^ *time: */, ""); printf "%-40s %s\n", name, $0}' /tmp/blotter-bench.txt
