/* disturbance: evidence that something other than the measurement used the machine during a
 * stretch of time (a round of measurements), from what Linux counts anyway:
 *   steal   the share of the machine's CPU time the hypervisor gave to other guests
 *           (/proc/stat's steal column: a shared VM's host was busy elsewhere);
 *   others  the share used by other processes of this machine: its busy CPU time
 *           (/proc/stat: user, nice, system, irq, softirq) less this process's own
 *           (getrusage), so a compile or another benchmark in the background shows;
 *   latency the core-to-core latency at the end (engine/latency.h), against the one at the
 *           start of the run: a change means the host moved the virtual CPUs;
 *   balance how evenly the CPUs ran in a short window at the end (engine/cpu_share.h): the
 *           least CPU's share of the most's. A host that takes a vCPU away without
 *           accounting steal time (the development VM's) shows here and nowhere else;
 *   runnable other processes' threads runnable at the end (/proc/loadavg's count of runnable
 *           threads less this process's own in state R). A snapshot, not an average: it is
 *           recorded as evidence but decides nothing (a daemon waking for a millisecond
 *           would repeat rounds for nothing; "others" measures the same tenants over the
 *           whole round).
 * Shares are of the CPU time of all the CPUs over the stretch (1.0 = every CPU all the time).
 * The kernel counts in ticks (USER_HZ, 100 per second), so a stretch of under ~0.2 s says
 * little; a share is NaN where the counters cannot be read.
 * Errors: none; what cannot be read is NaN. Thread-safety: main thread only.
 */
#ifndef OMPSWEEP_DISTURBANCE_H
#define OMPSWEEP_DISTURBANCE_H

#include <stddef.h>

/* Above these a stretch counts as disturbed. */
#define DISTURBANCE_STEAL   0.05 /* 5 % of the machine stolen by the host                    */
#define DISTURBANCE_OTHERS  0.10 /* 10 % of the machine used by other processes              */
#define DISTURBANCE_LATENCY 1.5  /* latency changed by more than 1.5x either way              */
/* A CPU that ran under 85 % of the busiest one's turns: idle windows read 0.877 or more in 95 %
 * of 2011 rounds of two studies on the development VM, and its rounds at 0.78-0.84 ran a
 * 2-thread point 50 % slower, far beyond the 2 % precision the rounds aim at. */
#define DISTURBANCE_BALANCE 0.85

/* The counters at one moment. */
struct disturbance_mark {
    double ticks_total, ticks_busy, ticks_steal; /* /proc/stat, all CPUs; NaN unreadable  */
    double own_seconds;                          /* this process's user + system CPU time */
    double wall_seconds;                         /* CLOCK_MONOTONIC                       */
    double runnable_others;                      /* see above; NaN unreadable             */
};

struct disturbance {
    double seconds;    /* wall-clock length of the stretch                     */
    double steal;      /* shares, see above; NaN where unknown                 */
    double others;     /* (clamped at 0: the counters tick at different times) */
    double latency_ns; /* at the end, NaN if not probed                        */
    double balance;    /* at the end (cpu_share_balance), NaN if not probed    */
    double cpu_rate;   /* the probe's least turns per second, NaN; recorded only */
    double runnable;   /* other processes' runnable threads at the end; NaN     */
    int disturbed;     /* one of the thresholds above was crossed              */
    char why[96];      /* what crossed it ("host steal 12 %"), "" if nothing   */
};

void disturbance_mark(struct disturbance_mark *m);

/* What was probed at the end of a stretch; NaN where not probed. */
struct disturbance_probes {
    double latency_ns;      /* compared with base_latency_ns              */
    double base_latency_ns; /* the run's first probes (NaN: no comparison) */
    double balance;
    double cpu_rate; /* the least CPU's turns of the balance probe per second (NaN) */
};

/* The evidence of the stretch from a to b, with the probes taken at its end. */
void disturbance_between(const struct disturbance_mark *a, const struct disturbance_mark *b,
                         const struct disturbance_probes *probes, struct disturbance *d);

#endif
