/* Tests for kernels/noise: the documented mapping from (seed, stream, index) to normals, the
 * statistics of the draws (moments, Kolmogorov-Smirnov against gsl_cdf_ugaussian_P, tail
 * frequencies), bit-identity of the OpenMP variant across threads, schedules, chunks, in place
 * and sub-ranges, omp against ref within a few ulp, independence of seeds and streams, argument
 * errors, NaN propagation, and the registered kernel's checksum and constraints.
 * Every run draws a fresh seed (printed on failure).
 */
#include "kernel.h"
#include "noise.h"
#include "philox.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* 10^7 draws: about 2 s normally, 8 s under AddressSanitizer on the development machine. */
#define STAT_N 10000000

static const int thread_counts[] = {1, 2, 3, 7, 8};
static const omp_sched_t kinds[] = {omp_sched_static, omp_sched_dynamic, omp_sched_guided};
static const int chunks[] = {0, 1, 7, 1000};

#define NTHREADS (sizeof thread_counts / sizeof thread_counts[0])
#define NKINDS   (sizeof kinds / sizeof kinds[0])
#define NCHUNKS  (sizeof chunks / sizeof chunks[0])

typedef int (*add_f64_fn)(double *, size_t, const double *, size_t, double, struct noise_source);
typedef int (*add_f32_fn)(float *, size_t, const float *, size_t, double, struct noise_source);

static const add_f64_fn all_f64[] = {noise_add_ref_f64, noise_add_f64, noise_add_gsl_f64};
static const add_f32_fn all_f32[] = {noise_add_ref_f32, noise_add_f32, noise_add_gsl_f32};
static const char *const all_names[] = {"ref", "omp", "gsl"};

static uint64_t mix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* A signal uniform in [-1, 1) from the seed. */
static double *signal_f64(size_t n, uint64_t seed) {
    double *v = malloc(n * sizeof *v);
    cr_assert_not_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = -1.0 + 2.0 * (double)(mix(seed + i) >> 11) * 0x1p-53;
    return v;
}

static float *signal_f32(size_t n, uint64_t seed) {
    float *v = malloc(n * sizeof *v);
    cr_assert_not_null(v);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(-1.0 + 2.0 * (double)(mix(seed + i) >> 11) * 0x1p-53);
    return v;
}

/* z(first .. first + n - 1) of the given variant: the noise added to a zero signal, sigma 1. */
static double *normals_f64(add_f64_fn f, size_t n, struct noise_source src) {
    double *zero = calloc(n, sizeof *zero), *z = malloc(n * sizeof *z);
    cr_assert(zero && z);
    cr_assert_eq(f(z, n, zero, n, 1.0, src), 0);
    free(zero);
    return z;
}

static double *normals_f32_as_f64(add_f32_fn f, size_t n, struct noise_source src) {
    float *zero = calloc(n, sizeof *zero), *z = malloc(n * sizeof *z);
    double *d = malloc(n * sizeof *d);
    cr_assert(zero && z && d);
    cr_assert_eq(f(z, n, zero, n, 1.0, src), 0);
    for (size_t i = 0; i < n; i++)
        d[i] = z[i];
    free(zero);
    free(z);
    return d;
}

/* ---- the documented mapping ---------------------------------------------------------------- */

/* noise.h's recipe written out again, with scalar libm. */
static double recipe_f64(uint64_t seed, uint64_t stream, uint64_t i) {
    uint64_t j = i / 4;
    struct philox4x32_ctr c = {
        {(uint32_t)j, (uint32_t)(j >> 32), (uint32_t)stream, (uint32_t)(stream >> 32)}};
    struct philox4x32_key k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    struct philox4x32_ctr x = philox4x32_10(c, k);
    int pair = (int)(i % 4) / 2;
    double ur = (double)x.v[2 * pair] * 0x1p-32 + 0x1p-33;
    double ua = (double)x.v[2 * pair + 1] * 0x1p-32 + 0x1p-33;
    double r = sqrt(-2.0 * log(ur)), a = 0x1.921fb54442d18p+2 * ua;
    return i % 2 == 0 ? r * cos(a) : r * sin(a);
}

static float recipe_f32(uint64_t seed, uint64_t stream, uint64_t i) {
    uint64_t j = i / 4;
    struct philox4x32_ctr c = {
        {(uint32_t)j, (uint32_t)(j >> 32), (uint32_t)stream, (uint32_t)(stream >> 32)}};
    struct philox4x32_key k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    struct philox4x32_ctr x = philox4x32_10(c, k);
    int pair = (int)(i % 4) / 2;
    float ur = (float)x.v[2 * pair] * 0x1p-32f + 0x1p-33f;
    float ua = (float)x.v[2 * pair + 1] * 0x1p-32f + 0x1p-33f;
    float r = sqrtf(-2.0f * logf(ur)), a = 0x1.921fb6p+2f * ua;
    return i % 2 == 0 ? r * cosf(a) : r * sinf(a);
}

Test(noise, reference_follows_the_documented_recipe) {
    uint64_t seed = fresh_seed();
    struct noise_source src = {seed, mix(seed) >> 20, (mix(seed + 1) >> 24) + 3};
    size_t n = 4099;
    double *z = normals_f64(noise_add_ref_f64, n, src);
    double *zf = normals_f32_as_f64(noise_add_ref_f32, n, src);
    for (size_t e = 0; e < n; e++) {
        double want = recipe_f64(src.seed, src.stream, src.first + e);
        float wantf = recipe_f32(src.seed, src.stream, src.first + e);
        cr_assert(z[e] == want, "f64 element %zu: %.17g, recipe %.17g (seed %llu)", e, z[e], want,
                  (unsigned long long)seed);
        cr_assert(zf[e] == (double)wantf, "f32 element %zu: %.9g, recipe %.9g (seed %llu)", e,
                  zf[e], (double)wantf, (unsigned long long)seed);
    }
    free(z);
    free(zf);
}

/* ---- statistics ---------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Checks z[0..n-1] against N(0, 1); sorts z. Each bound is five standard errors at this n
 * (mean 1/sqrt(n), variance sqrt(2/n), skewness sqrt(6/n), excess kurtosis sqrt(24/n), counts
 * beyond 3 and 4 standard deviations sqrt(n p (1 - p))), and the Kolmogorov-Smirnov distance
 * stays below its critical value at alpha = 1e-6, sqrt(-ln(alpha / 2) / 2) / sqrt(n). */
static void check_standard_normal(double *z, size_t n, const char *what, uint64_t seed) {
    double dn = (double)n;
    long double s1 = 0.0L;
    size_t beyond3 = 0, beyond4 = 0;
    for (size_t i = 0; i < n; i++) {
        cr_assert(isfinite(z[i]), "%s: element %zu not finite (seed %llu)", what, i,
                  (unsigned long long)seed);
        s1 += z[i];
        beyond3 += fabs(z[i]) > 3.0;
        beyond4 += fabs(z[i]) > 4.0;
    }
    double mean = (double)(s1 / n);
    long double m2 = 0.0L, m3 = 0.0L, m4 = 0.0L;
    for (size_t i = 0; i < n; i++) {
        long double d = z[i] - mean, d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    double var = (double)(m2 / n), skew = (double)(m3 / n) / pow(var, 1.5);
    double kurt = (double)(m4 / n) / (var * var) - 3.0;
    cr_assert(fabs(mean) < 5.0 / sqrt(dn), "%s: mean %g (n %zu seed %llu)", what, mean, n,
              (unsigned long long)seed);
    cr_assert(fabs(var - 1.0) < 5.0 * sqrt(2.0 / dn), "%s: variance %g (n %zu seed %llu)", what,
              var, n, (unsigned long long)seed);
    cr_assert(fabs(skew) < 5.0 * sqrt(6.0 / dn), "%s: skewness %g (n %zu seed %llu)", what, skew, n,
              (unsigned long long)seed);
    cr_assert(fabs(kurt) < 5.0 * sqrt(24.0 / dn), "%s: excess kurtosis %g (n %zu seed %llu)", what,
              kurt, n, (unsigned long long)seed);
    const double t[2] = {3.0, 4.0};
    const size_t count[2] = {beyond3, beyond4};
    for (int k = 0; k < 2; k++) {
        double p = 2.0 * gsl_cdf_ugaussian_Q(t[k]), expect = dn * p;
        double sd = sqrt(dn * p * (1.0 - p));
        cr_assert(fabs((double)count[k] - expect) < 5.0 * sd,
                  "%s: %zu beyond %g sigma, expected %.1f +- %.1f (seed %llu)", what, count[k],
                  t[k], expect, sd, (unsigned long long)seed);
    }
    qsort(z, n, sizeof *z, cmp_double);
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = gsl_cdf_ugaussian_P(z[i]);
        d = fmax(d, fmax(f - (double)i / dn, (double)(i + 1) / dn - f));
    }
    double critical = sqrt(-log(1e-6 / 2.0) / 2.0) / sqrt(dn);
    cr_assert(d < critical, "%s: Kolmogorov-Smirnov D %g >= %g (n %zu seed %llu)", what, d,
              critical, n, (unsigned long long)seed);
}

Test(noise_stats, omp_f64_is_standard_normal, .timeout = 120) {
    uint64_t seed = fresh_seed();
    omp_set_num_threads(2);
    omp_set_schedule(omp_sched_static, 0);
    double *z = normals_f64(noise_add_f64, STAT_N, (struct noise_source){seed, 0, 0});
    check_standard_normal(z, STAT_N, "omp f64", seed);
    free(z);
}

Test(noise_stats, omp_f32_is_standard_normal, .timeout = 60) {
    uint64_t seed = fresh_seed();
    omp_set_num_threads(2);
    omp_set_schedule(omp_sched_static, 0);
    double *z = normals_f32_as_f64(noise_add_f32, STAT_N / 10, (struct noise_source){seed, 3, 0});
    check_standard_normal(z, STAT_N / 10, "omp f32", seed);
    free(z);
}

Test(noise_stats, gsl_baseline_is_standard_normal, .timeout = 60) {
    uint64_t seed = fresh_seed();
    double *z = normals_f64(noise_add_gsl_f64, STAT_N / 10, (struct noise_source){seed, 0, 0});
    check_standard_normal(z, STAT_N / 10, "gsl f64", seed);
    free(z);
    z = normals_f32_as_f64(noise_add_gsl_f32, STAT_N / 20, (struct noise_source){seed, 1, 0});
    check_standard_normal(z, STAT_N / 20, "gsl f32", seed);
    free(z);
}

static double pearson(const double *x, const double *y, size_t n) {
    long double sx = 0, sy = 0;
    for (size_t i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
    }
    double mx = (double)(sx / n), my = (double)(sy / n);
    long double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        long double dx = x[i] - mx, dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    return (double)(sxy / sqrtl(sxx * syy));
}

/* Neighbouring keys and streams (each 32-bit word of both) give uncorrelated sequences, and a
 * sequence is uncorrelated with itself shifted by one: |r| < 5 / sqrt(n) each. */
Test(noise_stats, seeds_and_streams_are_independent) {
    uint64_t seed = fresh_seed();
    size_t n = 400000;
    double bound = 5.0 / sqrt((double)n);
    const struct noise_source base = {seed, 5, 0};
    const struct noise_source others[] = {
        {seed + 1, 5, 0},      {seed ^ (1ull << 32), 5, 0},
        {seed, 6, 0},          {seed, 5 ^ (1ull << 32), 0},
        {seed, 5, 4ull << 32},
    };
    omp_set_num_threads(2);
    double *a = normals_f64(noise_add_f64, n, base);
    double *af = normals_f32_as_f64(noise_add_f32, n, base);
    cr_assert(fabs(pearson(a, a + 1, n - 1)) < bound, "lag-1 correlation (seed %llu)",
              (unsigned long long)seed);
    for (size_t o = 0; o < sizeof others / sizeof others[0]; o++) {
        double *b = normals_f64(noise_add_f64, n, others[o]);
        double *bf = normals_f32_as_f64(noise_add_f32, n, others[o]);
        double r = pearson(a, b, n), rf = pearson(af, bf, n);
        cr_assert(fabs(r) < bound, "case %zu: f64 correlation %g >= %g (seed %llu)", o, r, bound,
                  (unsigned long long)seed);
        cr_assert(fabs(rf) < bound, "case %zu: f32 correlation %g >= %g (seed %llu)", o, rf, bound,
                  (unsigned long long)seed);
        size_t same = 0;
        for (size_t i = 0; i < n; i++)
            same += a[i] == b[i];
        cr_assert(same < 4, "case %zu: %zu equal elements (seed %llu)", o, same,
                  (unsigned long long)seed);
        free(b);
        free(bf);
    }
    free(a);
    free(af);
}

/* ---- determinism ----------------------------------------------------------------------------- */

Test(noise, omp_same_bits_at_every_thread_count_schedule_and_chunk) {
    uint64_t seed = fresh_seed();
    size_t n = 37 * NOISE_BLOCK + 501;
    struct noise_source src = {seed, seed >> 40, (1ull << 33) + seed % 5000};
    double *in = signal_f64(n, seed), *first = malloc(n * sizeof *first);
    double *out = malloc(n * sizeof *out);
    float *inf = signal_f32(n, seed), *firstf = malloc(n * sizeof *firstf);
    float *outf = malloc(n * sizeof *outf);
    omp_set_num_threads(1);
    omp_set_schedule(omp_sched_static, 0);
    cr_assert_eq(noise_add_f64(first, n, in, n, 0.3, src), 0);
    cr_assert_eq(noise_add_f32(firstf, n, inf, n, 0.3, src), 0);
    for (size_t t = 0; t < NTHREADS; t++)
        for (size_t k = 0; k < NKINDS; k++)
            for (size_t c = 0; c < NCHUNKS; c++) {
                omp_set_num_threads(thread_counts[t]);
                omp_set_schedule(kinds[k], chunks[c]);
                memset(out, 0, n * sizeof *out);
                memset(outf, 0, n * sizeof *outf);
                cr_assert_eq(noise_add_f64(out, n, in, n, 0.3, src), 0);
                cr_assert_eq(noise_add_f32(outf, n, inf, n, 0.3, src), 0);
                cr_assert(memcmp(out, first, n * sizeof *out) == 0,
                          "f64 threads %d kind %d chunk %d seed %llu", thread_counts[t],
                          (int)kinds[k], chunks[c], (unsigned long long)seed);
                cr_assert(memcmp(outf, firstf, n * sizeof *outf) == 0,
                          "f32 threads %d kind %d chunk %d seed %llu", thread_counts[t],
                          (int)kinds[k], chunks[c], (unsigned long long)seed);
            }
    free(in);
    free(first);
    free(out);
    free(inf);
    free(firstf);
    free(outf);
}

/* Elements [a, b) computed alone (first = base + a) equal the same elements of a whole run,
 * for every variant; boundaries inside a Philox counter, a batch and a block included. */
Test(noise, sub_ranges_equal_the_whole) {
    uint64_t seed = fresh_seed();
    size_t n = 9 * NOISE_BLOCK + 77;
    size_t ra = seed % (n - 1), rb = ra + 1 + (seed >> 20) % (n - ra - 1);
    const size_t ranges[][2] = {{0, 1},     {1, 2},       {3, 5},      {2, 7},
                                {255, 257}, {1023, 1025}, {100, 5000}, {1, n},
                                {n - 1, n}, {4095, 8193}, {ra, rb}};
    double *in = signal_f64(n, seed), *whole = malloc(n * sizeof *whole);
    double *part = malloc(n * sizeof *part);
    float *inf = signal_f32(n, seed), *wholef = malloc(n * sizeof *wholef);
    float *partf = malloc(n * sizeof *partf);
    omp_set_num_threads(3);
    omp_set_schedule(omp_sched_dynamic, 1);
    for (size_t v = 0; v < 3; v++) {
        /* mt19937 discards `first` draws: keep its base small. */
        uint64_t base = v == 2 ? seed % 3 : (seed >> 8) % 100000 + 1;
        struct noise_source src = {seed, 9, base};
        cr_assert_eq(all_f64[v](whole, n, in, n, 0.25, src), 0);
        cr_assert_eq(all_f32[v](wholef, n, inf, n, 0.25, src), 0);
        for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
            size_t a = ranges[r][0], m = ranges[r][1] - a;
            struct noise_source sub = {seed, 9, base + a};
            cr_assert_eq(all_f64[v](part, m, in + a, m, 0.25, sub), 0);
            cr_assert_eq(all_f32[v](partf, m, inf + a, m, 0.25, sub), 0);
            cr_assert(memcmp(part, whole + a, m * sizeof *part) == 0,
                      "%s f64 range [%zu, %zu) seed %llu", all_names[v], a, a + m,
                      (unsigned long long)seed);
            cr_assert(memcmp(partf, wholef + a, m * sizeof *partf) == 0,
                      "%s f32 range [%zu, %zu) seed %llu", all_names[v], a, a + m,
                      (unsigned long long)seed);
        }
    }
    free(in);
    free(whole);
    free(part);
    free(inf);
    free(wholef);
    free(partf);
}

Test(noise, in_place_equals_out_of_place) {
    uint64_t seed = fresh_seed();
    size_t n = 5 * NOISE_BLOCK + 3;
    struct noise_source src = {seed, 2, seed % 1000};
    double *in = signal_f64(n, seed), *out = malloc(n * sizeof *out);
    double *buf = malloc(n * sizeof *buf);
    float *inf = signal_f32(n, seed), *outf = malloc(n * sizeof *outf);
    float *buff = malloc(n * sizeof *buff);
    omp_set_num_threads(2);
    omp_set_schedule(omp_sched_guided, 2);
    for (size_t v = 0; v < 3; v++) {
        memcpy(buf, in, n * sizeof *in);
        memcpy(buff, inf, n * sizeof *inf);
        cr_assert_eq(all_f64[v](out, n, in, n, 0.5, src), 0);
        cr_assert_eq(all_f64[v](buf, n, buf, n, 0.5, src), 0);
        cr_assert_eq(all_f32[v](outf, n, inf, n, 0.5, src), 0);
        cr_assert_eq(all_f32[v](buff, n, buff, n, 0.5, src), 0);
        cr_assert(memcmp(out, buf, n * sizeof *out) == 0, "%s f64 seed %llu", all_names[v],
                  (unsigned long long)seed);
        cr_assert(memcmp(outf, buff, n * sizeof *outf) == 0, "%s f32 seed %llu", all_names[v],
                  (unsigned long long)seed);
    }
    free(in);
    free(out);
    free(buf);
    free(inf);
    free(outf);
    free(buff);
}

/* ---- omp against ref ------------------------------------------------------------------------- */

static double ulp_of(double x) {
    x = fabs(x);
    return nextafter(x, INFINITY) - x;
}

static float ulpf_of(float x) {
    x = fabsf(x);
    return nextafterf(x, INFINITY) - x;
}

/* libmvec's log, sin and cos are within about 4 ulp of glibc's scalar ones (measured: at most
 * 5 ulp apart on 2 * 10^7 normals, in double and in float); z may differ by 8 ulp here. With
 * a signal, the sum adds half an ulp of the result on each side. */
#define NOISE_MAX_ULPS 8.0

Test(noise, omp_within_a_few_ulp_of_ref) {
    uint64_t seed = fresh_seed();
    size_t n = 200003;
    struct noise_source src = {seed, seed >> 33, seed % 77};
    omp_set_num_threads(2);
    omp_set_schedule(omp_sched_dynamic, 3);
    double *zr = normals_f64(noise_add_ref_f64, n, src), *zo = normals_f64(noise_add_f64, n, src);
    double *fr = normals_f32_as_f64(noise_add_ref_f32, n, src);
    double *fo = normals_f32_as_f64(noise_add_f32, n, src);
    for (size_t i = 0; i < n; i++) {
        cr_assert(fabs(zo[i] - zr[i]) <= NOISE_MAX_ULPS * ulp_of(zr[i]),
                  "f64 z %zu: omp %.17g ref %.17g (seed %llu)", i, zo[i], zr[i],
                  (unsigned long long)seed);
        cr_assert(fabs(fo[i] - fr[i]) <= NOISE_MAX_ULPS * ulpf_of((float)fr[i]),
                  "f32 z %zu: omp %.9g ref %.9g (seed %llu)", i, fo[i], fr[i],
                  (unsigned long long)seed);
    }
    double sigma = 0.1;
    double *in = signal_f64(n, seed), *ro = malloc(n * sizeof *ro), *rr = malloc(n * sizeof *rr);
    float *inf = signal_f32(n, seed), *ro32 = malloc(n * sizeof *ro32);
    float *rr32 = malloc(n * sizeof *rr32);
    cr_assert_eq(noise_add_f64(ro, n, in, n, sigma, src), 0);
    cr_assert_eq(noise_add_ref_f64(rr, n, in, n, sigma, src), 0);
    cr_assert_eq(noise_add_f32(ro32, n, inf, n, sigma, src), 0);
    cr_assert_eq(noise_add_ref_f32(rr32, n, inf, n, sigma, src), 0);
    for (size_t i = 0; i < n; i++) {
        double bound = NOISE_MAX_ULPS * ulp_of(sigma * zr[i]) + ulp_of(rr[i]);
        cr_assert(fabs(ro[i] - rr[i]) <= bound, "f64 out %zu: %.17g vs %.17g (seed %llu)", i, ro[i],
                  rr[i], (unsigned long long)seed);
        float s = (float)sigma;
        float boundf = NOISE_MAX_ULPS * ulpf_of(s * (float)fr[i]) + ulpf_of(rr32[i]);
        cr_assert(fabsf(ro32[i] - rr32[i]) <= boundf, "f32 out %zu: %.9g vs %.9g (seed %llu)", i,
                  (double)ro32[i], (double)rr32[i], (unsigned long long)seed);
    }
    free(zr);
    free(zo);
    free(fr);
    free(fo);
    free(in);
    free(ro);
    free(rr);
    free(inf);
    free(ro32);
    free(rr32);
}

/* ---- edges and errors ------------------------------------------------------------------------ */

Test(noise, zero_sigma_returns_the_signal) {
    uint64_t seed = fresh_seed();
    size_t n = 3000;
    double *in = signal_f64(n, seed), *out = malloc(n * sizeof *out);
    float *inf = signal_f32(n, seed), *outf = malloc(n * sizeof *outf);
    for (size_t v = 0; v < 3; v++) {
        cr_assert_eq(all_f64[v](out, n, in, n, 0.0, (struct noise_source){seed, 0, 0}), 0);
        cr_assert_eq(all_f32[v](outf, n, inf, n, 0.0, (struct noise_source){seed, 0, 0}), 0);
        cr_assert_arr_eq(out, in, n * sizeof *in, "%s", all_names[v]);
        cr_assert_arr_eq(outf, inf, n * sizeof *inf, "%s", all_names[v]);
    }
    free(in);
    free(out);
    free(inf);
    free(outf);
}

/* Each bad call returns EINVAL and leaves the output as it was. */
Test(noise, bad_arguments_are_refused_and_nothing_is_written) {
    enum { N = 64 };
    double in[N + 1], out[N + 1], before[N + 1];
    float inf[N + 1], outf[N + 1], beforef[N + 1];
    for (int i = 0; i <= N; i++) {
        in[i] = out[i] = before[i] = 0.5 + i;
        inf[i] = outf[i] = beforef[i] = 0.25f + (float)i;
    }
    struct noise_source ok = {1, 0, 0}, far = {1, 0, (1ull << 63) - 5}, huge = {1, 0, 1ull << 63};
    for (size_t v = 0; v < 3; v++) {
        add_f64_fn f = all_f64[v];
        add_f32_fn g = all_f32[v];
        const char *name = all_names[v];
        cr_assert_eq(f(NULL, N, in, N, 1.0, ok), EINVAL, "%s out NULL", name);
        cr_assert_eq(f(out, N, NULL, N, 1.0, ok), EINVAL, "%s in NULL", name);
        cr_assert_eq(f(out, 0, in, 0, 1.0, ok), EINVAL, "%s n 0", name);
        cr_assert_eq(f(out, N, in, N - 1, 1.0, ok), EINVAL, "%s lengths differ", name);
        cr_assert_eq(f(out, N - 1, in, N, 1.0, ok), EINVAL, "%s lengths differ", name);
        cr_assert_eq(f(out, N, in, N, -1.0, ok), EINVAL, "%s sigma < 0", name);
        cr_assert_eq(f(out, N, in, N, -DBL_MIN, ok), EINVAL, "%s sigma < 0", name);
        cr_assert_eq(f(out, N, in, N, NAN, ok), EINVAL, "%s sigma NaN", name);
        cr_assert_eq(f(out, N, in, N, INFINITY, ok), EINVAL, "%s sigma Inf", name);
        cr_assert_eq(f(out + 1, N, out, N, 1.0, ok), EINVAL, "%s overlap", name);
        cr_assert_eq(f(out, N, out + 1, N, 1.0, ok), EINVAL, "%s overlap", name);
        cr_assert_eq(f(out, N, in, N, 1.0, far), EINVAL, "%s index past 2^63", name);
        cr_assert_eq(f(out, N, in, N, 1.0, huge), EINVAL, "%s index past 2^63", name);
        cr_assert_arr_eq(out, before, sizeof out, "%s wrote on error", name);
        cr_assert_eq(g(NULL, N, inf, N, 1.0, ok), EINVAL, "%s f32 out NULL", name);
        cr_assert_eq(g(outf, N, NULL, N, 1.0, ok), EINVAL, "%s f32 in NULL", name);
        cr_assert_eq(g(outf, 0, inf, 0, 1.0, ok), EINVAL, "%s f32 n 0", name);
        cr_assert_eq(g(outf, N, inf, N + 1, 1.0, ok), EINVAL, "%s f32 lengths differ", name);
        cr_assert_eq(g(outf, N, inf, N, -0.5, ok), EINVAL, "%s f32 sigma < 0", name);
        cr_assert_eq(g(outf, N, inf, N, NAN, ok), EINVAL, "%s f32 sigma NaN", name);
        cr_assert_eq(g(outf, N, inf, N, -INFINITY, ok), EINVAL, "%s f32 sigma -Inf", name);
        cr_assert_eq(g(outf, N, inf, N, 1e39, ok), EINVAL, "%s f32 sigma beyond float", name);
        cr_assert_eq(g(outf + 3, N, outf, N, 1.0, ok), EINVAL, "%s f32 overlap", name);
        cr_assert_eq(g(outf, N, inf, N, 1.0, huge), EINVAL, "%s f32 index past 2^63", name);
        cr_assert_arr_eq(outf, beforef, sizeof outf, "%s f32 wrote on error", name);
        /* The limits themselves are accepted (mt19937 would have to discard 2^63 draws). */
        if (v != 2)
            cr_assert_eq(f(out, 5, in, 5, 1.0, far), 0, "%s last indices", name);
        cr_assert_eq(g(outf, N, inf, N, FLT_MAX, ok), 0, "%s f32 sigma FLT_MAX", name);
        memcpy(out, before, sizeof out);
        memcpy(outf, beforef, sizeof outf);
    }
}

/* NaN and Inf in the signal reach their own elements and no other. */
Test(noise, nan_and_inf_stay_in_their_elements) {
    uint64_t seed = fresh_seed();
    size_t n = 3 * NOISE_BLOCK + 5;
    const size_t nan_at[] = {0, 5, 6, 1023, 1024, 2500, n - 1}, inf_at = 7, minf_at = 1500;
    struct noise_source src = {seed, 4, 0};
    double *clean = signal_f64(n, seed), *in = signal_f64(n, seed);
    float *cleanf = signal_f32(n, seed), *inf = signal_f32(n, seed);
    for (size_t k = 0; k < sizeof nan_at / sizeof nan_at[0]; k++) {
        in[nan_at[k]] = NAN;
        inf[nan_at[k]] = NAN;
    }
    in[inf_at] = INFINITY;
    in[minf_at] = -INFINITY;
    inf[inf_at] = INFINITY;
    inf[minf_at] = -INFINITY;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    float *af = malloc(n * sizeof *af), *bf = malloc(n * sizeof *bf);
    omp_set_num_threads(2);
    for (size_t v = 0; v < 3; v++) {
        cr_assert_eq(all_f64[v](a, n, clean, n, 0.2, src), 0);
        cr_assert_eq(all_f64[v](b, n, in, n, 0.2, src), 0);
        cr_assert_eq(all_f32[v](af, n, cleanf, n, 0.2, src), 0);
        cr_assert_eq(all_f32[v](bf, n, inf, n, 0.2, src), 0);
        for (size_t i = 0; i < n; i++) {
            if (isnan(in[i])) {
                cr_assert(isnan(b[i]) && isnan(bf[i]), "%s element %zu", all_names[v], i);
            } else if (isinf(in[i])) {
                cr_assert(b[i] == in[i] && bf[i] == inf[i], "%s element %zu", all_names[v], i);
            } else {
                cr_assert(memcmp(&a[i], &b[i], sizeof a[i]) == 0, "%s f64 element %zu changed",
                          all_names[v], i);
                cr_assert(memcmp(&af[i], &bf[i], sizeof af[i]) == 0, "%s f32 element %zu changed",
                          all_names[v], i);
            }
        }
    }
    free(clean);
    free(in);
    free(cleanf);
    free(inf);
    free(a);
    free(b);
    free(af);
    free(bf);
}

/* ---- the registered kernel ------------------------------------------------------------------- */

static double kernel_checksum(const struct kernel *k, const struct kernel_variant *v, size_t size,
                              const double *params, uint64_t seed) {
    void *state = NULL;
    cr_assert_eq(k->setup(&state, size, params, seed), 0);
    cr_assert_eq(v->run(state), 0, "%s run", v->name);
    double c = k->checksum(state);
    k->teardown(state);
    return c;
}

/* The checksum (noise power over sigma^2) is about 1 for every variant: within 6 standard
 * deviations sqrt(2 / n) of 1 for each draw; ref and omp agree to rounding at every setting
 * and the GSL draw within the kernel's tolerance. */
Test(noise_kernel, checksums_of_every_variant) {
    uint64_t seed = fresh_seed();
    const struct kernel *k = kernel_find("noise");
    cr_assert_not_null(k);
    size_t size = (size_t)k->small_size + 333;
    double spread = 6.0 * sqrt(2.0 / (double)size);
    const double settings[][3] = {{0.1, 64, 0}, {0.1, 32, 0}, {3.5, 64, 17}, {1e-3, 32, 2}};
    for (size_t s = 0; s < sizeof settings / sizeof settings[0]; s++) {
        const double *params = settings[s];
        cr_assert_null(k->check((size_t)size, params));
        omp_set_num_threads(1);
        double ref = kernel_checksum(k, &k->variants[0], size, params, seed);
        cr_assert(fabs(ref - 1.0) < spread, "setting %zu: ref checksum %.17g (seed %llu)", s, ref,
                  (unsigned long long)seed);
        for (size_t t = 0; t < 4; t++) {
            omp_set_num_threads(thread_counts[t]);
            omp_set_schedule(kinds[t % NKINDS], chunks[t]);
            double omp = kernel_checksum(k, kernel_find_variant(k, "omp"), size, params, seed);
            cr_assert(fabs(omp - ref) <= (params[1] == 32 ? 1e-7 : 1e-12) * ref,
                      "setting %zu threads %d: %.17g vs %.17g", s, thread_counts[t], omp, ref);
        }
        double gsl = kernel_checksum(k, kernel_find_variant(k, "gsl"), size, params, seed);
        cr_assert(fabs(gsl - 1.0) < spread, "setting %zu: gsl checksum %.17g (seed %llu)", s, gsl,
                  (unsigned long long)seed);
        cr_assert(fabs(gsl - ref) <= k->tolerance * ref, "setting %zu: gsl %.17g ref %.17g", s, gsl,
                  ref);
    }
    const double silent[3] = {0.0, 64, 0};
    cr_assert_eq(kernel_checksum(k, kernel_find_variant(k, "omp"), size, silent, seed), 0.0);
    cr_assert_eq(kernel_checksum(k, kernel_find_variant(k, "gsl"), size, silent, seed), 0.0);
}

Test(noise_kernel, constraints_and_work) {
    const struct kernel *k = kernel_find("noise");
    cr_assert_not_null(k);
    const double bad_bits[3] = {0.1, 48, 0}, tiny32[3] = {1e-7, 32, 0}, tiny64[3] = {1e-15, 64, 0};
    const double ok32[3] = {1e-6, 32, 0}, ok64[3] = {1e-14, 64, 0}, zero[3] = {0.0, 32, 0};
    cr_assert_not_null(k->check(1 << 20, bad_bits));
    cr_assert_not_null(k->check(1 << 20, tiny32));
    cr_assert_not_null(k->check(1 << 20, tiny64));
    cr_assert_null(k->check(1 << 20, ok32));
    cr_assert_null(k->check(1 << 20, ok64));
    cr_assert_null(k->check(1 << 20, zero));
    struct kernel_work w;
    const double def64[3] = {0.1, 64, 0}, def32[3] = {0.1, 32, 0};
    k->work(10 * NOISE_BLOCK + 1, def64, &w);
    cr_assert(w.items == 10 * NOISE_BLOCK + 1 && w.bytes == 16.0 * w.items);
    cr_assert(w.flops == 8.0 * w.items && w.iterations == 11);
    cr_assert(w.iteration_size == NOISE_BLOCK && w.iteration_bytes == 16.0 * NOISE_BLOCK);
    k->work(10 * NOISE_BLOCK, def32, &w);
    cr_assert(w.bytes == 8.0 * w.items && w.iterations == 10);
    cr_assert(w.iteration_bytes == 8.0 * NOISE_BLOCK);
    cr_assert(k->small_size >= k->min_size);
    /* The tolerance covers at least 6 standard deviations 2 / sqrt(n) of the difference of two
     * independent draws at the smallest size the driver accepts. */
    cr_assert(k->tolerance >= 6.0 * 2.0 / sqrt((double)k->min_size));
}
