#!/usr/bin/env bash
# The ETL benchmark (docs/etl.md): 24 four-minute 44.1 kHz mono 16-bit sine WAVs get Gaussian
# noise, by `ompsweep etl noise` at 1 thread and at all CPUs, and by the serial numpy +
# soundfile pipeline a Python user would write (scripts/etl_noise.py), in the same run,
# interleaved (1 thread, all threads, Python; again), a few repetitions each. Times are wall
# clock of the whole command (start-up, reading, noise, writing). Inputs and outputs live in a
# temporary folder in memory (/dev/shm unless TMPDIR is set): this measures the processing,
# not the disk. Writes OUTDIR/etl.csv (every run) and OUTDIR/etl.json (the machine's context, the
# settings, the medians and the ratios) and prints the medians and ratios.
#
# usage: scripts/bench_etl.sh [--files N] [--seconds S] [--reps R] OUTDIR [OMPSWEEP]
#   --files N    input files (default 24)       --seconds S  length of each (default 240)
#   --reps R     repetitions of each command (default 7)
# Nothing else should run on the machine meanwhile.
set -euo pipefail
files=24 seconds=240 reps=7 sigma=0.01 seed=0
usage() { sed -n '11,13s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
  case $1 in
    --files) files=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "bench_etl.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
mkdir -p "$1"
out=$(realpath "$1")
bin=$(realpath "${2:-build/ompsweep}")
cd "$(dirname "$0")/.."
py=/usr/bin/python3 # Debian's: numpy and soundfile (a pyenv python3 may have neither)
cpus=$(nproc)
threads="1"
[ "$cpus" -gt 1 ] && threads="1 $cpus"

# In memory (tmpfs) where there is one: writing 0.5 GB per run to a disk makes the page
# cache's write-back part of the timing, which varies by 2x from run to run.
tmp=${TMPDIR:-/tmp}
[ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm
work=$(mktemp -d "$tmp/ompsweep-bench-etl.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "== generating $files sine WAVs of $seconds s (44.1 kHz, mono, 16-bit)"
$py scripts/etl_make_sines.py "$work/in" --files "$files" --seconds "$seconds"
inputs=("$work"/in/*.wav)
in_bytes=$(du -cb "${inputs[@]}" | tail -1 | cut -f1)

csv="$work/etl.csv" # moved into OUTDIR at the end: no partial results
echo "tool,threads,rep,seconds,user_s,sys_s,files,input_bytes" >"$csv"
# timed TOOL THREADS REP CMD...: one run into a fresh output folder, a CSV row. The wall,
# user and system times are bash's own (the `time` keyword: the command and its children).
timed() {
  local tool=$1 t=$2 rep=$3
  shift 3
  rm -rf "$work/out"
  local TIMEFORMAT='%3R %3U %3S' wall user sys
  { time "$@" >"$work/last.txt"; } 2>"$work/time.txt"
  read -r wall user sys <"$work/time.txt"
  [ "$rep" -gt 0 ] && echo "$tool,$t,$rep,$wall,$user,$sys,$files,$in_bytes" >>"$csv"
  printf '%-8s threads=%-3s rep %d: %s s (user %s, sys %s)   %s\n' "$tool" "$t" "$rep" "$wall" \
    "$user" "$sys" "$(cat "$work/last.txt")"
}

identical=yes
# Rep 0 warms up (page cache, the output folder's first pages, Python's imports) and checks
# the bytes; it is shown but not recorded.
for rep in $(seq 0 "$reps"); do
  for t in $threads; do
    # An untimed run first, so every timed run finds memory in the same state: on the
    # development VM the first run after a pause (Python's turn) was up to 2.5x slower, its
    # freshly written pages costing far more system time.
    rm -rf "$work/out"
    "$bin" etl noise "${inputs[@]}" -o "$work/out" --sigma "$sigma" --seed "$seed" \
      --threads "$t" >/dev/null
    timed ompsweep "$t" "$rep" "$bin" etl noise "${inputs[@]}" -o "$work/out" \
      --sigma "$sigma" --seed "$seed" --threads "$t"
    if [ "$rep" = 0 ]; then # the bytes must not depend on the threads
      if [ "$t" = 1 ]; then
        mv "$work/out" "$work/ref"
      elif ! diff -rq "$work/ref" "$work/out" >/dev/null; then
        identical=no
        echo "bench_etl.sh: outputs at $t threads differ from 1 thread" >&2
      fi
    fi
  done
  timed python 1 "$rep" $py scripts/etl_noise.py "${inputs[@]}" -o "$work/out" \
    --sigma "$sigma" --seed "$seed"
done

"$bin" info --json >"$work/context.json"
$py - "$csv" "$work/context.json" "$out/etl.json" "$files" "$seconds" "$sigma" "$reps" \
  "$cpus" "$identical" <<'EOF'
import csv, json, statistics, sys
rows_path, ctx_path, json_path, files, seconds, sigma, reps, cpus, identical = sys.argv[1:]
rows = list(csv.DictReader(open(rows_path)))
med = {}
for key in sorted({(r["tool"], int(r["threads"])) for r in rows}):
    med[key] = statistics.median(float(r["seconds"]) for r in rows
                                 if (r["tool"], int(r["threads"])) == key)
in_bytes = int(rows[0]["input_bytes"])
samples = int(files) * round(float(seconds) * 44100)
cpus = int(cpus)
one, full, python = med[("ompsweep", 1)], med[("ompsweep", cpus)], med[("python", 1)]
ratios = {
    f"ompsweep_{cpus}t_speedup_vs_1t": one / full,
    "python_over_ompsweep_1t": python / one,
    f"python_over_ompsweep_{cpus}t": python / full,
}
# Each repetition ran its commands back to back: its ratio cancels the host's slow drifts, so
# the median of the per-repetition ratios is given beside the ratio of the medians.
def per_rep(num, den):
    t = {(r["tool"], int(r["threads"]), r["rep"]): float(r["seconds"]) for r in rows}
    reps_seen = sorted({r["rep"] for r in rows})
    return statistics.median(t[num + (k,)] / t[den + (k,)] for k in reps_seen)
ratios[f"ompsweep_{cpus}t_speedup_vs_1t_median_of_reps"] = per_rep(("ompsweep", 1), ("ompsweep", cpus))
ratios["python_over_ompsweep_1t_median_of_reps"] = per_rep(("python", 1), ("ompsweep", 1))
# A disturbance (on a VM: the host's page handling, seen as system time) only ever adds time,
# so the fastest repetition of each command is the best estimate of its undisturbed cost.
best = {key: min(float(r["seconds"]) for r in rows if (r["tool"], int(r["threads"])) == key)
        for key in med}
ratios[f"ompsweep_{cpus}t_speedup_vs_1t_best_of_reps"] = best[("ompsweep", 1)] / best[("ompsweep", cpus)]
ratios["python_over_ompsweep_1t_best_of_reps"] = best[("python", 1)] / best[("ompsweep", 1)]
ratios[f"python_over_ompsweep_{cpus}t_best_of_reps"] = best[("python", 1)] / best[("ompsweep", cpus)]
def median_of(key, column):
    return statistics.median(float(r[column]) for r in rows
                             if (r["tool"], int(r["threads"])) == key)
medians = [{"tool": t, "threads": n, "median_s": s, "best_s": best[(t, n)],
            "median_user_s": median_of((t, n), "user_s"), "median_sys_s": median_of((t, n), "sys_s"),
            "mb_per_s": in_bytes / 1e6 / s, "msamples_per_s": samples / 1e6 / s}
           for (t, n), s in med.items()]
for m in medians:
    print(f"{m['tool']:8s} threads={m['threads']:<3d} median {m['median_s']:.3f} s "
          f"(user {m['median_user_s']:.2f}, sys {m['median_sys_s']:.2f})  best {m['best_s']:.3f} s  "
          f"{m['mb_per_s']:.1f} MB/s  {m['msamples_per_s']:.1f} M samples/s")
for k, v in ratios.items():
    print(f"{k}: {v:.2f}")
print(f"outputs identical at 1 and {cpus} threads: {identical}")
doc = {"schema": "ompsweep-bench-etl-2",
       "context": json.load(open(ctx_path))["context"],
       "settings": {"files": int(files), "seconds_per_file": float(seconds),
                    "sample_rate": 44100, "channels": 1, "subtype": "PCM_16",
                    "input_bytes": in_bytes, "samples": samples, "sigma": float(sigma),
                    "reps": int(reps), "cpus": cpus},
       "medians": medians, "ratios": ratios,
       "identical_across_threads": identical == "yes"}
with open(json_path + ".tmp", "w") as f:
    json.dump(doc, f, indent=2)
EOF
mv "$out/etl.json.tmp" "$out/etl.json"
mv "$csv" "$out/etl.csv"
echo "(results in $out/etl.csv and $out/etl.json)"
[ "$identical" = yes ]
