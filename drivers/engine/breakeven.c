#include "engine/breakeven.h"

#include "engine/stats.h"

#include "engine/measure.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- statistics ------------------------------------------------------------------------- */

double breakeven_sign_p(int wins, int n) {
    if (wins <= 0)
        return 1.0;
    if (wins > n)
        return 0.0;
    return gsl_cdf_binomial_Q((unsigned)(wins - 1), 0.5, (unsigned)n);
}

int breakeven_decide(const double *t1, const double *tn, int n, double alpha) {
    int wins = 0, losses = 0;
    for (int i = 0; i < n; i++) {
        wins += tn[i] < t1[i];
        losses += tn[i] > t1[i];
    }
    int m = wins + losses;
    if (m > 0 && breakeven_sign_p(wins, m) <= alpha)
        return BREAKEVEN_FASTER;
    if (m > 0 && breakeven_sign_p(losses, m) <= alpha)
        return BREAKEVEN_SLOWER;
    return BREAKEVEN_TIE;
}

/* Median of x[0..n-1], n >= 1, sorting `scratch` (n doubles). */
static double median(const double *x, int n, double *scratch) {
    memcpy(scratch, x, (size_t)n * sizeof *scratch);
    return stats_median_inplace(scratch, (size_t)n);
}

/* ---- the search ------------------------------------------------------------------------- */

/* The settings with every 0 replaced by its default. */
static struct breakeven_settings with_defaults(const struct breakeven_settings *in) {
    struct breakeven_settings s = *in;
    if (s.max_pairs <= 0)
        s.max_pairs = 48;
    if (s.min_pairs <= 0)
        s.min_pairs = 8;
    if (s.min_pairs > s.max_pairs)
        s.min_pairs = s.max_pairs;
    if (!(s.precision > 1.0))
        s.precision = 1.1;
    if (!(s.growth > 1.0))
        s.growth = 4.0;
    if (s.max_steps <= 0)
        s.max_steps = 40;
    return s;
}

/* The search's working memory. */
struct search {
    struct breakeven_settings s;
    breakeven_measure_fn measure;
    void *ctx;
    double *t1, *tn, *ratio, *scratch; /* max_pairs each */
    struct breakeven_step *steps;      /* max_steps */
    int nsteps, measurements, looks;
    double alpha; /* per side and per look */
};

/* Pairs taken at each look: min_pairs, doubling, ending at max_pairs. */
static int next_look(const struct search *x, int n) {
    return n * 2 < x->s.max_pairs ? n * 2 : x->s.max_pairs;
}

static int count_looks(const struct search *x) {
    int looks = 1;
    for (int n = x->s.min_pairs; n < x->s.max_pairs; n = next_look(x, n))
        looks++;
    return looks;
}

/* One pair, in alternating order so that a drift in time cancels between pairs. */
static int take_pair(struct search *x, long long size, int i) {
    int rc;
    if (i % 2 == 0) {
        if ((rc = x->measure(x->ctx, size, 1, &x->t1[i], 1)) ||
            (rc = x->measure(x->ctx, size, x->s.threads, &x->tn[i], 1)))
            return rc;
    } else {
        if ((rc = x->measure(x->ctx, size, x->s.threads, &x->tn[i], 1)) ||
            (rc = x->measure(x->ctx, size, 1, &x->t1[i], 1)))
            return rc;
    }
    x->measurements += 2;
    return 0;
}

/* Measures one size until the sign test decides or the pairs run out; appends the step. */
static int measure_size(struct search *x, long long size, struct breakeven_step **out) {
    int n = 0, look = x->s.min_pairs, verdict, rc;
    for (;;) {
        for (; n < look; n++)
            if ((rc = take_pair(x, size, n)))
                return rc;
        verdict = breakeven_decide(x->t1, x->tn, n, x->alpha);
        if (verdict != BREAKEVEN_TIE || n >= x->s.max_pairs)
            break;
        look = next_look(x, n);
    }
    struct breakeven_step *st = &x->steps[x->nsteps++];
    st->size = size;
    st->verdict = verdict;
    st->pairs = n;
    st->wins = 0;
    for (int i = 0; i < n; i++) {
        x->ratio[i] = x->t1[i] / x->tn[i];
        st->wins += x->tn[i] < x->t1[i];
    }
    st->t1 = median(x->t1, n, x->scratch);
    st->tn = median(x->tn, n, x->scratch);
    st->speedup = median(x->ratio, n, x->scratch);
    if (x->s.on_step)
        x->s.on_step(x->s.on_step_ctx, st);
    *out = st;
    return 0;
}

/* Upward phase: min_size, then x growth, until N threads are shown faster, the maximum is
 * reached or one run takes longer than max_run_s. Sets *lo (largest slower) and *hi. */
static int grow(struct search *x, long long *lo, long long *hi) {
    long long size = x->s.min_size;
    for (;;) {
        struct breakeven_step *st;
        int rc = measure_size(x, size, &st);
        if (rc)
            return rc;
        if (st->verdict == BREAKEVEN_FASTER) {
            *hi = size;
            return 0;
        }
        if (st->verdict == BREAKEVEN_SLOWER)
            *lo = size;
        if (size >= x->s.max_size || x->nsteps >= x->s.max_steps ||
            (x->s.max_run_s > 0.0 && st->t1 > x->s.max_run_s))
            return 0;
        double next = ceil((double)size * x->s.growth);
        size = next > (double)x->s.max_size ? x->s.max_size : (long long)next;
    }
}

static int cmp_size(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* The widest gap (by ratio) between neighbouring sizes of the bracket [bottom, hi] (ties
 * inside it count as points) that is still wider than the precision: its geometric midpoint,
 * or -1 when every gap is narrow enough. */
static long long next_probe(const struct search *x, long long bottom, long long hi) {
    long long pts[128];
    int n = 0;
    pts[n++] = bottom;
    pts[n++] = hi;
    for (int i = 0; i < x->nsteps && n < 128; i++)
        if (x->steps[i].verdict == BREAKEVEN_TIE && x->steps[i].size > bottom &&
            x->steps[i].size < hi)
            pts[n++] = x->steps[i].size;
    qsort(pts, (size_t)n, sizeof pts[0], cmp_size);
    double widest = x->s.precision;
    long long probe = -1;
    for (int i = 0; i + 1 < n; i++) {
        long long a = pts[i], b = pts[i + 1];
        double ratio = (double)b / (double)a;
        if (b - a > 1 && ratio > widest) {
            widest = ratio;
            probe = llround(sqrt((double)a * (double)b));
            probe = probe <= a ? a + 1 : probe >= b ? b - 1 : probe;
        }
    }
    return probe;
}

/* Bisection phase: narrow [lo, hi] (lo < 0: from min_size, all ties below). */
static int refine(struct search *x, long long *lo, long long *hi) {
    while (x->nsteps < x->s.max_steps) {
        long long probe = next_probe(x, *lo >= 0 ? *lo : x->s.min_size, *hi);
        if (probe < 0)
            return 0;
        struct breakeven_step *st;
        int rc = measure_size(x, probe, &st);
        if (rc)
            return rc;
        if (st->verdict == BREAKEVEN_FASTER)
            *hi = probe;
        else if (st->verdict == BREAKEVEN_SLOWER)
            *lo = probe;
    }
    return 0;
}

static const struct breakeven_step *step_at(const struct search *x, long long size) {
    for (int i = x->nsteps - 1; i >= 0; i--)
        if (x->steps[i].size == size)
            return &x->steps[i];
    return NULL;
}

static void conclude(const struct search *x, long long lo, long long hi,
                     struct breakeven_result *r) {
    r->steps = x->nsteps;
    r->measurements = x->measurements;
    r->searched_max = 0;
    for (int i = 0; i < x->nsteps; i++)
        if (x->steps[i].size > r->searched_max)
            r->searched_max = x->steps[i].size;
    r->time_1 = r->time_n = r->speedup = NAN;
    r->breakeven_size = r->upper_size = hi;
    if (hi < 0) {
        /* Never faster: "never" only when the largest size was shown slower. */
        const struct breakeven_step *last = step_at(x, r->searched_max);
        r->status =
            last && last->verdict == BREAKEVEN_SLOWER ? BREAKEVEN_NEVER : BREAKEVEN_UNDECIDED;
        r->lower_size = r->searched_max;
        return;
    }
    r->status = hi == x->s.min_size ? BREAKEVEN_ALWAYS : BREAKEVEN_FOUND;
    r->lower_size = r->status == BREAKEVEN_ALWAYS ? -1 : lo >= 0 ? lo : x->s.min_size;
    const struct breakeven_step *st = step_at(x, hi);
    r->time_1 = st->t1;
    r->time_n = st->tn;
    r->speedup = st->speedup;
    for (int i = 0; i < x->nsteps; i++)
        r->ties += x->steps[i].verdict == BREAKEVEN_TIE && x->steps[i].size > r->lower_size &&
                   x->steps[i].size < hi;
}

int breakeven_search(const struct breakeven_settings *settings, breakeven_measure_fn measure,
                     void *ctx, struct breakeven_result *r) {
    struct search x = {.s = with_defaults(settings), .measure = measure, .ctx = ctx};
    memset(r, 0, sizeof *r);
    size_t np = (size_t)x.s.max_pairs;
    double *buf = calloc(4 * np, sizeof *buf);
    x.steps = calloc((size_t)x.s.max_steps, sizeof *x.steps);
    if (!buf || !x.steps) {
        free(buf);
        free(x.steps);
        return ENOMEM;
    }
    x.t1 = buf;
    x.tn = buf + np;
    x.ratio = buf + 2 * np;
    x.scratch = buf + 3 * np;
    x.looks = count_looks(&x);
    x.alpha = 0.025 / x.looks; /* two-sided 95 %, split over the looks */
    long long lo = -1, hi = -1;
    int rc = grow(&x, &lo, &hi);
    if (!rc && hi > x.s.min_size)
        rc = refine(&x, &lo, &hi);
    if (!rc)
        conclude(&x, lo, hi, r);
    free(buf);
    free(x.steps);
    return rc;
}

const char *breakeven_status_name(int status) {
    switch (status) {
    case BREAKEVEN_FOUND:
        return "found";
    case BREAKEVEN_ALWAYS:
        return "always";
    case BREAKEVEN_UNDECIDED:
        return "undecided";
    default:
        return "never";
    }
}

/* ---- a registered kernel ---------------------------------------------------------------- */

void breakeven_kernel_init(struct breakeven_kernel *bk, const struct kernel *k,
                           const struct kernel_variant *v, const double *params, uint64_t seed,
                           double min_time, int threads) {
    memset(bk, 0, sizeof *bk);
    bk->kernel = k;
    bk->variant = v;
    bk->serial = &k->variants[0];
    kernel_default_params(k, bk->params);
    for (size_t i = 0; params && k->params[i].name && i < KERNEL_MAX_PARAMS; i++)
        bk->params[i] = params[i];
    bk->seed = seed;
    bk->min_time = min_time;
    bk->threads = threads;
    bk->size = -1;
}

static int same_result(double a, double b, double tolerance) {
    if (!isfinite(a) || !isfinite(b))
        return 0;
    if (tolerance == 0.0)
        return memcmp(&a, &b, sizeof a) == 0;
    return fabs(a - b) <= tolerance * fabs(a);
}

/* The work must be the same on both sides, or the times compare different things. */
static int check_and_free(struct breakeven_kernel *bk) {
    int rc = 0;
    const struct kernel *k = bk->kernel;
    if (bk->state[0] && bk->state[1] && bk->reps[0] && bk->reps[1]) {
        double a = k->checksum(bk->state[0]), b = k->checksum(bk->state[1]);
        if (!same_result(a, b, k->tolerance)) {
            snprintf(bk->err, sizeof bk->err,
                     "%s/%s at size %lld: the checksum at %d threads (%.17g) differs from the "
                     "reference's (%.17g)",
                     k->name, bk->variant->name, bk->size, bk->threads, b, a);
            rc = -1;
        }
    }
    for (int i = 0; i < 2; i++) {
        if (bk->state[i])
            k->teardown(bk->state[i]);
        bk->state[i] = NULL;
        bk->reps[i] = 0;
    }
    return rc;
}

int breakeven_kernel_finish(struct breakeven_kernel *bk) {
    return check_and_free(bk);
}

/* The variant a side runs: the reference on side 0, the parallel variant on side 1. */
static const struct kernel_variant *side_variant(const struct breakeven_kernel *bk, int side) {
    return side == 0 ? bk->serial : bk->variant;
}

/* The state of one side, set up under its thread count (first touch) on first use. */
static int ready_state(struct breakeven_kernel *bk, int side) {
    const struct kernel *k = bk->kernel;
    const struct kernel_variant *v = side_variant(bk, side);
    if (bk->state[side])
        return 0;
    int rc = k->setup(&bk->state[side], (size_t)bk->size, bk->params, bk->seed);
    if (rc) {
        bk->state[side] = NULL;
        snprintf(bk->err, sizeof bk->err, "%s: setup at size %lld failed: %s", k->name, bk->size,
                 strerror(rc));
        return -1;
    }
    rc = measure_calibrate(v, bk->state[side], bk->min_time, 1L << 24, &bk->reps[side]);
    if (rc) {
        snprintf(bk->err, sizeof bk->err, "%s/%s failed: %s", k->name, v->name, strerror(rc));
        return -1;
    }
    return 0;
}

int breakeven_kernel_measure(void *ctx, long long size, int threads, double *times, int n) {
    struct breakeven_kernel *bk = ctx;
    int side = threads == 1 ? 0 : 1;
    if (threads != 1 && threads != bk->threads) {
        snprintf(bk->err, sizeof bk->err, "asked for %d threads, set up for 1 and %d", threads,
                 bk->threads);
        return -1;
    }
    if (size != bk->size) {
        if (check_and_free(bk))
            return -1;
        bk->size = size;
    }
    omp_set_num_threads(threads);
    omp_set_schedule(omp_sched_static, 0);
    if (ready_state(bk, side))
        return -1;
    const struct kernel_variant *v = side_variant(bk, side);
    for (int i = 0; i < n; i++) {
        double warm, t;
        int rc = measure_runs(v, bk->state[side], 1, &warm);
        if (!rc)
            rc = measure_runs(v, bk->state[side], bk->reps[side], &t);
        if (rc) {
            snprintf(bk->err, sizeof bk->err, "%s/%s failed: %s", bk->kernel->name, v->name,
                     strerror(rc));
            return -1;
        }
        times[i] = t / (double)bk->reps[side];
    }
    return 0;
}

const struct kernel_variant *breakeven_default_variant(const struct kernel *k) {
    for (const struct kernel_variant *v = k->variants; v->name; v++)
        if (!(v->flags & (VARIANT_SERIAL | VARIANT_LIBRARY | VARIANT_NESTED)))
            return v;
    return NULL;
}

long long breakeven_size_cap(const struct kernel *k, const double *params, double bytes) {
    long long lo = k->min_size, hi = k->max_size;
    struct kernel_work w;
    k->work((size_t)hi, params, &w);
    if (2.0 * w.working_set <= bytes)
        return hi;
    while (hi - lo > 1) { /* invariant: lo fits (or is min_size), hi does not */
        long long mid = lo + (hi - lo) / 2;
        k->work((size_t)mid, params, &w);
        if (2.0 * w.working_set <= bytes)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}
