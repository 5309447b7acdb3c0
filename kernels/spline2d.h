/* spline2d: bivariate tensor-product B-spline surfaces, FITPACK-compatible.
 *
 * Interpolating fit (smoothing s = 0) of a rectangular grid with FITPACK's knot placement, and
 * evaluation with FITPACK's clamping, as scipy.interpolate.RectBivariateSpline does (see
 * REFERENCE.md section 1 of the project's shared notes, and docs/spline2d.md).
 *
 * Units: none; x, y, z are whatever the caller's units are.
 * Errors: functions return 0 on success or a positive SPLINE2D_E* code; spline2d_strerror()
 * gives its message. Nothing is printed, nothing exits.
 * Thread-safety: a fitted struct spline2d is read-only for every eval function, so any number
 * of threads may evaluate the same spline at once. Fitting and freeing are not concurrent-safe
 * on the same struct.
 */
#ifndef OMPSWEEP_SPLINE2D_H
#define OMPSWEEP_SPLINE2D_H

#include <stddef.h>

enum spline2d_error {
    SPLINE2D_OK = 0,
    SPLINE2D_EDEGREE = 1,    /* kx or ky outside 1..5                               */
    SPLINE2D_ETOOFEW = 2,    /* mx <= kx or my <= ky                                */
    SPLINE2D_EXORDER = 3,    /* x not strictly increasing (or NaN in x)             */
    SPLINE2D_EYORDER = 4,    /* y not strictly increasing (or NaN in y)             */
    SPLINE2D_ESHAPE = 5,     /* number of z values is not mx * my                   */
    SPLINE2D_ENAN = 6,       /* NaN or infinity in z                                */
    SPLINE2D_ENOMEM = 7,     /* allocation failed                                   */
    SPLINE2D_EUNSORTED = 8,  /* grid evaluation: x or y query vector not sorted     */
    SPLINE2D_EDERIV = 9,     /* derivative order < 0, or dx >= kx, or dy >= ky      */
    SPLINE2D_ESINGULAR = 10, /* collocation system singular (should not happen)     */
};

/* A fitted surface. Knots tx[0..nx-1], ty[0..ny-1]; coefficients c[(ny-ky-1)*i + j] for
 * i < nx-kx-1, j < ny-ky-1 (FITPACK's layout). All arrays are owned by the struct. */
struct spline2d {
    int kx, ky;
    size_t nx, ny;
    double *tx, *ty;
    double *c;
};

/* Human-readable message for an error code (never NULL). */
const char *spline2d_strerror(int code);

/* Interpolating fit. z has nz = mx * my values, z[i*my + j] = f(x[i], y[j]).
 * On success *s owns new arrays (release with spline2d_free); on error *s is left zeroed. */
int spline2d_fit(struct spline2d *s, const double *x, size_t mx, const double *y, size_t my,
                 const double *z, size_t nz, int kx, int ky);

/* Release the arrays of a fitted (or zeroed) spline; safe to call twice. */
void spline2d_free(struct spline2d *s);

/* Knots for one axis, FITPACK's placement for s = 0: writes n = m + k + 1 knots to t.
 * The caller has checked 1 <= k <= 5, m > k and that v is strictly increasing. */
void spline2d_knots(const double *v, size_t m, int k, double *t);

/* The k+1 non-zero B-splines of degree k at arg on knots t[0..n-1], after clamping arg into
 * [t[k], t[n-k-1]]. Writes w[0..k] and returns the index of the first coefficient they
 * multiply (coefficients first .. first+k). Zero-length knot spans contribute 0. */
size_t spline2d_basis(const double *t, size_t n, int k, double arg, double *w);

/* Value at one point (clamped to the data box, as FITPACK does). */
double spline2d_eval(const struct spline2d *s, double x, double y);

/* Values at n scattered points: out[i] = s(x[i], y[i]) (the RectBivariateSpline.ev path). */
void spline2d_eval_points(const struct spline2d *s, const double *x, const double *y, size_t n,
                          double *out);

/* Values on a grid: out[i*ny + j] = s(x[i], y[j]). x and y must each be sorted
 * non-decreasingly (SPLINE2D_EUNSORTED otherwise). */
int spline2d_eval_grid(const struct spline2d *s, const double *x, size_t nx, const double *y,
                       size_t ny, double *out);

/* Partial derivative d^(dx+dy) s / dx^dx dy^dy at one point, 0 <= dx < kx, 0 <= dy < ky
 * (dx = dy = 0 is the value). Clamped like the value. */
int spline2d_eval_deriv(const struct spline2d *s, int dx, int dy, double x, double y, double *out);

/* Fast path for degree (1, 1) on a uniform grid x0 + i*hx, y0 + j*hy (the case of the
 * classic exp-sum workload): returns the bilinear value from the fitted coefficients. Must
 * agree with spline2d_eval to a few ulp; the caller guarantees kx = ky = 1 and uniform
 * spacing (spline2d_is_uniform). */
double spline2d_eval_bilinear_uniform(const struct spline2d *s, double x, double y);

/* 1 if s has kx = ky = 1 and knots equally spaced (to 1e-12 relative), else 0. */
int spline2d_is_uniform(const struct spline2d *s);

#endif
