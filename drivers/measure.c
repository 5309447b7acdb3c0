#include "measure.h"

#include <time.h>

double measure_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int measure_runs(const struct kernel_variant *v, void *state, long reps, double *seconds) {
    double t0 = measure_now();
    for (long r = 0; r < reps; r++) {
        int rc = v->run(state);
        if (rc)
            return rc;
    }
    *seconds = measure_now() - t0;
    return 0;
}

int measure_variant(const struct kernel_variant *v, void *state,
                    const struct measure_settings *settings, double *times, long *reps) {
    double t;
    int rc = measure_runs(v, state, 1, &t); /* warm-up: caches, pages, thread pool */
    if (rc)
        return rc;
    long n = 1;
    /* Calibrate from the warm-up's time, then confirm by doubling. */
    while (t < settings->min_time && n < settings->max_reps) {
        n = t > 0 ? (long)(n * 1.2 * settings->min_time / t) + 1 : n * 2;
        if (n > settings->max_reps)
            n = settings->max_reps;
        if ((rc = measure_runs(v, state, n, &t)))
            return rc;
    }
    for (int s = 0; s < settings->samples; s++) {
        if ((rc = measure_runs(v, state, n, &t)))
            return rc;
        times[s] = t / (double)n;
    }
    *reps = n;
    return 0;
}
