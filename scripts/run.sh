#!/usr/bin/env bash
# The main job: installs what is missing, builds, measures this machine's ceilings (peak
# FLOP/s, STREAM bandwidth), then runs the default sweep sized for this machine, every point
# read against those ceilings: the spline exp-sum workload (every variant; threads 1..CPUs and
# 2x CPUs to show oversubscription; the chunk sizes of the original experiment), the expsum
# reduction, dot products and matrix products against OpenBLAS, Gaussian noise against GSL,
# numpy-style array addition (STREAM add) and a compute-bound loop.
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

./ompsweep ceilings --json "$out/ceilings.json" | tee "$out/ceilings.txt"

failed=0
run() { # run NAME KERNEL [options]: one sweep, saved as NAME.{csv,json,txt}; a failed sweep
  local name=$1 #                      is reported at the end and does not stop the others
  shift
  if ! ./ompsweep run "$@" --ceilings "$out/ceilings.json" \
    --csv "$out/$name.csv" --json "$out/$name.json" | tee "$out/$name.txt"; then
    echo "ompsweep: the $name sweep failed" >&2
    failed=1
  fi
}
run spline_expsum spline_expsum --threads "$threads" --chunk 125K,250K,500K,1000K,all
run expsum expsum --threads "$threads" --chunk 64K,1M,all
run dot dot --threads "$threads" --size 100k,10M
run gemm gemm --threads "$threads" --size 1000 --variant omp,blas,blas_in_omp
run noise noise --threads "$threads"
run stream_add stream_add --threads "$threads" --size 10M
run cpu_loop cpu_loop --threads "$threads"
echo "ompsweep: done; results in $out" >&2
exit "$failed"
