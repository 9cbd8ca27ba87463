#!/usr/bin/env bash
# A short `rotorkv torture` run for CI: a fresh local 3-replica cluster of
# release binaries, 8 clients on 5 keys, and a fault every 5 seconds
# (kill, pause, partition and wipe: --nemesis all) for DURATION seconds (default 60). Fails on
# any violation, naming the key and operations; keeps the history and the
# replica logs in a directory it prints. SEED picks the run (default: random,
# printed so a failure can be replayed with the same schedule).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
duration=${DURATION:-60}
seed=${SEED:-$RANDOM$RANDOM}
dir=$(mktemp -d -t rotorkv-torture.XXXXXX)
echo "torture-test: ${duration}s, seed $seed, run directory $dir"
if "$bin/rotorkv" torture --duration "$duration" --nemesis all --seed "$seed" --directory "$dir"; then
    rm -rf "$dir"
else
    status=$?
    echo "torture-test: FAILED (exit $status); history and replica logs are in $dir" >&2
    exit "$status"
fi
