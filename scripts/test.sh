#!/usr/bin/env bash
# Runs every RotorKV test: the generated-code freshness check, `swift test`,
# and the Python interoperability test against a real server.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/regen-thrift.sh --check
swift build -c release --product rotorkv-server
swift test
scripts/interop-test.sh
