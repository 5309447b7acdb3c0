#include "spline_expsum.h"

#include "buffer.h"
#include "expsum.h"
#include "reduce.h"
#include "vexp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { VECTOR_DOUBLES = 8 }; /* one 64-byte vector: the interleaved stride's granule */

static int same_knots(const struct spline2d *a, const struct spline2d *b) {
    return a->kx == b->kx && a->ky == b->ky && a->nx == b->nx && a->ny == b->ny &&
           memcmp(a->tx, b->tx, a->nx * sizeof(double)) == 0 &&
           memcmp(a->ty, b->ty, a->ny * sizeof(double)) == 0;
}

/* The degree-1 fast path needs equally spaced knots; spline2d_is_uniform says so. */
static void init_uniform(struct spline_expsum_table *t, const struct spline2d *s) {
    t->uniform_bilinear = spline2d_is_uniform(s);
    if (!t->uniform_bilinear)
        return;
    t->cells_x = s->nx - 3; /* k = 1: nx = mx + 2 knots, mx - 1 cells */
    t->cells_y = s->ny - 3;
    t->x0 = s->tx[1];
    t->y0 = s->ty[1];
    t->xmax = s->tx[s->nx - 2];
    t->ymax = s->ty[s->ny - 2];
    t->inv_hx = (double)t->cells_x / (t->xmax - t->x0);
    t->inv_hy = (double)t->cells_y / (t->ymax - t->y0);
}

int spline_expsum_table_init(struct spline_expsum_table *t, const struct spline2d *splines,
                             size_t nsplines) {
    memset(t, 0, sizeof *t);
    if (nsplines == 0 || nsplines > SPLINE_EXPSUM_MAX_SPLINES)
        return SPLINE2D_ESHAPE;
    for (size_t k = 1; k < nsplines; k++)
        if (!same_knots(&splines[0], &splines[k]))
            return SPLINE2D_ESHAPE;
    const struct spline2d *s0 = &splines[0];
    size_t ncx = s0->nx - s0->kx - 1, ncy = s0->ny - s0->ky - 1;
    size_t stride = (nsplines + VECTOR_DOUBLES - 1) / VECTOR_DOUBLES * VECTOR_DOUBLES;
    t->coef = buffer_alloc(ncx * ncy * stride * sizeof(double));
    t->mask = buffer_alloc(stride * sizeof(double));
    if (!t->coef || !t->mask) {
        spline_expsum_table_free(t);
        return SPLINE2D_ENOMEM;
    }
    for (size_t cell = 0; cell < ncx * ncy; cell++)
        for (size_t k = 0; k < stride; k++)
            t->coef[cell * stride + k] = k < nsplines ? splines[k].c[cell] : 0.0;
    for (size_t k = 0; k < stride; k++)
        t->mask[k] = k < nsplines ? 1.0 : 0.0;
    t->kx = s0->kx;
    t->ky = s0->ky;
    t->nx = s0->nx;
    t->ny = s0->ny;
    t->tx = s0->tx;
    t->ty = s0->ty;
    t->ncy = ncy;
    t->nsplines = nsplines;
    t->stride = stride;
    init_uniform(t, s0);
    return 0;
}

void spline_expsum_table_free(struct spline_expsum_table *t) {
    buffer_free(t->coef);
    buffer_free(t->mask);
    memset(t, 0, sizeof *t);
}

double spline_expsum_ref(const struct spline2d *splines, size_t nsplines, const double *x,
                         const double *y, size_t npoints) {
    struct reduce_kahan acc = {0.0, 0.0};
    for (size_t k = 0; k < nsplines; k++)
        for (size_t i = 0; i < npoints; i++)
            reduce_kahan_add(&acc, exp(spline2d_eval(&splines[k], x[i], y[i])));
    return reduce_kahan_value(&acc);
}

/* One spline over all points, in reduction blocks: values of a block into a stack buffer,
 * then their vector exp-sum. partial[b] gets block b's sum. */
static double one_spline_expsum(const struct spline2d *s, const double *x, const double *y,
                                size_t npoints, double *partial) {
    double values[REDUCE_BLOCK];
    size_t nblocks = reduce_block_count(npoints, REDUCE_BLOCK);
    for (size_t b = 0; b < nblocks; b++) {
        size_t lo = b * REDUCE_BLOCK;
        size_t len = npoints - lo < REDUCE_BLOCK ? npoints - lo : REDUCE_BLOCK;
        spline2d_eval_points(s, x + lo, y + lo, len, values);
        partial[b] = expsum_vector(values, len);
    }
    return reduce_pairwise(partial, nblocks);
}

double spline_expsum_by_spline(const struct spline2d *splines, size_t nsplines, const double *x,
                               const double *y, size_t npoints, double *scratch) {
    size_t nblocks = reduce_block_count(npoints, REDUCE_BLOCK);
    double *per_spline = scratch + nsplines * nblocks;
    /* Whole splines are the unit of work, as in a Pool.map over splines: dynamic, one each. */
#pragma omp parallel for schedule(dynamic, 1)
    for (size_t k = 0; k < nsplines; k++)
        per_spline[k] = one_spline_expsum(&splines[k], x, y, npoints, scratch + k * nblocks);
    return reduce_pairwise(per_spline, nsplines);
}

/* Cell index and the two linear weights on a uniform axis, clamped to the data box. */
static inline size_t uniform_weights(double v, double v0, double vmax, double inv_h, size_t cells,
                                     double w[2]) {
    v = v < v0 ? v0 : (v > vmax ? vmax : v);
    double u = (v - v0) * inv_h;
    size_t cell = (size_t)u;
    if (cell >= cells)
        cell = cells - 1;
    double f = u - (double)cell;
    w[0] = 1.0 - f;
    w[1] = f;
    return cell;
}

/* Sum over all splines of exp(s_k(x, y)) at one point: the basis weights are computed once,
 * then every (a, b) coefficient row of the interleaved table is one vector loop over splines. */
static double point_expsum(const struct spline_expsum_table *t, double x, double y) {
    double wx[6], wy[6];
    size_t i0, j0;
    if (t->uniform_bilinear) {
        i0 = uniform_weights(x, t->x0, t->xmax, t->inv_hx, t->cells_x, wx);
        j0 = uniform_weights(y, t->y0, t->ymax, t->inv_hy, t->cells_y, wy);
    } else {
        i0 = spline2d_basis(t->tx, t->nx, t->kx, x, wx);
        j0 = spline2d_basis(t->ty, t->ny, t->ky, y, wy);
    }
    const size_t stride = t->stride;
    double v[SPLINE_EXPSUM_MAX_SPLINES] __attribute__((aligned(64)));
    memset(v, 0, stride * sizeof(double));
    for (int a = 0; a <= t->kx; a++) {
        for (int b = 0; b <= t->ky; b++) {
            const double w = wx[a] * wy[b];
            const double *c = t->coef + ((i0 + (size_t)a) * t->ncy + j0 + (size_t)b) * stride;
#pragma omp simd aligned(c, v : 64)
            for (size_t k = 0; k < stride; k++)
                v[k] += w * c[k];
        }
    }
    const double *mask = t->mask;
    double sum = 0.0;
#pragma omp simd reduction(+ : sum) aligned(mask, v : 64)
    for (size_t k = 0; k < stride; k++)
        sum += mask[k] * exp(v[k]);
    return sum;
}

double spline_expsum_by_point(const struct spline_expsum_table *t, const double *x, const double *y,
                              size_t npoints, double *r, double *scratch) {
#pragma omp parallel for schedule(runtime)
    for (size_t i = 0; i < npoints; i++)
        r[i] = point_expsum(t, x[i], y[i]);
    return reduce_blocked_sum(r, npoints, scratch);
}
