#include "engine/measure.h"

#include "machine/ranks.h"

#include <time.h>

double measure_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Across ranks each interval starts after a barrier and counts as the slowest rank's, and an
 * error on any rank is every rank's: so all ranks calibrate to the same repetitions and stop
 * together. */
int measure_runs(const struct kernel_variant *v, void *state, long reps, double *seconds) {
    ranks_barrier();
    double t0 = measure_now();
    int rc = 0;
    for (long r = 0; r < reps && !rc; r++)
        rc = v->run(state);
    double t = measure_now() - t0;
    rc = (int)ranks_max((double)rc);
    *seconds = ranks_max(t);
    return rc;
}

int measure_calibrate(const struct kernel_variant *v, void *state, double min_time, long max_reps,
                      long *reps) {
    double t;
    int rc = measure_runs(v, state, 1, &t); /* warm-up: caches, pages, thread pool */
    long n = 1;
    /* Scale n to the last time measured, 20 % beyond min_time, until a sample is long enough
     * (a timer that read 0 gives no scale: double instead). */
    while (!rc && t < min_time && n < max_reps) {
        n = t > 0 ? (long)(n * 1.2 * min_time / t) + 1 : n * 2;
        if (n > max_reps)
            n = max_reps;
        rc = measure_runs(v, state, n, &t);
    }
    *reps = n;
    return rc;
}
