#!/usr/bin/env bash
# The layer rule of drivers/ (docs/design.md), checked on the includes. Fails when
#   - a file includes a folder that its own folder may not (an upward include);
#   - a drivers/ header is included without its folder ("sweep.h" for "engine/sweep.h");
#   - kernels/ or io/ includes anything from drivers/;
#   - modules include each other in a circle (a module is a .c/.h pair; tsort finds circles).
# Usage: scripts/check-layers.sh [ROOT]  (ROOT: the tree to check, default the project).
# Prints every violation and exits 1, or prints one line and exits 0.
set -euo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root"

# Which folders each folder of drivers/ may include, besides itself (and kernels/, io/).
declare -A allowed=(
  [format]=""
  [machine]="format"
  [engine]="machine format"
  [output]="engine machine format"
  [realdata]="format"
  [report]="format"
  [app]="output engine machine format realdata report"
)

problems=0
complain() {
  echo "check-layers: $*" >&2
  problems=$((problems + 1))
}

# "file included" pairs: every #include "..." of the C files under the given folders.
includes() {
  find "$@" -name '*.[ch]' -print0 | sort -z |
    xargs -0 awk 'match($0, /^[ \t]*#[ \t]*include[ \t]*"[^"]+"/) {
      s = substr($0, RSTART, RLENGTH); sub(/^[^"]*"/, "", s); sub(/"$/, "", s)
      print FILENAME, s }'
}

folder_of() { # drivers/engine/sweep.c -> engine; drivers/machine/mpi/ranks_mpi.c -> machine
  local rest=${1#drivers/}
  echo "${rest%%/*}"
}

edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

while read -r file inc; do
  from=$(folder_of "$file")
  [ -n "${allowed[$from]+set}" ] || {
    complain "$file: drivers/$from is not a folder of the layer rule"
    continue
  }
  if [ -f "drivers/$inc" ] && [[ $inc == */* ]]; then
    to=${inc%%/*}
    if [ "$to" != "$from" ] && [[ " ${allowed[$from]} " != *" $to "* ]]; then
      complain "$file includes \"$inc\": $from/ may include only: ${allowed[$from]:-nothing} (and itself)"
    fi
    echo "${file%.[ch]} drivers/${inc%.h}" >>"$edges"
  elif [ -f "$(dirname "$file")/$inc" ]; then
    complain "$file includes \"$inc\" without its folder (\"$from/$inc\")"
  fi
done < <(includes drivers)

while read -r file inc; do
  if [[ $inc == */* ]] || [ -n "$(find drivers -name "$inc" -print -quit)" ]; then
    complain "$file includes \"$inc\": kernels/ and io/ never include drivers/"
  fi
done < <(includes kernels io)

# A module's .c including its own .h is no edge; tsort reports any circle among the rest.
if ! circle=$(awk '$1 != $2' "$edges" | tsort 2>&1 >/dev/null); then
  complain "modules include each other in a circle:"
  echo "$circle" | grep -v 'input contains a loop' | sed 's/^tsort: /  /' >&2
fi

if [ "$problems" -gt 0 ]; then
  echo "check-layers: $problems problem(s); the rule is in docs/design.md" >&2
  exit 1
fi
echo "check-layers: $(wc -l <"$edges") includes between drivers/ modules follow the layer rule"
