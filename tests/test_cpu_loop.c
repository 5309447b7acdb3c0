/* The compute-bound kernels. cpu_loop: both parallel forms give the reference's exact result
 * at 1, 2, 3 and 7 threads, every schedule and several chunks; the result is the documented
 * recurrence (re-implemented here from its definition) and responds to steps, seed and n.
 * peak: the parallel form gives the reference's bits; a unit's result is the documented
 * multiply-add recurrence, computed here lane by lane. Bad arguments are refused. */
#include "cpu_loop.h"
#include "fill.h"
#include "kernel.h"
#include "peak.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <errno.h>
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

/* ---- cpu_loop ------------------------------------------------------------------------------ */

/* The definition in cpu_loop.h, written out again. */
static uint64_t mix(uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z ^= z >> 30;
    z *= 0xBF58476D1CE4E5B9ull;
    z ^= z >> 27;
    z *= 0x94D049BB133111EBull;
    z ^= z >> 31;
    return z;
}

static uint64_t next(uint64_t x) {
    x ^= x >> 32;
    x *= 0xD6E8FEB86659FD93ull;
    x += 0x9E3779B97F4A7C15ull;
    return x;
}

static uint64_t by_definition(uint64_t seed, size_t n, uint64_t steps) {
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = mix(seed ^ mix(i));
        for (uint64_t s = 0; s < steps; s++)
            x = next(x);
        total += x;
    }
    return total;
}

Test(cpu_loop, result_is_the_documented_recurrence) {
    uint64_t seed = fresh_seed();
    static const size_t ns[] = {1, 5, 8, 9, 17};
    static const uint64_t steps[] = {1, 2, 3, 10};
    for (size_t a = 0; a < 5; a++)
        for (size_t b = 0; b < 4; b++) {
            uint64_t want = by_definition(seed, ns[a], steps[b]), got = 0;
            cr_assert_eq(cpu_loop_ref(seed, ns[a], steps[b], &got), 0);
            cr_assert_eq(got, want, "ref n=%zu steps=%llu seed %llu", ns[a],
                         (unsigned long long)steps[b], (unsigned long long)seed);
            omp_set_num_threads(2);
            cr_assert_eq(cpu_loop_omp_ilp(seed, ns[a], steps[b], &got), 0);
            cr_assert_eq(got, want, "omp_ilp n=%zu steps=%llu", ns[a],
                         (unsigned long long)steps[b]);
        }
    cr_assert_eq(cpu_loop_item(seed, 3, 4), next(next(next(next(mix(seed ^ mix(3)))))));
}

Test(cpu_loop, parallel_forms_give_the_exact_reference_result) {
    uint64_t seed = fresh_seed(), steps = 50, ref = 0, got = 0;
    size_t n = 1003; /* 125 full groups and a short one */
    cr_assert_eq(cpu_loop_ref(seed, n, steps, &ref), 0);
    int (*const forms[])(uint64_t, size_t, uint64_t, uint64_t *) = {cpu_loop_omp, cpu_loop_omp_ilp};
    for (size_t f = 0; f < 2; f++)
        for (size_t t = 0; t < NTHREADS; t++)
            for (size_t k = 0; k < NKINDS; k++)
                for (size_t c = 0; c < NCHUNKS; c++) {
                    omp_set_num_threads(thread_counts[t]);
                    omp_set_schedule(kinds[k], chunks[c]);
                    got = ~ref;
                    cr_assert_eq(forms[f](seed, n, steps, &got), 0);
                    cr_assert_eq(got, ref, "form %zu threads %d kind %d chunk %d seed %llu", f,
                                 thread_counts[t], (int)kinds[k], chunks[c],
                                 (unsigned long long)seed);
                }
}

/* The work is really done: one more step, another seed or one more item each change the
 * result, and one more step is exactly one more application of the recurrence. */
Test(cpu_loop, result_depends_on_steps_seed_and_items) {
    uint64_t seed = fresh_seed(), r[4];
    size_t n = 100;
    omp_set_num_threads(2);
    cr_assert_eq(cpu_loop_omp_ilp(seed, n, 1000, &r[0]), 0);
    cr_assert_eq(cpu_loop_omp_ilp(seed, n, 1001, &r[1]), 0);
    cr_assert_eq(cpu_loop_omp_ilp(seed + 1, n, 1000, &r[2]), 0);
    cr_assert_eq(cpu_loop_omp_ilp(seed, n + 1, 1000, &r[3]), 0);
    cr_assert_neq(r[0], r[1], "steps must matter (seed %llu)", (unsigned long long)seed);
    cr_assert_neq(r[0], r[2], "the seed must matter");
    cr_assert_eq(r[3] - r[0], cpu_loop_item(seed, n, 1000), "item n adds its own value");
    for (uint64_t i = 0; i < 20; i++)
        cr_assert_eq(cpu_loop_item(seed, i, 1001), next(cpu_loop_item(seed, i, 1000)));
}

Test(cpu_loop, bad_arguments_are_refused_and_nothing_is_written) {
    int (*const forms[])(uint64_t, size_t, uint64_t, uint64_t *) = {cpu_loop_ref, cpu_loop_omp,
                                                                    cpu_loop_omp_ilp};
    for (size_t f = 0; f < 3; f++) {
        uint64_t r = 42;
        cr_assert_eq(forms[f](1, 0, 10, &r), EINVAL, "n = 0");
        cr_assert_eq(forms[f](1, 10, 0, &r), EINVAL, "steps = 0");
        cr_assert_eq(forms[f](1, 10, 10, NULL), EINVAL, "NULL result");
        cr_assert_eq(r, 42);
    }
}

Test(cpu_loop, fold_keeps_every_bit_exactly_representable) {
    uint64_t seed = fresh_seed();
    for (uint64_t i = 0; i < 1000; i++) {
        uint64_t r = mix(seed + i);
        double f = cpu_loop_fold(r);
        cr_assert(f >= 0.0 && f < 0x1p53 && f == floor(f));
        cr_assert_neq(f, cpu_loop_fold(r ^ (1ull << 63)), "top bit");
        cr_assert_neq(f, cpu_loop_fold(r ^ 1ull), "bottom bit");
        cr_assert_eq((uint64_t)f ^ ((r >> 53) & 0x7FF), r & ((1ull << 53) - 1));
    }
}

/* ---- peak ---------------------------------------------------------------------------------- */

/* One unit as peak.h defines it, one lane and one chain at a time, in scalar arithmetic: the
 * vector code's lanes perform exactly these IEEE operations. */
static double unit_by_definition(uint64_t seed, uint64_t u, uint64_t inner) {
    int lanes = peak_vector_doubles(), chains = peak_chains();
    double x0 = 1.0 + fill_uniform01(seed, 0, u), total = 0.0;
    for (int l = 0; l < lanes; l++) {
        double a = 1.0 - (1.0 + (double)l / lanes) * 0x1p-12, b = (1.0 - a) * 1.5, s = 0.0;
        for (int j = 0; j < chains; j++) {
            double acc = x0 + (double)l * 0x1p-4 + (double)j * 0x1p-6;
            for (uint64_t k = 0; k < inner; k++) {
                if (peak_uses_fma())
                    acc = fma(acc, a, b);
                else {
                    double p = acc * a;
                    acc = p + b;
                }
            }
            s = j == 0 ? acc : s + acc;
        }
        total += s;
    }
    return total;
}

Test(peak, units_follow_the_documented_recurrence) {
    uint64_t seed = fresh_seed();
    double r[3];
    for (uint64_t inner = 1; inner <= 300; inner *= 7) {
        cr_assert_eq(peak_run_ref(seed, 3, inner, r), 0);
        for (uint64_t u = 0; u < 3; u++) {
            double want = unit_by_definition(seed, u, inner);
            cr_assert(memcmp(&r[u], &want, sizeof want) == 0,
                      "unit %llu inner %llu: %.17g vs %.17g seed %llu", (unsigned long long)u,
                      (unsigned long long)inner, r[u], want, (unsigned long long)seed);
        }
        cr_assert(r[0] != r[1] && r[1] != r[2], "units start from their own values");
    }
#if defined(__AVX512F__)
    cr_assert_eq(peak_vector_doubles(), 8);
    cr_assert_eq(peak_uses_fma(), 1);
#endif
    cr_assert_eq(peak_flops_per_unit(10), 2.0 * peak_vector_doubles() * peak_chains() * 10);
}

/* After many steps every accumulator sits at the fixed point b / (1 - a) = 1.5. */
Test(peak, values_stay_bounded_and_converge) {
    double r;
    cr_assert_eq(peak_run_ref(fresh_seed(), 1, 200000, &r), 0);
    double want = 1.5 * peak_vector_doubles() * peak_chains();
    cr_assert(fabs(r - want) < 1e-9 * want, "%.17g vs %.17g", r, want);
}

Test(peak, parallel_form_gives_the_reference_bits) {
    uint64_t seed = fresh_seed();
    enum { UNITS = 37 };
    double ref[UNITS], got[UNITS];
    cr_assert_eq(peak_run_ref(seed, UNITS, 100, ref), 0);
    for (size_t t = 0; t < NTHREADS; t++)
        for (size_t k = 0; k < NKINDS; k++)
            for (size_t c = 0; c < NCHUNKS; c++) {
                omp_set_num_threads(thread_counts[t]);
                omp_set_schedule(kinds[k], chunks[c]);
                memset(got, 0, sizeof got);
                cr_assert_eq(peak_run_omp(seed, UNITS, 100, got), 0);
                cr_assert_arr_eq(got, ref, sizeof ref, "threads %d kind %d chunk %d seed %llu",
                                 thread_counts[t], (int)kinds[k], chunks[c],
                                 (unsigned long long)seed);
            }
}

Test(peak, bad_arguments_are_refused_and_nothing_is_written) {
    int (*const forms[])(uint64_t, size_t, uint64_t, double *) = {peak_run_ref, peak_run_omp};
    for (size_t f = 0; f < 2; f++) {
        double r[2] = {-7.0, -7.0};
        cr_assert_eq(forms[f](1, 0, 10, r), EINVAL, "units = 0");
        cr_assert_eq(forms[f](1, 2, 0, r), EINVAL, "inner = 0");
        cr_assert_eq(forms[f](1, 2, 10, NULL), EINVAL, "NULL results");
        cr_assert(r[0] == -7.0 && r[1] == -7.0);
    }
}

/* Through the registry: the counts the driver uses for rates. */
Test(peak, registry_counts) {
    const struct kernel *k = kernel_find("peak_flops");
    cr_assert_not_null(k);
    double params[1] = {500};
    struct kernel_work w;
    k->work(64, params, &w);
    cr_assert_eq(w.flops, 64 * peak_flops_per_unit(500));
    cr_assert_eq(w.items, 64);
    cr_assert_eq(w.iterations, 64);
    const struct kernel *c = kernel_find("cpu_loop");
    cr_assert_not_null(c);
    params[0] = 1000;
    c->work(20, params, &w);
    cr_assert_eq(w.flops, 0.0);
    cr_assert_eq(w.items, 20);
    cr_assert_eq(w.iterations, 3, "groups of %d items", CPU_LOOP_GROUP);
}
