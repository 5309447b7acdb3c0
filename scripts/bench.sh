#!/usr/bin/env bash
# make bench: the REFERENCE section 1 workload (50 splines, 10^6 points, degree 1) in every
# variant, SciPy's do_single on the same workload, expsum over 10^7 doubles and numpy's
# np.sum(np.exp(a)), all in this one run; prints each time and its ratio to the Python baseline.
# Nothing else should run on the machine meanwhile. Results: results/bench-<host>-<date>/.
set -euo pipefail
bin=${1:-build/ompsweep}
cd "$(dirname "$0")/.."
py=/usr/bin/python3
out="results/bench-$(hostname)-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
cpus=$(nproc)
threads=1
[ "$cpus" -ge 2 ] && threads=1,2

echo "== ompsweep (threads $threads)"
"$bin" run spline_expsum --threads "$threads" --size 1000000 --samples 7 --quiet \
  --csv "$out/spline_expsum.csv" --json "$out/spline_expsum.json" | tee "$out/spline_expsum.txt"
"$bin" run expsum --threads "$threads" --size 10000000 --samples 11 --quiet \
  --csv "$out/expsum.csv" --json "$out/expsum.json" | tee "$out/expsum.txt"

echo "== Python baselines ($($py -c 'import numpy, scipy; print("numpy", numpy.__version__, "scipy", scipy.__version__)'))"
$py scripts/bench_scipy.py spline 3 | tee "$out/scipy.txt"
$py scripts/bench_scipy.py expsum 11 | tee -a "$out/scipy.txt"

echo "== ratios (Python median time / ompsweep median time; > 1 means ompsweep is faster)"
$py - "$out" <<'PY' | tee "$out/ratios.txt"
import csv, sys, re
out = sys.argv[1]
base = {}
for line in open(f"{out}/scipy.txt"):
    name, rest = line.split(" ", 1)
    base[name] = float(re.search(r"median_s=([0-9.eE+-]+)", rest).group(1))
label = {"spline_expsum": ("spline", "SciPy do_single"), "expsum": ("expsum", "np.sum(np.exp(a))")}
rows = []
for kernel, (key, what) in label.items():
    for r in csv.DictReader(open(f"{out}/{kernel}.csv")):
        t = float(r["median_s"])
        rows.append((kernel, r["variant"], r["threads"], r["schedule"], t, base[key] / t, what))
print(f"{'kernel':14} {'variant':12} {'threads':>7} {'median_s':>10} {'x Python':>9}  baseline")
for k, v, th, sc, t, ratio, what in rows:
    print(f"{k:14} {v:12} {th:>7} {t:10.4g} {ratio:9.1f}  {what} ({base[label[k][0]]:.4g} s)")
PY
echo "(results in $out)"
