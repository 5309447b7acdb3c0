#include "engine/stats.h"

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

int stats_compute(const double *x, size_t n, struct stats *out) {
    memset(out, 0, sizeof *out);
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
    for (size_t i = 0; n > 1 && i < n; i++)
        out->outliers += fabs(x[i] - out->mean) > 3.0 * out->sd;
    return 0;
}
