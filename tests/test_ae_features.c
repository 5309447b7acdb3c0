/* Tests for kernels/ae_features: hand-worked hits against the definitions (docs/ae.md), the
 * edge cases those definitions name (no crossing, a first sample above the threshold, ties,
 * NaN, a constant signal, an offset that would cancel), the one-pass version against the
 * reference on fresh random hits of every length class, argument errors, and the registered
 * kernel's checksum bits across threads, schedules and chunks.
 * Every run draws a fresh seed (printed on failure).
 */
#include "ae_features.h"
#include "kernel.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>

typedef int (*features_fn)(const float *, size_t, double, double, struct ae_features *);
static const features_fn both[] = {ae_features_ref, ae_features_compute};

static double close_rel(double a, double b, double rel) {
    return fabs(a - b) <= rel * fmax(fabs(a), fabs(b));
}

/* Sums straight from the definitions, in double, for a hand-worked hit. */
static void expect_sums(const struct ae_features *f, const float *d, size_t n, double fs) {
    double sq = 0, ab = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        sq += (double)d[i] * d[i];
        ab += fabs((double)d[i]);
        s += d[i];
    }
    double mean = s / n, m2 = 0, m3 = 0;
    for (size_t i = 0; i < n; i++) {
        m2 += pow(d[i] - mean, 2) / n;
        m3 += pow(d[i] - mean, 3) / n;
    }
    cr_expect(close_rel(f->energy, sq * 1e14 / fs, 1e-14), "energy %.17g", f->energy);
    cr_expect(close_rel(f->signal_strength, ab * 1e9 / fs, 1e-14), "strength %.17g",
              f->signal_strength);
    cr_expect(close_rel(f->rms, sqrt(sq / n), 1e-14), "rms %.17g", f->rms);
    cr_expect(close_rel(f->std, sqrt(m2), 1e-12), "std %.17g", f->std);
    cr_expect(close_rel(f->skewness, m3 / pow(m2, 1.5), 1e-10), "skewness %.17g", f->skewness);
}

Test(ae_features, hand_worked_hit) {
    const float d[] = {0.1f, -0.5f, 0.3f, 0.6f, -0.6f, 0.2f, 0.7f, 0.0f};
    size_t n = sizeof d / sizeof d[0];
    for (size_t v = 0; v < 2; v++) {
        struct ae_features f;
        cr_assert_eq(both[v](d, n, 0.25, 4.0, &f), 0);
        cr_expect_eq(f.amplitude, (double)0.7f, "variant %zu", v);
        cr_expect_eq(f.peak_index, 6);
        cr_expect_eq(f.first_crossing, 1, "the negative -0.5 crosses first");
        cr_expect_eq(f.counts, 2, "-0.5 -> 0.3 and 0.2 -> 0.7 rise through 0.25; 0.3 -> 0.6 not");
        cr_expect_eq(f.rise_time, 5.0 / 4.0);
        cr_expect(close_rel(f.amplitude_db, 20.0 * log10((double)0.7f * 1e6), 1e-15));
        expect_sums(&f, d, n, 4.0);
    }
}

Test(ae_features, first_sample_above_and_falling_crossings_do_not_count) {
    const float d[] = {0.5f, 0.5f, -0.5f, 0.5f, 0.25f, -0.25f, 0.25f};
    for (size_t v = 0; v < 2; v++) {
        struct ae_features f;
        cr_assert_eq(both[v](d, 7, 0.25, 1.0, &f), 0);
        cr_expect_eq(f.counts, 2, "-0.5 -> 0.5 and -0.25 -> 0.25 (>= thr); variant %zu", v);
        cr_expect_eq(f.first_crossing, 0);
        cr_expect_eq(f.peak_index, 0, "the first of four equal |d|");
    }
}

Test(ae_features, no_crossing_means_no_rise_time) {
    const float d[] = {0.01f, -0.02f, 0.03f, -0.01f};
    for (size_t v = 0; v < 2; v++) {
        struct ae_features f;
        cr_assert_eq(both[v](d, 4, 0.1, 1e6, &f), 0);
        cr_expect_eq(f.first_crossing, -1);
        cr_expect_eq(f.rise_time, 0.0);
        cr_expect_eq(f.counts, 0);
        cr_expect_eq(f.peak_index, 2);
    }
}

Test(ae_features, nan_samples_are_skipped_by_the_maximum_and_a_constant_has_no_skewness) {
    const float with_nan[] = {0.1f, NAN, -0.4f, 0.2f};
    const float constant[] = {0.3f, 0.3f, 0.3f, 0.3f, 0.3f};
    for (size_t v = 0; v < 2; v++) {
        struct ae_features f;
        cr_assert_eq(both[v](with_nan, 4, 0.5, 1.0, &f), 0);
        cr_expect_eq(f.amplitude, (double)0.4f);
        cr_expect_eq(f.peak_index, 2);
        cr_expect(isnan(f.energy), "NaN reaches the sums");
        cr_assert_eq(both[v](constant, 5, 0.1, 1.0, &f), 0);
        cr_expect_eq(f.std, 0.0);
        cr_expect(isnan(f.skewness), "0/0 for a constant, as g1 is");
        cr_expect_eq(f.counts, 0, "above from the start: never rises through");
    }
}

Test(ae_features, bad_arguments_are_refused_and_nothing_is_written) {
    const float d[] = {0.1f, 0.2f};
    for (size_t v = 0; v < 2; v++) {
        struct ae_features f = {.counts = 77};
        cr_expect_eq(both[v](NULL, 2, 0.1, 1.0, &f), EINVAL);
        cr_expect_eq(both[v](d, 0, 0.1, 1.0, &f), EINVAL);
        cr_expect_eq(both[v](d, 2, 0.1, 0.0, &f), EINVAL);
        cr_expect_eq(both[v](d, 2, 0.1, INFINITY, &f), EINVAL);
        cr_expect_eq(both[v](d, 2, -0.1, 1.0, &f), EINVAL);
        cr_expect_eq(both[v](d, 2, NAN, 1.0, &f), EINVAL);
        cr_expect_eq(both[v](d, 2, 0.1, 1.0, NULL), EINVAL);
        cr_expect_eq(f.counts, 77);
    }
}

static double uniform(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) * 0x1p-53;
}

static void expect_agree(const struct ae_features *a, const struct ae_features *b, uint64_t seed,
                         size_t n) {
    cr_expect_eq(a->peak_index, b->peak_index, "seed %llu n %zu", (unsigned long long)seed, n);
    cr_expect_eq(a->first_crossing, b->first_crossing, "seed %llu", (unsigned long long)seed);
    cr_expect_eq(a->counts, b->counts, "seed %llu", (unsigned long long)seed);
    cr_expect_eq(a->amplitude, b->amplitude);
    cr_expect_eq(a->rise_time, b->rise_time);
    cr_expect(close_rel(a->energy, b->energy, 1e-12), "seed %llu", (unsigned long long)seed);
    cr_expect(close_rel(a->signal_strength, b->signal_strength, 1e-12));
    cr_expect(close_rel(a->rms, b->rms, 1e-12));
    cr_expect(close_rel(a->std, b->std, 1e-9), "std %.17g %.17g seed %llu", a->std, b->std,
              (unsigned long long)seed);
    cr_expect((isnan(a->skewness) && isnan(b->skewness)) || /* n = 1 */
                  fabs(a->skewness - b->skewness) <= 1e-8 * (1.0 + fabs(a->skewness)),
              "skewness %.17g %.17g seed %llu", a->skewness, b->skewness, (unsigned long long)seed);
}

/* Bursts with an offset of up to 100 times their size, every length class of the vector loop. */
Test(ae_features, one_pass_matches_the_reference_on_random_hits) {
    uint64_t seed = fresh_seed(), s = seed;
    float *d = malloc(20000 * sizeof *d);
    cr_assert(d);
    for (int trial = 0; trial < 300; trial++) {
        size_t n = trial < 40 ? (size_t)trial + 1 : 1 + (size_t)(uniform(&s) * 20000);
        double offset = (uniform(&s) - 0.5) * 200.0 * (trial % 3 == 0);
        double amp = 0.001 + uniform(&s), thr = amp * uniform(&s);
        for (size_t i = 0; i < n; i++)
            d[i] = (float)(offset * amp + amp * exp(-3.0 * i / n) * sin(0.3 * i) +
                           0.01 * amp * (uniform(&s) - 0.5));
        struct ae_features a, b;
        cr_assert_eq(ae_features_ref(d, n, thr, 1e6, &a), 0);
        cr_assert_eq(ae_features_compute(d, n, thr, 1e6, &b), 0);
        expect_agree(&a, &b, seed, n);
    }
    free(d);
}

static double kernel_checksum(const struct kernel *k, const char *variant, uint64_t seed,
                              int threads, omp_sched_t kind, int chunk) {
    double params[] = {777};
    void *state;
    omp_set_num_threads(threads);
    omp_set_schedule(kind, chunk);
    cr_assert_eq(k->setup(&state, 131, params, seed), 0);
    cr_assert_eq(kernel_find_variant(k, variant)->run(state), 0);
    double sum = k->checksum(state);
    k->teardown(state);
    return sum;
}

Test(ae_features, kernel_checksum_has_the_same_bits_at_any_threads_schedule_and_chunk) {
    const struct kernel *k = kernel_find("ae_features");
    cr_assert(k);
    uint64_t seed = fresh_seed();
    double ref = kernel_checksum(k, "ref", seed, 1, omp_sched_static, 0);
    double omp = kernel_checksum(k, "omp", seed, 1, omp_sched_static, 0);
    cr_expect(close_rel(ref, omp, k->tolerance), "ref %.17g omp %.17g", ref, omp);
    const int threads[] = {1, 2, 3, 5};
    const omp_sched_t kinds[] = {omp_sched_static, omp_sched_dynamic, omp_sched_guided};
    const int chunks[] = {0, 1, 10, 200};
    for (size_t t = 0; t < 4; t++)
        for (size_t s = 0; s < 3; s++)
            for (size_t c = 0; c < 4; c++) {
                double x = kernel_checksum(k, "omp", seed, threads[t], kinds[s], chunks[c]);
                cr_expect(same_bits(x, omp), "threads %d chunk %d: %.17g vs %.17g seed %llu",
                          threads[t], chunks[c], x, omp, (unsigned long long)seed);
            }
}
