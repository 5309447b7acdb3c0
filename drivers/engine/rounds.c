/* rounds: interleaved rounds with adaptive stopping and repeated disturbed rounds (see
 * rounds.h). */
#include "engine/rounds.h"

#include "engine/cpu_share.h"
#include "engine/latency.h"
#include "engine/measure.h"
#include "engine/stats.h"
#include "machine/ranks.h"
#include "philox.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void rounds_order(uint64_t seed, int round, int *order, size_t n) {
    struct philox4x32_key key = philox4x32_key_from_u64(seed);
    for (size_t i = 0; i < n; i++)
        order[i] = (int)i;
    for (size_t i = n; i > 1; i--) {
        struct philox4x32_ctr c = {{(uint32_t)round, (uint32_t)i, 0x726f756eu, 0}};
        struct philox4x32_ctr x = philox4x32_10(c, key);
        uint64_t u = (uint64_t)x.v[0] << 32 | x.v[1];
        size_t j = (size_t)(u % i); /* the bias of the modulo is below 2^-32 for any n here */
        int t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

int rounds_kept(const struct rounds_result *r, int round) {
    return round >= 0 && (size_t)round < r->nrounds && r->rounds[round].kept;
}

size_t rounds_kept_samples(const struct rounds_result *r, size_t i, double *out) {
    const struct rounds_samples *s = &r->points[i];
    size_t n = 0;
    for (size_t k = 0; k < s->n; k++)
        if (rounds_kept(r, s->round[k]))
            out[n++] = s->seconds[k];
    return n;
}

size_t rounds_paired_ratios(const struct rounds_result *r, size_t a, size_t b, double scale,
                            double *out) {
    const struct rounds_samples *x = &r->points[a], *y = &r->points[b];
    size_t i = 0, j = 0, n = 0;
    /* Both lists are in round order, one sample per round: a merge finds the shared rounds. */
    while (i < x->n && j < y->n) {
        if (x->round[i] < y->round[j]) {
            i++;
        } else if (x->round[i] > y->round[j]) {
            j++;
        } else {
            if (rounds_kept(r, x->round[i]))
                out[n++] = scale * y->seconds[j] / x->seconds[i];
            i++;
            j++;
        }
    }
    return n;
}

static int push_sample(struct rounds_samples *s, double seconds, int round, double start) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        double *t = realloc(s->seconds, cap * sizeof *t);
        if (t)
            s->seconds = t;
        int *rd = realloc(s->round, cap * sizeof *rd);
        if (rd)
            s->round = rd;
        double *st = realloc(s->start, cap * sizeof *st);
        if (st)
            s->start = st;
        if (!t || !rd || !st)
            return -1;
        s->cap = cap;
    }
    s->seconds[s->n] = seconds;
    s->round[s->n] = round;
    s->start[s->n++] = start;
    return 0;
}

/* Whether point i has its rounds and, with a precision asked, its interval within it. */
static int is_settled(const struct rounds_settings *s, const struct rounds_result *r, size_t i,
                      double *scratch) {
    size_t n = rounds_kept_samples(r, i, scratch);
    if (n < (size_t)s->min_rounds)
        return 0;
    if (s->precision <= 0.0)
        return 1;
    struct stats st;
    if (stats_compute(scratch, n, &st) || isnan(st.ci_low))
        return 0;
    double half = s->precision * st.median;
    return st.median - st.ci_low <= half && st.ci_high - st.median <= half;
}

/* The points of the next round: all of them while fewer than min_rounds rounds are kept, then
 * the unsettled ones and their partners. Returns how many, into active. */
static size_t next_points(const struct rounds_settings *s, struct rounds_result *r, int kept_rounds,
                          int *active, double *scratch) {
    size_t n = 0;
    if (kept_rounds < s->min_rounds) {
        for (size_t i = 0; i < s->npoints; i++)
            active[n++] = (int)i;
        return n;
    }
    unsigned char *in = calloc(s->npoints, 1);
    if (!in)
        return 0;
    for (size_t i = 0; i < s->npoints; i++) {
        if (!r->settled[i])
            r->settled[i] = is_settled(s, r, i, scratch);
        if (r->settled[i])
            continue;
        in[i] = 1;
        for (int p = 0; s->partners && p < ROUNDS_PARTNERS; p++)
            if (s->partners[i][p] != ROUNDS_NONE)
                in[s->partners[i][p]] = 1;
    }
    for (size_t i = 0; i < s->npoints; i++)
        if (in[i])
            active[n++] = (int)i;
    free(in);
    return n;
}

static double probe_latency(const struct rounds_settings *s) {
    int a, b;
    if (!s->probe_latency || latency_pick_cpus(&a, &b) != 0)
        return NAN;
    return latency_core_to_core_ns(a, b);
}

/* The placement at the start: the median of three probes, so that one probe's jitter does not
 * make every later round look moved. */
static double base_latency(const struct rounds_settings *s) {
    double v[3];
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        double x = probe_latency(s);
        if (isfinite(x))
            v[n++] = x;
    }
    return n > 0 ? stats_median_inplace(v, n) : NAN;
}

static void progress(const struct rounds_settings *s, const struct rounds_round *rd) {
    if (!s->progress)
        return;
    const struct disturbance *e = &rd->evidence;
    fprintf(s->progress, "round %d: %zu of %zu points, %.3g s", rd->index + 1, rd->npoints,
            s->npoints, e->seconds);
    if (isfinite(e->steal))
        fprintf(s->progress, ", host steal %.1f %%", 100.0 * e->steal);
    if (isfinite(e->others))
        fprintf(s->progress, ", others %.1f %%", 100.0 * e->others);
    if (isfinite(e->latency_ns))
        fprintf(s->progress, ", latency %.0f ns", e->latency_ns);
    if (e->disturbed)
        fprintf(s->progress,
                rd->kept ? " (disturbed: %s; kept, no repeats left)"
                         : " (disturbed: %s; measured again)",
                e->why);
    fputc('\n', s->progress);
    fflush(s->progress);
}

/* Room for one more round record. */
static struct rounds_round *new_round(struct rounds_result *r, size_t *cap) {
    if (r->nrounds == *cap) {
        size_t c = *cap ? 2 * *cap : 16;
        struct rounds_round *g = realloc(r->rounds, c * sizeof *g);
        if (!g)
            return NULL;
        r->rounds = g;
        *cap = c;
    }
    struct rounds_round *rd = &r->rounds[r->nrounds];
    memset(rd, 0, sizeof *rd);
    return rd;
}

/* One round over active[0 .. na): the samples in a fresh order, then the evidence. */
static int run_round(const struct rounds_settings *s, struct rounds_result *r,
                     struct rounds_round *rd, const int *active, size_t na, double t0, char *err,
                     size_t errlen) {
    rd->index = (int)r->nrounds;
    rd->npoints = na;
    rd->order = malloc((na ? na : 1) * sizeof *rd->order);
    if (!rd->order)
        return -1;
    r->nrounds++;
    rounds_order(s->seed, rd->index, rd->order, na);
    for (size_t k = 0; k < na; k++)
        rd->order[k] = active[rd->order[k]];
    struct disturbance_mark a, b;
    disturbance_mark(&a);
    rd->start = a.wall_seconds - t0;
    for (size_t k = 0; k < na; k++) {
        size_t i = (size_t)rd->order[k];
        double start = measure_now() - t0, seconds;
        int rc = s->sample(s->ctx, i, &seconds);
        if (rc) {
            snprintf(err, errlen, "%s", strerror(rc));
            return rc;
        }
        if (push_sample(&r->points[i], seconds, rd->index, start))
            return -1;
    }
    /* Across ranks the balance probes of processes sharing a node would compete with each
     * other and always read unbalanced: the probe is for one process. */
    int balance = s->probe_latency && ranks_count() == 1;
    double rate = NAN;
    struct disturbance_probes probes = {
        probe_latency(s), r->base_latency_ns,
        balance ? cpu_share_balance(CPU_SHARE_WINDOW_S, &rate) : NAN, rate};
    disturbance_mark(&b);
    disturbance_between(&a, &b, &probes, &rd->evidence);
    rd->evidence.disturbed = ranks_max((double)rd->evidence.disturbed) > 0.0;
    return 0;
}

int rounds_run(const struct rounds_settings *s, struct rounds_result *r, char *err, size_t errlen) {
    memset(r, 0, sizeof *r);
    size_t n = s->npoints, cap = 0;
    r->npoints = n;
    r->points = calloc(n ? n : 1, sizeof *r->points);
    r->settled = calloc(n ? n : 1, sizeof *r->settled);
    r->unstable = calloc(n ? n : 1, sizeof *r->unstable);
    int *active = malloc((n ? n : 1) * sizeof *active);
    double *scratch = NULL;
    int rc = r->points && r->settled && r->unstable && active ? 0 : -1;
    double t0 = measure_now(), extra_start = NAN;
    r->base_latency_ns = base_latency(s);
    int kept_rounds = 0;
    double repeated_seconds = 0.0; /* the rounds measured again took this long */
    while (!rc) {
        free(scratch); /* room for every sample a point has so far */
        scratch = malloc((r->nrounds + 1) * sizeof *scratch);
        if (!scratch) {
            rc = -1;
            break;
        }
        size_t na = next_points(s, r, kept_rounds, active, scratch);
        if (na == 0)
            break;
        if (kept_rounds >= s->min_rounds) {
            if (isnan(extra_start))
                extra_start = measure_now();
            if (ranks_max(measure_now() - extra_start) >= s->max_time ||
                (s->max_rounds > 0 && r->nrounds >= (size_t)s->max_rounds)) {
                for (size_t i = 0; i < n; i++)
                    r->unstable[i] = !r->settled[i];
                break;
            }
        }
        struct rounds_round *rd = new_round(r, &cap);
        if (!rd || (rc = run_round(s, r, rd, active, na, t0, err, errlen)) != 0)
            break;
        int repeats_left =
            (int)r->repeated < s->max_repeats ||
            (s->max_repeats > 0 && s->precision > 0.0 && repeated_seconds < s->max_time);
        rd->kept = !rd->evidence.disturbed || !repeats_left;
        r->repeated += !rd->kept;
        repeated_seconds += rd->kept ? 0.0 : rd->evidence.seconds;
        kept_rounds += rd->kept;
        progress(s, rd);
    }
    if (!isnan(extra_start))
        r->extra_seconds = measure_now() - extra_start;
    free(active);
    free(scratch);
    if (rc == -1)
        snprintf(err, errlen, "out of memory for the rounds");
    return rc;
}

void rounds_result_free(struct rounds_result *r) {
    for (size_t i = 0; i < r->nrounds; i++)
        free(r->rounds[i].order);
    free(r->rounds);
    for (size_t i = 0; r->points && i < r->npoints; i++) {
        free(r->points[i].seconds);
        free(r->points[i].round);
        free(r->points[i].start);
    }
    free(r->settled);
    free(r->unstable);
    free(r->points);
    memset(r, 0, sizeof *r);
}
