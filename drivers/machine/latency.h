/* latency: core-to-core cache-line transfer latency, recorded next to each run's results.
 *
 * Two helper pthreads (not OpenMP, so the OpenMP pool and its pinning stay untouched) are
 * pinned to the two CPUs and bounce one 64-byte cache line between them. The result is half
 * the round-trip time in nanoseconds, the median of several short rounds. A measurement takes
 * a few milliseconds and gives up after 200 ms of wall-clock time.
 *
 * Thread-safety: reentrant, but concurrent calls (or any other busy thread on those CPUs)
 * disturb each other's numbers. The calling thread's affinity is never changed.
 */
#ifndef OMPSWEEP_LATENCY_H
#define OMPSWEEP_LATENCY_H

/* Half the round trip in ns between CPUs a and b. NaN when a == b, when either CPU is not in
 * latency_allowed_cpus(), when fewer than two CPUs are allowed, when a thread cannot be created
 * or pinned, or on timeout. */
double latency_core_to_core_ns(int cpu_a, int cpu_b);

/* The first two allowed CPUs: 0 with *a < *b set, or -1 if there are fewer than two (then *a
 * and *b are left alone). */
int latency_pick_cpus(int *a, int *b);

/* The CPUs this process may run on, in increasing order: the calling thread's affinity mask
 * joined with the processors of the OpenMP places. The places matter because libgomp pins the
 * initial thread to the first place before main() whenever OMP_PROC_BIND is set, which hides
 * the rest of the mask from sched_getaffinity(). Stores at most max ids in cpus (which may be
 * NULL when max is 0) and returns how many CPUs there are, or -1 on error. */
int latency_allowed_cpus(int *cpus, int max);

#endif
