# Sourced by the measuring scripts: builds the release binaries and starts one
# standalone rotorkv-server on a free loopback port, stopped on exit.
# Sets: bin (the release bin directory), port, server (its pid), work (a temp dir).
# server_toml_extra, if set before sourcing, is appended to the server's configuration.
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
work=$(mktemp -d)
printf '[deployment]\nreplica_endpoints = ["127.0.0.1:%s"]\n[logging]\nlevel = "warning"\n%s\n' "$port" "${server_toml_extra:-}" > "$work/server.toml"
"$bin/rotorkv-server" --config "$work/server.toml" 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do "$bin/rotorkv" ping --server "127.0.0.1:$port" >/dev/null 2>&1 && break; sleep 0.1; done
