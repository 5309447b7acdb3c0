#include "engine/overhead.h"

#include "engine/measure.h"
#include "engine/sweep.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GCC's noipa also stops interprocedural analysis: callers cannot learn that the delay only
 * writes *acc, so no call can be dropped as a dead store, merged or hoisted out of a loop. */
#if defined(__GNUC__) && !defined(__clang__)
#define OVERHEAD_OPAQUE __attribute__((noipa))
#else
#define OVERHEAD_OPAQUE __attribute__((noinline))
#endif

/* x -> 0.9999999 x + 1 converges to 1e7 from anywhere near it: no overflow, no denormals.
 * Without -ffast-math the multiply-adds cannot be reassociated, so each step waits for the
 * previous one: the time is the FP latency times steps, whatever the vector width. */
OVERHEAD_OPAQUE void overhead_delay(long steps, double *acc) {
    double x = *acc;
    for (long i = 0; i < steps; i++)
        x = x * 0.9999999 + 1.0;
    *acc = x;
}

/* The slots end up here, so the work of every run is observable after the measurement. */
static volatile double overhead_sink;

long overhead_delay_steps(double us, double *ns_per_step) {
    enum { PROBE_STEPS = 1 << 20 };
    double acc = 1.0, best = INFINITY;
    for (int i = 0; i < 5; i++) {
        double t0 = measure_now();
        overhead_delay(PROBE_STEPS, &acc);
        double t = measure_now() - t0;
        if (t < best)
            best = t;
    }
    overhead_sink = acc;
    double ns = best * 1e9 / PROBE_STEPS;
    if (ns_per_step)
        *ns_per_step = ns;
    if (!(us > 0.0) || !(ns > 0.0))
        return 0;
    long steps = lround(us * 1e3 / ns);
    return steps < 1 ? 1 : steps;
}

static const char *const construct_names[OVERHEAD_NCONSTRUCTS] = {
    "parallel", "for",    "parallel_for", "barrier", "single",
    "critical", "atomic", "reduction",    "schedule"};

const char *overhead_construct_name(int construct) {
    return construct >= 0 && construct < OVERHEAD_NCONSTRUCTS ? construct_names[construct] : "-";
}

int overhead_parse_construct(const char *name) {
    for (int i = 0; i < OVERHEAD_NCONSTRUCTS; i++)
        if (strcmp(name, construct_names[i]) == 0)
            return i;
    return -1;
}

void overhead_mean_ci95(const double *x, int n, double *mean, double *low, double *high) {
    double sum = 0.0, ss = 0.0;
    for (int i = 0; i < n; i++)
        sum += x[i];
    *mean = n > 0 ? sum / n : NAN;
    *low = *high = NAN;
    if (n < 2)
        return;
    for (int i = 0; i < n; i++)
        ss += (x[i] - *mean) * (x[i] - *mean);
    double half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(ss / (n - 1)) / sqrt((double)n);
    *low = *mean - half;
    *high = *mean + half;
}

/* ---- the test loops --------------------------------------------------------------------- */

/* One cache line per thread: a thread's delay writes only its own line, so the test loops add
 * no false sharing that the reference (one thread) would not have. */
struct overhead_slot {
    double v;
    char pad[56];
};

struct bench {
    long steps;
    int threads, iters_per_thread;
    struct overhead_slot *slot;
    long long lost; /* atomic or reduction updates missing: a broken runtime */
};

static void test_parallel(struct bench *b, long reps) {
    for (long j = 0; j < reps; j++) {
#pragma omp parallel
        overhead_delay(b->steps, &b->slot[omp_get_thread_num()].v);
    }
}

/* With static scheduling and `threads` iterations, iteration i belongs to thread i. */
static void test_for(struct bench *b, long reps) {
#pragma omp parallel
    for (long j = 0; j < reps; j++) {
#pragma omp for schedule(static)
        for (int i = 0; i < b->threads; i++)
            overhead_delay(b->steps, &b->slot[i].v);
    }
}

static void test_parallel_for(struct bench *b, long reps) {
    for (long j = 0; j < reps; j++) {
#pragma omp parallel for schedule(static)
        for (int i = 0; i < b->threads; i++)
            overhead_delay(b->steps, &b->slot[i].v);
    }
}

static void test_barrier(struct bench *b, long reps) {
#pragma omp parallel
    {
        double *mine = &b->slot[omp_get_thread_num()].v;
        for (long j = 0; j < reps; j++) {
            overhead_delay(b->steps, mine);
#pragma omp barrier
        }
    }
}

static void test_single(struct bench *b, long reps) {
#pragma omp parallel
    {
        double *mine = &b->slot[omp_get_thread_num()].v;
        for (long j = 0; j < reps; j++) {
#pragma omp single
            overhead_delay(b->steps, mine);
        }
    }
}

static void test_critical(struct bench *b, long reps) {
#pragma omp parallel
    {
        double *mine = &b->slot[omp_get_thread_num()].v;
        for (long j = 0; j < reps; j++) {
#pragma omp critical(ompsweep_overhead)
            overhead_delay(b->steps, mine);
        }
    }
}

static void test_atomic(struct bench *b, long reps) {
    long long count = 0;
#pragma omp parallel
    {
        double *mine = &b->slot[omp_get_thread_num()].v;
        for (long j = 0; j < reps; j++) {
            overhead_delay(b->steps, mine);
#pragma omp atomic update
            count += 1;
        }
    }
    b->lost += reps * b->threads - count;
}

static void test_reduction(struct bench *b, long reps) {
    long long sum = 0;
    for (long j = 0; j < reps; j++) {
#pragma omp parallel reduction(+ : sum)
        {
            overhead_delay(b->steps, &b->slot[omp_get_thread_num()].v);
            sum += 1;
        }
    }
    b->lost += reps * b->threads - sum;
}

/* schedule(runtime): the caller set the kind and chunk with omp_set_schedule(). */
static void test_schedule(struct bench *b, long reps) {
    long n = (long)b->iters_per_thread * b->threads;
#pragma omp parallel
    {
        double *mine = &b->slot[omp_get_thread_num()].v;
        for (long j = 0; j < reps; j++) {
#pragma omp for schedule(runtime)
            for (long i = 0; i < n; i++)
                overhead_delay(b->steps, mine);
        }
    }
}

typedef void (*test_fn)(struct bench *b, long reps);

static const test_fn tests[OVERHEAD_NCONSTRUCTS] = {
    test_parallel, test_for,    test_parallel_for, test_barrier, test_single,
    test_critical, test_atomic, test_reduction,    test_schedule};

static double timed_test(struct bench *b, int construct, long reps) {
    double t0 = measure_now();
    tests[construct](b, reps);
    return measure_now() - t0;
}

/* The same delays on one thread, no construct. */
static double timed_reference(struct bench *b, long delays) {
    double t0 = measure_now();
    for (long i = 0; i < delays; i++)
        overhead_delay(b->steps, &b->slot[0].v);
    return measure_now() - t0;
}

/* Construct executions in `reps` repetitions, and the delays on their critical path. */
static long executions(const struct bench *b, int construct, long reps) {
    return construct == OVERHEAD_CRITICAL ? reps * b->threads : reps;
}

static long reference_delays(const struct bench *b, int construct, long reps) {
    long e = executions(b, construct, reps);
    return construct == OVERHEAD_SCHEDULE ? e * b->iters_per_thread : e;
}

/* Repetitions for one test sample to last min_time: from a first timing, then confirmed. */
static long calibrate(struct bench *b, int construct, double min_time) {
    enum { MAX_REPS = 1 << 24 };
    long reps = 1;
    double t = timed_test(b, construct, reps);
    while (t < min_time && reps < MAX_REPS) {
        double want = t > 0.0 ? 1.2 * min_time / t * (double)reps : 100.0 * (double)reps;
        long next = want > 100.0 * (double)reps ? 100 * reps : (long)want + 1;
        reps = next > MAX_REPS ? MAX_REPS : next;
        t = timed_test(b, construct, reps);
    }
    return reps;
}

/* libgomp may give a smaller team than asked (OMP_THREAD_LIMIT): the numbers would lie. */
static int team_size(int threads) {
    int got = 0;
    omp_set_dynamic(0);
    omp_set_num_threads(threads);
#pragma omp parallel
    {
#pragma omp single
        got = omp_get_num_threads();
    }
    return got;
}

/* Alternate the order (ref, test), (test, ref), ... so a slow drift of the host's speed
 * affects the reference and the test alike. */
static void take_samples(struct bench *b, const struct overhead_settings *s, int construct,
                         long reps, double *over, double *test, double *ref) {
    long e = executions(b, construct, reps), d = reference_delays(b, construct, reps);
    for (int k = 0; k < s->samples; k++) {
        double tr = 0.0, tt;
        if (k % 2 == 0)
            tr = timed_reference(b, d);
        timed_test(b, construct, 1); /* wakes the team after the single-threaded reference */
        tt = timed_test(b, construct, reps);
        if (k % 2 == 1)
            tr = timed_reference(b, d);
        test[k] = tt / (double)e * 1e6;
        ref[k] = tr / (double)e * 1e6;
        over[k] = test[k] - ref[k];
    }
}

static void summarise(const double *over, const double *test, const double *ref, int n,
                      struct overhead_point *out) {
    double lo, hi;
    overhead_mean_ci95(test, n, &out->test_us, &lo, &hi);
    overhead_mean_ci95(ref, n, &out->ref_us, &lo, &hi);
    overhead_mean_ci95(over, n, &out->overhead_us, &out->ci95_low_us, &out->ci95_high_us);
}

static int measure_with(struct bench *b, const struct overhead_settings *s, int construct,
                        struct overhead_point *out, char *err, size_t errlen) {
    double *buf = calloc(3 * (size_t)s->samples, sizeof *buf);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    timed_test(b, construct, 1); /* warm-up: the thread pool, the code, the slots */
    long reps = s->reps > 0 ? s->reps : calibrate(b, construct, s->min_time);
    take_samples(b, s, construct, reps, buf, buf + s->samples, buf + 2 * s->samples);
    summarise(buf, buf + s->samples, buf + 2 * s->samples, s->samples, out);
    free(buf);
    out->reps = reps;
    out->executions = executions(b, construct, reps);
    out->samples = s->samples;
    if (b->lost) {
        snprintf(err, errlen, "%s: %lld updates were lost (the OpenMP runtime is broken)",
                 overhead_construct_name(construct), b->lost);
        return -1;
    }
    return 0;
}

int overhead_measure(const struct overhead_settings *s, int construct, int threads, int schedule,
                     int chunk, struct overhead_point *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    out->construct = construct;
    out->threads = threads;
    out->oversubscribed = threads > s->cpus;
    out->schedule = construct == OVERHEAD_SCHEDULE ? schedule : -1;
    out->chunk = construct == OVERHEAD_SCHEDULE ? chunk : 0;
    if (construct < 0 || construct >= OVERHEAD_NCONSTRUCTS || threads < 1 || s->samples < 1 ||
        s->iters_per_thread < 1) {
        snprintf(err, errlen, "overhead: invalid construct, threads or settings");
        return -1;
    }
    int got = team_size(threads);
    if (got != threads) {
        snprintf(err, errlen,
                 "the OpenMP runtime gave a team of %d threads instead of %d (OMP_THREAD_LIMIT?)",
                 got, threads);
        return -1;
    }
    if (construct == OVERHEAD_SCHEDULE)
        omp_set_schedule(sweep_omp_kind(schedule), chunk);
    struct bench b = {
        .steps = s->delay_steps, .threads = threads, .iters_per_thread = s->iters_per_thread};
    b.slot = aligned_alloc(64, (size_t)threads * sizeof *b.slot);
    if (!b.slot) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int t = 0; t < threads; t++)
        b.slot[t].v = 1.0;
    int rc = measure_with(&b, s, construct, out, err, errlen);
    double sum = 0.0;
    for (int t = 0; t < threads; t++)
        sum += b.slot[t].v;
    overhead_sink = sum;
    free(b.slot);
    return rc;
}
