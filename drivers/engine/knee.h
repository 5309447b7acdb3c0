/* knee: where a throughput-versus-working-set curve falls off a cache level.
 *
 * Input: a curve of (working-set bytes, throughput) points in increasing working set, and the
 * capacity of each cache level available to the threads that made it (bytes, increasing). For
 * level L, the plateau inside it is the median throughput of the points between twice the
 * capacity of the level below and half its own capacity; the plateau beyond it is the median
 * between twice its capacity and half the next level's (or everything above twice its
 * capacity for the last level). When the plateau beyond is at least 10 % lower, the knee is
 * the step, between the two plateaus' regions, that best splits the points into those above
 * the geometric mean of the plateaus and those below it (fewest points on the wrong side,
 * ties to the later step), interpolated in log(working set). Medians and the counting keep
 * a few noisy points, even adjacent ones, from moving it.
 * With each point's throughput interval (low, high: the 95 % interval of its median time,
 * turned into throughput), a drop also has to clear the noise: the median of the inside
 * points' low ends must lie above the median of the outside points' high ends. A 10 % drop
 * that does not is "within the noise" (found = 0, within_noise = 1), not a knee.
 * Errors: knee_find returns 0 (with found = 0 when the level shows no drop or too few points),
 * or -1 on bad input (n < 3, unsorted or non-positive sizes). Thread-safety: pure.
 */
#ifndef OMPSWEEP_KNEE_H
#define OMPSWEEP_KNEE_H

#include <stddef.h>

/* A level is only located when the plateau beyond it is this much lower than inside it. */
#define KNEE_MIN_DROP 0.10

struct knee {
    int found;
    double capacity_bytes;  /* the level's capacity as given                              */
    double measured_bytes;  /* the working set at the knee, NaN when not found             */
    double ratio;           /* measured / capacity, NaN when not found                     */
    double inside, outside; /* the plateaus (throughput units), NaN without points there */
    int inside_points, outside_points;
    double inside_low, outside_high; /* the plateaus' noise bounds, NaN without intervals    */
    int within_noise;                /* a drop of KNEE_MIN_DROP or more the intervals do not show */
};

/* A curve: n points in increasing working set; low and high (each may be NULL: no intervals,
 * or NaN for a point without one) its throughputs' intervals. */
struct knee_curve {
    const double *ws, *throughput, *low, *high;
    size_t n;
};

/* One knee per level: out[l] for capacity[l], l < nlevels. */
int knee_find(const struct knee_curve *curve, const double *capacity, size_t nlevels,
              struct knee *out);

#endif
