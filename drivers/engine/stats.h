/* stats: summary statistics of a measured point's samples (seconds per repetition).
 *
 * Median, min, max, mean, standard deviation (n-1), coefficient of variation (sd / mean) and
 * the number of outliers (samples more than 3 sd from the mean). NaN where undefined (sd of
 * one sample). Thread-safety: pure functions.
 */
#ifndef OMPSWEEP_STATS_H
#define OMPSWEEP_STATS_H

#include <stddef.h>

struct stats {
    double median, min, max, mean, sd, cv;
    int outliers;
    size_t n;
};

/* Stats of x[0..n-1], n >= 1. x is not modified. Returns 0, or -1 on allocation failure. */
int stats_compute(const double *x, size_t n, struct stats *out);

/* Median of x[0..n-1], n >= 1, sorting x in place. */
double stats_median_inplace(double *x, size_t n);

/* Coefficient of variation above which a point is flagged as noisy. */
#define STATS_NOISY_CV 0.05

#endif
