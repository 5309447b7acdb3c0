/* measure: timing of one kernel variant at one setting.
 *
 * One warm-up run (discarded), then the repetitions per sample are calibrated: from the last
 * timing t of n repetitions, the next try runs 1.2 x min_time / t times as many (twice as many
 * when t read 0), until one sample of n lasts at least min_time or n reaches max_reps; then
 * `samples` samples of n repetitions are taken. Each sample's time is divided by its
 * repetitions: times[] are seconds per run. CLOCK_MONOTONIC. Across MPI ranks
 * (machine/ranks.h) every interval starts after a barrier and is the slowest rank's: these
 * functions are then collective.
 * Errors: the variant's own error code, passed through. Thread-safety: one caller per state.
 */
#ifndef OMPSWEEP_MEASURE_H
#define OMPSWEEP_MEASURE_H

#include "kernel.h"

#include <stddef.h>

struct measure_settings {
    int samples;     /* outer samples, >= 1                      */
    double min_time; /* seconds one sample lasts at least        */
    long max_reps;   /* cap on calibration, so slow runs stay 1  */
};

/* times holds settings->samples doubles; *reps receives the repetitions per sample. */
int measure_variant(const struct kernel_variant *v, void *state,
                    const struct measure_settings *settings, double *times, long *reps);

/* `reps` back-to-back runs, timed as one interval: *seconds is the total (not per run).
 * For callers that calibrate once and then take single samples on their own schedule. */
int measure_runs(const struct kernel_variant *v, void *state, long reps, double *seconds);

double measure_now(void); /* seconds, monotonic */

#endif
