/* overhead: the cost of OpenMP constructs, measured the EPCC way (syncbench, schedbench).
 *
 * A test loop executes a construct `reps` times with a fixed piece of work, overhead_delay(),
 * inside it; a reference loop does the same work on one thread with no construct. The overhead
 * of one construct execution is (test time - reference time) / executions. Samples alternate
 * reference and test (so host drift hits both); each sample gives one overhead estimate, and a
 * point reports their mean with a Student-t 95 % confidence interval.
 *
 * What one "execution" is (the work on the critical path of one execution is one delay, so the
 * reference is executions x delay, except for schedules):
 *   parallel      a parallel region; every thread does one delay
 *   for           a worksharing loop of `threads` iterations (static), one delay each
 *   parallel_for  a combined parallel for of `threads` iterations, one delay each
 *   barrier       each thread does one delay then waits at a barrier
 *   single        one thread does one delay in a single (the others wait at its barrier)
 *   critical      one critical section holding one delay; every thread enters `reps` of them,
 *                 so reps x threads executions are serialised
 *   atomic        every thread does one delay then one atomic update of one shared counter
 *                 (concurrently: the overhead is that of a contended atomic, per thread)
 *   reduction     a parallel region with reduction(+); every thread does one delay and adds
 *   schedule      a worksharing loop, schedule(runtime) set to the schedule and chunk, of
 *                 iters_per_thread x threads iterations, one delay each; the reference is
 *                 iters_per_thread delays (one thread's share)
 *
 * Units: settings and results in microseconds per execution unless named _s. Errors: 0, or
 * -1 with a message (out of memory, a team smaller than asked). Thread-safety: one
 * measurement at a time per process (it sets the OpenMP ICVs: threads, schedule, dynamic).
 */
#ifndef OMPSWEEP_OVERHEAD_H
#define OMPSWEEP_OVERHEAD_H

#include <stddef.h>

enum overhead_construct {
    OVERHEAD_PARALLEL,
    OVERHEAD_FOR,
    OVERHEAD_PARALLEL_FOR,
    OVERHEAD_BARRIER,
    OVERHEAD_SINGLE,
    OVERHEAD_CRITICAL,
    OVERHEAD_ATOMIC,
    OVERHEAD_REDUCTION,
    OVERHEAD_SCHEDULE,
    OVERHEAD_NCONSTRUCTS
};

struct overhead_settings {
    long delay_steps;     /* steps of overhead_delay() per delay (overhead_delay_steps) */
    int samples;          /* outer samples, >= 1 (>= 2 for a confidence interval)       */
    double min_time;      /* seconds one test sample lasts at least, when reps == 0     */
    long reps;            /* executions per sample (for critical: per thread); 0 = calibrate */
    int iters_per_thread; /* iterations per thread of a schedule test, >= 1            */
    int cpus;             /* CPUs this process may use (for the oversubscription flag)  */
};

struct overhead_point {
    int construct; /* enum overhead_construct                                      */
    int schedule;  /* enum sweep_schedule for OVERHEAD_SCHEDULE, else -1            */
    int chunk;     /* chunk in iterations for OVERHEAD_SCHEDULE, else 0             */
    int threads, oversubscribed;
    long reps;          /* construct repetitions per sample                              */
    long executions;    /* construct executions per sample (reps, or reps x threads)     */
    double test_us;     /* mean test time per execution                                  */
    double ref_us;      /* mean reference time per execution                             */
    double overhead_us; /* mean of the samples' (test - reference) per execution        */
    double ci95_low_us, ci95_high_us; /* Student-t 95 % interval of the mean; NaN if n < 2 */
    int samples;
};

/* The work: `steps` dependent floating-point multiply-adds on *acc (read at the start, the
 * result written back), which the compiler can neither fold nor hoist: it is a separate,
 * non-inlined function with a side effect through acc. About 1-3 ns a step. */
void overhead_delay(long steps, double *acc);

/* Steps of overhead_delay() that take `us` microseconds on this machine (measured: the best of
 * a few timed runs); 0 for us <= 0. Also returns the measured nanoseconds per step. */
long overhead_delay_steps(double us, double *ns_per_step);

const char *overhead_construct_name(int construct); /* "parallel", ..., "schedule"; "-" */
int overhead_parse_construct(const char *name);     /* -1 if unknown */

/* Mean and Student-t 95 % confidence interval of x[0..n-1] (GSL gsl_cdf_tdist_Pinv). The
 * interval is NaN for n < 2. */
void overhead_mean_ci95(const double *x, int n, double *mean, double *low, double *high);

/* Measures one point: construct at `threads` threads (schedule and chunk only for
 * OVERHEAD_SCHEDULE). Fills *out. Returns 0, or -1 with a message in err. */
int overhead_measure(const struct overhead_settings *s, int construct, int threads, int schedule,
                     int chunk, struct overhead_point *out, char *err, size_t errlen);

#endif
