/* expsum_nondet, OpenMP's own reduction(+:s), against the deterministic expsum: the first is
 * within the error bound of any summation order at every thread count (more threads than the
 * development machine's 2 cores included), schedule and chunk, and its bits depend on them;
 * the second gives the same bits at every thread count. Both run through the registry, as
 * the driver runs them. */
#include "expsum.h"
#include "expsum_nondet.h"
#include "kernel.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <omp.h>

static const int thread_counts[] = {1, 2, 3, 4, 8};
static const omp_sched_t kinds[] = {omp_sched_static, omp_sched_dynamic, omp_sched_guided};
static const int chunks[] = {0, 1, 7, 1000};

#define NTHREADS (sizeof thread_counts / sizeof thread_counts[0])
#define NKINDS   (sizeof kinds / sizeof kinds[0])
#define NCHUNKS  (sizeof chunks / sizeof chunks[0])

/* The bound of expsum_nondet.c for n terms: gamma_{n-1} for the order, 12u for the exps. */
static double order_bound(size_t n) {
    const double u = 0x1p-53;
    double k = (double)(n - 1) * u;
    return k / (1.0 - k) + 12.0 * u;
}

/* One run of variant `name` of kernel `k` at `threads` threads with a schedule, as the driver
 * runs it: setup (first touch with the schedule), one run, the checksum, teardown. */
static double run_kernel(const struct kernel *k, const char *name, size_t n, uint64_t seed,
                         int threads, omp_sched_t kind, int chunk) {
    const struct kernel_variant *v = kernel_find_variant(k, name);
    cr_assert_not_null(v, "%s has no variant %s", k->name, name);
    omp_set_num_threads(threads);
    omp_set_schedule(kind, chunk);
    void *state = NULL;
    cr_assert_eq(k->setup(&state, n, NULL, seed), 0, "%s setup", k->name);
    cr_assert_eq(v->run(state), 0, "%s/%s run", k->name, name);
    double s = k->checksum(state);
    k->teardown(state);
    return s;
}

Test(expsum_nondet, within_the_bound_of_any_order_at_every_setting) {
    const struct kernel *k = kernel_find("expsum_nondet");
    cr_assert_not_null(k);
    uint64_t seed = fresh_seed();
    size_t n = 200003; /* odd: every thread's share ends in a scalar tail */
    double ref = run_kernel(k, "ref", n, seed, 1, omp_sched_static, 0);
    double bound = order_bound(n);
    cr_assert(bound < k->tolerance, "the size's bound %g must be within the tolerance", bound);
    for (size_t t = 0; t < NTHREADS; t++)
        for (size_t s = 0; s < NKINDS; s++)
            for (size_t c = 0; c < NCHUNKS; c++) {
                double got =
                    run_kernel(k, "omp_reduce", n, seed, thread_counts[t], kinds[s], chunks[c]);
                cr_assert(fabs(got - ref) <= bound * ref,
                          "threads %d kind %d chunk %d: %.17g vs ref %.17g (seed %llu)",
                          thread_counts[t], (int)kinds[s], chunks[c], got, ref,
                          (unsigned long long)seed);
            }
}

Test(expsum_nondet, reference_is_expsums_on_the_same_inputs) {
    uint64_t seed = fresh_seed();
    double a = run_kernel(kernel_find("expsum"), "ref", 54321, seed, 1, omp_sched_static, 0);
    double b = run_kernel(kernel_find("expsum_nondet"), "ref", 54321, seed, 1, omp_sched_static, 0);
    cr_assert(same_bits(a, b), "expsum ref %.17g, expsum_nondet ref %.17g (seed %llu)", a, b,
              (unsigned long long)seed);
}

/* Ten settings, each a different split of the sum into lanes and threads: that all ten give
 * the same bits would take rounding errors of ~1e-14 relative (hundreds of ulps of the sum)
 * to agree by chance ten times over. */
Test(expsum_nondet, bits_depend_on_threads_and_schedule) {
    const struct kernel *k = kernel_find("expsum_nondet");
    uint64_t seed = fresh_seed();
    size_t n = 1000000;
    double first = run_kernel(k, "omp_reduce", n, seed, 1, omp_sched_static, 0);
    int distinct_from_first = 0;
    for (size_t t = 0; t < NTHREADS; t++)
        for (size_t s = 0; s < 2; s++) {
            double got = run_kernel(k, "omp_reduce", n, seed, thread_counts[t], kinds[s], 4096);
            distinct_from_first += !same_bits(got, first);
        }
    cr_assert_gt(distinct_from_first, 0, "every setting gave the bits of 1 thread (seed %llu)",
                 (unsigned long long)seed);
}

/* Repeated runs at one setting: all within the bound; how many distinct values they gave is
 * logged (it depends on how the OS schedules the threads, so it is not asserted). */
Test(expsum_nondet, repeated_runs_stay_within_the_bound) {
    const struct kernel *k = kernel_find("expsum_nondet");
    uint64_t seed = fresh_seed();
    size_t n = 300000;
    double ref = run_kernel(k, "ref", n, seed, 1, omp_sched_static, 0);
    omp_set_num_threads(4);
    omp_set_schedule(omp_sched_dynamic, 512);
    void *state = NULL;
    cr_assert_eq(k->setup(&state, n, NULL, seed), 0);
    const struct kernel_variant *v = kernel_find_variant(k, "omp_reduce");
    double seen[20];
    int distinct = 0;
    for (int r = 0; r < 20; r++) {
        cr_assert_eq(v->run(state), 0);
        double got = k->checksum(state);
        cr_assert(fabs(got - ref) <= order_bound(n) * ref, "run %d: %.17g vs %.17g", r, got, ref);
        int known = 0;
        for (int i = 0; i < distinct; i++)
            known |= same_bits(seen[i], got);
        if (!known)
            seen[distinct++] = got;
    }
    k->teardown(state);
    cr_log_info("omp_reduce, 4 threads, dynamic 512: %d distinct sums in 20 runs", distinct);
}

Test(expsum_nondet, nan_and_empty_inputs) {
    double a[3] = {0.0, NAN, 1.0};
    omp_set_num_threads(2);
    omp_set_schedule(omp_sched_static, 0);
    cr_assert(isnan(expsum_reduction(a, 3)));
    cr_assert_eq(expsum_reduction(a, 0), 0.0);
    cr_assert_eq(expsum_reduction(a, 1), 1.0);
}

/* The contrast: expsum's omp variant gives the same bits at 1, 2, 3, 4 and 8 threads with
 * every schedule (its blocks and their pairwise combination do not depend on them). */
Test(expsum, omp_same_bits_at_every_thread_count_through_the_registry) {
    const struct kernel *k = kernel_find("expsum");
    uint64_t seed = fresh_seed();
    size_t n = 1000000;
    double ref = run_kernel(k, "ref", n, seed, 1, omp_sched_static, 0);
    double first = run_kernel(k, "omp", n, seed, 1, omp_sched_static, 0);
    cr_assert(fabs(first - ref) <= k->tolerance * ref);
    for (size_t t = 0; t < NTHREADS; t++)
        for (size_t s = 0; s < NKINDS; s++) {
            double got = run_kernel(k, "omp", n, seed, thread_counts[t], kinds[s], 3);
            cr_assert(same_bits(got, first), "threads %d kind %d: %.17g vs %.17g (seed %llu)",
                      thread_counts[t], (int)kinds[s], got, first, (unsigned long long)seed);
        }
}
