#!/usr/bin/env bash
# End-to-end test of scripts/cluster.sh, the README's first command: start the
# local 3-replica cluster from config/cluster, write through a follower, read
# from every replica, kill -9 the leader, see a new one serve, restart the
# killed replica, check `rotorkv health` names it, and stop. Runs in a temporary
# directory on three free consecutive loopback ports (ROTORKV_BASE_PORT), so it
# passes while the README's cluster runs on 9090-9092.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
export ROTORKV_BIN; ROTORKV_BIN=$(swift build -c release --show-bin-path)
export ROTORKV_CLUSTER_WORKDIR; ROTORKV_CLUSTER_WORKDIR=$(mktemp -d)
# Three consecutive ports that are free now (never 9090-9092, which the README's cluster may hold).
export ROTORKV_BASE_PORT; ROTORKV_BASE_PORT=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    base = random.randrange(20000, 60000)
    sockets = []
    try:
        for port in range(base, base + 3):
            s = socket.socket(); s.bind(("127.0.0.1", port)); sockets.append(s)
        print(base); break
    except OSError:
        pass
    finally:
        for s in sockets: s.close()
PY
)
base=$ROTORKV_BASE_PORT
port_of() { echo $((base + $1)); }
cli="$ROTORKV_BIN/rotorkv"
all="127.0.0.1:$base,127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2))"
passed=0; failed=0
cleanup() { scripts/cluster.sh stop >/dev/null 2>&1 || true; rm -rf "$ROTORKV_CLUSTER_WORKDIR"; }
trap cleanup EXIT
echo "cluster-test: ports $base-$((base + 2)), directory $ROTORKV_CLUSTER_WORKDIR"

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
check "a follower takes a write" "OK index=" "$cli" put greeting hello --server "127.0.0.1:$(port_of 1)"
check "health: all up" "healthy: 3 of 3 replicas up" "$cli" health --server "$all"
for port in $(port_of 0) $(port_of 1) $(port_of 2); do
    check "LINEARIZABLE read via $port" "hello" "$cli" get greeting --server "127.0.0.1:$port" --consistency linearizable
done
old=$(leader)
check "kill -9 the leader" "killed" scripts/cluster.sh kill "$old"
survivor=$(( (old + 1) % 3 ))
check "a new leader serves the write" "OK index=" "$cli" put after-failover yes --server "127.0.0.1:$(port_of $survivor)" --timeout 10
check "status shows the killed replica down" "down" scripts/cluster.sh status
health_status=0
health_output=$("$cli" health --server "127.0.0.1:$(port_of $survivor)" --timeout 1 2>&1) || health_status=$?
if [[ $health_status -eq 1 && "$health_output" == *"replica $old (127.0.0.1:$(port_of "$old")): down"* ]]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL health names the killed replica: exit $health_status (want 1), output: $health_output" >&2
fi
check "restart the killed replica" "started" scripts/cluster.sh restart "$old"
for _ in $(seq 1 100); do
    "$cli" get after-failover --server "127.0.0.1:$(port_of "$old")" >/dev/null 2>&1 && break; sleep 0.1
done
check "the restarted replica caught up" "yes" "$cli" get after-failover --server "127.0.0.1:$(port_of "$old")"
check "health: healthy again" "healthy" "$cli" health --server "$all"
check "stop" "stopped" scripts/cluster.sh stop
check "nothing serves after stop" "UNAVAILABLE" "$cli" ping --server "127.0.0.1:$base" --timeout 0.5
echo "cluster: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
