/* Kernels against their serial references, on fresh random inputs, at 1, 2, 3 and 7 threads
 * (7 > the development machine's 2 cores), with every schedule and several chunks; and the
 * promise of the design: each parallel variant gives the same bits at every setting. */
#include "expsum.h"
#include "fill.h"
#include "kernel.h"
#include "reduce.h"
#include "spline_expsum.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const int thread_counts[] = {1, 2, 3, 7};
static const omp_sched_t kinds[] = {omp_sched_static, omp_sched_dynamic, omp_sched_guided};
static const int chunks[] = {0, 1, 7, 1000};

#define NTHREADS (sizeof thread_counts / sizeof thread_counts[0])
#define NKINDS   (sizeof kinds / sizeof kinds[0])
#define NCHUNKS  (sizeof chunks / sizeof chunks[0])

static double rel_diff(double a, double b) {
    return fabs(a - b) / fabs(b);
}

Test(reduce, pairwise_sums_integers_exactly) {
    double v[1000];
    for (int n = 0; n <= 1000; n += 37) {
        for (int i = 0; i < n; i++)
            v[i] = (double)(i + 1);
        cr_assert_eq(reduce_pairwise(v, (size_t)n), n * (n + 1) / 2.0, "n=%d", n);
    }
}

Test(reduce, blocked_sum_same_bits_at_any_thread_count) {
    uint64_t seed = fresh_seed();
    size_t n = 5 * REDUCE_BLOCK + 77;
    double *v = malloc(n * sizeof *v), *scratch = malloc(8 * sizeof *scratch);
    omp_set_schedule(omp_sched_static, 0);
    fill_uniform_array(v, n, -1.0, 1.0, seed, 3);
    omp_set_num_threads(1);
    double first = reduce_blocked_sum(v, n, scratch);
    double exact = 0.0;
    for (size_t i = 0; i < n; i++)
        exact += (long double)v[i];
    cr_assert(fabs(first - exact) < 1e-12, "seed %llu", (unsigned long long)seed);
    for (size_t t = 0; t < NTHREADS; t++) {
        omp_set_num_threads(thread_counts[t]);
        cr_assert(same_bits(reduce_blocked_sum(v, n, scratch), first), "threads %d seed %llu",
                  thread_counts[t], (unsigned long long)seed);
    }
    free(v);
    free(scratch);
}

Test(reduce, kahan_recovers_small_terms) {
    struct reduce_kahan k = {0.0, 0.0};
    reduce_kahan_add(&k, 1.0);
    for (int i = 0; i < 1000; i++)
        reduce_kahan_add(&k, 1e-16);
    cr_assert(fabs(reduce_kahan_value(&k) - (1.0 + 1e-13)) < 1e-16);
}

Test(fill, same_values_whatever_the_threads_and_schedule) {
    uint64_t seed = fresh_seed();
    size_t n = 10007;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    omp_set_num_threads(1);
    omp_set_schedule(omp_sched_static, 0);
    fill_uniform_array(a, n, 0.0, 50.0, seed, 1);
    omp_set_num_threads(7);
    omp_set_schedule(omp_sched_dynamic, 13);
    fill_uniform_array(b, n, 0.0, 50.0, seed, 1);
    cr_assert_arr_eq(a, b, n * sizeof *a);
    double mean = 0.0;
    for (size_t i = 0; i < n; i++) {
        cr_assert(a[i] >= 0.0 && a[i] < 50.0);
        mean += a[i] / (double)n;
    }
    cr_assert(fabs(mean - 25.0) < 1.0, "mean %g of uniform [0, 50)", mean);
    fill_uniform_array(b, n, 0.0, 50.0, seed, 2);
    cr_assert(memcmp(a, b, n * sizeof *a) != 0, "streams 1 and 2 must differ");
    free(a);
    free(b);
}

Test(expsum, blocked_matches_reference_and_keeps_its_bits) {
    uint64_t seed = fresh_seed();
    size_t n = 37 * REDUCE_BLOCK + 501;
    size_t nb = reduce_block_count(n, REDUCE_BLOCK);
    double *a = malloc(n * sizeof *a), *scratch = malloc(nb * sizeof *scratch);
    omp_set_schedule(omp_sched_static, 0);
    fill_uniform_array(a, n, -3.0, 3.0, seed, 0);
    double ref = expsum_ref(a, n);
    omp_set_num_threads(1);
    double first = expsum_blocked(a, n, scratch);
    cr_assert(rel_diff(first, ref) < 1e-12, "blocked %.17g ref %.17g seed %llu", first, ref,
              (unsigned long long)seed);
    for (size_t t = 0; t < NTHREADS; t++)
        for (size_t k = 0; k < NKINDS; k++)
            for (size_t c = 0; c < NCHUNKS; c++) {
                omp_set_num_threads(thread_counts[t]);
                omp_set_schedule(kinds[k], chunks[c]);
                double s = expsum_blocked(a, n, scratch);
                cr_assert(same_bits(s, first), "threads %d kind %d chunk %d seed %llu",
                          thread_counts[t], (int)kinds[k], chunks[c], (unsigned long long)seed);
            }
    free(a);
    free(scratch);
}

Test(expsum, nan_and_empty_inputs) {
    double a[3] = {0.0, NAN, 1.0}, scratch[1];
    cr_assert(isnan(expsum_ref(a, 3)));
    cr_assert(isnan(expsum_blocked(a, 3, scratch)));
    cr_assert_eq(expsum_ref(a, 0), 0.0);
    cr_assert_eq(expsum_blocked(a, 0, scratch), 0.0);
    double one = 0.0;
    cr_assert_eq(expsum_blocked(&one, 1, scratch), 1.0);
}

/* Splines on the grid 0..grid-1 with z from the seed, and scattered points in [-1, grid]
 * (a margin outside the box, to exercise clamping). */
struct spline_case {
    struct spline2d *splines;
    size_t nsplines, npoints;
    double *x, *y, *r, *scratch;
    struct spline_expsum_table table;
};

static void make_case(struct spline_case *c, size_t nsplines, size_t grid, int degree,
                      size_t npoints, uint64_t seed) {
    double *axis = malloc(grid * sizeof *axis), *z = malloc(grid * grid * sizeof *z);
    for (size_t i = 0; i < grid; i++)
        axis[i] = (double)i;
    c->nsplines = nsplines;
    c->npoints = npoints;
    c->splines = calloc(nsplines, sizeof *c->splines);
    for (size_t k = 0; k < nsplines; k++) {
        for (size_t i = 0; i < grid * grid; i++)
            z[i] = fill_uniform01(seed, 10 + k, i);
        cr_assert_eq(
            spline2d_fit(&c->splines[k], axis, grid, axis, grid, z, grid * grid, degree, degree),
            0);
    }
    cr_assert_eq(spline_expsum_table_init(&c->table, c->splines, nsplines), 0);
    size_t nb = reduce_block_count(npoints, REDUCE_BLOCK);
    c->x = malloc(npoints * sizeof *c->x);
    c->y = malloc(npoints * sizeof *c->y);
    c->r = malloc(npoints * sizeof *c->r);
    c->scratch = malloc((nsplines * (nb + 1) + nb) * sizeof *c->scratch);
    omp_set_schedule(omp_sched_static, 0);
    fill_uniform_array(c->x, npoints, -1.0, (double)grid, seed, 0);
    fill_uniform_array(c->y, npoints, -1.0, (double)grid, seed, 1);
    free(axis);
    free(z);
}

static void free_case(struct spline_case *c) {
    spline_expsum_table_free(&c->table);
    for (size_t k = 0; k < c->nsplines; k++)
        spline2d_free(&c->splines[k]);
    free(c->splines);
    free(c->x);
    free(c->y);
    free(c->r);
    free(c->scratch);
}

/* Both parallel ways against the reference at every setting, and bit-identical to themselves. */
static void check_spline_case(size_t nsplines, size_t grid, int degree, size_t npoints) {
    uint64_t seed = fresh_seed();
    struct spline_case c;
    make_case(&c, nsplines, grid, degree, npoints, seed);
    double ref = spline_expsum_ref(c.splines, nsplines, c.x, c.y, npoints);
    omp_set_num_threads(1);
    double by_point = spline_expsum_by_point(&c.table, c.x, c.y, npoints, c.r, c.scratch);
    double by_spline = spline_expsum_by_spline(c.splines, nsplines, c.x, c.y, npoints, c.scratch);
    cr_assert(rel_diff(by_point, ref) < 1e-12, "degree %d by_point %.17g ref %.17g seed %llu",
              degree, by_point, ref, (unsigned long long)seed);
    cr_assert(rel_diff(by_spline, ref) < 1e-12, "degree %d by_spline %.17g ref %.17g seed %llu",
              degree, by_spline, ref, (unsigned long long)seed);
    for (size_t t = 0; t < NTHREADS; t++) {
        omp_set_num_threads(thread_counts[t]);
        cr_assert(
            same_bits(spline_expsum_by_spline(c.splines, nsplines, c.x, c.y, npoints, c.scratch),
                      by_spline),
            "by_spline threads %d seed %llu", thread_counts[t], (unsigned long long)seed);
        for (size_t k = 0; k < NKINDS; k++)
            for (size_t ch = 0; ch < NCHUNKS; ch++) {
                omp_set_schedule(kinds[k], chunks[ch]);
                double s = spline_expsum_by_point(&c.table, c.x, c.y, npoints, c.r, c.scratch);
                cr_assert(same_bits(s, by_point), "by_point threads %d kind %d chunk %d seed %llu",
                          thread_counts[t], (int)kinds[k], chunks[ch], (unsigned long long)seed);
            }
    }
    free_case(&c);
}

Test(spline_expsum, degree1_uniform_grid) {
    check_spline_case(50, 50, 1, 3 * REDUCE_BLOCK + 11);
}

Test(spline_expsum, every_degree_and_odd_spline_counts) {
    for (int degree = 1; degree <= 5; degree++)
        check_spline_case(degree == 3 ? 9 : 3, 12, degree, REDUCE_BLOCK + 300);
}

Test(spline_expsum, one_point_one_spline) {
    check_spline_case(1, 2, 1, 1);
}

Test(spline_expsum, uniform_fast_path_agrees_with_general_path) {
    struct spline_case c;
    uint64_t seed = fresh_seed();
    make_case(&c, 17, 30, 1, 4000, seed);
    cr_assert_eq(c.table.uniform_bilinear, 1, "a 0..29 grid is uniform");
    omp_set_num_threads(2);
    double fast = spline_expsum_by_point(&c.table, c.x, c.y, c.npoints, c.r, c.scratch);
    c.table.uniform_bilinear = 0;
    double general = spline_expsum_by_point(&c.table, c.x, c.y, c.npoints, c.r, c.scratch);
    cr_assert(rel_diff(fast, general) < 1e-13, "fast %.17g general %.17g seed %llu", fast, general,
              (unsigned long long)seed);
    free_case(&c);
}

Test(spline_expsum, table_rejects_splines_on_other_knots) {
    double x[4] = {0, 1, 2, 3}, x2[4] = {0, 1, 2.5, 3}, z[16] = {0};
    struct spline2d s[2];
    struct spline_expsum_table t;
    cr_assert_eq(spline2d_fit(&s[0], x, 4, x, 4, z, 16, 1, 1), 0);
    cr_assert_eq(spline2d_fit(&s[1], x2, 4, x, 4, z, 16, 1, 1), 0);
    cr_assert_eq(spline_expsum_table_init(&t, s, 2), SPLINE2D_ESHAPE);
    cr_assert_eq(spline_expsum_table_init(&t, s, 0), SPLINE2D_ESHAPE);
    spline2d_free(&s[0]);
    spline2d_free(&s[1]);
}

/* Through the registry: every kernel's every variant, as the driver runs it, at small sizes. */
static void run_variant(const struct kernel *k, const struct kernel_variant *v, size_t size,
                        const double *params, uint64_t seed, double *out) {
    void *state = NULL;
    cr_assert_eq(k->setup(&state, size, params, seed), 0, "%s setup", k->name);
    cr_assert_eq(v->run(state), 0, "%s/%s run", k->name, v->name);
    *out = k->checksum(state);
    k->teardown(state);
}

Test(registry, every_variant_validates_against_its_reference) {
    uint64_t seed = fresh_seed();
    for (size_t i = 0; kernel_registry[i]; i++) {
        const struct kernel *k = kernel_registry[i];
        double params[KERNEL_MAX_PARAMS];
        kernel_default_params(k, params);
        size_t size = k->small_size > 0 ? (size_t)k->small_size : 5000;
        double ref, got;
        omp_set_num_threads(1);
        run_variant(k, &k->variants[0], size, params, seed, &ref);
        cr_assert(isfinite(ref), "%s ref checksum", k->name);
        if (k->expected) {
            void *state = NULL;
            cr_assert_eq(k->setup(&state, size, params, seed), 0);
            double e = k->expected(state);
            k->teardown(state);
            cr_assert(fabs(e - ref) <= k->tolerance * fabs(ref), "%s expected %.17g vs ref %.17g",
                      k->name, e, ref);
        }
        for (size_t v = 1; k->variants[v].name; v++)
            for (size_t t = 0; t < NTHREADS; t++) {
                omp_set_num_threads(thread_counts[t]);
                omp_set_schedule(omp_sched_dynamic, 3);
                run_variant(k, &k->variants[v], size, params, seed, &got);
                cr_assert(fabs(got - ref) <= k->tolerance * fabs(ref),
                          "%s/%s threads %d: %.17g vs ref %.17g (seed %llu)", k->name,
                          k->variants[v].name, thread_counts[t], got, ref,
                          (unsigned long long)seed);
            }
    }
}

Test(registry, lookups_and_descriptors_are_consistent) {
    cr_assert_not_null(kernel_find("spline_expsum"));
    cr_assert_not_null(kernel_find("expsum"));
    cr_assert_null(kernel_find("nope"));
    for (size_t i = 0; kernel_registry[i]; i++) {
        const struct kernel *k = kernel_registry[i];
        cr_assert(kernel_variant_count(k) >= 2, "%s needs a reference and a variant", k->name);
        cr_assert(kernel_param_count(k) <= KERNEL_MAX_PARAMS, "%s: more than %d parameters",
                  k->name, KERNEL_MAX_PARAMS);
        cr_assert(k->variants[0].flags & VARIANT_SERIAL, "%s: [0] must be the serial ref", k->name);
        cr_assert_eq(kernel_find_variant(k, k->variants[0].name), &k->variants[0]);
        for (size_t p = 0; p < kernel_param_count(k); p++) {
            cr_assert_eq(kernel_param_index(k, k->params[p].name), (int)p);
            cr_assert(k->params[p].min <= k->params[p].def && k->params[p].def <= k->params[p].max);
        }
        double params[KERNEL_MAX_PARAMS];
        kernel_default_params(k, params);
        struct kernel_work w;
        k->work((size_t)k->default_size, params, &w);
        /* flops may be 0 (copy, the integer loop); bytes never are (arrays are read). */
        cr_assert(w.items > 0 && w.bytes > 0 && w.flops >= 0 && w.iterations > 0, "%s", k->name);
        cr_assert(k->ref_max_size <= 0 || k->expected, "%s: ref_max_size needs expected()",
                  k->name);
        cr_assert(k->small_size <= 0 || k->small_size >= k->min_size, "%s", k->name);
        cr_assert(w.iteration_bytes > 0 && w.iteration_size > 0, "%s", k->name);
    }
    cr_assert_eq(kernel_param_index(kernel_find("spline_expsum"), "degree"), 2);
    cr_assert_eq(kernel_param_index(kernel_find("spline_expsum"), "nope"), -1);
}
