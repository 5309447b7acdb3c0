/* knee: cache levels located in a throughput curve (see knee.h). */
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

/* Whether the drop clears the noise: the inside plateau's low ends above the outside's high
 * ends (medians of each, over the points that have intervals); 1 without intervals. */
static int beyond_noise(const struct knee_curve *c, double below, double cap, double above,
                        struct knee *k) {
    int m;
    if (!c->low || !c->high)
        return 1;
    k->inside_low = plateau(c->ws, c->low, c->n, 2.0 * below, 0.5 * cap, &m);
    k->outside_high = plateau(c->ws, c->high, c->n, 2.0 * cap, 0.5 * above, &m);
    if (!isfinite(k->inside_low) || !isfinite(k->outside_high))
        return 1;
    return k->inside_low > k->outside_high;
}

static void find_one(const struct knee_curve *c, const double *capacity, size_t nlevels, size_t l,
                     struct knee *k) {
    const double *ws = c->ws, *tp = c->throughput;
    size_t n = c->n;
    double cap = capacity[l];
    double below = l > 0 ? capacity[l - 1] : 0.0;
    double above = l + 1 < nlevels ? capacity[l + 1] : INFINITY;
    memset(k, 0, sizeof *k);
    k->capacity_bytes = cap;
    k->measured_bytes = k->ratio = k->inside_low = k->outside_high = NAN;
    k->inside = plateau(ws, tp, n, 2.0 * below, 0.5 * cap, &k->inside_points);
    k->outside = plateau(ws, tp, n, 2.0 * cap, 0.5 * above, &k->outside_points);
    if (!(k->inside > 0) || !(k->outside > 0) || k->outside > (1.0 - KNEE_MIN_DROP) * k->inside)
        return;
    if (!beyond_noise(c, below, cap, above, k)) {
        k->within_noise = 1;
        return;
    }
    double at = best_step(ws, tp, n, 2.0 * below, 0.5 * above, sqrt(k->inside * k->outside));
    if (isnan(at))
        return;
    k->found = 1;
    k->measured_bytes = at;
    k->ratio = at / cap;
}

int knee_find(const struct knee_curve *curve, const double *capacity, size_t nlevels,
              struct knee *out) {
    const double *ws = curve->ws;
    if (curve->n < 3)
        return -1;
    for (size_t i = 0; i < curve->n; i++)
        if (!(ws[i] > 0) || (i > 0 && ws[i] < ws[i - 1]))
            return -1;
    for (size_t l = 0; l < nlevels; l++)
        if (!(capacity[l] > 0) || (l > 0 && capacity[l] <= capacity[l - 1]))
            return -1;
    for (size_t l = 0; l < nlevels; l++)
        find_one(curve, capacity, nlevels, l, &out[l]);
    return 0;
}
