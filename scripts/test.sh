#!/usr/bin/env bash
# The test command: installs what is missing (scripts/deps.sh), builds, runs the test suite,
# every command of the teaching lab (tests/lab/run.sh), the installed tree (tests/install/run.sh),
# then the same suite under AddressSanitizer + UndefinedBehaviorSanitizer (make asan), then
# the SLURM job scripts on a one-node cluster (tests/slurm/run.sh; as root on Debian).
# Ends with one line per suite: "tests: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs" all
make -j"$jobs" test
tests/lab/run.sh # every command of the teaching lab (docs/lab/), as written there
tests/install/run.sh # make install into a temporary folder, a program built on it, make uninstall
make -j"$jobs" asan
# The batch/ job scripts on a one-node SLURM cluster; it starts daemons, so root on Debian only.
if [ "$(id -u)" -eq 0 ] && [ -f /etc/debian_version ]; then
  tests/slurm/run.sh
else
  echo "slurm test: skipped (it needs root on Debian to start munged, slurmctld and slurmd)"
fi
