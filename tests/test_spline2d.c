/* Tests for kernels/spline2d: knots, interpolation, clamping, bilinear paths, errors, exact
 * polynomial reproduction, and golden values from scipy.interpolate.RectBivariateSpline
 * (tests/golden/make_spline2d_golden.py writes tests/golden/spline2d_golden.txt).
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spline2d.h"

#ifndef GOLDEN_DIR
#define GOLDEN_DIR "tests/golden"
#endif

#define NPAIRS 25

/* ---- small helpers ----------------------------------------------------------------------- */

/* Deterministic uniform numbers in [0, 1) (xorshift64*), so tests do not depend on rand(). */
static double uniform01(uint64_t *state) {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return (double)((*state * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}

static double max_abs(const double *v, size_t n) {
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    return m;
}

/* Non-uniform strictly increasing abscissae: steps between 0.5 and 1.5 times h. */
static void make_axis(double *v, size_t m, double start, double h, uint64_t *rng) {
    v[0] = start;
    for (size_t i = 1; i < m; i++)
        v[i] = v[i - 1] + h * (0.5 + uniform01(rng));
}

static int is_zeroed(const struct spline2d *s) {
    return s->kx == 0 && s->ky == 0 && s->nx == 0 && s->ny == 0 && !s->tx && !s->ty && !s->c;
}

static double clampd(double a, double lo, double hi) {
    return a < lo ? lo : (a > hi ? hi : a);
}

/* ---- golden data ------------------------------------------------------------------------- */

struct golden_pair {
    int kx, ky;
    size_t nx, ny;
    double *tx, *ty, *c, *ev, *evdx, *evdy, *evdxdy, *grid;
};

struct golden {
    size_t mx, my, npts, gnx, gny;
    double *x, *y, *z, *px, *py, *gx, *gy;
    struct golden_pair pair[NPAIRS];
};

static double *read_doubles(FILE *f, size_t n) {
    double *a = malloc((n ? n : 1) * sizeof *a);
    cr_assert(a != NULL);
    for (size_t i = 0; i < n; i++)
        cr_assert(fscanf(f, "%lf", &a[i]) == 1, "golden file truncated");
    return a;
}

static void read_sizes(FILE *f, size_t *a, size_t *b) {
    cr_assert(fscanf(f, "%zu %zu", a, b) == 2, "golden file: expected two sizes");
}

static void load_golden(struct golden *g) {
    const char *path = GOLDEN_DIR "/spline2d_golden.txt";
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL, "cannot open %s (tests run from the repository root)", path);
    int ch;
    while ((ch = fgetc(f)) == '#')
        while ((ch = fgetc(f)) != '\n' && ch != EOF)
            continue;
    ungetc(ch, f);
    char magic[32];
    int version, npairs;
    cr_assert(fscanf(f, "%31s %d", magic, &version) == 2);
    cr_assert(strcmp(magic, "spline2d-golden") == 0 && version == 1, "bad golden header");
    read_sizes(f, &g->mx, &g->my);
    g->x = read_doubles(f, g->mx);
    g->y = read_doubles(f, g->my);
    g->z = read_doubles(f, g->mx * g->my);
    cr_assert(fscanf(f, "%zu", &g->npts) == 1);
    g->px = read_doubles(f, g->npts);
    g->py = read_doubles(f, g->npts);
    read_sizes(f, &g->gnx, &g->gny);
    g->gx = read_doubles(f, g->gnx);
    g->gy = read_doubles(f, g->gny);
    cr_assert(fscanf(f, "%d", &npairs) == 1 && npairs == NPAIRS);
    for (int p = 0; p < NPAIRS; p++) {
        struct golden_pair *q = &g->pair[p];
        cr_assert(fscanf(f, "%d %d", &q->kx, &q->ky) == 2);
        read_sizes(f, &q->nx, &q->ny);
        q->tx = read_doubles(f, q->nx);
        q->ty = read_doubles(f, q->ny);
        q->c = read_doubles(f, g->mx * g->my);
        q->ev = read_doubles(f, g->npts);
        q->evdx = q->kx >= 2 ? read_doubles(f, g->npts) : NULL;
        q->evdy = q->ky >= 2 ? read_doubles(f, g->npts) : NULL;
        q->evdxdy = q->kx >= 2 && q->ky >= 2 ? read_doubles(f, g->npts) : NULL;
        q->grid = read_doubles(f, g->gnx * g->gny);
    }
    double extra;
    cr_assert(fscanf(f, "%lf", &extra) == EOF, "golden file has trailing data");
    fclose(f);
}

static void free_golden(struct golden *g) {
    free(g->x), free(g->y), free(g->z), free(g->px), free(g->py), free(g->gx), free(g->gy);
    for (int p = 0; p < NPAIRS; p++) {
        struct golden_pair *q = &g->pair[p];
        free(q->tx), free(q->ty), free(q->c), free(q->ev), free(q->evdx), free(q->evdy);
        free(q->evdxdy), free(q->grid);
    }
}

static void fit_golden(struct spline2d *s, const struct golden *g, int kx, int ky) {
    int rc = spline2d_fit(s, g->x, g->mx, g->y, g->my, g->z, g->mx * g->my, kx, ky);
    cr_assert(rc == SPLINE2D_OK, "fit (%d,%d): %s", kx, ky, spline2d_strerror(rc));
}

/* Tolerances against SciPy, indexed by k = max(kx, ky). Discrepancies are measured against a
 * scale of the whole surface (max|z| for values, max|c| for coefficients, max|reference| of the
 * same derivative), not pointwise: the surface crosses zero, where pointwise relative error is
 * meaningless. Both codes solve the same collocation system in double precision, by Givens
 * rotations but in a different order, so they differ by rounding amplified by the condition of
 * the B-spline collocation matrices, which grows with the degree (and, for derivatives, by the
 * 1/h factors of differencing). Measured maxima (gcc 12 x86-64 at -O0, -O2 and
 * -O3 -march=native -ffp-contract=fast; scipy 1.10.1), k = 1..5:
 *   values  0, 4.3e-16, 6.4e-16, 8.5e-16, 1.5e-15   (ev and grid, relative to max|z|)
 *   coeffs  0, 1.2e-15, 2.1e-15, 2.1e-15, 3.8e-15   (relative to max|c|)
 *   derivs  -, 9.8e-15, 1.3e-14, 7.1e-15, 7.5e-15   (relative to max|reference|)
 * The limits below sit 30-100x above those. */
static const double TOL_VALUE[6] = {0, 2e-14, 2e-14, 2e-14, 3e-14, 1e-13};
static const double TOL_COEF[6] = {0, 1e-13, 1e-13, 1e-13, 2e-13, 3e-13};
static const double TOL_DERIV[6] = {0, 5e-13, 5e-13, 5e-13, 5e-13, 5e-13};

static int maxdeg(int kx, int ky) {
    return kx > ky ? kx : ky;
}

/* Largest |a - b| / scale over n values. */
static double max_scaled_diff(const double *a, const double *b, size_t n, double scale) {
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i] - b[i]) / scale);
    return m;
}

Test(spline2d_golden, knots_match_scipy_exactly) {
    struct golden g;
    load_golden(&g);
    for (int p = 0; p < NPAIRS; p++) {
        const struct golden_pair *q = &g.pair[p];
        struct spline2d s;
        fit_golden(&s, &g, q->kx, q->ky);
        cr_assert(s.nx == q->nx && s.ny == q->ny, "(%d,%d) knot counts", q->kx, q->ky);
        /* Same arithmetic as FITPACK ((a + b) * 0.5 for even degrees): identical bits. */
        for (size_t i = 0; i < q->nx; i++)
            cr_assert(s.tx[i] == q->tx[i], "(%d,%d) tx[%zu]", q->kx, q->ky, i);
        for (size_t i = 0; i < q->ny; i++)
            cr_assert(s.ty[i] == q->ty[i], "(%d,%d) ty[%zu]", q->kx, q->ky, i);
        spline2d_free(&s);
    }
    free_golden(&g);
}

Test(spline2d_golden, coefficients_match_scipy) {
    struct golden g;
    load_golden(&g);
    size_t nc = g.mx * g.my;
    for (int p = 0; p < NPAIRS; p++) {
        const struct golden_pair *q = &g.pair[p];
        struct spline2d s;
        fit_golden(&s, &g, q->kx, q->ky);
        double err = max_scaled_diff(s.c, q->c, nc, max_abs(q->c, nc));
        double tol = TOL_COEF[maxdeg(q->kx, q->ky)];
        cr_log_info("(%d,%d) coefficients: max scaled diff %.2e (tol %.0e)", q->kx, q->ky, err,
                    tol);
        cr_assert(err <= tol, "(%d,%d) coefficients differ by %.3e > %.1e", q->kx, q->ky, err, tol);
        spline2d_free(&s);
    }
    free_golden(&g);
}

Test(spline2d_golden, values_at_points_match_scipy_ev) {
    struct golden g;
    load_golden(&g);
    double zscale = max_abs(g.z, g.mx * g.my);
    double *out = malloc(g.npts * sizeof *out);
    for (int p = 0; p < NPAIRS; p++) {
        const struct golden_pair *q = &g.pair[p];
        struct spline2d s;
        fit_golden(&s, &g, q->kx, q->ky);
        spline2d_eval_points(&s, g.px, g.py, g.npts, out);
        double err = max_scaled_diff(out, q->ev, g.npts, zscale);
        double tol = TOL_VALUE[maxdeg(q->kx, q->ky)];
        cr_log_info("(%d,%d) ev: max scaled diff %.2e (tol %.0e)", q->kx, q->ky, err, tol);
        cr_assert(err <= tol, "(%d,%d) ev differs by %.3e > %.1e", q->kx, q->ky, err, tol);
        spline2d_free(&s);
    }
    free(out);
    free_golden(&g);
}

Test(spline2d_golden, grid_values_match_scipy) {
    struct golden g;
    load_golden(&g);
    double zscale = max_abs(g.z, g.mx * g.my);
    size_t n = g.gnx * g.gny;
    double *out = malloc(n * sizeof *out);
    for (int p = 0; p < NPAIRS; p++) {
        const struct golden_pair *q = &g.pair[p];
        struct spline2d s;
        fit_golden(&s, &g, q->kx, q->ky);
        cr_assert(spline2d_eval_grid(&s, g.gx, g.gnx, g.gy, g.gny, out) == SPLINE2D_OK);
        double err = max_scaled_diff(out, q->grid, n, zscale);
        double tol = TOL_VALUE[maxdeg(q->kx, q->ky)];
        cr_log_info("(%d,%d) grid: max scaled diff %.2e (tol %.0e)", q->kx, q->ky, err, tol);
        cr_assert(err <= tol, "(%d,%d) grid differs by %.3e > %.1e", q->kx, q->ky, err, tol);
        spline2d_free(&s);
    }
    free(out);
    free_golden(&g);
}

static double deriv_error(const struct spline2d *s, const struct golden *g, int dx, int dy,
                          const double *ref) {
    double scale = max_abs(ref, g->npts), err = 0.0;
    for (size_t i = 0; i < g->npts; i++) {
        double v;
        cr_assert(spline2d_eval_deriv(s, dx, dy, g->px[i], g->py[i], &v) == SPLINE2D_OK);
        err = fmax(err, fabs(v - ref[i]) / scale);
    }
    return err;
}

Test(spline2d_golden, first_derivatives_match_scipy) {
    struct golden g;
    load_golden(&g);
    for (int p = 0; p < NPAIRS; p++) {
        const struct golden_pair *q = &g.pair[p];
        struct spline2d s;
        fit_golden(&s, &g, q->kx, q->ky);
        double tol = TOL_DERIV[maxdeg(q->kx, q->ky)];
        const double *refs[3] = {q->evdx, q->evdy, q->evdxdy};
        const int orders[3][2] = {{1, 0}, {0, 1}, {1, 1}};
        for (int d = 0; d < 3; d++) {
            if (!refs[d])
                continue;
            double err = deriv_error(&s, &g, orders[d][0], orders[d][1], refs[d]);
            cr_log_info("(%d,%d) d(%d,%d): max scaled diff %.2e (tol %.0e)", q->kx, q->ky,
                        orders[d][0], orders[d][1], err, tol);
            cr_assert(err <= tol, "(%d,%d) derivative (%d,%d) differs by %.3e > %.1e", q->kx, q->ky,
                      orders[d][0], orders[d][1], err, tol);
        }
        spline2d_free(&s);
    }
    free_golden(&g);
}

/* ---- knots ------------------------------------------------------------------------------- */

static void check_knots(int k, size_t m, const double *expect) {
    static const double v[] = {0, 1, 3, 4, 7, 8, 10, 13};
    double t[16];
    size_t n = m + (size_t)k + 1;
    spline2d_knots(v, m, k, t);
    for (size_t i = 0; i < n; i++)
        cr_assert(t[i] == expect[i], "k=%d m=%zu: t[%zu] = %g, expected %g", k, m, i, t[i],
                  expect[i]);
}

Test(spline2d_knots, odd_degrees_on_data_points) {
    check_knots(1, 2, (const double[]){0, 0, 1, 1});
    check_knots(1, 5, (const double[]){0, 0, 1, 3, 4, 7, 7});
    check_knots(3, 4, (const double[]){0, 0, 0, 0, 4, 4, 4, 4});
    check_knots(3, 6, (const double[]){0, 0, 0, 0, 3, 4, 8, 8, 8, 8});
    check_knots(3, 8, (const double[]){0, 0, 0, 0, 3, 4, 7, 8, 13, 13, 13, 13});
    check_knots(5, 6, (const double[]){0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8});
    check_knots(5, 8, (const double[]){0, 0, 0, 0, 0, 0, 4, 7, 13, 13, 13, 13, 13, 13});
}

Test(spline2d_knots, even_degrees_at_midpoints) {
    check_knots(2, 3, (const double[]){0, 0, 0, 3, 3, 3});
    check_knots(2, 5, (const double[]){0, 0, 0, 2, 3.5, 7, 7, 7});
    check_knots(2, 7, (const double[]){0, 0, 0, 2, 3.5, 5.5, 7.5, 10, 10, 10});
    check_knots(4, 5, (const double[]){0, 0, 0, 0, 0, 7, 7, 7, 7, 7});
    check_knots(4, 7, (const double[]){0, 0, 0, 0, 0, 3.5, 5.5, 10, 10, 10, 10, 10});
    check_knots(4, 8, (const double[]){0, 0, 0, 0, 0, 3.5, 5.5, 7.5, 13, 13, 13, 13, 13});
}

/* ---- basis ------------------------------------------------------------------------------- */

Test(spline2d_basis, partition_of_unity_and_clamping) {
    static const double v[] = {0, 1, 3, 4, 7, 8, 10, 13};
    uint64_t rng = 7;
    for (int k = 1; k <= 5; k++) {
        double t[16], w[6], wc[6];
        size_t n = 8 + (size_t)k + 1;
        spline2d_knots(v, 8, k, t);
        for (int r = 0; r < 200; r++) {
            double a = -2.0 + 17.0 * uniform01(&rng);
            size_t first = spline2d_basis(t, n, k, a, w);
            cr_assert(first + (size_t)k < 8, "k=%d: first %zu out of range", k, first);
            double sum = 0.0;
            for (int i = 0; i <= k; i++) {
                cr_assert(w[i] >= -1e-15, "k=%d: negative weight %g", k, w[i]);
                sum += w[i];
            }
            cr_assert(fabs(sum - 1.0) <= 8 * DBL_EPSILON, "k=%d: weights sum to %.17g", k, sum);
            size_t fc = spline2d_basis(t, n, k, clampd(a, 0.0, 13.0), wc);
            cr_assert(fc == first && memcmp(w, wc, sizeof(double) * (size_t)(k + 1)) == 0,
                      "k=%d: basis at %g differs from basis at the clamped point", k, a);
        }
        /* A point on an interior knot t[l] belongs to the interval that starts there. */
        for (size_t l = (size_t)k + 1; l + (size_t)k + 1 < n; l++)
            cr_assert(spline2d_basis(t, n, k, t[l], w) == l - (size_t)k, "k=%d: knot %zu", k, l);
        /* The right end uses the last interval, where only the last B-spline is 1. */
        size_t last = spline2d_basis(t, n, k, 13.0, w);
        cr_assert(last == 8 - (size_t)k - 1 && w[k] == 1.0, "k=%d: right end", k);
    }
}

/* ---- interpolation and reproduction ------------------------------------------------------ */

Test(spline2d_fit, degree_one_coefficients_are_the_data) {
    uint64_t rng = 11;
    double x[7], y[6], z[42];
    make_axis(x, 7, -1.0, 0.4, &rng);
    make_axis(y, 6, 2.0, 0.3, &rng);
    for (size_t i = 0; i < 42; i++)
        z[i] = uniform01(&rng) - 0.5;
    struct spline2d s;
    cr_assert(spline2d_fit(&s, x, 7, y, 6, z, 42, 1, 1) == SPLINE2D_OK);
    /* B_i(x_j) = delta_ij up to the rounding of (1/h) * h on the diagonal. */
    for (size_t i = 0; i < 42; i++)
        cr_assert(fabs(s.c[i] - z[i]) <= 2 * DBL_EPSILON * fabs(z[i]), "c[%zu] = %.17g, z = %.17g",
                  i, s.c[i], z[i]);
    spline2d_free(&s);
}

/* Residual at the data points relative to max|z|, random data (the worst case for the
 * conditioning of the collocation systems). Measured maxima for k = max(kx, ky) = 1..5:
 * 0, 5.6e-16, 1.0e-15, 2.0e-15, 7.3e-15; limits 35-50x above. */
static const double TOL_INTERP[6] = {0, 1e-14, 2e-14, 5e-14, 1e-13, 3e-13};

Test(spline2d_fit, interpolates_data_for_every_degree_pair) {
    uint64_t rng = 12345;
    enum { MX = 12, MY = 10 };
    double x[MX], y[MY], z[MX * MY];
    make_axis(x, MX, 0.0, 1.0, &rng);
    make_axis(y, MY, -3.0, 0.2, &rng);
    for (size_t i = 0; i < MX * MY; i++)
        z[i] = 2.0 * uniform01(&rng) - 1.0;
    double zscale = max_abs(z, MX * MY);
    for (int kx = 1; kx <= 5; kx++)
        for (int ky = 1; ky <= 5; ky++) {
            struct spline2d s;
            cr_assert(spline2d_fit(&s, x, MX, y, MY, z, MX * MY, kx, ky) == SPLINE2D_OK);
            double err = 0.0;
            for (size_t i = 0; i < MX; i++)
                for (size_t j = 0; j < MY; j++)
                    err = fmax(err, fabs(spline2d_eval(&s, x[i], y[j]) - z[i * MY + j]));
            cr_log_info("(%d,%d) interpolation residual %.2e of max|z|", kx, ky, err / zscale);
            cr_assert(err <= TOL_INTERP[maxdeg(kx, ky)] * zscale, "(%d,%d): residual %.3e", kx, ky,
                      err);
            spline2d_free(&s);
        }
}

/* Sum of a[p][q] x^p y^q (p <= kx, q <= ky) differentiated dx, dy times. */
static double poly_deriv(const double a[6][6], int kx, int ky, int dx, int dy, double x, double y) {
    double sum = 0.0;
    for (int p = dx; p <= kx; p++)
        for (int q = dy; q <= ky; q++) {
            double f = a[p][q];
            for (int r = 0; r < dx; r++)
                f *= p - r;
            for (int r = 0; r < dy; r++)
                f *= q - r;
            sum += f * pow(x, p - dx) * pow(y, q - dy);
        }
    return sum;
}

Test(spline2d_fit, reproduces_polynomials_and_their_derivatives) {
    enum { MX = 11, MY = 9 };
    uint64_t rng = 99;
    double x[MX], y[MY], z[MX * MY], a[6][6], worst[9] = {0};
    make_axis(x, MX, -1.0, 0.2, &rng);
    make_axis(y, MY, -0.8, 0.2, &rng);
    for (int kx = 1; kx <= 5; kx++)
        for (int ky = 1; ky <= 5; ky++) {
            for (int p = 0; p < 6; p++)
                for (int q = 0; q < 6; q++)
                    a[p][q] = 2.0 * uniform01(&rng) - 1.0;
            for (size_t i = 0; i < MX; i++)
                for (size_t j = 0; j < MY; j++)
                    z[i * MY + j] = poly_deriv(a, kx, ky, 0, 0, x[i], y[j]);
            struct spline2d s;
            cr_assert(spline2d_fit(&s, x, MX, y, MY, z, MX * MY, kx, ky) == SPLINE2D_OK);
            for (int dx = 0; dx < kx; dx++)
                for (int dy = 0; dy < ky; dy++) {
                    /* Each differencing pass divides by knot spans of 0.1..0.3 and multiplies by
                     * the degree, so rounding grows about 10x per order. Measured max error for
                     * total order 0..8: 2.1e-15, 1.8e-14, 1.9e-13, 1.6e-12, 1.9e-11, 1.8e-10,
                     * 2.4e-9, 2.1e-9, 3.8e-9; the limit 1e-13 * 10^order is 40-60x above for
                     * orders up to 6 (values and coefficients of the polynomials are O(1)). */
                    double tol = 1e-13 * pow(10.0, dx + dy);
                    for (int r = 0; r < 50; r++) {
                        double px = x[0] + (x[MX - 1] - x[0]) * uniform01(&rng);
                        double py = y[0] + (y[MY - 1] - y[0]) * uniform01(&rng);
                        double got, want = poly_deriv(a, kx, ky, dx, dy, px, py);
                        cr_assert(spline2d_eval_deriv(&s, dx, dy, px, py, &got) == 0);
                        worst[dx + dy] =
                            fmax(worst[dx + dy], fabs(got - want) / fmax(1.0, fabs(want)));
                        cr_assert(fabs(got - want) <= tol * fmax(1.0, fabs(want)),
                                  "(%d,%d) d(%d,%d) at (%g,%g): %.17g vs %.17g", kx, ky, dx, dy, px,
                                  py, got, want);
                    }
                }
            spline2d_free(&s);
        }
    for (int d = 0; d < 9; d++)
        cr_log_info("polynomial reproduction, total order %d: max error %.2e", d, worst[d]);
}

/* ---- clamping ---------------------------------------------------------------------------- */

Test(spline2d_eval, clamps_points_outside_the_box) {
    uint64_t rng = 5;
    enum { MX = 8, MY = 9 };
    double x[MX], y[MY], z[MX * MY];
    make_axis(x, MX, 1.0, 0.5, &rng);
    make_axis(y, MY, -2.0, 0.5, &rng);
    for (size_t i = 0; i < MX * MY; i++)
        z[i] = uniform01(&rng);
    for (int kx = 1; kx <= 5; kx++)
        for (int ky = 1; ky <= 5; ky++) {
            struct spline2d s;
            cr_assert(spline2d_fit(&s, x, MX, y, MY, z, MX * MY, kx, ky) == SPLINE2D_OK);
            for (int r = 0; r < 100; r++) {
                double px = x[0] - 2.0 + (x[MX - 1] - x[0] + 4.0) * uniform01(&rng);
                double py = y[0] - 2.0 + (y[MY - 1] - y[0] + 4.0) * uniform01(&rng);
                double cx = clampd(px, x[0], x[MX - 1]), cy = clampd(py, y[0], y[MY - 1]);
                cr_assert(spline2d_eval(&s, px, py) == spline2d_eval(&s, cx, cy),
                          "(%d,%d) at (%g,%g)", kx, ky, px, py);
                double d1, d2;
                int dx = kx > 1, dy = ky > 1;
                spline2d_eval_deriv(&s, dx, dy, px, py, &d1);
                spline2d_eval_deriv(&s, dx, dy, cx, cy, &d2);
                cr_assert(d1 == d2, "(%d,%d) derivative at (%g,%g)", kx, ky, px, py);
            }
            cr_assert(spline2d_eval(&s, -INFINITY, INFINITY) == spline2d_eval(&s, x[0], y[MY - 1]));
            cr_assert(isnan(spline2d_eval(&s, NAN, y[0])), "NaN in, NaN out");
            spline2d_free(&s);
        }
}

/* ---- degree (1, 1) ----------------------------------------------------------------------- */

Test(spline2d_eval, degree_one_is_textbook_bilinear) {
    enum { MX = 9, MY = 7 };
    uint64_t rng = 31;
    double x[MX], y[MY], z[MX * MY];
    make_axis(x, MX, 0.0, 1.0, &rng);
    make_axis(y, MY, 10.0, 0.1, &rng);
    for (size_t i = 0; i < MX * MY; i++)
        z[i] = uniform01(&rng);
    struct spline2d s;
    cr_assert(spline2d_fit(&s, x, MX, y, MY, z, MX * MY, 1, 1) == SPLINE2D_OK);
    for (int r = 0; r < 1000; r++) {
        size_t i = (size_t)(uniform01(&rng) * (MX - 1)), j = (size_t)(uniform01(&rng) * (MY - 1));
        double u = uniform01(&rng), v = uniform01(&rng);
        double px = x[i] + u * (x[i + 1] - x[i]), py = y[j] + v * (y[j + 1] - y[j]);
        double hx = x[i + 1] - x[i], hy = y[j + 1] - y[j];
        double want = ((x[i + 1] - px) * (y[j + 1] - py) * z[i * MY + j] +
                       (x[i + 1] - px) * (py - y[j]) * z[i * MY + j + 1] +
                       (px - x[i]) * (y[j + 1] - py) * z[(i + 1) * MY + j] +
                       (px - x[i]) * (py - y[j]) * z[(i + 1) * MY + j + 1]) /
                      (hx * hy);
        double got = spline2d_eval(&s, px, py);
        /* Values lie in [0, 1): a few ulp of 1. */
        cr_assert(fabs(got - want) <= 8 * DBL_EPSILON, "cell (%zu,%zu): %.17g vs %.17g", i, j, got,
                  want);
    }
    spline2d_free(&s);
}

static void uniform_grid(double *v, size_t m, double start, double h) {
    for (size_t i = 0; i < m; i++)
        v[i] = start + (double)i * h;
}

Test(spline2d_eval, bilinear_uniform_fast_path_agrees) {
    enum { MX = 33, MY = 17 };
    uint64_t rng = 2024;
    double x[MX], y[MY], z[MX * MY];
    uniform_grid(x, MX, -1.5, 0.1);
    uniform_grid(y, MY, 3.0, 0.37);
    for (size_t i = 0; i < MX * MY; i++)
        z[i] = uniform01(&rng);
    struct spline2d s;
    cr_assert(spline2d_fit(&s, x, MX, y, MY, z, MX * MY, 1, 1) == SPLINE2D_OK);
    cr_assert(spline2d_is_uniform(&s) == 1);
    double err = 0.0;
    for (int r = 0; r < 20000; r++) {
        double px, py;
        if (r % 4 == 0) { /* exactly on grid lines, where the cell choice may differ */
            px = x[(size_t)(uniform01(&rng) * MX)];
            py = y[(size_t)(uniform01(&rng) * MY)];
        } else {
            px = -2.0 + 4.5 * uniform01(&rng);
            py = 2.5 + 7.0 * uniform01(&rng);
        }
        double fast = spline2d_eval_bilinear_uniform(&s, px, py);
        double ref = spline2d_eval(&s, px, py);
        err = fmax(err, fabs(fast - ref));
        /* Values lie in [0, 1): 4 ulp of 1 is 8.9e-16. */
        cr_assert(fabs(fast - ref) <= 4 * DBL_EPSILON, "at (%.17g,%.17g): %.17g vs %.17g", px, py,
                  fast, ref);
    }
    cr_log_info("bilinear fast path: max diff %.2e", err);
    spline2d_free(&s);
}

Test(spline2d_eval, is_uniform_detects_spacing_and_degree) {
    double xu[6], yu[5], xn[6], z[30] = {0};
    uniform_grid(xu, 6, 0.0, 0.25);
    uniform_grid(yu, 5, 1.0, 0.1);
    memcpy(xn, xu, sizeof xn);
    xn[3] += 1e-6;
    struct spline2d s;
    cr_assert(spline2d_fit(&s, xu, 6, yu, 5, z, 30, 1, 1) == 0);
    cr_assert(spline2d_is_uniform(&s) == 1);
    spline2d_free(&s);
    cr_assert(spline2d_is_uniform(&s) == 0, "a zeroed struct is not uniform");
    cr_assert(spline2d_fit(&s, xn, 6, yu, 5, z, 30, 1, 1) == 0);
    cr_assert(spline2d_is_uniform(&s) == 0);
    spline2d_free(&s);
    cr_assert(spline2d_fit(&s, xu, 6, yu, 5, z, 30, 3, 1) == 0);
    cr_assert(spline2d_is_uniform(&s) == 0, "degree 3 has no uniform fast path");
    spline2d_free(&s);
    double x2[2] = {0, 1}, y2[2] = {0, 2};
    cr_assert(spline2d_fit(&s, x2, 2, y2, 2, z, 4, 1, 1) == 0);
    cr_assert(spline2d_is_uniform(&s) == 1, "one cell is trivially uniform");
    cr_assert(spline2d_eval_bilinear_uniform(&s, 0.5, 1.0) == spline2d_eval(&s, 0.5, 1.0));
    spline2d_free(&s);
}

/* ---- evaluation entry points agree ------------------------------------------------------- */

Test(spline2d_eval, points_grid_and_threads_agree_with_single_eval) {
    enum { MX = 10, MY = 8, NQ = 7 };
    uint64_t rng = 77;
    double x[MX], y[MY], z[MX * MY];
    make_axis(x, MX, 0.0, 1.0, &rng);
    make_axis(y, MY, 0.0, 1.0, &rng);
    for (size_t i = 0; i < MX * MY; i++)
        z[i] = uniform01(&rng);
    double gx[NQ] = {-1, 0.5, 0.5, 2, 3.3, 7, 20}, gy[NQ] = {-5, -1, 0, 1.5, 2.5, 4, 9};
    double grid[NQ * NQ], pts[NQ];
    struct spline2d s;
    cr_assert(spline2d_fit(&s, x, MX, y, MY, z, MX * MY, 3, 2) == 0);
    cr_assert(spline2d_eval_grid(&s, gx, NQ, gy, NQ, grid) == 0);
    spline2d_eval_points(&s, gx, gy, NQ, pts);
    for (size_t i = 0; i < NQ; i++) {
        cr_assert(pts[i] == spline2d_eval(&s, gx[i], gy[i]));
        for (size_t j = 0; j < NQ; j++)
            cr_assert(grid[i * NQ + j] == spline2d_eval(&s, gx[i], gy[j]));
    }
    double par[NQ * NQ];
#pragma omp parallel for
    for (int q = 0; q < NQ * NQ; q++)
        par[q] = spline2d_eval(&s, gx[q / NQ], gy[q % NQ]);
    cr_assert(memcmp(par, grid, sizeof par) == 0, "concurrent evaluation differs");
    cr_assert(spline2d_eval_grid(&s, gx, 0, gy, NQ, grid) == 0, "empty grid is fine");
    spline2d_free(&s);
}

/* ---- errors ------------------------------------------------------------------------------ */

struct fit_case {
    const double *x, *y, *z;
    size_t mx, my, nz;
    int kx, ky, expect;
    const char *what;
};

Test(spline2d_errors, every_fit_error_and_zeroed_struct) {
    double x[5] = {0, 1, 2, 3, 4}, y[4] = {0, 1, 2, 3}, z[20];
    for (size_t i = 0; i < 20; i++)
        z[i] = (double)i;
    double xnan[5] = {0, 1, NAN, 3, 4}, xdup[5] = {0, 1, 1, 3, 4}, xinf[5] = {0, 1, 2, 3, INFINITY};
    double ydec[4] = {0, 2, 1, 3}, ynan0[4] = {NAN, 1, 2, 3};
    double znan[20], zinf[20];
    memcpy(znan, z, sizeof z);
    memcpy(zinf, z, sizeof z);
    znan[13] = NAN;
    zinf[19] = -INFINITY;
    const struct fit_case cases[] = {
        {x, y, z, 5, 4, 20, 0, 1, SPLINE2D_EDEGREE, "kx = 0"},
        {x, y, z, 5, 4, 20, 1, 6, SPLINE2D_EDEGREE, "ky = 6"},
        {x, y, z, 5, 4, 20, -1, 1, SPLINE2D_EDEGREE, "kx = -1"},
        {x, y, z, 5, 4, 20, 0, 1, SPLINE2D_EDEGREE, "kx = 0 beats too few"},
        {x, y, z, 5, 4, 20, 5, 1, SPLINE2D_ETOOFEW, "mx = kx"},
        {x, y, z, 5, 4, 20, 1, 4, SPLINE2D_ETOOFEW, "my = ky"},
        {x, y, z, 1, 4, 4, 1, 1, SPLINE2D_ETOOFEW, "mx = 1"},
        {xnan, y, z, 5, 4, 20, 1, 1, SPLINE2D_EXORDER, "NaN in x"},
        {xdup, y, z, 5, 4, 20, 1, 1, SPLINE2D_EXORDER, "repeated x"},
        {xinf, y, z, 5, 4, 20, 1, 1, SPLINE2D_EXORDER, "infinite x"},
        {xdup, ydec, z, 5, 4, 20, 1, 1, SPLINE2D_EXORDER, "x is checked before y"},
        {x, ydec, z, 5, 4, 20, 1, 1, SPLINE2D_EYORDER, "decreasing y"},
        {x, ynan0, z, 5, 4, 20, 1, 1, SPLINE2D_EYORDER, "NaN in y[0]"},
        {x, y, z, 5, 4, 19, 1, 1, SPLINE2D_ESHAPE, "nz too small"},
        {x, y, z, 5, 4, 21, 1, 1, SPLINE2D_ESHAPE, "nz too large"},
        {x, y, znan, 5, 4, 20, 1, 1, SPLINE2D_ENAN, "NaN in z"},
        {x, y, zinf, 5, 4, 20, 3, 2, SPLINE2D_ENAN, "infinity in z"},
        {x, y, znan, 5, 4, 19, 1, 1, SPLINE2D_ESHAPE, "shape is checked before NaN"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const struct fit_case *t = &cases[c];
        struct spline2d s;
        memset(&s, 0xA5, sizeof s); /* garbage, to see that a failed fit zeroes it */
        int rc = spline2d_fit(&s, t->x, t->mx, t->y, t->my, t->z, t->nz, t->kx, t->ky);
        cr_assert(rc == t->expect, "%s: got %d (%s), expected %d", t->what, rc,
                  spline2d_strerror(rc), t->expect);
        cr_assert(is_zeroed(&s), "%s: struct not zeroed after failure", t->what);
        spline2d_free(&s);
    }
}

Test(spline2d_errors, eval_errors_and_double_free) {
    double x[5] = {0, 1, 2, 3, 4}, y[4] = {0, 1, 2, 3}, z[20] = {0}, out[4], v = 42.0;
    struct spline2d s;
    cr_assert(spline2d_fit(&s, x, 5, y, 4, z, 20, 2, 1) == 0);
    double up[2] = {0, 1}, down[2] = {1, 0}, withnan[2] = {NAN, 1};
    cr_assert(spline2d_eval_grid(&s, down, 2, up, 2, out) == SPLINE2D_EUNSORTED);
    cr_assert(spline2d_eval_grid(&s, up, 2, down, 2, out) == SPLINE2D_EUNSORTED);
    cr_assert(spline2d_eval_grid(&s, withnan, 2, up, 2, out) == SPLINE2D_EUNSORTED);
    cr_assert(spline2d_eval_deriv(&s, 2, 0, 0.5, 0.5, &v) == SPLINE2D_EDERIV);
    cr_assert(spline2d_eval_deriv(&s, 0, 1, 0.5, 0.5, &v) == SPLINE2D_EDERIV);
    cr_assert(spline2d_eval_deriv(&s, -1, 0, 0.5, 0.5, &v) == SPLINE2D_EDERIV);
    cr_assert(v == 42.0, "output untouched on error");
    cr_assert(spline2d_eval_deriv(&s, 1, 0, 0.5, 0.5, &v) == 0 && v == 0.0);
    spline2d_free(&s);
    cr_assert(is_zeroed(&s));
    spline2d_free(&s);
    cr_assert(is_zeroed(&s));
}

Test(spline2d_errors, messages_are_distinct) {
    for (int a = 0; a <= SPLINE2D_ESINGULAR; a++) {
        const char *ma = spline2d_strerror(a);
        cr_assert(ma != NULL && ma[0] != '\0');
        for (int b = 0; b < a; b++)
            cr_assert(strcmp(ma, spline2d_strerror(b)) != 0, "codes %d and %d share a message", a,
                      b);
    }
    cr_assert(spline2d_strerror(-3) != NULL && spline2d_strerror(1000) != NULL);
}
