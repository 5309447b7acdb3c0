#!/usr/bin/env bash
# A study program for batch/study.sbatch in the SLURM test: the shape of scripts/run.sh (a
# results folder as its one argument, CSV + JSON of thread sweeps written into it), at sizes
# that take a second or two, and without the report: batch/study.sbatch writes it.
# Usage: tests/slurm/mini-study.sh OUTDIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
cd "$(dirname "$0")/../.."
for k in expsum stream_triad; do
  build/ompsweep run "$k" --threads 1,2 --size 100k --precision 0 --samples 3 --min-time 5ms --quiet \
    --csv "$out/run-$k.csv" --json "$out/run-$k.json"
done
