#!/usr/bin/env bash
# Runs every command of the teaching lab (docs/lab/) as a student would: the fenced blocks
# whose info string is `sh lab`, in order (README.md first, then the exercises by number),
# each with bash -e in one fresh temporary folder, with the built ompsweep first on PATH and
# OMPSWEEP_DIR set to the sources. Checks that every block exits 0, that every file listed in
# a `text lab-files` block exists and is not empty once its exercise has run (a line may be a
# glob), that every point the lab measured validated, and exercise 6's claims: expsum's omp
# checksums are the same bits at 1, 2, 3 and 4 threads, expsum_nondet's omp_reduce ones all
# validate and are not all the same bits.
# Usage: tests/lab/run.sh [--keep]   (--keep: leave the folder and say where it is)
# Ends with "lab: N blocks passed, M failed" and exits 1 if anything failed.
set -u
repo=$(cd "$(dirname "$0")/../.." && pwd)
keep=0
case "${1:-}" in
  "") ;;
  --keep) keep=1 ;;
  *) echo "usage: tests/lab/run.sh [--keep]" >&2; exit 2 ;;
esac
bin="$repo/ompsweep"
if [ ! -x "$bin" ]; then
  echo "lab: $bin not found: run make first" >&2
  exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ompsweep-lab.XXXXXX")
if [ "$keep" -eq 1 ]; then
  echo "lab: working in $work (kept)"
else
  trap 'rm -rf "$work"' EXIT
fi
export OMPSWEEP_DIR="$repo"
export PATH="$repo:$PATH"

passed=0 failed=0
fail() { echo "lab: FAIL: $*"; failed=$((failed + 1)); }

# blocks FILE INFO: prints each block of FILE fenced with ```INFO as "@@ LINE" then its lines.
blocks() {
  awk -v info="$2" '
    $0 == "```" info { inside = 1; print "@@ " NR + 1; next }
    inside && /^```/ { inside = 0; next }
    inside { print }
  ' "$1"
}

# run_blocks FILE: runs each `sh lab` block of FILE in $work, one bash -e each.
run_blocks() {
  local file=$1 line="" script="" name
  name=${file#"$repo"/}
  while IFS= read -r l || [ -n "$l" ]; do
    if [[ $l == "@@ "* ]]; then
      [ -n "$line" ] && run_one "$name" "$line" "$script"
      line=${l#@@ } script=""
    else
      script+="$l"$'\n'
    fi
  done < <(blocks "$file" "sh lab")
  [ -n "$line" ] && run_one "$name" "$line" "$script"
}

run_one() {
  local name=$1 line=$2 script=$3 start=$SECONDS rc
  echo "== $name:$line"
  (cd "$work" && bash -e -o pipefail -c "$script") < /dev/null > "$work/.out" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    echo "   ok ($((SECONDS - start)) s)"
  else
    tail -n 30 "$work/.out"
    fail "$name:$line exited $rc"
  fi
}

# check_files FILE: every path (or glob) in FILE's `text lab-files` blocks exists, non-empty.
check_files() {
  local file=$1 p matched f
  while IFS= read -r p; do
    [[ -z $p || $p == "@@ "* ]] && continue
    matched=0
    for f in "$work"/$p; do
      [ -s "$f" ] && matched=1
    done
    [ "$matched" -eq 1 ] || fail "${file#"$repo"/}: $p was not written"
  done < <(blocks "$file" "text lab-files")
}

# csv_col FILE COLUMN...: the named columns of every row, space-separated.
csv_col() {
  local file=$1
  shift
  awk -F, -v want="$*" '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; n = split(want, w, " "); next }
    { line = ""; for (j = 1; j <= n; j++) line = line (j > 1 ? " " : "") $col[w[j]]; print line }
  ' "$file"
}

start=$SECONDS
exercises=("$repo/docs/lab/README.md")
for f in "$repo"/docs/lab/[0-9]*.md; do exercises+=("$f"); done
for f in "${exercises[@]}"; do
  # A fence that mentions the lab but is neither marker would silently not be run or checked.
  while IFS= read -r bad; do
    fail "${f#"$repo"/}:${bad%%:*}: unknown lab block '${bad#*:}' (sh lab or text lab-files)"
  done < <(grep -n '^```.*lab' "$f" | grep -v -e '^[0-9]*:```sh lab$' -e '^[0-9]*:```text lab-files$')
  run_blocks "$f"
  check_files "$f"
done
[ "$passed" -gt 0 ] || fail "no \`sh lab\` block found in docs/lab/"

# Every point of every run the lab made validated against its reference.
while IFS= read -r csv; do
  if head -n 1 "$csv" | grep -q '^kernel,variant,threads,schedule,' &&
    csv_col "$csv" validated | grep -qv '^yes$'; then
    fail "${csv#"$work"/}: a point did not validate"
  fi
done < <(find "$work" -name '*.csv')

# Exercise 6: what its text claims.
e6="$work/ex6"
if [ -f "$e6/expsum.csv" ] && [ -f "$e6/nondet.csv" ]; then
  omp=$(csv_col "$e6/expsum.csv" variant threads checksum | awk '$1 == "omp"')
  if [ "$(echo "$omp" | awk '{print $2}' | tr '\n' ' ')" != "1 2 3 4 " ]; then
    fail "ex6/expsum.csv: expected omp at 1, 2, 3 and 4 threads, got: $(echo "$omp" | awk '{print $2}' | tr '\n' ' ')"
  elif [ "$(echo "$omp" | awk '{print $3}' | sort -u | wc -l)" -ne 1 ]; then
    fail "ex6/expsum.csv: omp checksums differ between thread counts: $(echo "$omp" | awk '{print $3}' | tr '\n' ' ')"
  else
    echo "lab: ex6 expsum omp at 1-4 threads: one checksum, $(echo "$omp" | awk 'NR == 1 {print $3}')"
  fi
  red=$(csv_col "$e6/nondet.csv" variant validated checksum | awk '$1 == "omp_reduce"')
  if [ "$(echo "$red" | grep -c ' yes ')" -ne 4 ]; then
    fail "ex6/nondet.csv: expected 4 validated omp_reduce points, got: $red"
  elif [ "$(echo "$red" | awk '{print $3}' | sort -u | wc -l)" -lt 2 ]; then
    fail "ex6/nondet.csv: omp_reduce gave the same bits at every thread count"
  else
    echo "lab: ex6 expsum_nondet omp_reduce at 1-4 threads: $(echo "$red" | awk '{print $3}' | sort -u | wc -l) distinct checksums, all validated"
  fi
  again=$(for f in "$e6"/again-*.csv; do csv_col "$f" variant checksum; done | awk '$1 == "omp_reduce" {print $2}' | sort -u | wc -l)
  echo "lab: ex6 the repeated omp_reduce run gave $again distinct checksum(s) (not asserted)"
else
  fail "ex6/expsum.csv or ex6/nondet.csv missing"
fi

echo "lab: $passed blocks passed, $failed failed ($((SECONDS - start)) s)"
[ "$failed" -eq 0 ]
