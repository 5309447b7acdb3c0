#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the default sweep sized for this
# machine: the spline exp-sum workload (every variant; threads 1..CPUs and 2x CPUs to show
# oversubscription; the chunk sizes of the original experiment) and the expsum reduction.
# Results: results/<host>-<date>/ (CSV, JSON with the context, the printed tables).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
make -j"$(nproc 2>/dev/null || echo 2)" all

cpus=$(./ompsweep info --json | /usr/bin/python3 -c \
  'import json,sys; print(json.load(sys.stdin)["context"]["allowed_cpus"])')
threads=""
t=1
while [ "$t" -le "$cpus" ]; do
  threads="$threads${threads:+,}$t"
  if [ "$cpus" -le 8 ]; then t=$((t + 1)); else t=$((t * 2)); fi
done
case ",$threads," in *",$cpus,"*) ;; *) threads="$threads,$cpus" ;; esac
threads="$threads,$((2 * cpus))"

out="results/$(hostname)-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
./ompsweep info > "$out/context.txt"
echo "ompsweep: $cpus CPUs; threads $threads; results in $out" >&2

./ompsweep run spline_expsum --threads "$threads" \
  --chunk 125K,250K,500K,1000K,all \
  --csv "$out/spline_expsum.csv" --json "$out/spline_expsum.json" | tee "$out/spline_expsum.txt"
./ompsweep run expsum --threads "$threads" --chunk 64K,1M,all \
  --csv "$out/expsum.csv" --json "$out/expsum.json" | tee "$out/expsum.txt"
echo "ompsweep: done; results in $out" >&2
