#include "knee.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the throughputs whose working set lies in [lo, hi]; NaN if none. */
static double plateau(const double *ws, const double *tp, size_t n, double lo, double hi,
                      int *count) {
    double *v = malloc(n * sizeof *v);
    size_t m = 0;
    for (size_t i = 0; v && i < n; i++)
        if (ws[i] >= lo && ws[i] <= hi && isfinite(tp[i]))
            v[m++] = tp[i];
    *count = (int)m;
    double med = NAN;
    if (m > 0) {
        qsort(v, m, sizeof *v, cmp_double);
        med = m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
    }
    free(v);
    return med;
}

static double median3(double a, double b, double c) {
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    return c < a ? a : c > b ? b : c;
}

/* The last downward crossing of `level` by the smoothed curve within [lo, hi]. */
static double crossing(const double *ws, const double *smooth, size_t n, double lo, double hi,
                       double level) {
    double at = NAN;
    for (size_t i = 0; i + 1 < n; i++) {
        if (ws[i] < lo || ws[i + 1] > hi)
            continue;
        if (smooth[i] >= level && smooth[i + 1] < level) {
            double t = (smooth[i] - level) / (smooth[i] - smooth[i + 1]);
            at = exp(log(ws[i]) + t * (log(ws[i + 1]) - log(ws[i])));
        }
    }
    return at;
}

static void find_one(const double *ws, const double *tp, const double *smooth, size_t n,
                     const double *capacity, size_t nlevels, size_t l, struct knee *k) {
    double cap = capacity[l];
    double below = l > 0 ? capacity[l - 1] : 0.0;
    double above = l + 1 < nlevels ? capacity[l + 1] : INFINITY;
    memset(k, 0, sizeof *k);
    k->capacity_bytes = cap;
    k->measured_bytes = k->ratio = NAN;
    k->inside = plateau(ws, tp, n, 2.0 * below, 0.5 * cap, &k->inside_points);
    k->outside = plateau(ws, tp, n, 2.0 * cap, 0.5 * above, &k->outside_points);
    if (!(k->inside > 0) || !(k->outside > 0) || k->outside > (1.0 - KNEE_MIN_DROP) * k->inside)
        return;
    double at = crossing(ws, smooth, n, 2.0 * below, 0.5 * above, sqrt(k->inside * k->outside));
    if (isnan(at))
        return;
    k->found = 1;
    k->measured_bytes = at;
    k->ratio = at / cap;
}

int knee_find(const double *ws, const double *throughput, size_t n, const double *capacity,
              size_t nlevels, struct knee *out) {
    if (n < 3)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!(ws[i] > 0) || (i > 0 && ws[i] < ws[i - 1]))
            return -1;
    for (size_t l = 0; l < nlevels; l++)
        if (!(capacity[l] > 0) || (l > 0 && capacity[l] <= capacity[l - 1]))
            return -1;
    double *smooth = malloc(n * sizeof *smooth);
    if (!smooth)
        return -1;
    smooth[0] = throughput[0];
    smooth[n - 1] = throughput[n - 1];
    for (size_t i = 1; i + 1 < n; i++)
        smooth[i] = median3(throughput[i - 1], throughput[i], throughput[i + 1]);
    for (size_t l = 0; l < nlevels; l++)
        find_one(ws, throughput, smooth, n, capacity, nlevels, l, &out[l]);
    free(smooth);
    return 0;
}
