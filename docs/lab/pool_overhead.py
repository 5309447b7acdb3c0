"""What a multiprocessing.Pool costs per task, next to the work of the task.

Runs the same small pure-Python task many times, serially and through a Pool of one process
per CPU: once with tiny tasks (microseconds) and once with tasks a thousand times larger
(about a millisecond), each with chunksize=1 (one message per task) and with the default
chunksize (about tasks / (4 x processes) per message). Prints the time per task both ways and
the speedup. Standard library only; a few seconds. Usage: python3 pool_overhead.py [PROCESSES]
"""
import math
import os
import sys
import time
from multiprocessing import Pool


def task(n):
    """n exp() calls in interpreted Python."""
    s = 0.0
    for i in range(n):
        s += math.exp(i * 1e-9)
    return s


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main():
    procs = int(sys.argv[1]) if len(sys.argv) > 1 else (os.cpu_count() or 2)
    t0 = time.perf_counter()
    with Pool(procs) as pool:
        pool.map(task, [1] * procs)  # the workers are started before anything is timed
        print(f"Pool({procs}): {(time.perf_counter() - t0) * 1e3:.1f} ms to start")
        print(f"{'exp per task':>12} {'tasks':>6} {'chunksize':>9} {'serial us/task':>15}"
              f" {'pool us/task':>13} {'speedup':>8}")
        for n, count in ((20, 20000), (20000, 400)):
            serial, expect = timed(lambda: [task(n) for _ in range(count)])
            for chunksize in (1, None):
                t, got = timed(lambda: pool.map(task, [n] * count, chunksize=chunksize))
                assert got == expect, "the pool must compute the same values"
                print(f"{n:>12} {count:>6} {str(chunksize or 'default'):>9}"
                      f" {serial / count * 1e6:>15.2f} {t / count * 1e6:>13.2f}"
                      f" {serial / t:>8.2f}")


if __name__ == "__main__":
    main()
