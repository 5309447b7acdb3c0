/* dot: the compensated reference against exact arithmetic on ill-conditioned inputs, the
 * parallel kernel against the reference within its rounding bound and with the same bits at
 * every thread count, schedule and chunk, OpenBLAS within its (looser) bound, NaN and Inf,
 * and the errors. Fresh inputs every run (the seed is printed on failure). */
#include "dot.h"
#include "fill.h"
#include "kernel.h"
#include "reduce.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
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

static const double unit_roundoff = DBL_EPSILON / 2;

/* gamma_d = d u / (1 - d u): the bound on d successive roundings (Higham, ch. 3). */
static double gamma_n(double d) {
    return d * unit_roundoff / (1.0 - d * unit_roundoff);
}

static double abs_dot(const double *x, const double *y, size_t n) {
    long double s = 0.0L;
    for (size_t i = 0; i < n; i++)
        s += fabsl((long double)x[i] * y[i]);
    return (double)s;
}

/* Roundings a product meets in dot_omp: its lane's fma chain, the lane tree, the leaf sum
 * and the levels of the pairwise combine of the block partials. */
static double omp_roundings(size_t n) {
    size_t nblocks = reduce_block_count(n, REDUCE_BLOCK);
    return REDUCE_BLOCK / DOT_LANES + log2(DOT_LANES) + 8 + ceil(log2((double)nblocks + 1));
}

/* ---- an exact accumulator: sum of doubles as a fixed-point integer ---------------------- */

/* Bit 0 of limb 0 weighs 2^-LOW; 32-bit digits kept in int64 so carries can wait. */
enum { EXACT_LOW = 1126, EXACT_LIMBS = 70 };
struct exact_sum {
    int64_t limb[EXACT_LIMBS];
};

static void exact_add(struct exact_sum *s, double v) {
    if (v == 0.0)
        return;
    int e;
    double f = frexp(fabs(v), &e);       /* |v| = f 2^e, f in [0.5, 1) */
    uint64_t m = (uint64_t)ldexp(f, 53); /* |v| = m 2^(e - 53), exactly */
    int pos = e - 53 + EXACT_LOW, sign = v < 0 ? -1 : 1;
    int limb = pos / 32, shift = pos % 32;
    unsigned __int128 wide = (unsigned __int128)m << shift;
    for (int k = 0; k < 3 && wide; k++, wide >>= 32)
        s->limb[limb + k] += sign * (int64_t)(wide & 0xffffffffu);
}

/* x*y exactly: the rounded product and its error (TwoProduct) are both doubles. */
static void exact_add_product(struct exact_sum *s, double x, double y) {
    double p = x * y;
    exact_add(s, p);
    exact_add(s, fma(x, y, -p));
}

static void exact_carry(struct exact_sum *s) {
    for (int k = 0; k + 1 < EXACT_LIMBS; k++) {
        int64_t carry = s->limb[k] >> 32; /* floor division: the digit ends in [0, 2^32) */
        s->limb[k] -= carry * ((int64_t)1 << 32);
        s->limb[k + 1] += carry;
    }
}

/* The sum rounded to double (within a few ulps): digits normalised, the top one carrying the
 * sign; a negative sum is negated first, so that all digits are >= 0 and adding them from
 * the top cancels nothing. */
static double exact_value(const struct exact_sum *in) {
    struct exact_sum s = *in;
    double sign = 1.0;
    exact_carry(&s);
    if (s.limb[EXACT_LIMBS - 1] < 0) {
        for (int k = 0; k < EXACT_LIMBS; k++)
            s.limb[k] = -s.limb[k];
        exact_carry(&s);
        sign = -1.0;
    }
    double v = 0.0;
    for (int k = EXACT_LIMBS - 1; k >= 0; k--)
        v += ldexp((double)s.limb[k], 32 * k - EXACT_LOW);
    return sign * v;
}

static double exact_dot(const double *x, const double *y, size_t n) {
    struct exact_sum s = {{0}};
    for (size_t i = 0; i < n; i++)
        exact_add_product(&s, x[i], y[i]);
    return exact_value(&s);
}

Test(exact, accumulator_sums_known_values) {
    double x[] = {0x1p60, 1.0, -0x1p60, 0x1p-1000, 3.0, -0.5};
    double y[] = {1.0, 1.0, 1.0, 1.0, 0x1p-3, 1.0};
    cr_assert_eq(exact_dot(x, y, 6), 0.875 + 0x1p-1000);
    double a[] = {-1.0, 0x1p-60}, b[] = {1.0, 1.0};
    cr_assert_eq(exact_dot(a, b, 2), -1.0 + 0x1p-60);
    double third = 1.0 / 3.0, three = 3.0;
    /* 3 * fl(1/3) = 1 - 2^-54 exactly; the rounded product would say 1. */
    cr_assert_eq(exact_dot(&third, &three, 1), 1.0 - 0x1p-54);
}

/* ---- the compensated reference ------------------------------------------------------------ */

Test(dot, ref_is_exact_where_the_plain_sum_loses_everything) {
    double x[] = {0x1p60, 1.0, 0x1p-20, -0x1p60}, y[] = {1.0, 1.0, 1.0, 1.0};
    double r, naive = 0.0;
    for (int i = 0; i < 4; i++)
        naive += x[i] * y[i];
    cr_assert_eq(naive, 0.0, "the plain sum absorbs the small terms");
    cr_assert_eq(dot_ref(x, 4, y, 4, &r), 0);
    cr_assert_eq(r, 1.0 + 0x1p-20);
}

/* Ill-conditioned inputs after Ogita, Rump and Oishi's GenDot: the first half spans
 * exponents 0..60, the second half is built to cancel the running exact sum with shrinking
 * exponents, so the result is tiny against sum|x_i y_i|. Dot2 is bounded by
 * u |x.y| + gamma_n^2 sum|x_i y_i| (their Prop. 5.5); the plain sum loses every digit. */
static void make_ill_conditioned(double *x, double *y, size_t n, uint64_t seed, uint64_t trial) {
    struct exact_sum partial = {{0}};
    for (size_t i = 0; i < n; i++) {
        double u1 = 2.0 * fill_uniform01(seed, 4 * trial, i) - 1.0;
        double u2 = 2.0 * fill_uniform01(seed, 4 * trial + 1, i) - 1.0;
        if (i < n / 2) {
            int e = (int)floor(31.0 * fill_uniform01(seed, 4 * trial + 2, i));
            x[i] = ldexp(u1, e);
            y[i] = ldexp(u2, e);
        } else {
            int e = (int)(30.0 - 30.0 * (double)(i - n / 2) / (double)(n - n / 2 - 1));
            x[i] = ldexp(u1, e);
            y[i] = (ldexp(u2, e) - exact_value(&partial)) / x[i];
        }
        exact_add_product(&partial, x[i], y[i]);
    }
}

Test(dot, ref_meets_the_dot2_bound_on_ill_conditioned_inputs) {
    uint64_t seed = fresh_seed();
    enum { N = 100 };
    double x[N], y[N];
    int lost = 0;
    for (uint64_t trial = 0; trial < 50; trial++) {
        make_ill_conditioned(x, y, N, seed, trial);
        double exact = exact_dot(x, y, N), ref, naive = 0.0;
        for (size_t i = 0; i < N; i++)
            naive += x[i] * y[i];
        cr_assert_eq(dot_ref(x, N, y, N, &ref), 0);
        double mass = abs_dot(x, y, N), cond = mass / fabs(exact);
        double bound = unit_roundoff * fabs(exact) + gamma_n(N) * gamma_n(N) * mass;
        cr_assert(fabs(ref - exact) <= bound, "trial %d: ref %.17g exact %.17g cond %g (seed %llu)",
                  (int)trial, ref, exact, cond, (unsigned long long)seed);
        /* Where the condition exceeds 1/u the plain sum keeps no correct digit. */
        if (cond > 1e17 && fabs(naive - exact) > fabs(exact))
            lost++;
    }
    cr_assert(lost >= 25, "only %d of 50 cases defeated the plain sum (seed %llu)", lost,
              (unsigned long long)seed);
}

/* ---- the parallel kernel and OpenBLAS ------------------------------------------------------ */

struct vectors {
    double *x, *y, *scratch;
    size_t n;
};

/* Mean-zero inputs (harder than the driver's [-1, 2)): x . y ~ sqrt(n), sum|x_i y_i| ~ n/4. */
static struct vectors make_vectors(size_t n, uint64_t seed) {
    struct vectors v = {malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                        malloc(dot_scratch_count(n) * sizeof(double)), n};
    cr_assert(v.x && v.y && v.scratch);
    omp_set_schedule(omp_sched_static, 0);
    fill_uniform_array(v.x, n, -1.0, 1.0, seed, 0);
    fill_uniform_array(v.y, n, -1.0, 1.0, seed, 1);
    return v;
}

static void free_vectors(struct vectors *v) {
    free(v->x);
    free(v->y);
    free(v->scratch);
}

static const size_t odd_sizes[] = {
    1, 2, 7, 63, 64, 65, 1023, 1024, 1025, 4096, 37 * REDUCE_BLOCK + 501};

Test(dot, omp_within_its_bound_and_same_bits_everywhere) {
    uint64_t seed = fresh_seed();
    for (size_t s = 0; s < sizeof odd_sizes / sizeof odd_sizes[0]; s++) {
        size_t n = odd_sizes[s];
        struct vectors v = make_vectors(n, seed + s);
        double ref, first, got;
        cr_assert_eq(dot_ref(v.x, n, v.y, n, &ref), 0);
        omp_set_num_threads(1);
        cr_assert_eq(dot_omp(v.x, n, v.y, n, v.scratch, &first), 0);
        /* ref is within u|x.y| + gamma_n^2 mass of exact: part of the allowance. */
        double mass = abs_dot(v.x, v.y, n);
        double bound = gamma_n(omp_roundings(n)) * mass + 2 * unit_roundoff * fabs(ref);
        cr_assert(fabs(first - ref) <= bound, "n %zu: omp %.17g ref %.17g bound %g (seed %llu)", n,
                  first, ref, bound, (unsigned long long)seed);
        cr_assert(same_bits(first, dot_block(v.x, v.y, n)) || n > REDUCE_BLOCK,
                  "one block is dot_block itself");
        for (size_t t = 0; t < NTHREADS; t++)
            for (size_t k = 0; k < NKINDS; k++)
                for (size_t c = 0; c < NCHUNKS; c++) {
                    omp_set_num_threads(thread_counts[t]);
                    omp_set_schedule(kinds[k], chunks[c]);
                    cr_assert_eq(dot_omp(v.x, n, v.y, n, v.scratch, &got), 0);
                    cr_assert(same_bits(got, first), "n %zu threads %d kind %d chunk %d seed %llu",
                              n, thread_counts[t], (int)kinds[k], chunks[c],
                              (unsigned long long)seed);
                }
        free_vectors(&v);
    }
}

/* The lanes really are separate chains: a block whose products are 1, 2^-53, 2^-53, ... in
 * lane order keeps the small terms (they meet in lane 1), where one sequential sum drops
 * every one of them. */
Test(dot, lanes_are_independent_chains) {
    double x[2 * DOT_LANES], y[2 * DOT_LANES], got;
    for (size_t i = 0; i < 2 * DOT_LANES; i++) {
        x[i] = i == 0 ? 1.0 : (i % DOT_LANES == 1 ? 0x1p-53 : 0.0);
        y[i] = 1.0;
    }
    double scratch[1];
    cr_assert_eq(dot_omp(x, 2 * DOT_LANES, y, 2 * DOT_LANES, scratch, &got), 0);
    cr_assert_eq(got, 1.0 + 0x1p-52, "got %a", got);
}

/* OpenBLAS's SkylakeX and Haswell kernels keep at least 16 lanes per thread over the whole
 * range, then add the threads' partials: at most n/16 + 100 roundings a product. */
Test(dot, blas_within_its_looser_bound) {
    uint64_t seed = fresh_seed();
    const size_t sizes[] = {1, 1000, 10001, 200000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        struct vectors v = make_vectors(n, seed + s);
        double ref, got;
        cr_assert_eq(dot_ref(v.x, n, v.y, n, &ref), 0);
        double bound =
            gamma_n((double)n / 16 + 100) * abs_dot(v.x, v.y, n) + 2 * unit_roundoff * fabs(ref);
        for (size_t t = 0; t < NTHREADS; t++) {
            omp_set_num_threads(thread_counts[t]);
            cr_assert_eq(dot_blas(v.x, n, v.y, n, &got), 0);
            cr_assert(fabs(got - ref) <= bound,
                      "n %zu threads %d: blas %.17g ref %.17g bound %g (seed %llu)", n,
                      thread_counts[t], got, ref, bound, (unsigned long long)seed);
        }
        free_vectors(&v);
    }
}

/* The driver's inputs ([-1, 2)) through the registry at a few sizes: every variant within
 * the kernel's tolerance of the reference (the registry test covers the default size). */
Test(dot, registry_variants_within_tolerance) {
    const struct kernel *k = kernel_find("dot");
    cr_assert_not_null(k);
    uint64_t seed = fresh_seed();
    const size_t sizes[] = {1, 3, 1000, 65537};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        void *state;
        double ref;
        omp_set_num_threads(2);
        cr_assert_eq(k->setup(&state, sizes[s], NULL, seed), 0);
        cr_assert_eq(k->variants[0].run(state), 0);
        ref = k->checksum(state);
        for (size_t v = 1; k->variants[v].name; v++) {
            cr_assert_eq(k->variants[v].run(state), 0);
            double got = k->checksum(state);
            cr_assert(fabs(got - ref) <= k->tolerance * fabs(ref), "%s n %zu: %.17g vs %.17g",
                      k->variants[v].name, sizes[s], got, ref);
        }
        k->teardown(state);
    }
}

Test(dot, nan_and_inf_propagate) {
    uint64_t seed = fresh_seed();
    size_t n = 5000;
    struct vectors v = make_vectors(n, seed);
    double r;
    v.x[seed % n] = NAN;
    omp_set_num_threads(3);
    cr_assert_eq(dot_ref(v.x, n, v.y, n, &r), 0);
    cr_assert(isnan(r));
    cr_assert_eq(dot_omp(v.x, n, v.y, n, v.scratch, &r), 0);
    cr_assert(isnan(r));
    cr_assert_eq(dot_blas(v.x, n, v.y, n, &r), 0);
    cr_assert(isnan(r));
    v.x[seed % n] = INFINITY;
    v.y[seed % n] = 1.0;
    cr_assert_eq(dot_ref(v.x, n, v.y, n, &r), 0);
    cr_assert(isinf(r) && r > 0, "ref %g", r);
    cr_assert_eq(dot_omp(v.x, n, v.y, n, v.scratch, &r), 0);
    cr_assert(isinf(r) && r > 0, "omp %g", r);
    cr_assert_eq(dot_blas(v.x, n, v.y, n, &r), 0);
    cr_assert(isinf(r) && r > 0, "blas %g", r);
    free_vectors(&v);
}

Test(dot, bad_arguments_give_einval_and_write_nothing) {
    double x[4] = {1, 2, 3, 4}, y[4] = {1, 1, 1, 1}, scratch[1], r = -7.0;
    cr_assert_eq(dot_ref(x, 0, y, 0, &r), EINVAL);
    cr_assert_eq(dot_ref(x, 4, y, 3, &r), EINVAL);
    cr_assert_eq(dot_ref(NULL, 4, y, 4, &r), EINVAL);
    cr_assert_eq(dot_ref(x, 4, NULL, 4, &r), EINVAL);
    cr_assert_eq(dot_ref(x, 4, y, 4, NULL), EINVAL);
    cr_assert_eq(dot_omp(x, 0, y, 0, scratch, &r), EINVAL);
    cr_assert_eq(dot_omp(x, 3, y, 4, scratch, &r), EINVAL);
    cr_assert_eq(dot_omp(x, 4, y, 4, NULL, &r), EINVAL);
    cr_assert_eq(dot_omp(NULL, 4, y, 4, scratch, &r), EINVAL);
    cr_assert_eq(dot_omp(x, 4, y, 4, scratch, NULL), EINVAL);
    cr_assert_eq(dot_blas(x, 0, y, 0, &r), EINVAL);
    cr_assert_eq(dot_blas(x, 4, y, 2, &r), EINVAL);
    cr_assert_eq(dot_blas(x, 4, NULL, 4, &r), EINVAL);
    cr_assert_eq(dot_blas(x, 4, y, 4, NULL), EINVAL);
    cr_assert_eq(r, -7.0, "nothing written on error");
    cr_assert_eq(dot_ref(x, 4, y, 4, &r), 0);
    cr_assert_eq(r, 10.0);
    cr_assert_eq(dot_omp(x, 4, y, 4, scratch, &r), 0);
    cr_assert_eq(r, 10.0);
    cr_assert_eq(dot_blas(x, 4, y, 4, &r), 0);
    cr_assert_eq(r, 10.0);
    cr_assert_eq(dot_scratch_count(1), 1);
    cr_assert_eq(dot_scratch_count(REDUCE_BLOCK), 1);
    cr_assert_eq(dot_scratch_count(REDUCE_BLOCK + 1), 2);
}
