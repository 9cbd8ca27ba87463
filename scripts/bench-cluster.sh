#!/usr/bin/env bash
# Measures a local 3-replica cluster with `rotorkv bench` (8-byte keys,
# 256-byte values): put with 1/16/64 connections, LOCAL and LINEARIZABLE gets
# with 64 connections, and a 90/10 get/put mix. Each shape runs RUNS times
# (default 3) for DURATION seconds (default 10); the script prints every run.
#
#   scripts/bench-cluster.sh [always|never]     fsync mode of the replicas (default always)
#
# Client and replicas share this machine's cores; see BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
fsync=${1:-always}
runs=${RUNS:-3}
duration=${DURATION:-10}
swift build -c release >/dev/null
export ROTORKV_BIN; ROTORKV_BIN=$(swift build -c release --show-bin-path)
export ROTORKV_CLUSTER_WORKDIR; ROTORKV_CLUSTER_WORKDIR=$(mktemp -d)
export ROTORKV_CLUSTER_CONFIG="$ROTORKV_CLUSTER_WORKDIR/config"
mkdir -p "$ROTORKV_CLUSTER_CONFIG"
for id in 0 1 2; do
    sed -e "s/^fsync = .*/fsync = \"$fsync\"/" -e 's/^level = .*/level = "warning"/' \
        "config/cluster/replica-$id.toml" > "$ROTORKV_CLUSTER_CONFIG/replica-$id.toml"
done
trap 'scripts/cluster.sh stop >/dev/null 2>&1 || true; rm -rf "$ROTORKV_CLUSTER_WORKDIR"' EXIT
scripts/cluster.sh start >/dev/null
leader=$("$ROTORKV_BIN/rotorkv" status --json | python3 -c 'import json,sys; print([r["endpoint"] for r in json.load(sys.stdin)["replicas"] if r.get("role")=="leader"][0])')
all="127.0.0.1:9090,127.0.0.1:9091,127.0.0.1:9092"
common=(--duration "$duration" --warmup 2 --key-size 8 --value-size 256 --keys 100000)
echo "fsync=$fsync leader=$leader runs=$runs duration=${duration}s"
shape() {  # shape NAME ARGS...
    local name=$1; shift
    for run in $(seq 1 "$runs"); do
        "$ROTORKV_BIN/rotorkv" bench "${common[@]}" "$@" 2>/dev/null \
            | awk -v name="$name" -v run="$run" '/^throughput/ {t=$2} /^all latency/ {p50=$5; p99=$9} END {printf "%-28s run %d  %8d ops/s  p50 %8.1f µs  p99 %8.1f µs\n", name, run, t, p50, p99}'
    done
}
shape "put 1 conn (leader)" --server "$leader" --connections 1 --read-ratio 0
shape "put 16 conns (leader)" --server "$leader" --connections 16 --read-ratio 0
shape "put 64 conns (leader)" --server "$leader" --connections 64 --read-ratio 0
shape "put 64 conns (all 3)" --server "$all" --connections 64 --read-ratio 0
shape "LOCAL get 64 conns (all 3)" --server "$all" --connections 64 --read-ratio 1
shape "LINEARIZABLE get 64 (leader)" --server "$leader" --connections 64 --read-ratio 1 --consistency linearizable
shape "90/10 get/put 64 (all 3)" --server "$all" --connections 64 --read-ratio 0.9
