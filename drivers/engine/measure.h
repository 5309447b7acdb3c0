/* measure: timing of one kernel variant at one setting.
 *
 * One warm-up run (discarded), then the repetitions per sample are calibrated: from the last
 * timing t of n repetitions, the next try runs 1.2 x min_time / t times as many (twice as many
 * when t read 0), until one sample of n lasts at least min_time or n reaches max_reps. A
 * sample is then n runs timed as one (measure_runs); the caller divides by n for the time per
 * run and chooses when to take each sample (engine/rounds.h). CLOCK_MONOTONIC. Across MPI ranks
 * (machine/ranks.h) every interval starts after a barrier and is the slowest rank's: these
 * functions are then collective.
 * Errors: the variant's own error code, passed through. Thread-safety: one caller per state.
 */
#ifndef OMPSWEEP_MEASURE_H
#define OMPSWEEP_MEASURE_H

#include "kernel.h"

#include <stddef.h>

/* One warm-up run, then the repetitions n that make one timed run of n last at least min_time
 * (at most max_reps), into *reps. Returns 0 or the variant's error. */
int measure_calibrate(const struct kernel_variant *v, void *state, double min_time, long max_reps,
                      long *reps);

/* `reps` back-to-back runs, timed as one interval: *seconds is the total (not per run).
 * For callers that calibrate once and then take single samples on their own schedule. */
int measure_runs(const struct kernel_variant *v, void *state, long reps, double *seconds);

double measure_now(void); /* seconds, monotonic */

#endif
