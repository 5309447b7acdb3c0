#!/usr/bin/env bash
# Runs every test binary given and ends with one line: "tests: N passed, M failed" (and
# ", K skipped" when a test skipped itself, e.g. without the real data of ../shared).
# Each binary is a Criterion suite; its "Synthesis" line gives its counts. A binary that
# crashes or prints no synthesis counts as one failure.
set -u
passed=0 failed=0 skipped=0 status=0
for t in "$@"; do
  echo "== $t"
  out=$("$t" --jobs=2 --verbose 2>&1) # verbose: the [SKIP] lines, with their reasons
  rc=$?
  printf '%s\n' "$out" | grep -vE '^\[(----|RUN |PASS)\]' | tail -n 40
  skipped=$((skipped + $(printf '%s\n' "$out" | grep -c '^\[SKIP\]')))
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
echo "tests: $passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ] || status=1
exit $status
