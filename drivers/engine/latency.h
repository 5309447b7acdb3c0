/* latency: core-to-core cache-line transfer latency, recorded next to each run's results.
 *
 * A run measures it at its start and end (latency_record, into the context); a change
 * beyond LATENCY_PLACEMENT_CHANGE either way means the host moved the CPUs during the run (a
 * VM's vCPUs on one chiplet, then across two: ~30 ns, then ~170 ns), which changes every
 * multi-thread figure, so the run warns.
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

#include "machine/context.h"

#include <stdio.h>

/* Latency ratio (end/start or start/end) beyond which the placement is taken to have changed. */
#define LATENCY_PLACEMENT_CHANGE 1.5

/* Half the round trip in ns between CPUs a and b. NaN when a == b, when either CPU is not in
 * affinity_allowed_cpus(), when fewer than two CPUs are allowed, when a thread cannot be created
 * or pinned, or on timeout. */
double latency_core_to_core_ns(int cpu_a, int cpu_b);

/* The first two allowed CPUs: 0 with *a < *b set, or -1 if there are fewer than two (then *a
 * and *b are left alone). */
int latency_pick_cpus(int *a, int *b);

/* Core-to-core latency between the first two allowed CPUs, into ctx->latency_start_ns (first
 * call, which also records the CPUs) or latency_end_ns (at_end != 0, the same CPUs). Leaves NaN
 * where it cannot be measured. */
void latency_record(struct context *ctx, int at_end);

/* "ompsweep COMMAND: warning: ..." on f when the placement changed during the run. */
void latency_warn_placement(FILE *f, const char *command, const struct context *ctx);

#endif
