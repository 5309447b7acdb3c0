/* spline_expsum: sum over splines k and points i of exp(s_k(x[i], y[i])).
 *
 * The workload of the classic "multiprocessing made my SciPy code slower" question: many
 * bivariate splines on one grid, evaluated at many scattered points. Three ways to compute it:
 *   spline_expsum_ref       serial, spline by spline, each evaluation on its own (the obvious
 *                           code; every spline recomputes the same basis weights);
 *   spline_expsum_by_spline threads split the splines (the fixed Pool version);
 *   spline_expsum_by_point  threads take chunks of points (schedule(runtime)); per point the
 *                           basis weights are computed once and shared by all splines, whose
 *                           coefficients are interleaved so the spline loop is one vector loop.
 * All sums are blocked and combined in a fixed order: each function gives the same bits at any
 * thread count and chunk (REDUCE_BLOCK points per block, see reduce.h).
 * Units: none. Errors: 0 or SPLINE2D_E* codes (spline2d.h). Thread-safety: a table is
 * read-only after spline_expsum_table_init.
 */
#ifndef OMPSWEEP_SPLINE_EXPSUM_H
#define OMPSWEEP_SPLINE_EXPSUM_H

#include "spline2d.h"

#include <stddef.h>

/* Coefficients of splines sharing one knot set, interleaved: coef[cell * stride + k] with
 * cell = i * ncy + j and stride = the spline count rounded up to a whole vector. */
struct spline_expsum_table {
    int kx, ky;
    size_t nx, ny;         /* knot counts (shared by all splines)                    */
    const double *tx, *ty; /* knots, borrowed from the first spline                  */
    size_t ncy;            /* coefficients along y: ny - ky - 1                       */
    size_t nsplines, stride;
    double *coef;
    double *mask;         /* 1 for real splines, 0 for the padding lanes            */
    int uniform_bilinear; /* 1: use the degree-1 uniform-grid fast path              */
    double x0, y0, inv_hx, inv_hy, xmax, ymax;
    size_t cells_x, cells_y;
};

/* Build the table; every spline must have the same degrees and knots (SPLINE2D_ESHAPE if not).
 * The table borrows the first spline's knots: keep the splines alive while it is used. */
int spline_expsum_table_init(struct spline_expsum_table *t, const struct spline2d *splines,
                             size_t nsplines);
void spline_expsum_table_free(struct spline_expsum_table *t);

/* Maximum spline count a table accepts (its per-point work array lives on the stack). */
enum { SPLINE_EXPSUM_MAX_SPLINES = 1024 };

double spline_expsum_ref(const struct spline2d *splines, size_t nsplines, const double *x,
                         const double *y, size_t npoints);

/* scratch holds nsplines * (reduce_block_count(npoints, REDUCE_BLOCK) + 1) doubles. */
double spline_expsum_by_spline(const struct spline2d *splines, size_t nsplines, const double *x,
                               const double *y, size_t npoints, double *scratch);

/* r receives each point's sum over splines; scratch holds reduce_block_count(npoints,
 * REDUCE_BLOCK) doubles. */
double spline_expsum_by_point(const struct spline_expsum_table *t, const double *x, const double *y,
                              size_t npoints, double *r, double *scratch);

#endif
