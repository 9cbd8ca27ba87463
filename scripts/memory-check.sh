#!/usr/bin/env bash
# Memory stays flat: RSS of a release rotorkv-server after 200k put+get calls
# and 20k connect/disconnect cycles must be within 10% of its RSS after a
# warm-up. This guards the libthrift-c-glib leak fixes (finalize chain-ups).
#   scripts/memory-check.sh            # prints the figures, exits 1 on growth > 10%
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib-local-server.sh

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
