"""The Python baselines of `make bench`, timed in the same run as ompsweep.

spline: the original do_single: 50 RectBivariateSpline(arange(50), arange(50), z) with z
uniform in [0, 1), kx = ky = 1; 10**6 points uniform in [0, 50); sum of np.sum(np.exp(s.ev(x, y)))
over the splines. expsum: np.sum(np.exp(a)) for 10**7 doubles uniform in [-1, 1).
Prints one line per workload: "NAME median_s=... min_s=... repeats=N".
Run with Debian's interpreter: /usr/bin/python3 scripts/bench_scipy.py [spline|expsum] [repeats]
"""
import sys
import time

import numpy as np
from scipy.interpolate import RectBivariateSpline


def spline_workload(rng):
    grid = np.arange(50.0)
    splines = [RectBivariateSpline(grid, grid, rng.random((50, 50)), kx=1, ky=1)
               for _ in range(50)]
    x = rng.random(1_000_000) * 50.0
    y = rng.random(1_000_000) * 50.0

    def do_single():
        return sum(np.sum(np.exp(s.ev(x, y))) for s in splines)
    return do_single


def expsum_workload(rng):
    a = rng.random(10_000_000) * 2.0 - 1.0
    return lambda: np.sum(np.exp(a))


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "spline"
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = np.random.default_rng(1)
    work = {"spline": spline_workload, "expsum": expsum_workload}[which](rng)
    work()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    times.sort()
    print(f"{which} median_s={times[len(times) // 2]:.6g} min_s={times[0]:.6g} repeats={repeats}")


if __name__ == "__main__":
    main()
