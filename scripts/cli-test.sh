#!/usr/bin/env bash
# End-to-end test of the `rotorkv` CLI against a real release rotorkv-server:
# outputs, --json, stdin values and the documented exit codes.
set -uo pipefail
cd "$(dirname "$0")/.."

# A small scan byte bound, so that `scan` must follow continuations across pages.
server_toml_extra=$'[limits]\nmax_scan_bytes = 80'
source scripts/lib-local-server.sh || exit 1
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

passed=0
failed=0
# check NAME EXPECTED_EXIT EXPECTED_STDOUT_SUBSTRING -- COMMAND...
check() {
  local name=$1 want_status=$2 want_output=$3
  shift 4
  local output status
  output=$("$@" 2>&1)
  status=$?
  if [[ $status -eq $want_status && $output == *"$want_output"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $status (want $want_status), output: $output" >&2
  fi
}
kv() { "$bin/rotorkv" "$1" --server "127.0.0.1:$port" "${@:2}"; }

check "put"                0 "OK index=2"        -- kv put greeting hello  # index 1 registered the CLI's session
check "get"                0 "hello"             -- kv get greeting
check "get missing"        1 "(not found)"       -- kv get nothere
check "get --json"         1 '"found":false'     -- kv get nothere --json
check "put from stdin"     0 "OK index=4"        -- bash -c "printf 'line1\nline2' | '$bin/rotorkv' put --server 127.0.0.1:$port note"
check "stdin value kept"   0 $'line1\nline2'     -- kv get note
check "cas absent fails"   1 'current value is "hello"' -- kv cas greeting --absent x
check "cas expected"       0 "OK index="         -- kv cas greeting --expected hello bye
check "cas needs a mode"   64 "exactly one of"   -- kv cas greeting bye
check "scan"               0 $'greeting\tbye'    -- kv scan --start a --limit 10
check "scan --json"        0 '"entries":[{"key":"greeting","value":"bye"}' -- kv scan --limit 1 --json
value40=$(printf 'v%.0s' $(seq 1 40))
for key in p1 p2 p3; do kv put "$key" "$value40" >/dev/null; done
check "scan pages by bytes" 0 $'p1\t'"$value40"$'\np2\t'"$value40"$'\np3\t'"$value40" -- kv scan --start p --end q --limit 3
check "scan stops at --limit" 0 "(more: continue with --start p3)" -- kv scan --start p --end q --limit 2
check "scan --json pages"  0 '{"key":"p3","value":"v' -- kv scan --start p --end q --limit 3 --json
check "scan --all"         0 $'p3\t'"$value40"    -- kv scan --start p --end q --limit 1 --all
check "delete"             0 "DELETED index="    -- kv delete greeting
check "delete again"       0 "ABSENT index="     -- kv delete greeting
check "empty key"          2 "INVALID_ARGUMENT"  -- kv put "" value
check "min-index ahead"    3 "UNAVAILABLE"       -- kv get note --min-index 999 --timeout 0.3
check "status"             0 "standalone"        -- kv status
check "status --json"      0 '"role":"standalone"' -- kv status --json
check "status columns"     0 "SNAPSHOT  KEYS  DIGEST" -- kv status
check "status digest"      0 '"snapshot_index":0,"state_digest":"' -- kv status --json
check "health"             0 "healthy: 1 of 1 replicas up" -- kv health
check "health --json"      0 '"healthy":true'    -- kv health --json
check "health, server down" 3 "replica 127.0.0.1:$dead: down" -- "$bin/rotorkv" health --server "127.0.0.1:$dead" --timeout 0.5
check "health help"        0 "--max-lag"         -- "$bin/rotorkv" help health
check "ping"               0 "PONG"              -- kv ping
check "ping --token"       0 "PONG"              -- kv ping --token anything
check "token from env"     0 "PONG"              -- env ROTORKV_CLIENT_TOKEN=anything "$bin/rotorkv" ping --server "127.0.0.1:$port"
check "server down"        3 "UNAVAILABLE"       -- "$bin/rotorkv" get k --server "127.0.0.1:$dead" --timeout 0.5
check "bad --server"       64 "host:port"        -- "$bin/rotorkv" get k --server nonsense
check "bench --json"       0 '"operations":'     -- kv bench --connections 2 --duration 1 --warmup 0 --keys 100 --json
check "bench --token"      0 '"errors":{}'       -- kv bench --connections 2 --duration 1 --warmup 0 --keys 100 --json --token anything
check "help"               0 "USAGE: rotorkv <subcommand>" -- "$bin/rotorkv" --help
check "bench help"         0 "--read-ratio"      -- "$bin/rotorkv" help bench
check "server help"        0 "--config"          -- "$bin/rotorkv-server" --help
check "bad config"         64 "unknown key deployment.mod" -- bash -c "printf '[deployment]\nmod = 1\n' > '$work/bad.toml'; '$bin/rotorkv-server' --config '$work/bad.toml'"

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
