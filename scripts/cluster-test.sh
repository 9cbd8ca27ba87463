#!/usr/bin/env bash
# End-to-end test of scripts/cluster.sh, the README's first command: start the
# local 3-replica cluster from config/cluster, write through a follower, read
# from every replica, kill -9 the leader, see a new one serve, restart the
# killed replica, and stop. Runs in a temporary directory; needs ports 9090-9092.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
export ROTORKV_BIN; ROTORKV_BIN=$(swift build -c release --show-bin-path)
export ROTORKV_CLUSTER_WORKDIR; ROTORKV_CLUSTER_WORKDIR=$(mktemp -d)
cli="$ROTORKV_BIN/rotorkv"
all="127.0.0.1:9090,127.0.0.1:9091,127.0.0.1:9092"
passed=0; failed=0
cleanup() { scripts/cluster.sh stop >/dev/null 2>&1 || true; rm -rf "$ROTORKV_CLUSTER_WORKDIR"; }
trap cleanup EXIT

for port in 9090 9091 9092; do
    if "$cli" ping --server "127.0.0.1:$port" --timeout 0.3 >/dev/null 2>&1; then
        echo "cluster-test: something already serves 127.0.0.1:$port; stop your local cluster (scripts/cluster.sh stop) first" >&2
        exit 1
    fi
done

check() {  # check NAME EXPECTED COMMAND...
    local name=$1 expected=$2; shift 2
    local got
    got=$("$@" 2>&1) || true
    if [[ "$got" == *"$expected"* ]]; then passed=$((passed + 1)); else
        failed=$((failed + 1)); echo "FAIL $name: expected '$expected', got: $got" >&2
    fi
}

leader() { "$cli" status --server "$all" --json | python3 -c 'import json,sys; print([r["replica_id"] for r in json.load(sys.stdin)["replicas"] if r.get("role")=="leader"][0])'; }

check "start prints the status table" "leader" scripts/cluster.sh start
check "a follower takes a write" "OK index=" "$cli" put greeting hello --server 127.0.0.1:9091
for port in 9090 9091 9092; do
    check "LINEARIZABLE read via $port" "hello" "$cli" get greeting --server "127.0.0.1:$port" --consistency linearizable
done
old=$(leader)
check "kill -9 the leader" "killed" scripts/cluster.sh kill "$old"
survivor=$(( (old + 1) % 3 ))
check "a new leader serves the write" "OK index=" "$cli" put after-failover yes --server "127.0.0.1:909$survivor" --timeout 10
check "status shows the killed replica down" "down" scripts/cluster.sh status
check "restart the killed replica" "started" scripts/cluster.sh restart "$old"
for _ in $(seq 1 100); do
    "$cli" get after-failover --server "127.0.0.1:909$old" >/dev/null 2>&1 && break; sleep 0.1
done
check "the restarted replica caught up" "yes" "$cli" get after-failover --server "127.0.0.1:909$old"
check "stop" "stopped" scripts/cluster.sh stop
check "nothing serves after stop" "UNAVAILABLE" "$cli" ping --server 127.0.0.1:9090 --timeout 0.5
echo "cluster: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
