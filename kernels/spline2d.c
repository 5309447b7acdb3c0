/* spline2d: FITPACK-compatible interpolating tensor-product B-spline surfaces.
 *
 * The fit solves the square collocation system Bx C By^T = Z as two sweeps of 1-D banded
 * systems, each reduced to upper-triangular band form with Givens rotations (orthogonal, hence
 * stable whatever the knot spacing) and finished by back substitution. Evaluation clamps to the
 * data box and uses the de Boor-Cox recursion, summing in the same order as FITPACK's bispev so
 * that results track scipy's to rounding.
 */
#include "spline2d.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KMAX 5
#define KMIN 1

const char *spline2d_strerror(int code) {
    switch (code) {
    case SPLINE2D_OK:
        return "success";
    case SPLINE2D_EDEGREE:
        return "spline degree must be between 1 and 5";
    case SPLINE2D_ETOOFEW:
        return "too few data points: need more points than the degree along each axis";
    case SPLINE2D_EXORDER:
        return "x must be finite and strictly increasing";
    case SPLINE2D_EYORDER:
        return "y must be finite and strictly increasing";
    case SPLINE2D_ESHAPE:
        return "number of z values is not mx * my";
    case SPLINE2D_ENAN:
        return "z contains NaN or infinity";
    case SPLINE2D_ENOMEM:
        return "out of memory";
    case SPLINE2D_EUNSORTED:
        return "grid evaluation: query vectors must be sorted non-decreasingly";
    case SPLINE2D_EDERIV:
        return "derivative order must satisfy 0 <= order < degree";
    case SPLINE2D_ESINGULAR:
        return "collocation system is singular";
    default:
        return "unknown spline2d error";
    }
}

/* Strict increase also rejects NaN (every comparison with NaN is false); infinite abscissae
 * would make knot differences meaningless, so they are rejected too. */
static int strictly_increasing(const double *v, size_t m) {
    for (size_t i = 0; i < m; i++)
        if (!isfinite(v[i]) || (i > 0 && !(v[i] > v[i - 1])))
            return 0;
    return 1;
}

static int sorted_nondecreasing(const double *v, size_t m) {
    for (size_t i = 1; i < m; i++)
        if (!(v[i] >= v[i - 1]))
            return 0;
    return 1;
}

void spline2d_knots(const double *v, size_t m, int k, double *t) {
    size_t n = m + (size_t)k + 1;
    size_t kk = (size_t)k;
    for (size_t i = 0; i <= kk; i++) {
        t[i] = v[0];
        t[n - 1 - i] = v[m - 1];
    }
    /* Odd degree: knots on data points; even degree: knots between them, which keeps each
     * data point inside the support of "its" B-spline (Schoenberg-Whitney). */
    for (size_t l = 0; l + kk + 1 < m; l++) {
        if (k % 2)
            t[kk + 1 + l] = v[(kk + 1) / 2 + l];
        else
            t[kk + 1 + l] = (v[kk / 2 + l] + v[kk / 2 + 1 + l]) * 0.5;
    }
}

static inline double clamp(double a, double lo, double hi) {
    a = a < lo ? lo : a; /* NaN falls through both tests and stays NaN */
    return a > hi ? hi : a;
}

/* Largest l in [k, n-k-2] with t[l] <= arg (arg already clamped), so the last interval is
 * closed on the right. Fixed trip count and a conditional move, no data-dependent branch. */
static inline size_t find_interval(const double *t, size_t n, int k, double arg) {
    size_t base = (size_t)k;
    size_t len = n - 2 * (size_t)k - 1;
    while (len > 1) {
        size_t half = len / 2;
        base = t[base + half] <= arg ? base + half : base;
        len -= half;
    }
    return base;
}

/* The k+1 B-splines of degree k that do not vanish on [t[l], t[l+1]), at arg: the triangular
 * de Boor-Cox scheme, raising the degree one step at a time. */
static inline void bspline_values(const double *t, size_t l, int k, double arg, double *w) {
    w[0] = 1.0;
    for (int j = 1; j <= k; j++) {
        double carry = 0.0;
        for (int i = 0; i < j; i++) {
            double right = t[l + (size_t)i + 1];
            double left = t[l + (size_t)i + 1 - (size_t)j];
            double span = right - left;
            double f = span != 0.0 ? w[i] / span : 0.0;
            w[i] = carry + f * (right - arg);
            carry = f * (arg - left);
        }
        w[j] = carry;
    }
}

size_t spline2d_basis(const double *t, size_t n, int k, double arg, double *w) {
    size_t kk = (size_t)k;
    arg = clamp(arg, t[kk], t[n - kk - 1]);
    size_t l = find_interval(t, n, k, arg);
    bspline_values(t, l, k, arg, w);
    return l - kk;
}

/* Rotates one collocation row h (columns first..first+k) with its right-hand side b into the
 * triangular band R (row p holds columns p..p+k) and its transformed right-hand side q. Rows
 * arrive with non-decreasing first column, so the band never fills beyond k+1 entries. */
static void rotate_row_in(double *band, double *q, size_t first, int k, double *h, double *b,
                          size_t nrhs) {
    size_t w = (size_t)k + 1;
    for (size_t j = 0; j < w; j++) {
        if (h[j] == 0.0)
            continue;
        double *r = band + (first + j) * w;
        double *qr = q + (first + j) * nrhs;
        size_t width = w - j;
        if (r[0] == 0.0) { /* empty row of R: the incoming row simply takes its place */
            memcpy(r, h + j, width * sizeof *r);
            memcpy(qr, b, nrhs * sizeof *qr);
            return;
        }
        double rho = hypot(r[0], h[j]);
        double cs = r[0] / rho, sn = h[j] / rho;
        r[0] = rho;
        h[j] = 0.0;
        for (size_t i = 1; i < width; i++) {
            double a = r[i], v = h[j + i];
            r[i] = cs * a + sn * v;
            h[j + i] = cs * v - sn * a;
        }
        for (size_t i = 0; i < nrhs; i++) {
            double a = qr[i], v = b[i];
            qr[i] = cs * a + sn * v;
            b[i] = cs * v - sn * a;
        }
    }
}

/* Solves B X = rhs for the m x m collocation matrix of points v on knots t (degree k), with
 * nrhs right-hand sides stored row-major in rhs (consumed). The solution goes to sol. */
static int solve_axis(const double *t, size_t n, int k, const double *v, size_t m, double *rhs,
                      size_t nrhs, double *band, double *sol) {
    size_t w = (size_t)k + 1;
    memset(band, 0, m * w * sizeof *band);
    memset(sol, 0, m * nrhs * sizeof *sol);
    for (size_t i = 0; i < m; i++) {
        double h[KMAX + 1];
        size_t first = spline2d_basis(t, n, k, v[i], h);
        rotate_row_in(band, sol, first, k, h, rhs + i * nrhs, nrhs);
    }
    for (size_t p = m; p-- > 0;) {
        const double *r = band + p * w;
        double *x = sol + p * nrhs;
        if (r[0] == 0.0)
            return SPLINE2D_ESINGULAR;
        for (size_t d = 1; d < w && p + d < m; d++) {
            const double *xd = sol + (p + d) * nrhs;
            for (size_t i = 0; i < nrhs; i++)
                x[i] -= r[d] * xd[i];
        }
        for (size_t i = 0; i < nrhs; i++)
            x[i] /= r[0];
    }
    return SPLINE2D_OK;
}

static void transpose(const double *a, size_t rows, size_t cols, double *out) {
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++)
            out[j * rows + i] = a[i * cols + j];
}

static int check_input(const double *x, size_t mx, const double *y, size_t my, const double *z,
                       size_t nz, int kx, int ky) {
    if (kx < KMIN || kx > KMAX || ky < KMIN || ky > KMAX)
        return SPLINE2D_EDEGREE;
    if (mx <= (size_t)kx || my <= (size_t)ky)
        return SPLINE2D_ETOOFEW;
    if (!strictly_increasing(x, mx))
        return SPLINE2D_EXORDER;
    if (!strictly_increasing(y, my))
        return SPLINE2D_EYORDER;
    if (mx > SIZE_MAX / 2 / my || nz != mx * my)
        return SPLINE2D_ESHAPE;
    for (size_t i = 0; i < nz; i++)
        if (!isfinite(z[i]))
            return SPLINE2D_ENAN;
    return SPLINE2D_OK;
}

/* Both sweeps: Bx G = Z along x, then By C^T = G^T along y. */
static int solve_tensor(struct spline2d *s, const double *x, size_t mx, const double *y, size_t my,
                        const double *z) {
    size_t nz = mx * my;
    size_t nband = mx * (size_t)(s->kx + 1);
    if (my * (size_t)(s->ky + 1) > nband)
        nband = my * (size_t)(s->ky + 1);
    if (nband > (SIZE_MAX / sizeof(double) - 2 * nz))
        return SPLINE2D_ENOMEM;
    double *work = malloc((2 * nz + nband) * sizeof *work);
    if (!work)
        return SPLINE2D_ENOMEM;
    double *a = work, *b = work + nz, *band = work + 2 * nz;
    memcpy(a, z, nz * sizeof *a);
    int rc = solve_axis(s->tx, s->nx, s->kx, x, mx, a, my, band, b);
    if (rc == SPLINE2D_OK) {
        transpose(b, mx, my, a);
        rc = solve_axis(s->ty, s->ny, s->ky, y, my, a, mx, band, b);
    }
    if (rc == SPLINE2D_OK)
        transpose(b, my, mx, s->c);
    free(work);
    return rc;
}

int spline2d_fit(struct spline2d *s, const double *x, size_t mx, const double *y, size_t my,
                 const double *z, size_t nz, int kx, int ky) {
    memset(s, 0, sizeof *s);
    int rc = check_input(x, mx, y, my, z, nz, kx, ky);
    if (rc != SPLINE2D_OK)
        return rc;
    s->kx = kx;
    s->ky = ky;
    s->nx = mx + (size_t)kx + 1;
    s->ny = my + (size_t)ky + 1;
    s->tx = malloc(s->nx * sizeof *s->tx);
    s->ty = malloc(s->ny * sizeof *s->ty);
    s->c = malloc(nz * sizeof *s->c);
    if (!s->tx || !s->ty || !s->c) {
        spline2d_free(s);
        return SPLINE2D_ENOMEM;
    }
    spline2d_knots(x, mx, kx, s->tx);
    spline2d_knots(y, my, ky, s->ty);
    rc = solve_tensor(s, x, mx, y, my, z);
    if (rc != SPLINE2D_OK)
        spline2d_free(s);
    return rc;
}

void spline2d_free(struct spline2d *s) {
    free(s->tx);
    free(s->ty);
    free(s->c);
    memset(s, 0, sizeof *s);
}

/* Sum of the (kx+1)(ky+1) active coefficients times weights, in bispev's order. */
static inline double combine(const struct spline2d *s, size_t ix, const double *wx, size_t iy,
                             const double *wy) {
    size_t ncy = s->ny - (size_t)s->ky - 1;
    double sum = 0.0;
    for (int a = 0; a <= s->kx; a++) {
        const double *row = s->c + (ix + (size_t)a) * ncy + iy;
        for (int b = 0; b <= s->ky; b++)
            sum += row[b] * wx[a] * wy[b];
    }
    return sum;
}

double spline2d_eval(const struct spline2d *s, double x, double y) {
    double wx[KMAX + 1], wy[KMAX + 1];
    size_t ix = spline2d_basis(s->tx, s->nx, s->kx, x, wx);
    size_t iy = spline2d_basis(s->ty, s->ny, s->ky, y, wy);
    return combine(s, ix, wx, iy, wy);
}

void spline2d_eval_points(const struct spline2d *s, const double *x, const double *y, size_t n,
                          double *out) {
    for (size_t i = 0; i < n; i++)
        out[i] = spline2d_eval(s, x[i], y[i]);
}

int spline2d_eval_grid(const struct spline2d *s, const double *x, size_t nx, const double *y,
                       size_t ny, double *out) {
    if (!sorted_nondecreasing(x, nx) || !sorted_nondecreasing(y, ny))
        return SPLINE2D_EUNSORTED;
    if (nx == 0 || ny == 0)
        return SPLINE2D_OK;
    /* The y weights are shared by every row of the grid: compute them once. */
    size_t wk = (size_t)s->ky + 1;
    if (ny > SIZE_MAX / sizeof(double) / (wk + 1))
        return SPLINE2D_ENOMEM;
    double *wy = malloc(ny * (wk + 1) * sizeof *wy);
    size_t *iy = malloc(ny * sizeof *iy);
    if (!wy || !iy) {
        free(wy);
        free(iy);
        return SPLINE2D_ENOMEM;
    }
    for (size_t j = 0; j < ny; j++)
        iy[j] = spline2d_basis(s->ty, s->ny, s->ky, y[j], wy + j * wk);
    for (size_t i = 0; i < nx; i++) {
        double wx[KMAX + 1];
        size_t ix = spline2d_basis(s->tx, s->nx, s->kx, x[i], wx);
        for (size_t j = 0; j < ny; j++)
            out[i * ny + j] = combine(s, ix, wx, iy[j], wy + j * wk);
    }
    free(wy);
    free(iy);
    return SPLINE2D_OK;
}

/* Differences the k+1 coefficients active on interval l, a[0..k] (stride apart), d times in
 * place. Pass p applies d_g = (k+1-p) (a_g - a_{g-1}) / (t_{g+k+1-p} - t_g), so that afterwards
 * a[i], i >= p, multiplies the degree k-p B-spline of global index l-k+i on the same knots.
 * Working locally keeps the derivative allocation-free; every span used covers [t_l, t_l+1]
 * and so is positive. */
static void difference_local(double *a, size_t stride, const double *t, size_t l, int k, int d) {
    size_t g0 = l - (size_t)k;
    for (int p = 1; p <= d; p++) {
        double order = (double)(k + 1 - p);
        for (int i = k; i >= p; i--) {
            size_t g = g0 + (size_t)i;
            double span = t[g + (size_t)(k + 1 - p)] - t[g];
            a[(size_t)i * stride] =
                (a[(size_t)i * stride] - a[(size_t)(i - 1) * stride]) * order / span;
        }
    }
}

int spline2d_eval_deriv(const struct spline2d *s, int dx, int dy, double x, double y, double *out) {
    if (dx < 0 || dy < 0 || dx >= s->kx || dy >= s->ky)
        return SPLINE2D_EDERIV;
    int kx = s->kx, ky = s->ky;
    x = clamp(x, s->tx[kx], s->tx[s->nx - (size_t)kx - 1]);
    y = clamp(y, s->ty[ky], s->ty[s->ny - (size_t)ky - 1]);
    size_t lx = find_interval(s->tx, s->nx, kx, x);
    size_t ly = find_interval(s->ty, s->ny, ky, y);
    double wx[KMAX + 1], wy[KMAX + 1];
    bspline_values(s->tx, lx, kx - dx, x, wx);
    bspline_values(s->ty, ly, ky - dy, y, wy);

    enum { W = KMAX + 1 }; /* local block a[i * W + j], i <= kx, j <= ky */
    double a[W * W];
    size_t ncy = s->ny - (size_t)ky - 1;
    const double *c0 = s->c + (lx - (size_t)kx) * ncy + (ly - (size_t)ky);
    for (int i = 0; i <= kx; i++)
        for (int j = 0; j <= ky; j++)
            a[i * W + j] = c0[(size_t)i * ncy + (size_t)j];
    for (int j = 0; j <= ky; j++)
        difference_local(a + j, W, s->tx, lx, kx, dx);
    for (int i = 0; i <= kx; i++)
        difference_local(a + i * W, 1, s->ty, ly, ky, dy);

    double sum = 0.0;
    for (int i = dx; i <= kx; i++)
        for (int j = dy; j <= ky; j++)
            sum += a[i * W + j] * wx[i - dx] * wy[j - dy];
    *out = sum;
    return SPLINE2D_OK;
}

/* Cell index on a uniform axis of ncell cells, the division replacing the binary search. */
static inline size_t uniform_cell(double v, double lo, double hi, size_t ncell) {
    double u = (v - lo) / (hi - lo) * (double)ncell;
    u = u >= 0.0 ? u : 0.0; /* also maps NaN to cell 0; the weights then carry the NaN */
    size_t i = (size_t)u;
    return i < ncell ? i : ncell - 1;
}

double spline2d_eval_bilinear_uniform(const struct spline2d *s, double x, double y) {
    const double *tx = s->tx, *ty = s->ty;
    size_t ncx = s->nx - 2, ncy = s->ny - 2; /* coefficients = grid points per axis */
    x = clamp(x, tx[1], tx[s->nx - 2]);
    y = clamp(y, ty[1], ty[s->ny - 2]);
    size_t i = uniform_cell(x, tx[1], tx[s->nx - 2], ncx - 1);
    size_t j = uniform_cell(y, ty[1], ty[s->ny - 2], ncy - 1);
    /* Same expressions as bspline_values for k = 1 and combine(), so that the two paths give
     * identical bits whenever they pick the same cell. */
    double fx = 1.0 / (tx[i + 2] - tx[i + 1]);
    double fy = 1.0 / (ty[j + 2] - ty[j + 1]);
    double wx0 = fx * (tx[i + 2] - x), wx1 = fx * (x - tx[i + 1]);
    double wy0 = fy * (ty[j + 2] - y), wy1 = fy * (y - ty[j + 1]);
    const double *c0 = s->c + i * ncy + j, *c1 = c0 + ncy;
    double sum = 0.0;
    sum += c0[0] * wx0 * wy0;
    sum += c0[1] * wx0 * wy1;
    sum += c1[0] * wx1 * wy0;
    sum += c1[1] * wx1 * wy1;
    return sum;
}

static int axis_uniform(const double *t, size_t n) {
    /* Knots t[1..n-2] are the grid points for degree 1. */
    size_t cells = n - 3;
    double h = (t[n - 2] - t[1]) / (double)cells;
    for (size_t i = 1; i + 2 < n; i++)
        if (!(fabs((t[i + 1] - t[i]) - h) <= 1e-12 * fabs(h)))
            return 0;
    return 1;
}

int spline2d_is_uniform(const struct spline2d *s) {
    if (s->kx != 1 || s->ky != 1 || s->nx < 4 || s->ny < 4 || !s->tx || !s->ty)
        return 0;
    return axis_uniform(s->tx, s->nx) && axis_uniform(s->ty, s->ny);
}
