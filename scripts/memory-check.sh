#!/usr/bin/env bash
# Memory stays flat: RSS of a release rotorkv-server after 200k put+get calls
# and 20k connect/disconnect cycles must be within 10% of its RSS after a
# warm-up. This guards the libthrift-c-glib leak fixes (finalize chain-ups).
#   scripts/memory-check.sh            # prints the figures, exits 1 on growth > 10%
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
printf '[deployment]\nreplica_endpoints = ["127.0.0.1:%s"]\n[logging]\nlevel = "warning"\n' "$port" > "$work/server.toml"
"$bin/rotorkv-server" --config "$work/server.toml" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do "$bin/rotorkv" ping --server "127.0.0.1:$port" >/dev/null 2>&1 && break; sleep 0.1; done

rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
load() {  # $1 = seconds of 50/50 put+get over a fixed key space
  "$bin/rotorkv" bench --server "127.0.0.1:$port" --connections 8 --depth 8 --duration "$1" --warmup 0 \
    --keys 10000 --value-size 100 --read-ratio 0.5 --json 2>/dev/null
}
cycles() {  # $1 = connect/call/disconnect cycles
  python3 - "$port" "$1" <<'PY'
import socket, struct, sys
port, cycles = int(sys.argv[1]), int(sys.argv[2])
ping = struct.pack(">I", 0x80010001) + struct.pack(">I", 4) + b"ping" + struct.pack(">i", 1) + b"\x00"
frame = struct.pack(">I", len(ping)) + ping
for _ in range(cycles):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(frame)
    s.recv(64)
    s.close()
PY
}

load 3 >/dev/null
cycles 2000
warm=$(rss)
ops=0
while [[ $ops -lt 400000 ]]; do  # 200k put+get pairs
  done_now=$(load 3 | python3 -c 'import json,sys; print(json.load(sys.stdin)["operations"])')
  ops=$((ops + done_now))
done
cycles 20000
after=$(rss)
growth=$(python3 -c "print(round(100.0 * ($after - $warm) / $warm, 1))")
echo "RSS after warm-up: ${warm} KiB; after ${ops} put/get calls and 20000 connect/disconnect cycles: ${after} KiB (${growth}%)"
python3 -c "import sys; sys.exit(0 if $after <= $warm * 1.10 else 1)" || { echo "memory grew by more than 10%" >&2; exit 1; }
