#!/usr/bin/env bash
# Installs the Debian 12 packages ompsweep needs to build, test and benchmark.
# Idempotent: does nothing when they are all present. Usage: scripts/deps.sh [--check]
#   --check  only report what is missing (exit 1 if anything is)
set -euo pipefail

PACKAGES=(
  gcc make libc6-dev pkg-config git        # compiler, build, revision stamp
  libhwloc-dev                             # topology and caches (ompsweep info, context)
  libopenblas-openmp-dev                   # OpenBLAS, the OpenMP build (library variants)
  libgsl-dev                               # GSL: ziggurat baseline, normal CDF, fits
  libcriterion-dev                         # unit tests
  libjansson-dev                           # reading result JSON back (report, ceilings)
  gnuplot-nox                              # the report's plots (PNG through cairo, SVG)
  libsqlite3-dev                           # tradb files (ompsweep ae)
  libsndfile1-dev                          # audio files and tradb FLAC blobs (ae, etl)
  python3-soundfile                        # the Python ETL pipeline the etl benchmark compares
  python3 python3-numpy python3-scipy      # golden data and the SciPy/numpy benchmark
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [ "${1:-}" = "--check" ]; then
  echo "deps: missing: ${missing[*]}"
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps: this is not a Debian system; install the equivalents of: ${missing[*]}" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages: ${missing[*]}" >&2
  echo "deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "deps: done"
