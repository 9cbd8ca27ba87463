#!/usr/bin/env bash
# Runs every RotorKV test: the generated-code freshness check, `swift test`
# (unit tests, the simulator sweep, and the cluster scenarios against three
# in-process replicas and three rotorkv-server processes), the CLI end-to-end
# test, the local-cluster script test, the Python interoperability test, and a
# 60-second `rotorkv torture` run with every fault.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/regen-thrift.sh --check
swift build -c release
# Build every product too: the process-cluster tests start the rotorkv-server built beside them.
swift build --build-tests
swift test --skip-build
scripts/cli-test.sh
scripts/cluster-test.sh
scripts/interop-test.sh
scripts/torture-test.sh
