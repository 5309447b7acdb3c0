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
  locales                                  # a decimal-comma locale for the JSON test
  openmpi-bin libopenmpi-dev               # ompsweep-mpi (MPI + OpenMP runs, mpirun)
  slurm-wlm munge                          # a one-node SLURM cluster (batch/ tests)
)

# The JSON writer must print "1.5" under a locale whose decimal point is a comma; the test
# needs one such locale generated (idempotent: only when none is there).
LOCALE=de_DE.UTF-8
have_locale() { locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\{0,1\}8'; }
generate_locale() {
  if ! grep -q "^$LOCALE UTF-8" /etc/locale.gen 2>/dev/null; then
    echo "$LOCALE UTF-8" >>/etc/locale.gen
  fi
  locale-gen >/dev/null
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ] && have_locale; then
  echo "deps: all ${#PACKAGES[@]} packages present, locale $LOCALE generated"
  exit 0
fi

if [ "${1:-}" = "--check" ]; then
  [ ${#missing[@]} -gt 0 ] && echo "deps: missing: ${missing[*]}"
  have_locale || echo "deps: locale $LOCALE not generated"
  exit 1
fi

if [ ${#missing[@]} -eq 0 ]; then # only the locale
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: locale $LOCALE not generated (one test will skip); as root: scripts/deps.sh" >&2
    exit 0
  fi
  generate_locale
  echo "deps: locale $LOCALE generated"
  exit 0
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
have_locale || generate_locale
echo "deps: done"
