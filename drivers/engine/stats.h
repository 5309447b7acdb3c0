/* stats: summary statistics of a measured point's samples (seconds per run), and of paired
 * ratios between two points.
 *
 * The median's 95 % confidence interval comes from order statistics: [x(j), x(n+1-j)] with the
 * largest j such that P(B < j) <= 2.5 % for B ~ Binomial(n, 1/2), because the number of samples
 * below the true median is Binomial(n, 1/2) whatever the distribution of the times. It needs
 * no model of the noise (timings are skewed, with a long tail of disturbed samples), its
 * coverage is at least 95 % for any continuous distribution, and it is exact for small n,
 * where a bootstrap interval of the median is too narrow (the bootstrap of a median takes only
 * a few distinct values). It needs n >= 6 (n = 6 gives [min, max] at 96.9 %); below that the
 * interval is NaN.
 * Outliers are counted with Tukey's fences (beyond 1.5 interquartile ranges outside the
 * quartiles) and kept: the median and its interval are what they affect least.
 * Units: as given (seconds, or a ratio). NaN where undefined (sd of one sample).
 * Errors: -1 from stats_compute on n = 0 or out of memory. Thread-safety: pure functions.
 */
#ifndef OMPSWEEP_STATS_H
#define OMPSWEEP_STATS_H

#include <stddef.h>

struct stats {
    double median, min, max, mean, sd, cv;
    double ci_low, ci_high; /* 95 % interval of the median; NaN for n < 6 */
    int outliers;           /* samples beyond Tukey's fences */
    size_t n;
};

/* Stats of x[0..n-1], n >= 1. x is not modified. Returns 0, or -1 (n = 0, out of memory). */
int stats_compute(const double *x, size_t n, struct stats *out);

/* Median of x[0..n-1], n >= 1, sorting x in place. */
double stats_median_inplace(double *x, size_t n);

/* The ranks (1-based) of the distribution-free interval of the median of n samples at the given
 * confidence level: [x(*lo), x(*hi)], *hi = n + 1 - *lo. Returns 0, or -1 when n is too small
 * for that level (then *lo = 1, *hi = n). */
int stats_median_ranks(size_t n, double level, size_t *lo, size_t *hi);

/* Confidence level of the median intervals. */
#define STATS_LEVEL 0.95

/* Coefficient of variation above which a point is flagged as noisy. */
#define STATS_NOISY_CV 0.05

#endif
