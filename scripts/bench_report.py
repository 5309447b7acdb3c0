"""Ratios and targets of one `make bench` run: reads the CSV files and the Python baselines in
the run's folder, prints every point against its reference, its library variant and the
Python code a user would write, then checks the project's performance targets.
Usage: /usr/bin/python3 scripts/bench_report.py results/bench-HOST-DATE
"""
import csv
import json
import math
import os
import re
import sys

# (CSV file, size) -> the Python workload doing the same job (scripts/bench_python.py).
PYTHON = {
    ("spline_expsum", 1000000): "spline",
    ("expsum", 10000000): "expsum",
    ("dot", 100000): "dot_1e5",
    ("dot", 10000000): "dot_1e7",
    ("gemm", 2000): "matmul_2000",
    ("noise", 10584000): "noise",
    ("stream_add", 10000000): "add_1e7",
}
LIBRARY = ("blas", "gsl")


def load(out):
    points = {}
    for name in sorted(os.listdir(out)):
        if name.endswith(".csv"):
            with open(os.path.join(out, name)) as f:
                points[name[:-4]] = list(csv.DictReader(f))
    python = {}
    path = os.path.join(out, "python.txt")
    if os.path.exists(path):
        for line in open(path):
            m = re.match(r"(\S+) median_s=([0-9.eE+-]+)", line)
            if m:
                python[m.group(1)] = float(m.group(2))
    samples = {}
    for name in sorted(os.listdir(out)):
        if name.endswith(".json") and name != "ceilings.json":
            with open(os.path.join(out, name)) as f:
                doc = json.load(f)
            for q in doc.get("points", []):
                if q.get("times_s") and q.get("sample_rounds"):
                    key = (name[:-5], q["variant"], int(q["threads"]), int(q["size"]))
                    samples[key] = dict(zip(q["sample_rounds"], q["times_s"]))
    ceilings = {}
    path = os.path.join(out, "ceilings.json")
    if os.path.exists(path):
        with open(path) as f:
            ceilings = json.load(f).get("ceilings", {})
    return points, python, ceilings, samples


def order_interval(values):
    """Median of values and its distribution-free 95 % interval: the order statistics whose
    ranks bound the median with probability >= 0.95 under Binomial(n, 1/2); None below 6
    values, where no such pair exists."""
    v = sorted(values)
    n = len(v)
    mid = (v[(n - 1) // 2] + v[n // 2]) / 2
    if n < 6:
        return mid, None, None
    cdf = [sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n for k in range(n)]
    k = max(i for i in range(n // 2) if cdf[i] <= 0.025)
    return mid, v[k], v[n - 1 - k]


def paired_ratio(samples, run, a, b, threads, size, threads_b=None):
    """time(a) / time(b) in the rounds both were measured in (the rounds interleave the
    variants, so a host disturbance hits both of a round's times): (median, low, high)."""
    ta = samples.get((run, a, threads, size))
    tb = samples.get((run, b, threads if threads_b is None else threads_b, size))
    if not ta or not tb:
        return None
    common = sorted(set(ta) & set(tb))
    if not common:
        return None
    return order_interval([ta[r] / tb[r] for r in common])


def median(p):
    return float(p["median_s"])


def find(rows, variant, threads, size):
    for p in rows:
        if p["variant"] == variant and int(p["threads"]) == threads and int(p["size"]) == size:
            return p
    return None


def ratio_table(points, python):
    print(f"{'run':20} {'variant':12} {'thr':>4} {'size':>9} {'median_s':>10} {'x ref':>7} "
          f"{'x lib':>7} {'x Python':>9} {'%peak':>6} {'%read':>6}")
    for run, rows in points.items():
        for p in rows:
            size, threads = int(p["size"]), int(p["threads"])
            lib = next((find(rows, v, threads if v == "blas" else 1, size) for v in LIBRARY
                        if find(rows, v, threads if v == "blas" else 1, size)), None)
            xlib = f"{median(lib) / median(p):7.2f}" if lib else f"{'-':>7}"
            py = PYTHON.get((run, size))
            xpy = f"{python[py] / median(p):9.2f}" if py in python else f"{'-':>9}"

            def pct(key):
                return f"{100 * float(p[key]):6.1f}" if p.get(key) else f"{'-':>6}"
            ref = p["ratio_ref"] or "-"
            print(f"{run:20} {p['variant']:12} {threads:4d} {size:9d} {median(p):10.4g} "
                  f"{ref:>7} {xlib} {xpy} {pct('frac_peak_flops')} {pct('frac_read_bw')}")


class Targets:
    def __init__(self):
        self.missed = 0

    def check(self, what, value, target, unit="", interval=None):
        """interval: (median, low, high) of paired rounds; the verdict then rests on the
        interval: PASS when it lies at or above the target, MISS when below, and "open" when
        it straddles the target (the run cannot tell)."""
        if value is None and interval is None:
            print(f"  n/a   {what}: not measured")
            return
        if interval is not None and interval[1] is not None:
            value, low, high = interval
            verdict = "PASS" if low >= target else "MISS" if high < target else "open"
            shown = f"{value:.3g}{unit} (95 % interval {low:.3g}-{high:.3g}, paired rounds)"
        else:
            verdict = "PASS" if value >= target else "MISS"
            shown = f"{value:.3g}{unit}"
        self.missed += verdict != "PASS"
        print(f"  {verdict:4}  {what}: {shown} (target >= {target:g}{unit})")


def targets(points, python, ceilings, samples):
    t = Targets()

    def time_of(run, variant, threads, size):
        p = find(points.get(run, []), variant, threads, size)
        return median(p) if p else None

    def ratio(a, b):
        return a / b if a is not None and b is not None else None

    print("\ntargets:")
    for size in (100000, 10000000):
        for threads in (1, 2):
            t.check(f"dot omp vs cblas_ddot, n={size}, {threads} thread(s) (time ratio)",
                    ratio(time_of("dot", "blas", threads, size),
                          time_of("dot", "omp", threads, size)), 0.95,
                    interval=paired_ratio(samples, "dot", "blas", "omp", threads, size))
    for size in (200000000,):
        for threads in (1, 2):
            t.check(f"dot omp vs cblas_ddot, n={size} (DRAM), {threads} thread(s) (time ratio)",
                    ratio(time_of("dot_dram", "blas", threads, size),
                          time_of("dot_dram", "omp", threads, size)), 0.95,
                    interval=paired_ratio(samples, "dot_dram", "blas", "omp", threads, size))
    for run, size in (("dot", 10000000), ("dot_dram", 200000000)):
        p = find(points.get(run, []), "omp", 2, size)
        t.check(f"dot omp n={size} 2 threads, fraction of the read-bandwidth ceiling",
                float(p["frac_read_bw"]) if p and p["frac_read_bw"] else None, 0.90)
    omp1 = time_of("noise", "omp", 1, 10584000)
    t.check("noise omp 1 thread vs numpy normal + add",
            ratio(python.get("noise"), omp1), 5.0, "x")
    t.check("noise omp 1 thread vs GSL ziggurat + mt19937",
            ratio(time_of("noise", "gsl", 1, 10584000), omp1), 5.0, "x")
    t.check("noise omp 2 threads speedup", ratio(omp1, time_of("noise", "omp", 2, 10584000)),
            1.8, "x", interval=paired_ratio(samples, "noise", "omp", "omp", 1, 10584000,
                                            threads_b=2))
    sums = {p["checksum"] for p in points.get("noise", []) if p["variant"] == "omp"}
    threads = sorted({int(p["threads"]) for p in points.get("noise", []) if p["variant"] == "omp"})
    if sums:
        print(f"  {'PASS' if len(sums) == 1 else 'MISS'}  noise omp checksum bits identical at "
              f"threads {threads}: {len(sums)} distinct value(s)")
        t.missed += len(sums) != 1
    else:
        print("  n/a   noise omp checksum bits: not measured")
    # Against the peak measured at the same thread count (frac_peak_flops is against the
    # machine's whole peak, which one thread cannot reach).
    peak = {1: ceilings.get("peak_gflops_1thread"), ceilings.get("peak_gflops_threads"):
            ceilings.get("peak_gflops")}
    for size in (2000, 4000):
        for threads in (1, 2):
            p = find(points.get("gemm", []), "blas", threads, size)
            t.check(f"gemm blas n={size} {threads} thread(s), fraction of the peak FLOP/s measured "
                    f"at {threads} thread(s)",
                    ratio(float(p["gflops"]), peak.get(threads)) if p else None, 0.85)
    t.check("spline_expsum omp_points 1 thread vs SciPy",
            ratio(python.get("spline"), time_of("spline_expsum", "omp_points", 1, 1000000)),
            50.0, "x")
    t.check("spline_expsum omp_points 2-thread speedup",
            ratio(time_of("spline_expsum", "omp_points", 1, 1000000),
                  time_of("spline_expsum", "omp_points", 2, 1000000)), 1.8, "x",
            interval=paired_ratio(samples, "spline_expsum", "omp_points", "omp_points", 1,
                                  1000000, threads_b=2))
    t.check("expsum omp 1 thread vs numpy",
            ratio(python.get("expsum"), time_of("expsum", "omp", 1, 10000000)), 2.2, "x")
    print(f"{t.missed} target(s) missed")


def main():
    points, python, ceilings, samples = load(sys.argv[1])
    ratio_table(points, python)
    targets(points, python, ceilings, samples)


if __name__ == "__main__":
    main()
