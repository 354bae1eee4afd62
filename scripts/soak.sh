#!/usr/bin/env bash
# Soak report: feed + state against the simulator (1,000 orders, ~200 updates/s, a fault every
# 10 s, an action every 2 s). Usage: scripts/soak.sh [SECONDS]   (default 600; CI may use 60)
set -euo pipefail
cd "$(dirname "$0")/.."
SOAK_SECS="${1:-600}" cargo bench --bench soak 2>/dev/null | grep -E '^(soak|orders|rss|panics)'
