#!/usr/bin/env bash
# The standalone-server benchmarks of BENCHMARKS.md: a release rotorkv-server
# and `rotorkv bench` on this machine, each shape run 3 times; prints the
# median throughput and latency of each as a Markdown table.
#   scripts/bench-standalone.sh [seconds-per-run]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}

source scripts/lib-local-server.sh

shapes=(
  "sequential get|--connections 1 --depth 1 --read-ratio 1 --threads 1"
  "sequential put|--connections 1 --depth 1 --read-ratio 0 --threads 1"
  "16 connections, get|--connections 16 --depth 1 --read-ratio 1"
  "16 connections, put|--connections 16 --depth 1 --read-ratio 0"
  "4 connections × depth 32, get|--connections 4 --depth 32 --read-ratio 1"
  "4 connections × depth 32, 50/50|--connections 4 --depth 32 --read-ratio 0.5"
)
echo "| shape | median ops/s | median p50 µs | median p99 µs | runs (ops/s) |"
echo "|---|---:|---:|---:|---|"
for shape in "${shapes[@]}"; do
  name=${shape%%|*}
  args=${shape#*|}
  results=()
  for _ in 1 2 3; do
    # shellcheck disable=SC2086
    results+=("$("$bin/rotorkv" bench --server "127.0.0.1:$port" $args --duration "$seconds" --warmup 1 \
      --keys 100000 --key-size 16 --value-size 100 --json 2>/dev/null)")
  done
  printf '%s\n' "${results[@]}" | python3 -c '
import json, statistics, sys
name = sys.argv[1]
runs = [json.loads(line) for line in sys.stdin if line.strip()]
ops = [r["ops_per_sec"] for r in runs]
p50 = statistics.median(r["latency_us"]["p50"] for r in runs)
p99 = statistics.median(r["latency_us"]["p99"] for r in runs)
print("| %s | %.0f | %.1f | %.1f | %s |" % (name, statistics.median(ops), p50, p99, ", ".join("%.0f" % o for o in ops)))
' "$name"
done
