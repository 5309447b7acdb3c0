"""The Python baselines of `make bench`, timed in the same run as ompsweep.

Each workload is what a numpy/SciPy user would write for the same job as an ompsweep kernel:
  spline   the original do_single: 50 RectBivariateSpline(arange(50), arange(50), z), z uniform
           in [0, 1), kx = ky = 1; 10**6 points uniform in [0, 50); sum of
           np.sum(np.exp(s.ev(x, y))) over the splines
  expsum   np.sum(np.exp(a)), 10**7 doubles uniform in [-1, 1)
  dot_1e5, dot_1e7   np.dot(x, y) for vectors of 10**5 and 10**7 doubles
  matmul_2000        a @ b for 2000 x 2000 doubles
  noise    signal + sigma * rng.normal(size=n), n = 10584000 (4 minutes at 44.1 kHz),
           rng = np.random.default_rng() (PCG64, 256-layer ziggurat)
  add_1e7  a + b for 10**7 doubles (a new array each time, as user code does)
  blas     not a workload: the BLAS library numpy calls and, for OpenBLAS, its run-time core
           and OPENBLAS_CORETYPE (make bench sets it to ompsweep's core)
Prints one line per workload: "NAME median_s=... min_s=... repeats=N calls=K", where a sample
repeats the call K times (calibrated to last at least 20 ms) and the times are per call.
Run with Debian's interpreter: /usr/bin/python3 scripts/bench_python.py NAME [repeats]
"""
import sys
import time

import numpy as np


def spline_workload(rng):
    from scipy.interpolate import RectBivariateSpline
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


def dot_workload(n):
    def make(rng):
        x = rng.random(n) * 2.0 - 1.0
        y = rng.random(n) * 2.0 - 1.0
        return lambda: np.dot(x, y)
    return make


def matmul_workload(rng):
    a = rng.random((2000, 2000))
    b = rng.random((2000, 2000))
    return lambda: a @ b


def noise_workload(rng):
    signal = rng.random(10_584_000) * 2.0 - 1.0
    gen = np.random.default_rng(7)
    return lambda: signal + 0.1 * gen.normal(size=signal.size)


def add_workload(rng):
    a = rng.random(10_000_000)
    b = rng.random(10_000_000)
    return lambda: a + b


WORKLOADS = {
    "spline": spline_workload,
    "expsum": expsum_workload,
    "dot_1e5": dot_workload(100_000),
    "dot_1e7": dot_workload(10_000_000),
    "matmul_2000": matmul_workload,
    "noise": noise_workload,
    "add_1e7": add_workload,
}


def blas_report():
    """The BLAS library loaded into this process by numpy, and OpenBLAS's core if it is one."""
    import ctypes
    import os
    np.dot(np.ones(4), np.ones(4))
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps
                        if "blas" in line.lower() and line.split()[-1].startswith("/")})
    core = "not OpenBLAS"
    for path in paths:
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            core = lib.openblas_get_corename().decode()
    print(f"numpy {np.__version__} BLAS: {', '.join(paths) or 'none found'}; core {core}; "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "spline"
    if which == "blas":
        blas_report()
        return
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = np.random.default_rng(1)
    work = WORKLOADS[which](rng)
    work()  # warm-up
    calls = 1
    while True:  # calibrate: one sample lasts at least 20 ms
        t0 = time.perf_counter()
        for _ in range(calls):
            work()
        if time.perf_counter() - t0 >= 0.02 or calls >= 1 << 20:
            break
        calls *= 2
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            work()
        times.append((time.perf_counter() - t0) / calls)
    times.sort()
    print(f"{which} median_s={times[len(times) // 2]:.6g} min_s={times[0]:.6g} "
          f"repeats={repeats} calls={calls}")


if __name__ == "__main__":
    main()
