#!/usr/bin/env bash
# Builds RotorKV (release) and runs a standalone replica on 127.0.0.1:9090.
# Extra arguments go to rotorkv-server, e.g. --config config/standalone.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release --product rotorkv-server --product rotorkv 2>&1 | tail -1
echo "rotorkv CLI: $(swift build -c release --show-bin-path)/rotorkv" >&2
exec "$(swift build -c release --show-bin-path)/rotorkv-server" "$@"
