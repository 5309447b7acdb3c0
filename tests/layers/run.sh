#!/usr/bin/env bash
# The layer check (scripts/check-layers.sh) must pass on the tree and fail on each kind of
# violation: it is run on a copy of drivers/, kernels/ and io/ with one violation planted at a
# time, and must exit 1 naming it. Prints one line per case and "layers test: passed".
set -euo pipefail
cd "$(dirname "$0")/../.."
check=scripts/check-layers.sh
work=$(mktemp -d /tmp/ompsweep-layers-XXXXXX)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "layers test: FAILED: $*" >&2
  exit 1
}

"$check" >/dev/null || fail "the tree itself breaks the rule ($check says why)"

# case_ NAME EXPECT FILE LINE [FILE LINE ...]: each FILE (relative to the copy) gets its LINE
# at its top; the check must exit 1 and say EXPECT.
case_() {
  local name=$1 expect=$2 out
  shift 2
  rm -rf "$work/tree" && mkdir -p "$work/tree"
  cp -r drivers kernels io "$work/tree/"
  while [ $# -gt 0 ]; do
    printf '%s\n' "$2" | cat - "$work/tree/$1" >"$work/tree/$1.new"
    mv "$work/tree/$1.new" "$work/tree/$1"
    shift 2
  done
  if out=$("$check" "$work/tree" 2>&1); then
    fail "$name: the check passed"
  fi
  grep -qF -- "$expect" <<<"$out" || fail "$name: the check said: $out"
  echo "layers test: $name: refused"
}

case_ "an upward include" \
  'drivers/engine/stats.c includes "app/commands.h": engine/ may include only' \
  drivers/engine/stats.c '#include "app/commands.h"'
case_ "the report reaching past format/" \
  'drivers/report/report_fmt.c includes "engine/sweep.h": report/ may include only' \
  drivers/report/report_fmt.c '#include "engine/sweep.h"'
case_ "an include without its folder" \
  'includes "sweep.h" without its folder ("engine/sweep.h")' \
  drivers/engine/measure.c '#include "sweep.h"'
case_ "a kernel including the drivers" 'kernels/ and io/ never include drivers/' \
  kernels/dot.c '#include "engine/sweep.h"'
case_ "a circle" 'in a circle' \
  drivers/format/json.c '#include "format/units.h"' drivers/format/units.c '#include "format/json.h"'
echo "layers test: passed"
