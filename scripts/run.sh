#!/usr/bin/env bash
# The main job: a default study of this machine, sized to it, in a few minutes.
# Installs what is missing and builds, then measures
#   1. the ceilings: peak FLOP/s, STREAM triad and read bandwidth (the roofline);
#   2. thread sweeps of the main kernels, 1 thread to 2x the CPUs (oversubscription shows),
#      every point validated against its serial reference and read against the ceilings;
#   3. the chunk maps of spline_expsum (threads x schedule x chunk, the classic table) and of
#      ae_features (hits per chunk, as the acoustic-emission batch job tunes it);
#   4. the cache map of a streaming kernel (working set from inside L1 to 4x the L3);
#   5. OpenMP overheads (EPCC-style) and the break-even size of each main kernel;
# and ends with `ompsweep report`, which fits the scaling models and draws the plots.
# Every sweep is measured in interleaved rounds until its 95 % intervals reach 2 % or its time
# for more rounds runs out (docs/measurement.md): 10 s per sweep, more for the maps, whose
# many cells each need their rounds; 7 to 9 minutes in all on 2 cores (437 and 524 s on the
# 2-vCPU EPYC VM, back to back).
# Results: results/<host>-<date>/ with report.md, plots/, CSV + JSON (with the context).
# Usage: scripts/run.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
make -j"$(nproc 2>/dev/null || echo 2)" all >/dev/null

read -r cpus llc < <(./ompsweep info --json | /usr/bin/python3 -c \
  'import json,sys; c=json.load(sys.stdin)["context"]
print(c["allowed_cpus"], max([x["size_bytes"] * x["instances"] for x in c["caches"]] or [0]))')
# The cache map runs to 4x the last-level cache; where that is beyond 1 GiB (the development
# VM reports 2 x 508 MiB of L3) its largest working sets took 230 of the study's 580 s at 3
# sizes per doubling: 2 per doubling keep the whole range in about two thirds of the time.
per_octave=3
[ "$llc" -gt $((256 * 1024 * 1024)) ] && per_octave=2
threads=""
t=1
while [ "$t" -le "$cpus" ]; do
  threads="$threads${threads:+,}$t"
  if [ "$cpus" -le 8 ]; then t=$((t + 1)); else t=$((t * 2)); fi
done
case ",$threads," in *",$cpus,"*) ;; *) threads="$threads,$cpus" ;; esac
threads="$threads,$((2 * cpus))"

out="${1:-results/$(hostname)-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
./ompsweep info --json > "$out/context.json"
./ompsweep info > "$out/context.txt"
echo "ompsweep study: $cpus CPUs; threads $threads; results in $out" >&2
start=$SECONDS

failed=0
step() { # step NAME COMMAND...: one measurement, its table saved as NAME.txt; a failed step
  local name=$1 #                 is reported at the end and does not stop the others
  shift
  echo "ompsweep study: $name ($((SECONDS - start)) s so far)" >&2
  if ! ./ompsweep "$@" | tee "$out/$name.txt"; then
    echo "ompsweep study: the $name step failed" >&2
    failed=1
  fi
}
files() { echo --csv "$out/$1.csv" --json "$out/$1.json"; }
ceil="--ceilings $out/ceilings.json"

step ceilings ceilings --json "$out/ceilings.json" --quiet
# shellcheck disable=SC2046 # files() yields separate words on purpose
{
  step run-spline_expsum run spline_expsum --variant omp_splines,omp_points \
    --threads "$threads" --size 400k $ceil --quiet $(files run-spline_expsum)
  step run-expsum run expsum --threads "$threads" --size 10M $ceil --quiet $(files run-expsum)
  step run-dot run dot --threads "$threads" --size 10M $ceil --quiet $(files run-dot)
  step run-stream_triad run stream_triad --variant omp --threads "$threads" --size 20M $ceil \
    --quiet $(files run-stream_triad)
  step run-noise run noise --variant omp,gsl --threads "$threads" $ceil --quiet $(files run-noise)
  step run-gemm run gemm --variant omp,blas --threads "$threads" --size 1000 $ceil --quiet \
    $(files run-gemm)
  step chunkmap-spline_expsum chunkmap spline_expsum --threads "$threads" --max-time 60 --quiet \
    $(files chunkmap-spline_expsum)
  step chunkmap-ae_features chunkmap ae_features --threads "$threads" --max-time 40 --quiet \
    $(files chunkmap-ae_features)
  step cachemap-stream_triad cachemap stream_triad --min-time 10ms --max-time 30 --quiet \
    --per-octave "$per_octave" \
    $(files cachemap-stream_triad)
  step overhead overhead --quiet $(files overhead)
  step breakeven breakeven expsum,dot,stream_triad,noise,spline_expsum --quiet \
    $(files breakeven)
}
step report report "$out"
echo "ompsweep study: done in $((SECONDS - start)) s; open $out/report.md" >&2
exit "$failed"
