/* The STREAM kernels: every parallel form writes the bits of the serial reference at 1, 2, 3
 * and 7 threads, every schedule and several chunks, on fresh random inputs; the elements are
 * the plain IEEE operations (no FMA); bad arguments are refused without writing; the read sum
 * is deterministic and accurate; the registry glue streams the arrays STREAM names. */
#include "fill.h"
#include "kernel.h"
#include "stream.h"
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

/* Uniform in [-1, 1), with signs, so adds round both ways. */
static double *random_array(size_t n, uint64_t seed, uint64_t stream) {
    double *x = malloc(n * sizeof *x);
    cr_assert_not_null(x);
    omp_set_schedule(omp_sched_static, 0);
    fill_uniform_array(x, n, -1.0, 1.0, seed, stream);
    return x;
}

static void fill_nan(double *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        x[i] = NAN;
}

/* One call of a writing kernel in a uniform shape: out = f(x, y, s). */
enum op { COPY, SCALE, ADD, TRIAD, NOPS };
enum form { REF, OMP, NT, NFORMS };
static const char *const op_names[] = {"copy", "scale", "add", "triad"};
static const char *const form_names[] = {"ref", "omp", "nt"};

static int call(enum op op, enum form f, double *out, const double *x, const double *y, double s,
                size_t n) {
    static int (*const copy[])(double *, const double *,
                               size_t) = {stream_copy_ref, stream_copy_omp, stream_copy_nt};
    static int (*const scale[])(double *, const double *, double,
                                size_t) = {stream_scale_ref, stream_scale_omp, stream_scale_nt};
    static int (*const add[])(double *, const double *, const double *,
                              size_t) = {stream_add_ref, stream_add_omp, stream_add_nt};
    static int (*const triad[])(double *, const double *, const double *, double,
                                size_t) = {stream_triad_ref, stream_triad_omp, stream_triad_nt};
    switch (op) {
    case COPY:
        return copy[f](out, x, n);
    case SCALE:
        return scale[f](out, x, s, n);
    case ADD:
        return add[f](out, x, y, n);
    default:
        return triad[f](out, x, y, s, n);
    }
}

/* What STREAM defines, written here independently: the test file is ISO C too, so no
 * contraction. */
static double expected(enum op op, double x, double y, double s) {
    switch (op) {
    case COPY:
        return x;
    case SCALE:
        return s * x;
    case ADD:
        return x + y;
    default:
        return x + s * y;
    }
}

Test(stream, reference_computes_the_stream_definitions) {
    uint64_t seed = fresh_seed();
    size_t n = 4099;
    double *x = random_array(n, seed, 0), *y = random_array(n, seed, 1);
    double *out = malloc(n * sizeof *out), s = 3.0 + fill_uniform01(seed, 2, 0);
    for (int op = 0; op < NOPS; op++) {
        fill_nan(out, n);
        cr_assert_eq(call(op, REF, out, x, y, s, n), 0);
        for (size_t i = 0; i < n; i++)
            cr_assert(same_bits(out[i], expected(op, x[i], y[i], s)), "%s i=%zu seed %llu",
                      op_names[op], i, (unsigned long long)seed);
    }
    /* The triad check has power: on these inputs a fused multiply-add rounds differently. */
    size_t differ = 0;
    for (size_t i = 0; i < n; i++)
        differ += !same_bits(fma(s, y[i], x[i]), x[i] + s * y[i]);
    cr_assert(differ > 0, "no element where FMA and multiply-then-add differ (seed %llu)",
              (unsigned long long)seed);
    free(x);
    free(y);
    free(out);
}

/* Every parallel form at every setting against the reference, output pre-set to NaN so that
 * an element left unwritten shows. */
static void check_forms_at_every_setting(size_t n, size_t out_offset) {
    uint64_t seed = fresh_seed();
    double *x = random_array(n, seed, 0), *y = random_array(n, seed, 1);
    double *ref = malloc(n * sizeof *ref), *buf = malloc((n + out_offset) * sizeof *buf);
    double *out = buf + out_offset, s = 3.0;
    for (int op = 0; op < NOPS; op++) {
        cr_assert_eq(call(op, REF, ref, x, y, s, n), 0);
        for (int f = OMP; f < NFORMS; f++)
            for (size_t t = 0; t < NTHREADS; t++)
                for (size_t k = 0; k < NKINDS; k++)
                    for (size_t c = 0; c < NCHUNKS; c++) {
                        omp_set_num_threads(thread_counts[t]);
                        omp_set_schedule(kinds[k], chunks[c]);
                        fill_nan(out, n);
                        cr_assert_eq(call(op, f, out, x, y, s, n), 0);
                        cr_assert_arr_eq(out, ref, n * sizeof *ref,
                                         "%s_%s n=%zu offset %zu threads %d kind %d chunk %d "
                                         "seed %llu",
                                         op_names[op], form_names[f], n, out_offset,
                                         thread_counts[t], (int)kinds[k], chunks[c],
                                         (unsigned long long)seed);
                    }
    }
    free(x);
    free(y);
    free(ref);
    free(buf);
}

Test(stream, parallel_forms_write_the_reference_bits) {
    check_forms_at_every_setting(7 * STREAM_BLOCK + 501, 0);
}

/* Streaming stores need aligned addresses: an output 8 bytes off and lengths that end
 * mid-vector exercise the ordinary-store head and tail. */
Test(stream, unaligned_outputs_and_odd_lengths) {
    check_forms_at_every_setting(2 * STREAM_BLOCK + 3, 1);
    static const size_t lengths[] = {1, 2, 7, 9, STREAM_BLOCK - 1, STREAM_BLOCK + 1};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
        for (size_t off = 0; off < 8; off += 3) {
            size_t n = lengths[i];
            uint64_t seed = fresh_seed();
            double *x = random_array(n, seed, 0), *y = random_array(n, seed, 1);
            double *ref = malloc(n * sizeof *ref), *buf = malloc((n + off) * sizeof *buf);
            omp_set_num_threads(2);
            omp_set_schedule(omp_sched_dynamic, 1);
            for (int op = 0; op < NOPS; op++) {
                cr_assert_eq(call(op, REF, ref, x, y, 3.0, n), 0);
                fill_nan(buf + off, n);
                cr_assert_eq(call(op, NT, buf + off, x, y, 3.0, n), 0);
                cr_assert_arr_eq(buf + off, ref, n * sizeof *ref, "%s n=%zu off=%zu", op_names[op],
                                 n, off);
            }
            free(x);
            free(y);
            free(ref);
            free(buf);
        }
}

Test(stream, nt_lanes_match_the_build) {
#if defined(__AVX512F__)
    cr_assert_eq(stream_nt_lanes(), 8);
#elif defined(__AVX__)
    cr_assert_eq(stream_nt_lanes(), 4);
#elif defined(__SSE2__)
    cr_assert_eq(stream_nt_lanes(), 2);
#else
    cr_assert_eq(stream_nt_lanes(), 0);
#endif
}

Test(stream, bad_arguments_are_refused_and_nothing_is_written) {
    enum { N = 64 };
    double x[N], y[N], out[N], big[2 * N];
    for (int i = 0; i < N; i++)
        x[i] = y[i] = 1.0;
    for (int op = 0; op < NOPS; op++)
        for (int f = 0; f < NFORMS; f++) {
            const char *name = op_names[op];
            for (int i = 0; i < N; i++)
                out[i] = -7.0;
            cr_assert_eq(call(op, f, out, x, y, 3.0, 0), EINVAL, "%s n = 0", name);
            cr_assert_eq(call(op, f, NULL, x, y, 3.0, N), EINVAL, "%s NULL out", name);
            cr_assert_eq(call(op, f, out, NULL, y, 3.0, N), EINVAL, "%s NULL x", name);
            if (op == ADD || op == TRIAD)
                cr_assert_eq(call(op, f, out, x, NULL, 3.0, N), EINVAL, "%s NULL y", name);
            cr_assert_eq(call(op, f, out, x, y, 3.0, SIZE_MAX / 4), EINVAL, "%s n * 8 overflows",
                         name);
            for (int i = 0; i < N; i++)
                cr_assert_eq(out[i], -7.0, "%s_%s wrote on error", name, form_names[f]);
            /* The output may not overlap an input, in place or shifted either way. */
            for (int i = 0; i < 2 * N; i++)
                big[i] = 1.0;
            cr_assert_eq(call(op, f, big, big, y, 3.0, N), EINVAL, "%s in place", name);
            cr_assert_eq(call(op, f, big + 1, big, y, 3.0, N), EINVAL, "%s shifted up", name);
            cr_assert_eq(call(op, f, big, big + N - 1, y, 3.0, N), EINVAL, "%s shifted", name);
            if (op == ADD || op == TRIAD)
                cr_assert_eq(call(op, f, big, x, big + 5, 3.0, N), EINVAL, "%s y overlaps", name);
            for (int i = 0; i < 2 * N; i++)
                cr_assert_eq(big[i], 1.0, "%s_%s wrote on error", name, form_names[f]);
            /* Adjacent arrays and inputs that overlap each other are fine. */
            cr_assert_eq(call(op, f, big + N, big, big, 3.0, N), 0, "%s adjacent", name);
        }
    double sum = -7.0, scratch[1] = {-7.0};
    cr_assert_eq(stream_read_ref(x, 0, &sum), EINVAL);
    cr_assert_eq(stream_read_ref(NULL, N, &sum), EINVAL);
    cr_assert_eq(stream_read_ref(x, N, NULL), EINVAL);
    cr_assert_eq(stream_read_omp(x, 0, scratch, &sum), EINVAL);
    cr_assert_eq(stream_read_omp(NULL, N, scratch, &sum), EINVAL);
    cr_assert_eq(stream_read_omp(x, N, NULL, &sum), EINVAL);
    cr_assert_eq(stream_read_omp(x, N, scratch, NULL), EINVAL);
    cr_assert_eq(stream_read_omp(x, N, x + 3, &sum), EINVAL, "scratch inside the input");
    cr_assert_eq(sum, -7.0);
    cr_assert_eq(scratch[0], -7.0);
}

Test(stream, read_sums_integers_exactly) {
    size_t n = 3 * STREAM_BLOCK + 77;
    double *a = malloc(n * sizeof *a), *scratch = malloc(stream_block_count(n) * sizeof *scratch);
    for (size_t i = 0; i < n; i++)
        a[i] = (double)(i + 1);
    double exact = (double)n * (double)(n + 1) / 2.0, s_ref = 0.0, s_omp = 0.0;
    omp_set_num_threads(3);
    cr_assert_eq(stream_read_ref(a, n, &s_ref), 0);
    cr_assert_eq(stream_read_omp(a, n, scratch, &s_omp), 0);
    cr_assert_eq(s_ref, exact);
    cr_assert_eq(s_omp, exact);
    cr_assert_eq(stream_read_omp(a, 1, scratch, &s_omp), 0);
    cr_assert_eq(s_omp, 1.0);
    free(a);
    free(scratch);
}

Test(stream, read_is_deterministic_and_within_its_tolerance) {
    uint64_t seed = fresh_seed();
    size_t n = 61 * STREAM_BLOCK + 13, nb = stream_block_count(n);
    double *a = malloc(n * sizeof *a), *scratch = malloc(nb * sizeof *scratch);
    omp_set_schedule(omp_sched_static, 0);
    fill_uniform_array(a, n, 1.0, 2.0, seed, 0);
    /* Every a[i] in [1, 2) is a multiple of 2^-52: summed as integers, the sum is exact. */
    unsigned __int128 units = 0;
    for (size_t i = 0; i < n; i++)
        units += (unsigned __int128)(a[i] * 0x1p52);
    long double exact = (long double)units * 0x1p-52L;
    double ref, first, s;
    cr_assert_eq(stream_read_ref(a, n, &ref), 0);
    omp_set_num_threads(1);
    cr_assert_eq(stream_read_omp(a, n, scratch, &first), 0);
    double tol = kernel_find("stream_read")->tolerance;
    cr_assert(fabsl(ref - exact) <= 0x1p-53L * exact, "compensated sum %.17g vs %.17Lg", ref,
              exact);
    cr_assert(fabs(first - ref) <= tol * ref, "blocked %.17g ref %.17g seed %llu", first, ref,
              (unsigned long long)seed);
    for (size_t t = 0; t < NTHREADS; t++)
        for (size_t k = 0; k < NKINDS; k++)
            for (size_t c = 0; c < NCHUNKS; c++) {
                omp_set_num_threads(thread_counts[t]);
                omp_set_schedule(kinds[k], chunks[c]);
                cr_assert_eq(stream_read_omp(a, n, scratch, &s), 0);
                cr_assert(same_bits(s, first), "threads %d kind %d chunk %d seed %llu",
                          thread_counts[t], (int)kinds[k], chunks[c], (unsigned long long)seed);
                cr_assert_eq(stream_read_omp2(a, n, scratch, &s), 0);
                cr_assert(same_bits(s, first), "two streams: threads %d kind %d chunk %d",
                          thread_counts[t], (int)kinds[k], chunks[c]);
            }
    /* Odd and even block counts, a short last block, and a single block: the two-stream
     * pairing must still give each block's own sum. */
    static const size_t lengths[] = {1, 1000, 2 * STREAM_BLOCK, 3 * STREAM_BLOCK - 5,
                                     4 * STREAM_BLOCK + 1};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        double one, two;
        cr_assert_eq(stream_read_omp(a, lengths[i], scratch, &one), 0);
        cr_assert_eq(stream_read_omp2(a, lengths[i], scratch, &two), 0);
        cr_assert(same_bits(one, two), "n=%zu: %.17g vs %.17g", lengths[i], one, two);
    }
    cr_assert_eq(stream_read_omp2(a, 0, scratch, &s), EINVAL);
    cr_assert_eq(stream_read_omp2(a, n, a + 3, &s), EINVAL, "scratch inside the input");
    free(a);
    free(scratch);
}

/* Through the registry: STREAM's counts, and the checksum is the sum of the output that
 * STREAM's definition gives on the seeded inputs (a, b, c = streams 0, 1, 2, in [1, 2)). */
static double input(uint64_t seed, uint64_t stream, size_t i) {
    return 1.0 + fill_uniform01(seed, stream, i);
}

static double registry_expected_element(const char *name, uint64_t seed, size_t i) {
    double a = input(seed, 0, i), b = input(seed, 1, i), c = input(seed, 2, i);
    if (strcmp(name, "stream_copy") == 0)
        return a;
    if (strcmp(name, "stream_scale") == 0)
        return 3.0 * c;
    if (strcmp(name, "stream_add") == 0)
        return a + b;
    if (strcmp(name, "stream_triad") == 0)
        return b + 3.0 * c;
    return a; /* stream_read sums its input */
}

Test(stream, registry_kernels_stream_what_stream_names) {
    static const char *const names[] = {"stream_copy", "stream_scale", "stream_add", "stream_triad",
                                        "stream_read"};
    static const double bytes[] = {16, 16, 24, 24, 8}, flops[] = {0, 1, 1, 2, 1};
    uint64_t seed = fresh_seed();
    size_t n = 3 * STREAM_BLOCK + 5;
    double *want = malloc(n * sizeof *want);
    double *scratch = malloc(stream_block_count(n) * sizeof *scratch);
    for (size_t k = 0; k < 5; k++) {
        const struct kernel *kern = kernel_find(names[k]);
        cr_assert_not_null(kern, "%s", names[k]);
        struct kernel_work w;
        kern->work(n, NULL, &w);
        cr_assert_eq(w.bytes, bytes[k] * (double)n, "%s bytes", names[k]);
        cr_assert_eq(w.flops, flops[k] * (double)n, "%s flops", names[k]);
        cr_assert_eq(w.iterations, 4, "%s iterations", names[k]);
        cr_assert_eq(w.iteration_bytes, bytes[k] * STREAM_BLOCK, "%s", names[k]);
        cr_assert_eq(kern->tolerance, k < 4 ? 0.0 : 1e-13, "%s", names[k]);

        for (size_t i = 0; i < n; i++)
            want[i] = registry_expected_element(names[k], seed, i);
        double sum;
        cr_assert_eq(
            k < 4 ? stream_read_omp(want, n, scratch, &sum) : stream_read_ref(want, n, &sum), 0);
        for (const struct kernel_variant *v = kern->variants; v->name; v++) {
            void *state = NULL;
            omp_set_num_threads(3);
            omp_set_schedule(omp_sched_guided, 2);
            cr_assert_eq(kern->setup(&state, n, NULL, seed), 0);
            /* Idempotent: the checksum does not depend on how many repetitions ran. */
            for (int rep = 0; rep < 3; rep++) {
                cr_assert_eq(v->run(state), 0);
                double got = kern->checksum(state);
                if (k < 4)
                    cr_assert(same_bits(got, sum), "%s/%s rep %d: %.17g vs %.17g seed %llu",
                              names[k], v->name, rep, got, sum, (unsigned long long)seed);
                else
                    cr_assert(fabs(got - sum) <= 1e-13 * sum, "%s/%s: %.17g vs %.17g", names[k],
                              v->name, got, sum);
            }
            kern->teardown(state);
        }
    }
    free(want);
    free(scratch);
}
