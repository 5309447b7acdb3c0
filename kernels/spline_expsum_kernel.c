/* spline_expsum as a registered kernel: the workload of REFERENCE section 1 with settable
 * splines, grid and degree. Inputs are reproducible from the seed (fill.h). */
#include "kernel.h"
#include "spline_expsum.h"

#include "buffer.h"
#include "fill.h"
#include "reduce.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { PARAM_SPLINES, PARAM_GRID, PARAM_DEGREE };
enum { STREAM_X = 0, STREAM_Y = 1, STREAM_Z = 2 }; /* spline k's grid values: STREAM_Z + k */

struct spline_expsum_state {
    struct spline2d *splines;
    size_t nsplines, npoints;
    struct spline_expsum_table table;
    double *x, *y, *r, *scratch;
    double result;
};

static void spline_expsum_destroy(struct spline_expsum_state *s) {
    if (!s)
        return;
    spline_expsum_table_free(&s->table);
    for (size_t k = 0; s->splines && k < s->nsplines; k++)
        spline2d_free(&s->splines[k]);
    free(s->splines);
    buffer_free(s->x);
    buffer_free(s->y);
    buffer_free(s->r);
    buffer_free(s->scratch);
    free(s);
}

/* n splines on the grid 0..grid-1 in x and y, z uniform in [0, 1), as in the original. */
static int fit_splines(struct spline_expsum_state *s, size_t grid, int degree, uint64_t seed) {
    double *axis = malloc(grid * sizeof(double));
    double *z = malloc(grid * grid * sizeof(double));
    int rc = axis && z ? 0 : ENOMEM;
    for (size_t i = 0; !rc && i < grid; i++)
        axis[i] = (double)i;
    for (size_t k = 0; !rc && k < s->nsplines; k++) {
        for (size_t i = 0; i < grid * grid; i++)
            z[i] = fill_uniform01(seed, STREAM_Z + k, i);
        if (spline2d_fit(&s->splines[k], axis, grid, axis, grid, z, grid * grid, degree, degree))
            rc = EINVAL;
    }
    free(axis);
    free(z);
    return rc;
}

/* x, y and the per-point results are first-touched with the runtime schedule that computes. */
static int alloc_points(struct spline_expsum_state *s, size_t grid, uint64_t seed) {
    size_t n = s->npoints;
    size_t nblocks = reduce_block_count(n, REDUCE_BLOCK);
    s->x = buffer_alloc(n * sizeof(double));
    s->y = buffer_alloc(n * sizeof(double));
    s->r = buffer_alloc(n * sizeof(double));
    s->scratch = buffer_alloc((s->nsplines * (nblocks + 1) + nblocks) * sizeof(double));
    if (!s->x || !s->y || !s->r || !s->scratch)
        return ENOMEM;
    fill_uniform_array(s->x, n, 0.0, (double)grid, seed, STREAM_X);
    fill_uniform_array(s->y, n, 0.0, (double)grid, seed, STREAM_Y);
    double *r = s->r;
#pragma omp parallel for schedule(runtime)
    for (size_t i = 0; i < n; i++)
        r[i] = 0.0;
    return 0;
}

static int spline_expsum_setup(void **state, size_t size, const double *params, uint64_t seed) {
    struct spline_expsum_state *s = calloc(1, sizeof *s);
    if (!s)
        return ENOMEM;
    s->nsplines = (size_t)params[PARAM_SPLINES];
    s->npoints = size;
    size_t grid = (size_t)params[PARAM_GRID];
    s->splines = calloc(s->nsplines, sizeof *s->splines);
    int rc = s->splines ? fit_splines(s, grid, (int)params[PARAM_DEGREE], seed) : ENOMEM;
    if (!rc && spline_expsum_table_init(&s->table, s->splines, s->nsplines))
        rc = ENOMEM;
    if (!rc)
        rc = alloc_points(s, grid, seed);
    if (rc) {
        spline_expsum_destroy(s);
        return rc;
    }
    *state = s;
    return 0;
}

static int spline_expsum_run_ref(void *state) {
    struct spline_expsum_state *s = state;
    s->result = spline_expsum_ref(s->splines, s->nsplines, s->x, s->y, s->npoints);
    return 0;
}

static int spline_expsum_run_omp_splines(void *state) {
    struct spline_expsum_state *s = state;
    s->result =
        spline_expsum_by_spline(s->splines, s->nsplines, s->x, s->y, s->npoints, s->scratch);
    return 0;
}

static int spline_expsum_run_omp_points(void *state) {
    struct spline_expsum_state *s = state;
    s->result = spline_expsum_by_point(&s->table, s->x, s->y, s->npoints, s->r, s->scratch);
    return 0;
}

static double spline_expsum_checksum(const void *state) {
    return ((const struct spline_expsum_state *)state)->result;
}

static void spline_expsum_teardown(void *state) {
    spline_expsum_destroy(state);
}

static const char *spline_expsum_check(size_t size, const double *params) {
    (void)size;
    if (params[PARAM_GRID] <= params[PARAM_DEGREE])
        return "grid must be larger than degree (a degree-k spline needs k+1 grid points)";
    return NULL;
}

/* One item is one spline value at one point, with its exp: (k+1)^2 multiply-adds for the
 * value, exp counted as one operation, one add. Memory traffic is per point: x, y read and the
 * point's result written (24 bytes), shared by all splines; the coefficients stay in cache. */
static void spline_expsum_work(size_t size, const double *params, struct kernel_work *w) {
    double n = (double)params[PARAM_SPLINES], m = (double)size;
    double k1 = (double)params[PARAM_DEGREE] + 1.0, grid = (double)params[PARAM_GRID];
    double stride = (double)(((size_t)params[PARAM_SPLINES] + 7) / 8 * 8);
    w->items = n * m;
    w->bytes = 24.0 * m;
    w->flops = n * m * (2.0 * k1 * k1 + 2.0);
    w->working_set = 24.0 * m + 8.0 * (grid * grid) * stride;
    w->iterations = size;
    w->iteration_size = 1.0;
    w->iteration_bytes = 24.0;
}

static const struct kernel_param spline_expsum_params[] = {
    {"splines", PARAM_INTEGER, 50, 1, SPLINE_EXPSUM_MAX_SPLINES,
     "number of splines summed at every point"},
    {"grid", PARAM_INTEGER, 50, 2, 1024, "grid points per axis (x and y are 0, 1, ..., grid-1)"},
    {"degree", PARAM_INTEGER, 1, 1, 5, "spline degree in x and in y (1 = bilinear)"},
    {NULL, PARAM_INTEGER, 0, 0, 0, NULL},
};

static const struct kernel_variant spline_expsum_variants[] = {
    {"ref", "serial, spline by spline, one evaluation at a time, compensated sum", VARIANT_SERIAL,
     spline_expsum_run_ref},
    {"omp_splines", "threads split the splines (like Pool.map over splines)", 0,
     spline_expsum_run_omp_splines},
    {"omp_points",
     "threads take chunks of points; basis weights shared by all splines (cache-blocked)",
     VARIANT_CHUNKED, spline_expsum_run_omp_points},
    {NULL, NULL, 0, NULL},
};

/* Tolerance: values agree to a few ulp between the general and the uniform degree-1 path,
 * libmvec's exp is within ~4 ulp of glibc's scalar exp, and the blocked sums of positive terms
 * add under 1e-13 relative: 1e-12 leaves a margin of about 10. */
const struct kernel spline_expsum_kernel = {
    .name = "spline_expsum",
    .group = "spline",
    .summary = "sum over splines and points of exp(spline(x, y)) (RectBivariateSpline.ev)",
    .item = "value",
    .iteration = "point",
    .size_name = "points",
    /* The classic table's columns (125K to 1000K points a chunk) after finer steps in bytes. */
    .map_chunks = "1K,4K,16K,64K,256K,1M,125000,250000,500000,1000000,all",
    .default_size = 1000000,
    .min_size = 1,
    .max_size = 1L << 31,
    .tolerance = 1e-12,
    .params = spline_expsum_params,
    .variants = spline_expsum_variants,
    .work = spline_expsum_work,
    .check = spline_expsum_check,
    .setup = spline_expsum_setup,
    .checksum = spline_expsum_checksum,
    .teardown = spline_expsum_teardown,
};
