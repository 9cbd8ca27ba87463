#!/usr/bin/env bash
# The local 3-replica cluster described by config/cluster/replica-{0,1,2}.toml.
#
#   scripts/cluster.sh start     build (release), start the three replicas in the background,
#                                wait until a leader serves, print the status
#   scripts/cluster.sh status    every replica: role, term, leader, indexes, lag, up or down
#   scripts/cluster.sh stop      SIGTERM every replica (graceful), SIGKILL after 10 s
#   scripts/cluster.sh kill N | restart N | pause N | resume N
#                                fault drills on replica N: kill -9, start again, SIGSTOP, SIGCONT
#   scripts/cluster.sh wipe      stop, then delete the replicas' data directories (data/replica-*)
#
# Logs go to run/replica-N.log, process ids to run/replica-N.pid. Data lives in
# data/replica-N (the [storage] data_dir of each file); it survives stop/start.
# ROTORKV_CLUSTER_WORKDIR runs the cluster in another directory (its run/ and data/);
# ROTORKV_CLUSTER_CONFIG takes replica-{0,1,2}.toml from another directory;
# ROTORKV_BASE_PORT (default 9090) listens on that port and the next two instead,
# with config/cluster's files rewritten to those ports in run/config/.
# The tests use all three to run a cluster beside the README's.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
workdir=${ROTORKV_CLUSTER_WORKDIR:-$root}
run="$workdir/run"
base=${ROTORKV_BASE_PORT:-9090}
servers="127.0.0.1:$base,127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2))"
mkdir -p "$run"
if [[ -n "${ROTORKV_CLUSTER_CONFIG:-}" ]]; then
    configs=$ROTORKV_CLUSTER_CONFIG
elif [[ "$base" == 9090 ]]; then
    configs=$root/config/cluster
else
    configs=$run/config
    mkdir -p "$configs"
    for id in 0 1 2; do
        sed -e 's/127\.0\.0\.1:9090/127.0.0.1:@P0@/g' -e 's/127\.0\.0\.1:9091/127.0.0.1:@P1@/g' -e 's/127\.0\.0\.1:9092/127.0.0.1:@P2@/g' \
            -e "s/@P0@/$base/g" -e "s/@P1@/$((base + 1))/g" -e "s/@P2@/$((base + 2))/g" \
            "$root/config/cluster/replica-$id.toml" > "$configs/replica-$id.toml"
    done
fi

bin_dir() {
    if [[ -z "${ROTORKV_BIN:-}" ]]; then
        scripts/install-deps.sh >&2
        swift build -c release --product rotorkv-server >&2 2>&1 | tail -1 >&2
        swift build -c release --product rotorkv 2>&1 | tail -1 >&2
        ROTORKV_BIN=$(swift build -c release --show-bin-path)
    fi
    echo "$ROTORKV_BIN"
}

pid_of() { cat "$run/replica-$1.pid" 2>/dev/null || true; }
# Running and not a zombie (a killed replica whose parent is gone may linger unreaped).
alive() {
    local pid state
    pid=$(pid_of "$1")
    [[ -n "$pid" ]] || return 1
    state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [[ -n "$state" && "$state" != Z* ]]
}

start_one() {
    local id=$1 bin=$2
    if alive "$id"; then echo "replica $id already runs (pid $(pid_of "$id"))"; return; fi
    (cd "$workdir" && exec "$bin/rotorkv-server" --config "$configs/replica-$id.toml" >>"$run/replica-$id.log" 2>&1) &
    echo $! > "$run/replica-$id.pid"
    echo "replica $id started (pid $!, log run/replica-$id.log)"
}

wait_for_leader() {
    local bin=$1
    for _ in $(seq 1 150); do
        if "$bin/rotorkv" status --server "$servers" --json 2>/dev/null | grep -q '"role" *: *"leader"'; then
            return 0
        fi
        sleep 0.2
    done
    echo "no leader serves after 30 s; see run/replica-*.log" >&2
    return 1
}

status() {
    local bin=$1
    "$bin/rotorkv" status --server "$servers" || true
}

stop_all() {
    for id in 0 1 2; do
        if alive "$id"; then kill -CONT "$(pid_of "$id")" 2>/dev/null || true; kill -TERM "$(pid_of "$id")"; fi
    done
    for id in 0 1 2; do
        for _ in $(seq 1 100); do alive "$id" || break; sleep 0.1; done
        if alive "$id"; then echo "replica $id did not stop in 10 s; killing it" >&2; kill -KILL "$(pid_of "$id")" || true; fi
        rm -f "$run/replica-$id.pid"
    done
    echo "stopped"
}

command=${1:-}
case "$command" in
    start)
        bin=$(bin_dir)
        mkdir -p "$run"
        for id in 0 1 2; do start_one "$id" "$bin"; done
        wait_for_leader "$bin"
        for id in 0 1 2; do
            if ! alive "$id"; then
                echo "replica $id exited; the end of run/replica-$id.log:" >&2
                tail -5 "$run/replica-$id.log" >&2
                exit 1
            fi
        done
        status "$bin"
        echo "try: $bin/rotorkv put hello world --server $servers"
        ;;
    status) status "$(bin_dir)" ;;
    stop) stop_all ;;
    kill) kill -KILL "$(pid_of "${2:?replica id}")" && echo "replica $2 killed (SIGKILL)" ;;
    restart) start_one "${2:?replica id}" "$(bin_dir)" ;;
    pause) kill -STOP "$(pid_of "${2:?replica id}")" && echo "replica $2 paused (SIGSTOP)" ;;
    resume) kill -CONT "$(pid_of "${2:?replica id}")" && echo "replica $2 resumed (SIGCONT)" ;;
    wipe) stop_all; rm -rf "$workdir"/data/replica-{0,1,2}; echo "data directories removed" ;;
    *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
