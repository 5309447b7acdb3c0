/* stats: median with its order-statistics interval, spread, Tukey outliers (see stats.h). */
#include "engine/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stats_median_inplace(double *x, size_t n) {
    qsort(x, n, sizeof *x, compare_double);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

int stats_median_ranks(size_t n, double level, size_t *lo, size_t *hi) {
    double tail = 0.5 * (1.0 - level);
    size_t j = 0;
    /* The largest j with P(B <= j - 1) <= tail: then P(x(j) <= median <= x(n+1-j)) >= level. */
    while (j + 1 <= n / 2 && gsl_cdf_binomial_P((unsigned)j, 0.5, (unsigned)n) <= tail)
        j++;
    *lo = j > 0 ? j : 1;
    *hi = n + 1 - *lo;
    return j > 0 ? 0 : -1;
}

/* The q-quantile of sorted[0..n-1] by linear interpolation between order statistics. */
static double quantile(const double *sorted, size_t n, double q) {
    double h = q * (double)(n - 1);
    size_t i = (size_t)h;
    return i + 1 < n ? sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]) : sorted[n - 1];
}

int stats_compute(const double *x, size_t n, struct stats *out) {
    memset(out, 0, sizeof *out);
    out->ci_low = out->ci_high = NAN;
    if (n == 0)
        return -1;
    double *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return -1;
    memcpy(sorted, x, n * sizeof *sorted);
    out->median = stats_median_inplace(sorted, n);
    out->n = n;
    out->min = sorted[0];
    out->max = sorted[n - 1];
    size_t lo, hi;
    if (stats_median_ranks(n, STATS_LEVEL, &lo, &hi) == 0) {
        out->ci_low = sorted[lo - 1];
        out->ci_high = sorted[hi - 1];
    }
    double q1 = quantile(sorted, n, 0.25), q3 = quantile(sorted, n, 0.75), iqr = q3 - q1;
    for (size_t i = 0; n >= 4 && i < n; i++)
        out->outliers += sorted[i] < q1 - 1.5 * iqr || sorted[i] > q3 + 1.5 * iqr;
    free(sorted);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    out->mean = sum / (double)n;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - out->mean) * (x[i] - out->mean);
    out->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
    out->cv = n > 1 && out->mean > 0.0 ? out->sd / out->mean : NAN;
    return 0;
}
