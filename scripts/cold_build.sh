#!/usr/bin/env bash
# The newcomer's first build: a fresh clone of HEAD, `cargo build --release --timings` into an
# empty target directory (crates already downloaded are reused, as on a machine that has built
# once; pass --download to fetch them too, into a throwaway CARGO_HOME). Prints the wall time,
# the CPU time, and the slowest units from cargo's timing report (issue 19).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/src"
if [[ "${1:-}" == "--download" ]]; then export CARGO_HOME="$work/cargo-home"; fi
cd "$work/src"
command -v /usr/bin/time >/dev/null || { echo "cold_build.sh needs /usr/bin/time (apt-get install time)"; exit 1; }
start=$(date +%s.%N)
/usr/bin/time -f '%U %S' -o "$work/cpu" cargo build --release --timings -q --target-dir "$work/target"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" '{ printf "%-40s %.0f s wall, %.0f s CPU (%d cores)\n", "cold_release_build", b-a, $1+$2, '"$(nproc)"' }' "$work/cpu"
python3 - "$work/target/cargo-timings/cargo-timing.html" <<'PY'
import json, re, sys
html = open(sys.argv[1]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
print(f"{len(units)} units; slowest (seconds, start):")
for u in sorted(units, key=lambda u: -u["duration"])[:12]:
    print(f"  {u['duration']:6.1f} {u['start']:6.1f}  {u['name']} {u.get('target', '').strip()}")
PY
