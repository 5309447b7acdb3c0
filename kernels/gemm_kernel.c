/* gemm as a registered kernel: C = A B for n x n matrices with A and B uniform in [0, 1) from
 * the seed (fill.h). The checksum projects C on two fixed positive vectors, w^T C v, so it is
 * well conditioned and can be predicted in O(n^2) as w^T (A (B v)) where the triple-loop
 * reference would be too slow. docs/blas.md has the derivations. */
#include "dot.h"
#include "gemm.h"
#include "kernel.h"

#include "buffer.h"
#include "fill.h"

#include <errno.h>
#include <stdlib.h>

enum { PARAM_INNER };
enum { STREAM_A = 0, STREAM_B = 1, STREAM_W = 2, STREAM_V = 3 };

struct gemm_state {
    double *a, *b, *c, *w, *v, *t, *u;
    size_t n;
    int inner;
};

static void gemm_destroy(struct gemm_state *s) {
    if (!s)
        return;
    buffer_free(s->a);
    buffer_free(s->b);
    buffer_free(s->c);
    buffer_free(s->w);
    buffer_free(s->v);
    buffer_free(s->t);
    buffer_free(s->u);
    free(s);
}

static int gemm_setup(void **state, size_t size, const double *params, uint64_t seed) {
    struct gemm_state *s = calloc(1, sizeof *s);
    if (!s)
        return ENOMEM;
    size_t n = size, nn = size * size;
    s->n = n;
    s->inner = (int)params[PARAM_INNER];
    s->a = buffer_alloc(nn * sizeof(double));
    s->b = buffer_alloc(nn * sizeof(double));
    s->c = buffer_alloc(nn * sizeof(double));
    s->w = buffer_alloc(n * sizeof(double));
    s->v = buffer_alloc(n * sizeof(double));
    s->t = buffer_alloc(n * sizeof(double));
    s->u = buffer_alloc(n * sizeof(double));
    if (!s->a || !s->b || !s->c || !s->w || !s->v || !s->t || !s->u) {
        gemm_destroy(s);
        return ENOMEM;
    }
    fill_uniform_array(s->a, nn, 0.0, 1.0, seed, STREAM_A);
    fill_uniform_array(s->b, nn, 0.0, 1.0, seed, STREAM_B);
    fill_uniform_array(s->w, n, 0.5, 1.5, seed, STREAM_W);
    fill_uniform_array(s->v, n, 0.5, 1.5, seed, STREAM_V);
    gemm_first_touch(n, n, s->c);
    *state = s;
    return 0;
}

static int gemm_run_ref(void *state) {
    struct gemm_state *s = state;
    return gemm_ref(s->n, s->n, s->n, s->a, s->b, s->c);
}

static int gemm_run_omp(void *state) {
    struct gemm_state *s = state;
    return gemm_omp(s->n, s->n, s->n, s->a, s->b, s->c);
}

static int gemm_run_blas(void *state) {
    struct gemm_state *s = state;
    return gemm_blas(s->n, s->n, s->n, s->a, s->b, s->c);
}

static int gemm_run_blas_in_omp(void *state) {
    struct gemm_state *s = state;
    return gemm_blas_in_omp(s->n, s->n, s->n, s->a, s->b, s->c, s->inner);
}

static int gemm_run_omp_in_omp(void *state) {
    struct gemm_state *s = state;
    return gemm_omp_in_omp(s->n, s->n, s->n, s->a, s->b, s->c, s->inner);
}

/* out[i] = row i of the n x n matrix m times x, each a compensated (Dot2) inner product. */
static void rows_times(const double *m, const double *x, size_t n, double *out) {
    for (size_t i = 0; i < n; i++)
        (void)dot_ref(m + i * n, n, x, n, &out[i]);
}

/* w^T C v: row sums C v, then w . (C v), both compensated. Untimed (the driver calls it
 * after the measurement). */
static double gemm_checksum(const void *state) {
    const struct gemm_state *s = state;
    double sum;
    rows_times(s->c, s->v, s->n, s->t);
    (void)dot_ref(s->w, s->n, s->t, s->n, &sum);
    return sum;
}

/* w^T (A (B v)) in O(n^2): what w^T C v must be, without forming C. */
static double gemm_expected(const void *state) {
    const struct gemm_state *s = state;
    double sum;
    rows_times(s->b, s->v, s->n, s->u);
    rows_times(s->a, s->u, s->n, s->t);
    (void)dot_ref(s->w, s->n, s->t, s->n, &sum);
    return sum;
}

static void gemm_teardown(void *state) {
    gemm_destroy(state);
}

/* 2 n^3 flops; bytes are the compulsory traffic (A and B read once, C written once: 24 n^2),
 * what a perfectly cache-blocked product moves, so GB/s here is a floor, not a measurement
 * of the traffic. One iteration is a tile of C: its block of C, its rows of A and columns of
 * B. Packing space (1.4 MiB a thread for gemm_omp) is not counted. */
static void gemm_work(size_t size, const double *params, struct kernel_work *w) {
    (void)params;
    double n = (double)size;
    double mc = size < GEMM_MC ? n : GEMM_MC, nc = size < GEMM_NC ? n : GEMM_NC;
    w->items = n * n;
    w->bytes = 24.0 * n * n;
    w->flops = 2.0 * n * n * n;
    w->working_set = 24.0 * n * n;
    w->iterations = gemm_tile_count(size, size);
    w->iteration_size = 1.0;
    w->iteration_bytes = 8.0 * (mc * nc + mc * n + n * nc);
}

static const struct kernel_param gemm_params[] = {
    {"inner", PARAM_INTEGER, 1, 1, 256,
     "threads each outer thread asks for (blas_in_omp, omp_in_omp: the nesting experiment)"},
    {NULL, PARAM_INTEGER, 0, 0, 0, NULL},
};

static const struct kernel_variant gemm_variants[] = {
    {"ref", "serial triple loop (i, k, j), for validation at small n", VARIANT_SERIAL,
     gemm_run_ref},
    {"omp", "192 x 512 tiles of C over threads (schedule(runtime)), packed, 12 x 16 fma block",
     VARIANT_CHUNKED, gemm_run_omp},
    {"blas", "OpenBLAS cblas_dgemm, its threads = the point's OpenMP threads",
     VARIANT_LIBRARY | VARIANT_BLAS, gemm_run_blas},
    {"blas_in_omp",
     "outer threads split C's rows, each calls cblas_dgemm asking for `inner` threads",
     VARIANT_LIBRARY | VARIANT_BLAS, gemm_run_blas_in_omp},
    {"omp_in_omp", "outer threads split C's rows, each runs omp with an inner team of `inner`",
     VARIANT_NESTED, gemm_run_omp_in_omp},
    {NULL, NULL, 0, NULL},
};

/* Tolerance (docs/blas.md): with nonnegative A and B every element of C, computed in any
 * order, is within gamma_n = n u / (1 - n u) of the exact one relative, and so is the
 * compensated projection w^T C v; two products differ by at most 2 gamma_n + a few u, which
 * at the largest order (32768) is 7.3e-12: 1e-11. */
const struct kernel gemm_kernel = {
    .name = "gemm",
    .group = "blas",
    .summary = "C = A B for n x n doubles (A, B uniform in [0, 1)), vs OpenBLAS dgemm; "
               "checksum w^T C v",
    .item = "C element",
    .iteration = "tile of C (192 x 512)",
    .size_name = "matrix order n",
    .chunk_unit = "tiles",
    .default_size = 2000,
    .min_size = 1,
    .max_size = 32768,
    .small_size = 96,
    .ref_max_size = 512,
    .tolerance = 1e-11,
    .params = gemm_params,
    .variants = gemm_variants,
    .work = gemm_work,
    .check = NULL,
    .setup = gemm_setup,
    .checksum = gemm_checksum,
    .expected = gemm_expected,
    .teardown = gemm_teardown,
};
