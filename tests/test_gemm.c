/* gemm: every variant against the triple-loop reference elementwise within the rounding
 * bound, at small odd sizes and shapes, thread counts 1, 2, 3, 7, every schedule, several
 * chunks and inner team sizes; gemm_omp's bits independent of all of those (and equal to the
 * nested variant's); the checksum against its O(n^2) prediction; NaN rows; the errors. */
#include "fill.h"
#include "gemm.h"
#include "kernel.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const int thread_counts[] = {1, 2, 3, 7};
static const omp_sched_t kinds[] = {omp_sched_static, omp_sched_dynamic, omp_sched_guided};
static const int chunks[] = {0, 1, 7, 1000};
static const int inners[] = {1, 2, 3};

#define NTHREADS (sizeof thread_counts / sizeof thread_counts[0])
#define NKINDS   (sizeof kinds / sizeof kinds[0])
#define NCHUNKS  (sizeof chunks / sizeof chunks[0])
#define NINNERS  (sizeof inners / sizeof inners[0])

/* One product's operands, the reference result and the elementwise error allowance. */
struct problem {
    size_t m, n, k;
    double *a, *b, *c, *ref, *bound;
};

/* Signed inputs in [-1, 1): C's elements cancel, so the allowance is relative to |A||B|.
 * Any order of summation leaves each element within gamma_k (|A||B|)_ij of the exact one
 * (Higham, ch. 3), so two products differ by at most 2 gamma_k (|A||B|)_ij. */
static void make_problem(struct problem *p, size_t m, size_t n, size_t k, uint64_t seed) {
    *p = (struct problem){m,
                          n,
                          k,
                          malloc(m * k * sizeof(double)),
                          malloc(k * n * sizeof(double)),
                          malloc(m * n * sizeof(double)),
                          malloc(m * n * sizeof(double)),
                          malloc(m * n * sizeof(double))};
    cr_assert(p->a && p->b && p->c && p->ref && p->bound);
    omp_set_schedule(omp_sched_static, 0);
    fill_uniform_array(p->a, m * k, -1.0, 1.0, seed, 0);
    fill_uniform_array(p->b, k * n, -1.0, 1.0, seed, 1);
    cr_assert_eq(gemm_ref(m, n, k, p->a, p->b, p->ref), 0);
    double *abs_a = malloc(m * k * sizeof(double)), *abs_b = malloc(k * n * sizeof(double));
    cr_assert(abs_a && abs_b);
    for (size_t i = 0; i < m * k; i++)
        abs_a[i] = fabs(p->a[i]);
    for (size_t i = 0; i < k * n; i++)
        abs_b[i] = fabs(p->b[i]);
    cr_assert_eq(gemm_ref(m, n, k, abs_a, abs_b, p->bound), 0);
    double u = DBL_EPSILON / 2, gamma = (double)k * u / (1.0 - (double)k * u);
    for (size_t i = 0; i < m * n; i++) /* (1 + 2 k u): |A||B| itself was rounded */
        p->bound[i] *= 2.0 * gamma * (1.0 + 2.0 * gamma);
    free(abs_a);
    free(abs_b);
}

static void free_problem(struct problem *p) {
    free(p->a);
    free(p->b);
    free(p->c);
    free(p->ref);
    free(p->bound);
}

static void check_against_ref(const struct problem *p, const char *what, int threads, int inner,
                              uint64_t seed) {
    for (size_t i = 0; i < p->m * p->n; i++)
        cr_assert(fabs(p->c[i] - p->ref[i]) <= p->bound[i],
                  "%s %zux%zux%zu threads %d inner %d: C[%zu] %.17g ref %.17g bound %g (seed "
                  "%llu)",
                  what, p->m, p->n, p->k, threads, inner, i, p->c[i], p->ref[i], p->bound[i],
                  (unsigned long long)seed);
}

/* Fills C with a value no variant produces, so that a missed element shows. */
static void poison(struct problem *p) {
    for (size_t i = 0; i < p->m * p->n; i++)
        p->c[i] = 1e300;
}

static void check_shape(size_t m, size_t n, size_t k, uint64_t seed) {
    struct problem p;
    make_problem(&p, m, n, k, seed);
    double *first = malloc(m * n * sizeof(double));
    cr_assert(first);
    omp_set_num_threads(1);
    omp_set_schedule(omp_sched_static, 0);
    poison(&p);
    cr_assert_eq(gemm_omp(m, n, k, p.a, p.b, p.c), 0);
    check_against_ref(&p, "omp", 1, 0, seed);
    memcpy(first, p.c, m * n * sizeof(double));
    for (size_t t = 0; t < NTHREADS; t++) {
        int threads = thread_counts[t];
        omp_set_num_threads(threads);
        /* gemm_omp: the same bits at every schedule and chunk (each element's sum is in a
         * fixed order whichever thread owns its tile). */
        for (size_t ki = 0; ki < NKINDS; ki++)
            for (size_t c = 0; c < NCHUNKS; c++) {
                omp_set_schedule(kinds[ki], chunks[c]);
                poison(&p);
                cr_assert_eq(gemm_omp(m, n, k, p.a, p.b, p.c), 0);
                cr_assert_arr_eq(p.c, first, m * n * sizeof(double),
                                 "omp %zux%zux%zu threads %d kind %d chunk %d (seed %llu)", m, n, k,
                                 threads, (int)kinds[ki], chunks[c], (unsigned long long)seed);
            }
        omp_set_schedule(omp_sched_dynamic, 3);
        poison(&p);
        cr_assert_eq(gemm_blas(m, n, k, p.a, p.b, p.c), 0);
        check_against_ref(&p, "blas", threads, 0, seed);
        for (size_t in = 0; in < NINNERS; in++) {
            omp_set_num_threads(threads);
            poison(&p);
            cr_assert_eq(gemm_blas_in_omp(m, n, k, p.a, p.b, p.c, inners[in]), 0);
            check_against_ref(&p, "blas_in_omp", threads, inners[in], seed);
            omp_set_num_threads(threads);
            poison(&p);
            cr_assert_eq(gemm_omp_in_omp(m, n, k, p.a, p.b, p.c, inners[in]), 0);
            cr_assert_arr_eq(p.c, first, m * n * sizeof(double),
                             "omp_in_omp %zux%zux%zu threads %d inner %d (seed %llu)", m, n, k,
                             threads, inners[in], (unsigned long long)seed);
            cr_assert_eq(omp_get_max_active_levels() >= 1, 1);
        }
    }
    free(first);
    free_problem(&p);
}

Test(gemm, square_odd_sizes_every_variant_and_setting) {
    uint64_t seed = fresh_seed();
    const size_t sizes[] = {1, 7, 33, 96, 130};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        check_shape(sizes[s], sizes[s], sizes[s], seed + s);
}

/* Shapes that cross the blocking: k above GEMM_KC (several k-blocks), n above GEMM_NC (two
 * column tiles), m above GEMM_MC, and m below the outer thread count. */
Test(gemm, rectangular_shapes_across_the_blocking) {
    uint64_t seed = fresh_seed();
    check_shape(13, 37, GEMM_KC + 45, seed);
    check_shape(GEMM_MC + 5, GEMM_NC + 17, 3, seed + 1);
    check_shape(2, 200, 17, seed + 2);
}

Test(gemm, nested_variants_restore_the_max_active_levels) {
    double a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4];
    omp_set_max_active_levels(1);
    omp_set_num_threads(2);
    cr_assert_eq(gemm_omp_in_omp(2, 2, 2, a, b, c, 2), 0);
    cr_assert_eq(omp_get_max_active_levels(), 1);
    cr_assert_eq(gemm_blas_in_omp(2, 2, 2, a, b, c, 2), 0);
    cr_assert_eq(omp_get_max_active_levels(), 1);
    cr_assert_arr_eq(c, a, sizeof a, "A times the identity");
}

/* A NaN in A[r][q] reaches every element of row r of C and no other row. */
Test(gemm, nan_in_a_row_of_a_gives_nan_in_that_row_of_c) {
    uint64_t seed = fresh_seed();
    size_t n = 45, r = seed % n, q = (seed >> 8) % n;
    struct problem p;
    make_problem(&p, n, n, n, seed);
    p.a[r * n + q] = NAN;
    int (*plain[])(size_t, size_t, size_t, const double *, const double *,
                   double *) = {gemm_ref, gemm_omp, gemm_blas};
    int (*nested[])(size_t, size_t, size_t, const double *, const double *, double *,
                    int) = {gemm_blas_in_omp, gemm_omp_in_omp};
    omp_set_num_threads(3);
    for (size_t v = 0; v < 5; v++) {
        poison(&p);
        if (v < 3)
            cr_assert_eq(plain[v](n, n, n, p.a, p.b, p.c), 0);
        else
            cr_assert_eq(nested[v - 3](n, n, n, p.a, p.b, p.c, 2), 0);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                cr_assert(isnan(p.c[i * n + j]) == (i == r), "variant %zu: C[%zu][%zu] = %g", v, i,
                          j, p.c[i * n + j]);
    }
    free_problem(&p);
}

/* Through the registry, as the driver runs it: the checksum of every variant against the
 * reference's and against expected() (w^T (A (B v)) in O(n^2)), within the tolerance. */
Test(gemm, checksum_agrees_with_its_prediction) {
    const struct kernel *k = kernel_find("gemm");
    cr_assert_not_null(k);
    uint64_t seed = fresh_seed();
    const size_t sizes[] = {1, 33, 200};
    double params[1] = {2};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        void *state;
        omp_set_num_threads(2);
        omp_set_schedule(omp_sched_guided, 1);
        cr_assert_eq(k->setup(&state, sizes[s], params, seed), 0);
        double expected = k->expected(state);
        cr_assert_eq(k->variants[0].run(state), 0);
        double ref = k->checksum(state);
        cr_assert(fabs(ref - expected) <= k->tolerance * expected, "n %zu: ref %.17g exp %.17g",
                  sizes[s], ref, expected);
        for (size_t v = 1; k->variants[v].name; v++) {
            cr_assert_eq(k->variants[v].run(state), 0);
            double got = k->checksum(state);
            cr_assert(fabs(got - ref) <= k->tolerance * ref, "%s n %zu: %.17g vs ref %.17g",
                      k->variants[v].name, sizes[s], got, ref);
            cr_assert(fabs(got - expected) <= k->tolerance * expected,
                      "%s n %zu: %.17g vs expected %.17g", k->variants[v].name, sizes[s], got,
                      expected);
        }
        k->teardown(state);
    }
}

/* The checksum is w^T C v for the documented w and v, recomputed here from the same streams
 * of the seed in long double. */
Test(gemm, checksum_is_w_c_v) {
    const struct kernel *k = kernel_find("gemm");
    void *state;
    double params[1] = {1};
    omp_set_num_threads(1);
    cr_assert_eq(k->setup(&state, 3, params, 42), 0);
    cr_assert_eq(k->variants[0].run(state), 0);
    double got = k->checksum(state);
    /* Rebuild the same inputs: A, B, w, v are streams 0..3 of the seed (see gemm_kernel.c). */
    double a[9], b[9], c[9], w[3], v[3];
    fill_uniform_array(a, 9, 0.0, 1.0, 42, 0);
    fill_uniform_array(b, 9, 0.0, 1.0, 42, 1);
    fill_uniform_array(w, 3, 0.5, 1.5, 42, 2);
    fill_uniform_array(v, 3, 0.5, 1.5, 42, 3);
    cr_assert_eq(gemm_ref(3, 3, 3, a, b, c), 0);
    long double s = 0.0L;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            s += (long double)w[i] * c[i * 3 + j] * v[j];
    cr_assert(fabsl(got - s) <= 1e-15L * s, "checksum %.17g direct %.17Lg", got, s);
    k->teardown(state);
}

/* ---- the nesting experiment: how many threads OpenBLAS really runs ------------------------ */

/* Threads of this process now, from /proc (-1 where unreadable). */
static int process_threads(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}

struct sampler {
    pthread_mutex_t lock;
    int stop, samples, peak;
};

static void *sample_threads(void *arg) {
    struct sampler *s = arg;
    for (;;) {
        int n = process_threads();
        pthread_mutex_lock(&s->lock);
        if (n > s->peak)
            s->peak = n;
        s->samples++;
        int stop = s->stop;
        pthread_mutex_unlock(&s->lock);
        if (stop)
            return NULL;
        usleep(100);
    }
}

/* The most threads the process had while blas_in_omp ran with `outer` threads asking for
 * `inner` each, beyond those it had before (the sampler itself excluded); the product is
 * repeated until the sampler has looked often. */
static int extra_threads_during_blas_in_omp(int outer, int inner) {
    size_t n = 300;
    double *a = calloc(n * n, sizeof(double)), *b = calloc(n * n, sizeof(double)),
           *c = calloc(n * n, sizeof(double));
    cr_assert(a && b && c);
    omp_set_num_threads(outer);
    cr_assert_eq(gemm_blas_in_omp(n, n, n, a, b, c, inner), 0); /* teams created once */
    int before = process_threads();
    struct sampler s = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0};
    pthread_t tid;
    cr_assert_eq(pthread_create(&tid, NULL, sample_threads, &s), 0);
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int done = 0; !done;) {
        omp_set_num_threads(outer);
        cr_assert_eq(gemm_blas_in_omp(n, n, n, a, b, c, inner), 0);
        clock_gettime(CLOCK_MONOTONIC, &t);
        pthread_mutex_lock(&s.lock);
        done = s.samples >= 200 || t.tv_sec - t0.tv_sec > 5;
        s.stop = done;
        pthread_mutex_unlock(&s.lock);
    }
    pthread_join(tid, NULL);
    free(a);
    free(b);
    free(c);
    return s.peak - 1 - before;
}

/* What docs/blas.md reports for the OpenMP build of OpenBLAS: inside an active parallel
 * region (two or more outer threads) it runs one thread per call whatever `inner` asks; under
 * a one-thread outer team (inactive) it follows omp_get_max_threads() and opens `inner`. */
Test(gemm, blas_in_omp_runs_the_threads_docs_blas_md_reports) {
    if (process_threads() < 0)
        cr_skip_test("no /proc/self/status");
    cr_assert_eq(extra_threads_during_blas_in_omp(2, 3), 0, "no nested OpenBLAS threads");
    cr_assert_eq(extra_threads_during_blas_in_omp(3, 2), 0, "no nested OpenBLAS threads");
    cr_assert_geq(extra_threads_during_blas_in_omp(1, 3), 1, "one outer thread: OpenBLAS's team");
}

Test(gemm, bad_arguments_give_einval_and_write_nothing) {
    double a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {1, 1, 1, 1, 1, 1}, c[4] = {-1, -1, -1, -1};
    int (*plain[])(size_t, size_t, size_t, const double *, const double *,
                   double *) = {gemm_ref, gemm_omp, gemm_blas};
    int (*nested[])(size_t, size_t, size_t, const double *, const double *, double *,
                    int) = {gemm_blas_in_omp, gemm_omp_in_omp};
    for (size_t v = 0; v < 3; v++) {
        cr_assert_eq(plain[v](0, 2, 3, a, b, c), EINVAL, "variant %zu", v);
        cr_assert_eq(plain[v](2, 0, 3, a, b, c), EINVAL);
        cr_assert_eq(plain[v](2, 2, 0, a, b, c), EINVAL);
        cr_assert_eq(plain[v](2, 2, 3, NULL, b, c), EINVAL);
        cr_assert_eq(plain[v](2, 2, 3, a, NULL, c), EINVAL);
        cr_assert_eq(plain[v](2, 2, 3, a, b, NULL), EINVAL);
        cr_assert_eq(plain[v](2, 2, 3, a, b, a), EINVAL, "C overlapping A");
        cr_assert_eq(plain[v](2, 2, 3, a, b, b + 1), EINVAL, "C overlapping B");
        cr_assert_eq(plain[v](SIZE_MAX / 2, 4, 3, a, b, c), EINVAL, "m n overflows");
    }
    for (size_t v = 0; v < 2; v++) {
        cr_assert_eq(nested[v](2, 2, 3, a, b, c, 0), EINVAL, "inner 0");
        cr_assert_eq(nested[v](2, 2, 3, a, b, c, -3), EINVAL);
        cr_assert_eq(nested[v](0, 2, 3, a, b, c, 1), EINVAL);
        cr_assert_eq(nested[v](2, 2, 3, a, b, a + 2, 1), EINVAL);
    }
    /* cblas takes int dimensions: larger ones are refused before anything is read. */
    cr_assert_eq(gemm_blas((size_t)INT_MAX + 1, 1, 1, a, b, c), EINVAL);
    cr_assert_eq(gemm_blas_in_omp(1, (size_t)INT_MAX + 1, 1, a, b, c, 1), EINVAL);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(c[i], -1.0, "nothing written on error");
    cr_assert_eq(gemm_omp(2, 2, 3, a, b, c), 0);
    double want[4] = {6, 6, 15, 15};
    cr_assert_arr_eq(c, want, sizeof want);
    cr_assert_eq(gemm_tile_count(1, 1), 1);
    cr_assert_eq(gemm_tile_count(GEMM_MC + 1, GEMM_NC), 2);
    cr_assert_eq(gemm_tile_count(GEMM_MC, 2 * GEMM_NC + 1), 3);
}
