/* dot as a registered kernel: x . y with x and y uniform in [-1, 2) from the seed (fill.h).
 * docs/blas.md derives the tolerance and explains the input range. */
#include "dot.h"
#include "kernel.h"

#include "buffer.h"
#include "fill.h"
#include "reduce.h"

#include <errno.h>
#include <stdlib.h>

enum { STREAM_X = 0, STREAM_Y = 1 };

struct dot_state {
    double *x, *y, *scratch;
    size_t n;
    double result;
};

static void dot_destroy(struct dot_state *s) {
    if (!s)
        return;
    buffer_free(s->x);
    buffer_free(s->y);
    buffer_free(s->scratch);
    free(s);
}

/* [-1, 2): a mean of 1/2 keeps x . y near n / 4, far from 0 (so a relative error is defined
 * at every size), while 4 in 9 products are negative, so the sum really cancels. */
static int dot_setup_part(void **state, size_t first, size_t size, size_t total,
                          const double *params, uint64_t seed) {
    (void)params;
    (void)total;
    struct dot_state *s = calloc(1, sizeof *s);
    if (!s)
        return ENOMEM;
    s->n = size;
    s->x = buffer_alloc(size * sizeof(double));
    s->y = buffer_alloc(size * sizeof(double));
    s->scratch = buffer_alloc(dot_scratch_count(size) * sizeof(double));
    if (!s->x || !s->y || !s->scratch) {
        dot_destroy(s);
        return ENOMEM;
    }
    fill_uniform_array_from(s->x, first, size, -1.0, 2.0, seed, STREAM_X);
    fill_uniform_array_from(s->y, first, size, -1.0, 2.0, seed, STREAM_Y);
    *state = s;
    return 0;
}

static int dot_setup(void **state, size_t size, const double *params, uint64_t seed) {
    return dot_setup_part(state, 0, size, size, params, seed);
}

static int dot_run_ref(void *state) {
    struct dot_state *s = state;
    return dot_ref(s->x, s->n, s->y, s->n, &s->result);
}

static int dot_run_omp(void *state) {
    struct dot_state *s = state;
    return dot_omp(s->x, s->n, s->y, s->n, s->scratch, &s->result);
}

static int dot_run_blas(void *state) {
    struct dot_state *s = state;
    return dot_blas(s->x, s->n, s->y, s->n, &s->result);
}

static double dot_checksum(const void *state) {
    return ((const struct dot_state *)state)->result;
}

static void dot_teardown(void *state) {
    dot_destroy(state);
}

/* One multiply and one add an element; x and y read (16 bytes). */
static void dot_work(size_t size, const double *params, struct kernel_work *w) {
    (void)params;
    w->items = (double)size;
    w->bytes = 16.0 * (double)size;
    w->flops = 2.0 * (double)size;
    w->working_set = 16.0 * (double)size;
    w->iterations = reduce_block_count(size, REDUCE_BLOCK);
    w->iteration_size = REDUCE_BLOCK;
    w->iteration_bytes = 16.0 * REDUCE_BLOCK;
}

static const struct kernel_param dot_params[] = {{NULL, PARAM_INTEGER, 0, 0, 0, NULL}};

static const struct kernel_variant dot_variants[] = {
    {"ref", "serial, compensated (Dot2: fma TwoProduct + TwoSum), near-exact", VARIANT_SERIAL,
     dot_run_ref},
    {"omp", "blocks of 1024 over threads (schedule(runtime)), 64 fma lanes, pairwise combine",
     VARIANT_CHUNKED, dot_run_omp},
    {"blas", "OpenBLAS cblas_ddot, its threads = the point's OpenMP threads",
     VARIANT_LIBRARY | VARIANT_BLAS, dot_run_blas},
    {NULL, NULL, 0, NULL},
};

/* Tolerance (docs/blas.md): a sum whose terms each pass through at most d roundings is off by
 * at most gamma_d * sum|x_i y_i|. OpenBLAS's kernel gives d <= n/16 + 100, which at the
 * largest size (2^30) is 7.5e-9; with these inputs sum|x_i y_i| / |x . y| is about 2.8, so
 * 1e-7 can only fail if x . y falls thousands of standard deviations below its mean (at small
 * n a failure needs x . y within ~1e-6 of 0: probability below 1e-6 for any seed). */
const struct kernel dot_kernel = {
    .name = "dot",
    .group = "blas",
    .summary = "x . y of two double vectors (x, y uniform in [-1, 2)), vs OpenBLAS ddot",
    .item = "element",
    .iteration = "block of 1024 elements",
    .size_name = "elements",
    .default_size = 10000000,
    .min_size = 1,
    .max_size = 1L << 30,
    .small_size = 100000,
    .ref_max_size = 0,
    .tolerance = 1e-7,
    .params = dot_params,
    .variants = dot_variants,
    .work = dot_work,
    .check = NULL,
    .setup = dot_setup,
    .setup_part = dot_setup_part,
    .checksum = dot_checksum,
    .expected = NULL,
    .teardown = dot_teardown,
};
