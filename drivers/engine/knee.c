#include "engine/knee.h"

#include "engine/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Median of the throughputs whose working set lies in [lo, hi]; NaN if none. */
static double plateau(const double *ws, const double *tp, size_t n, double lo, double hi,
                      int *count) {
    double *v = malloc(n * sizeof *v);
    size_t m = 0;
    for (size_t i = 0; v && i < n; i++)
        if (ws[i] >= lo && ws[i] <= hi && isfinite(tp[i]))
            v[m++] = tp[i];
    *count = (int)m;
    double med = m > 0 ? stats_median_inplace(v, m) : NAN;
    free(v);
    return med;
}

/* The step that best splits the points in [lo, hi] into "at or above level" before it and
 * "below level" after it: the fewest points on the wrong side, ties to the later step (a host
 * disturbance makes points slow, never fast). Interpolated in log(working set) between the
 * two points around it. NaN if no split leaves both sides non-empty. */
static double best_step(const double *ws, const double *tp, size_t n, double lo, double hi,
                        double level) {
    size_t first = n, last = 0;
    for (size_t i = 0; i < n; i++)
        if (ws[i] >= lo && ws[i] <= hi) {
            first = i < first ? i : first;
            last = i;
        }
    if (first >= last)
        return NAN;
    int wrong_after = 0; /* points after the split that are at or above the level */
    for (size_t j = first; j <= last; j++)
        wrong_after += tp[j] >= level;
    int wrong_before = 0, best = -1;
    size_t at = first;
    for (size_t i = first; i < last; i++) { /* the step lies between i and i + 1 */
        wrong_before += tp[i] < level;
        wrong_after -= tp[i] >= level;
        if (best < 0 || wrong_before + wrong_after <= best) {
            best = wrong_before + wrong_after;
            at = i;
        }
    }
    double t = 0.5;
    if (tp[at] >= level && tp[at + 1] < level)
        t = (tp[at] - level) / (tp[at] - tp[at + 1]);
    return exp(log(ws[at]) + t * (log(ws[at + 1]) - log(ws[at])));
}

static void find_one(const double *ws, const double *tp, size_t n, const double *capacity,
                     size_t nlevels, size_t l, struct knee *k) {
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
    double at = best_step(ws, tp, n, 2.0 * below, 0.5 * above, sqrt(k->inside * k->outside));
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
    for (size_t l = 0; l < nlevels; l++)
        find_one(ws, throughput, n, capacity, nlevels, l, &out[l]);
    return 0;
}
