/* The measurement engine: the median's interval (engine/stats.h), interleaved rounds with
 * adaptive stopping (engine/rounds.h), and a whole sweep whose kernel slows down threefold for
 * a while (engine/sweep_run.h): its conclusions must not change. */
#include "engine/chunkmap.h"
#include "engine/rounds.h"
#include "engine/stats.h"
#include "engine/sweep_run.h"
#include "philox.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the median's interval ---------------------------------------------------------------- */

Test(stats, median_interval_ranks_match_the_binomial_tables) {
    static const struct {
        size_t n, lo, hi;
    } table[] = {{6, 1, 6},   {7, 1, 7},    {9, 2, 8},    {10, 2, 9},
                 {20, 6, 15}, {50, 18, 33}, {100, 40, 61}};
    size_t lo, hi;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        cr_assert_eq(stats_median_ranks(table[i].n, 0.95, &lo, &hi), 0, "n = %zu", table[i].n);
        cr_expect(lo == table[i].lo && hi == table[i].hi, "n = %zu: [%zu, %zu], not [%zu, %zu]",
                  table[i].n, lo, hi, table[i].lo, table[i].hi);
    }
    cr_expect_eq(stats_median_ranks(5, 0.95, &lo, &hi), -1, "5 samples cannot reach 95 %%");
    struct stats st;
    double five[] = {1, 2, 3, 4, 5};
    cr_assert_eq(stats_compute(five, 5, &st), 0);
    cr_expect(isnan(st.ci_low) && isnan(st.ci_high));
}

Test(stats, tukey_fences_count_outliers_and_keep_them) {
    double x[] = {10, 11, 12, 13, 11, 12, 100, 0.5};
    struct stats st;
    cr_assert_eq(stats_compute(x, 8, &st), 0);
    cr_expect_eq(st.outliers, 2);
    cr_expect_eq(st.n, 8);
    cr_expect_eq(st.max, 100);
}

/* Lognormal samples (a long right tail, as timings have) from Philox and Box-Muller. */
static double lognormal(uint64_t seed, uint64_t i, double mu, double sigma) {
    struct philox4x32_ctr c = {{(uint32_t)i, (uint32_t)(i >> 32), 0, 0}};
    struct philox4x32_ctr x = philox4x32_10(c, philox4x32_key_from_u64(seed));
    double u1 = ((double)x.v[0] + 1.0) / 4294967296.0, u2 = (double)x.v[1] / 4294967296.0;
    return exp(mu + sigma * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
}

/* P(B < lo) for B ~ Binomial(n, 1/2), summed independently of the code under test. */
static double binomial_tail(size_t n, size_t lo) {
    double p = 0.0;
    for (size_t i = 0; i < lo; i++)
        p += exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) -
                 (double)n * log(2.0));
    return p;
}

/* In 1000 simulated experiments of n samples, the interval holds the true median about 95 % of
 * the time or more: exactly 1 - 2 P(B < j) for the ranks chosen (98.4 % at n = 7, 95.7 % at
 * n = 30, 96.5 % at n = 100), so the count must lie within the binomial noise of that. */
Test(stats, median_interval_covers_the_true_median_95_percent_of_the_time) {
    static const size_t sizes[] = {7, 12, 30, 100};
    double mu = log(2e-3), x[100];
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s], lo, hi, hits = 0;
        stats_median_ranks(n, 0.95, &lo, &hi);
        double exact = 1.0 - 2.0 * binomial_tail(n, lo);
        for (uint64_t e = 0; e < 1000; e++) {
            for (size_t i = 0; i < n; i++)
                x[i] = lognormal(42 + n, e * n + i, mu, 0.3);
            struct stats st;
            cr_assert_eq(stats_compute(x, n, &st), 0);
            hits += st.ci_low <= exp(mu) && exp(mu) <= st.ci_high;
        }
        double cover = (double)hits / 1000.0, sd = sqrt(exact * (1.0 - exact) / 1000.0);
        cr_expect(cover >= 0.95 - 3.0 * sd && fabs(cover - exact) <= 4.0 * sd + 1e-9,
                  "n = %zu: %.3f of the intervals hold the median, %.3f expected", n, cover, exact);
    }
}

/* ---- rounds --------------------------------------------------------------------------------- */

Test(rounds, each_order_is_a_permutation_reproducible_from_the_seed) {
    enum { N = 37 };
    int a[N], b[N], c[N], first[3] = {0};
    for (int r = 0; r < 50; r++) {
        rounds_order(7, r, a, N);
        rounds_order(7, r, b, N);
        rounds_order(8, r, c, N);
        cr_assert_arr_eq(a, b, sizeof a, "the same seed and round give the same order");
        cr_expect_neq(memcmp(a, c, sizeof a), 0, "another seed, another order (round %d)", r);
        int seen[N] = {0};
        for (int i = 0; i < N; i++) {
            cr_assert(a[i] >= 0 && a[i] < N);
            cr_assert_eq(seen[a[i]]++, 0, "round %d visits %d twice", r, a[i]);
        }
    }
    for (int r = 0; r < 3000; r++) { /* each of 3 points leads about a third of the rounds */
        rounds_order(11, r, a, 3);
        first[a[0]]++;
    }
    for (int i = 0; i < 3; i++)
        cr_expect(first[i] > 850 && first[i] < 1150, "point %d first in %d of 3000", i, first[i]);
}

/* A machine whose points take fixed times, slowed threefold during a window of rounds. */
struct synthetic {
    double base[4];         /* seconds per run of each point                          */
    int slow_from, slow_to; /* rounds [from, to) are slowed (all points visit each)  */
    int samples;            /* taken so far                                           */
    size_t npoints;
    int fail_at;  /* the sample that fails (-1: none)                       */
    int wobbly;   /* this point takes 1.3 x its time every other sample     */
    int taken[4]; /* samples of each point                                  */
};

static int synthetic_sample(void *ctx, size_t i, double *seconds) {
    struct synthetic *m = ctx;
    int round = m->samples++ / (int)m->npoints;
    if (m->samples - 1 == m->fail_at)
        return EIO;
    double jitter = 1.0 + 0.002 * (double)((m->samples * 7919) % 11 - 5); /* +-1 %, no tail */
    double wobble = (int)i == m->wobbly && m->taken[i] % 2 ? 1.3 : 1.0;
    m->taken[i]++;
    *seconds =
        m->base[i] * jitter * wobble * (round >= m->slow_from && round < m->slow_to ? 3.0 : 1.0);
    return 0;
}

static struct rounds_settings synthetic_settings(struct synthetic *m, int rounds) {
    return (struct rounds_settings){.npoints = m->npoints,
                                    .min_rounds = rounds,
                                    .max_time = 0.0,
                                    .seed = 5,
                                    .sample = synthetic_sample,
                                    .ctx = m};
}

Test(rounds, a_slow_window_of_rounds_moves_neither_medians_nor_paired_ratios) {
    struct synthetic m = {{4e-3, 2e-3, 1e-3, 3e-3}, 6, 12, 0, 4, -1, -1, {0}};
    struct rounds_settings s = synthetic_settings(&m, 21);
    struct rounds_result r;
    char err[256];
    cr_assert_eq(rounds_run(&s, &r, err, sizeof err), 0, "%s", err);
    cr_assert_eq(r.nrounds, 21);
    double x[64];
    for (size_t i = 0; i < 4; i++) {
        size_t n = rounds_kept_samples(&r, i, x);
        cr_assert_eq(n, 21);
        struct stats st;
        stats_compute(x, n, &st);
        cr_expect(fabs(st.median / m.base[i] - 1.0) < 0.011, "point %zu: median %g, true %g", i,
                  st.median, m.base[i]);
        cr_expect(st.ci_low <= m.base[i] * 1.011 && st.ci_high >= m.base[i] * 0.989);
    }
    size_t n = rounds_paired_ratios(&r, 2, 0, 1.0, x); /* T(0) / T(2) = 4 in every round */
    cr_assert_eq(n, 21);
    for (size_t k = 0; k < n; k++)
        cr_expect(fabs(x[k] / 4.0 - 1.0) < 0.021, "round ratio %g", x[k]);
    for (size_t k = 0; k < r.nrounds; k++) {
        int order[4];
        rounds_order(5, (int)k, order, 4);
        cr_expect_arr_eq(r.rounds[k].order, order, sizeof order, "round %zu's order", k);
    }
    rounds_result_free(&r);
}

/* Back to back, the same window (the 25th to the 48th sample taken) lands on whichever point is
 * being measured then: here 18 of point 1's 21 samples, so its median triples and its ratio to
 * point 0 comes out 2/3 instead of 2. This is what the rounds prevent; the check shows that the
 * synthetic machine of the test above does mislead a back-to-back measurement. */
Test(rounds, the_same_window_misleads_back_to_back_samples) {
    struct synthetic m = {{4e-3, 2e-3, 1e-3, 3e-3}, 0, 0, 0, 4, -1, -1, {0}};
    double x[21], medians[4];
    int taken = 0;
    for (size_t i = 0; i < 4; i++) {
        for (int k = 0; k < 21; k++, taken++) {
            /* the window of the test above, in samples: 6 x 4 to 12 x 4 */
            double slow = taken >= 24 && taken < 48 ? 3.0 : 1.0;
            x[k] = m.base[i] * slow;
        }
        struct stats st;
        stats_compute(x, 21, &st);
        medians[i] = st.median;
    }
    cr_expect_gt(medians[1] / m.base[1], 2.9, "point 1 measured inside the window");
    cr_expect_lt(medians[0] / medians[1], 2.0 / 2.9, "its ratio to point 0 is wrong by 3x");
}

Test(rounds, points_get_more_rounds_until_their_interval_is_within_the_precision) {
    /* Points 0 and 1 are quiet and settle in the first 7 rounds. Point 2 takes 1 and 1.3 ms
     * in turn: its median's interval spans the gap and never narrows to 2 %, so it gets more
     * rounds, with its partner point 0 (its ratio's baseline) and without point 1, until the
     * rounds run out; then it is unstable. */
    struct synthetic m = {{1e-3, 2e-3, 1e-3, 0}, 0, 0, 0, 3, -1, 2, {0}};
    int partners[3][ROUNDS_PARTNERS] = {
        {ROUNDS_NONE, ROUNDS_NONE}, {ROUNDS_NONE, ROUNDS_NONE}, {0, ROUNDS_NONE}};
    struct rounds_settings s = synthetic_settings(&m, 7);
    s.precision = 0.02;
    s.max_time = 60.0;
    s.max_rounds = 40;
    s.partners = (const int(*)[ROUNDS_PARTNERS])partners;
    struct rounds_result r;
    char err[256];
    cr_assert_eq(rounds_run(&s, &r, err, sizeof err), 0, "%s", err);
    cr_expect_eq(r.nrounds, 40, "rounds until the cap");
    cr_expect(r.settled[0] && r.settled[1] && !r.settled[2]);
    cr_expect(!r.unstable[0] && !r.unstable[1] && r.unstable[2]);
    cr_expect_eq(r.points[1].n, 7, "the settled point 1 got no more rounds");
    cr_expect_eq(r.points[0].n, 40, "point 0 went on as point 2's partner");
    for (size_t k = 7; k < r.nrounds; k++)
        cr_expect_eq(r.rounds[k].npoints, 2);
    rounds_result_free(&r);
    /* Without the wobble every point settles: no round beyond the first 7. */
    struct synthetic q = {{1e-3, 2e-3, 1e-3, 0}, 0, 0, 0, 3, -1, -1, {0}};
    s.ctx = &q;
    cr_assert_eq(rounds_run(&s, &r, err, sizeof err), 0, "%s", err);
    cr_expect_eq(r.nrounds, 7);
    cr_expect(!r.unstable[0] && !r.unstable[1] && !r.unstable[2]);
    rounds_result_free(&r);
}

Test(rounds, a_failing_sample_stops_the_rounds_with_its_error) {
    struct synthetic m = {{1e-3, 1e-3, 1e-3, 1e-3}, 0, 0, 0, 4, 9, -1, {0}};
    struct rounds_settings s = synthetic_settings(&m, 5);
    struct rounds_result r;
    char err[256];
    cr_expect_eq(rounds_run(&s, &r, err, sizeof err), EIO);
    cr_expect(strstr(err, "Input/output error"), "%s", err);
    rounds_result_free(&r);
}

/* ---- a whole sweep on a kernel that slows down for a while ------------------------------------
 */

/* The kernel spins for a modelled time: the reference UNIT_S per run, the parallel variant
 * UNIT_S / threads at its best chunk (BEST_CHUNK loop iterations) and 1.25 x that at any
 * other, so the true speedup at 2 threads is 2 and the true best chunk is known. While the
 * window is open (seconds [window_from, window_to) after the first run) every run takes three
 * times as long. */
#define UNIT_S     2e-3
#define BEST_CHUNK 64
static double window_from, window_to, first_run = -1.0;
static double spun, slowed; /* seconds spun, and of them in the window */

static double seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void spin(double seconds) {
    double t = seconds_now();
    if (first_run < 0)
        first_run = t;
    if (t - first_run >= window_from && t - first_run < window_to) {
        seconds *= 3.0;
        slowed += seconds;
    }
    spun += seconds;
    while (seconds_now() - t < seconds)
        ;
}

struct slow_state {
    size_t n;
};

static int slow_setup(void **state, size_t size, const double *params, uint64_t seed) {
    (void)params;
    (void)seed;
    struct slow_state *s = malloc(sizeof *s);
    if (!s)
        return ENOMEM;
    s->n = size;
    *state = s;
    return 0;
}

static int slow_ref(void *state) {
    (void)state;
    spin(UNIT_S);
    return 0;
}

static int slow_omp(void *state) {
    (void)state;
    omp_sched_t kind;
    int chunk;
    omp_get_schedule(&kind, &chunk);
    spin(UNIT_S / omp_get_max_threads() * (chunk == BEST_CHUNK ? 1.0 : 1.25));
    return 0;
}

static double slow_checksum(const void *state) {
    return (double)((const struct slow_state *)state)->n;
}

static void slow_teardown(void *state) {
    free(state);
}

static void slow_work(size_t size, const double *params, struct kernel_work *w) {
    (void)params;
    *w = (struct kernel_work){
        (double)size, 8.0 * (double)size, (double)size, 8.0 * (double)size, size, 1.0, 8.0};
}

static const struct kernel_param slow_params[] = {{NULL, PARAM_INTEGER, 0, 0, 0, NULL}};
static const struct kernel_variant slow_variants[] = {
    {"ref", "spins UNIT_S", VARIANT_SERIAL, slow_ref},
    {"omp", "spins UNIT_S / threads", VARIANT_CHUNKED, slow_omp},
    {NULL, NULL, 0, NULL}};
static const struct kernel slow_kernel = {
    .name = "slow",
    .group = "test",
    .summary = "spins for a modelled time",
    .item = "item",
    .iteration = "item",
    .size_name = "items",
    .default_size = 4096,
    .min_size = 1,
    .max_size = 1 << 20,
    .params = slow_params,
    .variants = slow_variants,
    .work = slow_work,
    .setup = slow_setup,
    .checksum = slow_checksum,
    .teardown = slow_teardown,
};

/* A sweep of 7 points (the reference, and 2 threads x 3 chunks) in 15 rounds: the window opens
 * over about a third of the rounds. The interleaved engine must still find the true speedup
 * within each 2-thread point's interval and the true best chunk at both thread counts. (The
 * back-to-back engine this replaced fails this test: the window sinks the points it happens to
 * be measuring, which then lose the best chunk or halve their speedup.) */
Test(sweep, a_threefold_slowdown_during_some_rounds_changes_no_conclusion) {
    long long threads[] = {1, 2}, sizes[] = {4096};
    enum sweep_schedule schedule = SCHED_STATIC;
    struct chunk_spec chunks[] = {{CHUNK_COUNT, 16}, {CHUNK_COUNT, BEST_CHUNK}, {CHUNK_COUNT, 256}};
    const struct kernel_variant *variants[] = {&slow_variants[1]};
    struct sweep_plan plan = {.kernel = &slow_kernel,
                              .variants = variants,
                              .nvariants = 1,
                              .threads = threads,
                              .nthreads = 2,
                              .schedules = &schedule,
                              .nschedules = 1,
                              .chunks = chunks,
                              .nchunks = 3,
                              .sizes = sizes,
                              .nsizes = 1,
                              .samples = 15,
                              .min_time = UNIT_S,
                              .max_repeats = 0,
                              .seed = 3,
                              .cpus = 2};
    /* 7 points x 15 rounds x about 2 ms: the window covers rounds 5 to 10 or so. */
    window_from = 0.10;
    window_to = 0.20;
    first_run = -1.0;
    spun = slowed = 0.0;
    struct sweep_result res;
    char err[256];
    cr_assert_eq(sweep_run(&plan, &res, err, sizeof err), 0, "%s", err);
    cr_assert_eq(res.npoints, 7);
    /* The modelled times hold to about 1 % (a run also calls the clock and returns). */
    for (size_t i = 0; i < res.npoints; i++) {
        const struct sweep_point *p = &res.points[i];
        if (p->threads == 2 && p->variant == &slow_variants[1])
            cr_expect(p->speedup_low <= 2.02 && 1.98 <= p->speedup_high,
                      "chunk %lld: speedup %.3f (%.3f-%.3f), true 2", p->chunk_iterations,
                      p->speedup, p->speedup_low, p->speedup_high);
    }
    cr_expect(slowed > 0.2 * spun && slowed < 0.5 * spun,
              "the window must slow a good part of the time, less than half (%.3f of %.3f s)",
              slowed, spun);
    for (int t = 1; t <= 2; t++) {
        const struct sweep_point *best, *worst;
        cr_assert_eq(chunkmap_best(&res, t, &best, &worst), 0);
        cr_expect_eq(best->chunk_iterations, BEST_CHUNK, "%d threads: best chunk %lld", t,
                     best->chunk_iterations);
    }
    sweep_result_free(&res);
}
