#!/usr/bin/env bash
# Runs every RotorKV test: the generated-code freshness check, `swift test`,
# the CLI end-to-end test, and the Python interoperability test against a
# real server.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/regen-thrift.sh --check
swift build -c release
swift test
scripts/cli-test.sh
scripts/interop-test.sh
