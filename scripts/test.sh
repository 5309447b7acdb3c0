#!/usr/bin/env bash
# The test command: installs what is missing (scripts/deps.sh), builds, runs the test suite,
# then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer (make asan).
# Ends with one line per suite: "tests: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs" all
make -j"$jobs" test
tests/lab/run.sh # every command of the teaching lab (docs/lab/), as written there
make -j"$jobs" asan
