/* The STREAM kernels (stream.h) as five registered kernels: stream_copy, stream_scale,
 * stream_add, stream_triad and stream_read. They share one state and one set of run functions;
 * each kernel allocates only the arrays it touches. Inputs are uniform in [1, 2) from the seed
 * (positive, so the checksums never cancel), outputs start at zero. */
#include "kernel.h"
#include "stream.h"

#include "buffer.h"
#include "fill.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

enum which { COPY, SCALE, ADD, TRIAD, READ };

/* STREAM's scalar. */
static const double stream_scalar = 3.0;

/* Per kernel: STREAM's bytes per element (reads + writes, no write-allocate), flops per
 * element, and which arrays are inputs (a, b, c) and which one is the output. */
static const struct {
    double bytes, flops;
    int in_a, in_b, in_c;
    char out; /* 'a', 'b', 'c' or 0 */
} stream_shape[] = {
    [COPY] = {16, 0, 1, 0, 0, 'c'},  [SCALE] = {16, 1, 0, 0, 1, 'b'}, [ADD] = {24, 1, 1, 1, 0, 'c'},
    [TRIAD] = {24, 2, 0, 1, 1, 'a'}, [READ] = {8, 1, 1, 0, 0, 0},
};

enum { FILL_A = 0, FILL_B = 1, FILL_C = 2 }; /* fill streams */

struct stream_state {
    enum which which;
    double *a, *b, *c, *scratch;
    size_t n;
    double result; /* stream_read's sum */
};

static void stream_destroy(struct stream_state *s) {
    if (!s)
        return;
    buffer_free(s->a);
    buffer_free(s->b);
    buffer_free(s->c);
    buffer_free(s->scratch);
    free(s);
}

/* First touch block by block with the schedule the kernel will use, so each page lands with
 * the thread that later streams it (an element-wise loop would split chunks differently). */
static void first_touch(double *x, size_t first, size_t n, int is_input, uint64_t seed,
                        uint64_t stream) {
    size_t nblocks = stream_block_count(n);
#pragma omp parallel for schedule(runtime)
    for (size_t k = 0; k < nblocks; k++) {
        size_t lo = k * STREAM_BLOCK, hi = n - lo < STREAM_BLOCK ? n : lo + STREAM_BLOCK;
        for (size_t i = lo; i < hi; i++)
            x[i] = is_input ? 1.0 + fill_uniform01(seed, stream, first + i) : 0.0;
    }
}

static double *make_array(size_t first, size_t n, int used, int is_input, uint64_t seed,
                          uint64_t stream, int *rc) {
    if (!used || *rc)
        return NULL;
    double *x = buffer_alloc(n * sizeof(double));
    if (!x) {
        *rc = ENOMEM;
        return NULL;
    }
    first_touch(x, first, n, is_input, seed, stream);
    return x;
}

/* Elements [first, first + size) of the problem (first = 0: all of it). */
static int stream_setup_which(enum which which, void **state, size_t first, size_t size,
                              uint64_t seed) {
    struct stream_state *s = calloc(1, sizeof *s);
    if (!s)
        return ENOMEM;
    s->which = which;
    s->n = size;
    int rc = 0, out = stream_shape[which].out;
    s->a = make_array(first, size, stream_shape[which].in_a || out == 'a', stream_shape[which].in_a,
                      seed, FILL_A, &rc);
    s->b = make_array(first, size, stream_shape[which].in_b || out == 'b', stream_shape[which].in_b,
                      seed, FILL_B, &rc);
    s->c = make_array(first, size, stream_shape[which].in_c || out == 'c', stream_shape[which].in_c,
                      seed, FILL_C, &rc);
    s->scratch = rc ? NULL : buffer_alloc(stream_block_count(size) * sizeof(double));
    if (!rc && !s->scratch)
        rc = ENOMEM;
    if (rc) {
        stream_destroy(s);
        return rc;
    }
    *state = s;
    return 0;
}

static int stream_copy_setup(void **st, size_t size, const double *params, uint64_t seed) {
    (void)params;
    return stream_setup_which(COPY, st, 0, size, seed);
}
static int stream_copy_setup_part(void **st, size_t first, size_t size, size_t total,
                                  const double *params, uint64_t seed) {
    (void)params;
    (void)total;
    return stream_setup_which(COPY, st, first, size, seed);
}
static int stream_scale_setup(void **st, size_t size, const double *params, uint64_t seed) {
    (void)params;
    return stream_setup_which(SCALE, st, 0, size, seed);
}
static int stream_scale_setup_part(void **st, size_t first, size_t size, size_t total,
                                   const double *params, uint64_t seed) {
    (void)params;
    (void)total;
    return stream_setup_which(SCALE, st, first, size, seed);
}
static int stream_add_setup(void **st, size_t size, const double *params, uint64_t seed) {
    (void)params;
    return stream_setup_which(ADD, st, 0, size, seed);
}
static int stream_add_setup_part(void **st, size_t first, size_t size, size_t total,
                                 const double *params, uint64_t seed) {
    (void)params;
    (void)total;
    return stream_setup_which(ADD, st, first, size, seed);
}
static int stream_triad_setup(void **st, size_t size, const double *params, uint64_t seed) {
    (void)params;
    return stream_setup_which(TRIAD, st, 0, size, seed);
}
static int stream_triad_setup_part(void **st, size_t first, size_t size, size_t total,
                                   const double *params, uint64_t seed) {
    (void)params;
    (void)total;
    return stream_setup_which(TRIAD, st, first, size, seed);
}
static int stream_read_setup(void **st, size_t size, const double *params, uint64_t seed) {
    (void)params;
    return stream_setup_which(READ, st, 0, size, seed);
}
static int stream_read_setup_part(void **st, size_t first, size_t size, size_t total,
                                  const double *params, uint64_t seed) {
    (void)params;
    (void)total;
    return stream_setup_which(READ, st, first, size, seed);
}

static int stream_run_ref(void *state) {
    struct stream_state *s = state;
    switch (s->which) {
    case COPY:
        return stream_copy_ref(s->c, s->a, s->n);
    case SCALE:
        return stream_scale_ref(s->b, s->c, stream_scalar, s->n);
    case ADD:
        return stream_add_ref(s->c, s->a, s->b, s->n);
    case TRIAD:
        return stream_triad_ref(s->a, s->b, s->c, stream_scalar, s->n);
    default:
        return stream_read_ref(s->a, s->n, &s->result);
    }
}

static int stream_run_omp(void *state) {
    struct stream_state *s = state;
    switch (s->which) {
    case COPY:
        return stream_copy_omp(s->c, s->a, s->n);
    case SCALE:
        return stream_scale_omp(s->b, s->c, stream_scalar, s->n);
    case ADD:
        return stream_add_omp(s->c, s->a, s->b, s->n);
    case TRIAD:
        return stream_triad_omp(s->a, s->b, s->c, stream_scalar, s->n);
    default:
        return stream_read_omp(s->a, s->n, s->scratch, &s->result);
    }
}

static int stream_run_nt(void *state) {
    struct stream_state *s = state;
    switch (s->which) {
    case COPY:
        return stream_copy_nt(s->c, s->a, s->n);
    case SCALE:
        return stream_scale_nt(s->b, s->c, stream_scalar, s->n);
    case ADD:
        return stream_add_nt(s->c, s->a, s->b, s->n);
    case TRIAD:
        return stream_triad_nt(s->a, s->b, s->c, stream_scalar, s->n);
    default:
        return EINVAL;
    }
}

/* STREAM's validation: a sum of the output array, here the deterministic blocked sum (not
 * timed). Every variant writes the same bits, so the sums agree exactly. */
static double stream_checksum(const void *state) {
    const struct stream_state *s = state;
    const double *out = stream_shape[s->which].out == 'a'   ? s->a
                        : stream_shape[s->which].out == 'b' ? s->b
                        : stream_shape[s->which].out == 'c' ? s->c
                                                            : NULL;
    double sum = s->result;
    if (out && stream_read_omp(out, s->n, s->scratch, &sum) != 0)
        return NAN;
    return sum;
}

static void stream_teardown(void *state) {
    stream_destroy(state);
}

static void stream_work_which(enum which which, size_t size, struct kernel_work *w) {
    double n = (double)size;
    w->items = n;
    w->bytes = stream_shape[which].bytes * n;
    w->flops = stream_shape[which].flops * n;
    w->working_set = stream_shape[which].bytes * n;
    w->iterations = stream_block_count(size);
    w->iteration_size = STREAM_BLOCK;
    w->iteration_bytes = stream_shape[which].bytes * STREAM_BLOCK;
}

static void stream_copy_work(size_t size, const double *params, struct kernel_work *w) {
    (void)params;
    stream_work_which(COPY, size, w);
}
static void stream_scale_work(size_t size, const double *params, struct kernel_work *w) {
    (void)params;
    stream_work_which(SCALE, size, w);
}
static void stream_add_work(size_t size, const double *params, struct kernel_work *w) {
    (void)params;
    stream_work_which(ADD, size, w);
}
static void stream_triad_work(size_t size, const double *params, struct kernel_work *w) {
    (void)params;
    stream_work_which(TRIAD, size, w);
}
static void stream_read_work(size_t size, const double *params, struct kernel_work *w) {
    (void)params;
    stream_work_which(READ, size, w);
}

static const struct kernel_param stream_params[] = {{NULL, PARAM_INTEGER, 0, 0, 0, NULL}};

static const struct kernel_variant stream_write_variants[] = {
    {"ref", "serial, one pass over the whole array (compiler-vectorised)", VARIANT_SERIAL,
     stream_run_ref},
    {"omp", "blocks of 1024 elements over threads (schedule(runtime)), vectorised", VARIANT_CHUNKED,
     stream_run_omp},
    {"omp_nt", "as omp, output written with non-temporal (streaming) stores: no write-allocate",
     VARIANT_CHUNKED, stream_run_nt},
    {NULL, NULL, 0, NULL},
};

static int stream_read_run_omp_2s(void *state) {
    struct stream_state *s = state;
    return stream_read_omp2(s->a, s->n, s->scratch, &s->result);
}

static const struct kernel_variant stream_read_variants[] = {
    {"ref", "serial compensated (Neumaier) sum", VARIANT_SERIAL, stream_run_ref},
    {"omp", "blocks of 1024 over threads (schedule(runtime)), 32 partial sums, pairwise combine",
     VARIANT_CHUNKED, stream_run_omp},
    {"omp_2s", "as omp, two streams per thread (blocks k and k + half together), same bits",
     VARIANT_CHUNKED, stream_read_run_omp_2s},
    {NULL, NULL, 0, NULL},
};

/* What the five descriptors share (designated initializers cannot be inherited). */
#define STREAM_KERNEL_COMMON                                                                       \
    .group = "stream", .item = "element", .iteration = "block of 1024 elements",                   \
    .size_name = "elements", .default_size = 1L << 25, .min_size = 1, .max_size = 1L << 32,        \
    .small_size = 5001, .params = stream_params, .checksum = stream_checksum,                      \
    .teardown = stream_teardown

/* Default size 2^25 elements, 256 MiB per array. STREAM's rule is at least 4x the last-level
 * cache per array: machines with more than 64 MiB of it need a larger --size.
 *
 * Tolerance 0: the writing kernels compute each element with the same IEEE operations in every
 * variant, so the outputs, and their sums, have the same bits. */
const struct kernel stream_copy_kernel = {
    .name = "stream_copy",
    .summary = "STREAM copy c = a (16 bytes per element)",
    .tolerance = 0.0,
    .variants = stream_write_variants,
    .work = stream_copy_work,
    .setup = stream_copy_setup,
    .setup_part = stream_copy_setup_part,
    STREAM_KERNEL_COMMON,
};

const struct kernel stream_scale_kernel = {
    .name = "stream_scale",
    .summary = "STREAM scale b = 3 c (16 bytes, 1 flop per element)",
    .tolerance = 0.0,
    .variants = stream_write_variants,
    .work = stream_scale_work,
    .setup = stream_scale_setup,
    .setup_part = stream_scale_setup_part,
    STREAM_KERNEL_COMMON,
};

const struct kernel stream_add_kernel = {
    .name = "stream_add",
    .summary = "STREAM add c = a + b (24 bytes, 1 flop per element; numpy's a + b)",
    .tolerance = 0.0,
    .variants = stream_write_variants,
    .work = stream_add_work,
    .setup = stream_add_setup,
    .setup_part = stream_add_setup_part,
    STREAM_KERNEL_COMMON,
};

const struct kernel stream_triad_kernel = {
    .name = "stream_triad",
    .summary = "STREAM triad a = b + 3 c (24 bytes, 2 flops per element)",
    .tolerance = 0.0,
    .variants = stream_write_variants,
    .work = stream_triad_work,
    .setup = stream_triad_setup,
    .setup_part = stream_triad_setup_part,
    STREAM_KERNEL_COMMON,
};

/* Tolerance: inputs are positive, the blocked sum's relative error is below (31 + 5 + 22) u
 * ~ 6.4e-15 at the largest size (32 terms per partial, 5 pairwise levels over the partials,
 * at most 22 over the blocks) and the compensated reference is within ~u: 1e-13 leaves a
 * margin of about 15. */
const struct kernel stream_read_kernel = {
    .name = "stream_read",
    .summary = "read bandwidth: sum of a[i] (8 bytes, 1 flop per element)",
    .tolerance = 1e-13,
    .variants = stream_read_variants,
    .work = stream_read_work,
    .setup = stream_read_setup,
    .setup_part = stream_read_setup_part,
    STREAM_KERNEL_COMMON,
};
