#!/usr/bin/env bash
# Runs every test binary given and ends with one line: "tests: N passed, M failed".
# Each binary is a Criterion suite; its "Synthesis" line gives its counts. A binary that
# crashes or prints no synthesis counts as one failure.
set -u
passed=0 failed=0 status=0
for t in "$@"; do
  echo "== $t"
  out=$("$t" --jobs=2 2>&1)
  rc=$?
  printf '%s\n' "$out" | grep -v '^\[----\]' | tail -n 40
  syn=$(printf '%s\n' "$out" | grep -E 'Synthesis: Tested: [0-9]+' | tail -n 1)
  if [ -z "$syn" ]; then
    failed=$((failed + 1)); status=1
    echo "!! $t printed no synthesis (exit $rc)"
    continue
  fi
  p=$(printf '%s' "$syn" | sed -E 's/.*Passing: ([0-9]+).*/\1/')
  f=$(printf '%s' "$syn" | sed -E 's/.*Failing: ([0-9]+).*/\1/')
  c=$(printf '%s' "$syn" | sed -E 's/.*Crashing: ([0-9]+).*/\1/')
  [ "$c" -gt "$f" ] && f=$c  # a crash may or may not be counted as a failure too
  passed=$((passed + p)); failed=$((failed + f))
  [ "$rc" -ne 0 ] && status=1
done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
