#include "report/scaling.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdlib.h>

/* The points a fit uses, copied out of the caller's arrays (exclusions applied). */
struct selection {
    double *p, *s, *w; /* w: weights 1/sigma^2, NULL when unweighted */
    size_t n;
};

static void selection_free(struct selection *sel) {
    free(sel->p);
    free(sel->s);
    free(sel->w);
}

static int valid_point(const struct scaling_points *pts, size_t i) {
    if (!isfinite(pts->p[i]) || pts->p[i] < 1.0 || !isfinite(pts->s[i]) || pts->s[i] <= 0.0)
        return 0;
    return !pts->sigma || (isfinite(pts->sigma[i]) && pts->sigma[i] > 0.0);
}

/* Checks every point, keeps those with p <= max_p, and needs two distinct p among them. */
static int select_points(const struct scaling_points *pts, struct selection *sel) {
    *sel = (struct selection){0};
    if (!pts || !pts->p || !pts->s)
        return SCALING_BAD_INPUT;
    for (size_t i = 0; i < pts->n; i++)
        if (!valid_point(pts, i))
            return SCALING_BAD_INPUT;
    size_t n = pts->n ? pts->n : 1;
    sel->p = malloc(n * sizeof *sel->p);
    sel->s = malloc(n * sizeof *sel->s);
    sel->w = pts->sigma ? malloc(n * sizeof *sel->w) : NULL;
    if (!sel->p || !sel->s || (pts->sigma && !sel->w)) {
        selection_free(sel);
        return SCALING_NO_CONVERGENCE;
    }
    int distinct = 0;
    for (size_t i = 0; i < pts->n; i++) {
        if (pts->max_p > 0.0 && pts->p[i] > pts->max_p)
            continue;
        if (sel->n > 0 && pts->p[i] != sel->p[0])
            distinct = 1;
        sel->p[sel->n] = pts->p[i];
        sel->s[sel->n] = pts->s[i];
        if (sel->w)
            sel->w[sel->n] = 1.0 / (pts->sigma[i] * pts->sigma[i]);
        sel->n++;
    }
    if (!distinct) {
        selection_free(sel);
        return SCALING_TOO_FEW;
    }
    return SCALING_OK;
}

/* Covariance times the residual variance; with weights never below the measurement noise. */
static double scaled_stderr(double cov, double chi2, int dof, int weighted) {
    double scale = dof > 0 ? chi2 / dof : 1.0;
    if (weighted && scale < 1.0)
        scale = 1.0;
    return sqrt(cov * scale);
}

static void fit_nan(struct scaling_fit *fit) {
    *fit = (struct scaling_fit){.value = NAN, .std_err = NAN, .chi2 = NAN, .chi2_dof = NAN};
}

/* ---- Amdahl ------------------------------------------------------------------------------ */

double scaling_amdahl_speedup(double f, double p) {
    return 1.0 / (f + (1.0 - f) / p);
}

static double clamp01(double f) {
    return f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
}

/* The solver works on an unconstrained f; outside [0, 1] the model is that of the nearer bound
 * and flat, so the optimum of the bounded problem is the clamped end point. */
static int amdahl_residual(const gsl_vector *x, void *data, gsl_vector *r) {
    const struct selection *sel = data;
    double f = clamp01(gsl_vector_get(x, 0));
    for (size_t i = 0; i < sel->n; i++)
        gsl_vector_set(r, i, scaling_amdahl_speedup(f, sel->p[i]) - sel->s[i]);
    return GSL_SUCCESS;
}

static int amdahl_jacobian(const gsl_vector *x, void *data, gsl_matrix *J) {
    const struct selection *sel = data;
    double f = gsl_vector_get(x, 0);
    for (size_t i = 0; i < sel->n; i++) {
        double d = f + (1.0 - f) / sel->p[i];
        double dsdf = -(1.0 - 1.0 / sel->p[i]) / (d * d);
        gsl_matrix_set(J, i, 0, f < 0.0 || f > 1.0 ? 0.0 : dsdf);
    }
    return GSL_SUCCESS;
}

/* 1/S - 1/p = f (1 - 1/p) is linear in f: its least-squares solution starts the solver. */
static double amdahl_start(const struct selection *sel) {
    double sxy = 0.0, sxx = 0.0;
    for (size_t i = 0; i < sel->n; i++) {
        double x = 1.0 - 1.0 / sel->p[i], y = 1.0 / sel->s[i] - 1.0 / sel->p[i];
        sxy += x * y;
        sxx += x * x;
    }
    return clamp01(sxy / sxx);
}

/* (Re)starts the workspace at f: residuals and Jacobian are evaluated there. */
static int amdahl_init(gsl_multifit_nlinear_workspace *ws, gsl_multifit_nlinear_fdf *fdf,
                       const struct selection *sel, double f) {
    gsl_vector_view x = gsl_vector_view_array(&f, 1);
    if (!sel->w)
        return gsl_multifit_nlinear_init(&x.vector, fdf, ws);
    gsl_vector_const_view w = gsl_vector_const_view_array(sel->w, sel->n);
    return gsl_multifit_nlinear_winit(&x.vector, &w.vector, fdf, ws);
}

/* Runs the trust-region solver; returns the unconstrained optimum in *f. */
static int amdahl_solve(gsl_multifit_nlinear_workspace *ws, gsl_multifit_nlinear_fdf *fdf,
                        const struct selection *sel, double *f) {
    if (amdahl_init(ws, fdf, sel, amdahl_start(sel)))
        return SCALING_NO_CONVERGENCE;
    int info = 0;
    int status = gsl_multifit_nlinear_driver(200, 1e-12, 1e-12, 0.0, NULL, NULL, &info, ws);
    /* A first iteration that cannot make progress (info GSL_ENOPROG) means the start is
     * already optimal to rounding: an exact fit, or a bound the optimum lies beyond. */
    if (status != GSL_SUCCESS && info != GSL_ENOPROG)
        return SCALING_NO_CONVERGENCE;
    *f = gsl_vector_get(gsl_multifit_nlinear_position(ws), 0);
    return isfinite(*f) ? SCALING_OK : SCALING_NO_CONVERGENCE;
}

/* Chi^2 and the standard error of f, evaluated at the final (clamped) f; at a bound, whether
 * the cost still falls outward (the gradient J'r points out of [0, 1]). */
static int amdahl_errors(gsl_multifit_nlinear_workspace *ws, gsl_multifit_nlinear_fdf *fdf,
                         const struct selection *sel, struct scaling_fit *fit) {
    if (amdahl_init(ws, fdf, sel, fit->value))
        return SCALING_NO_CONVERGENCE;
    const gsl_vector *r = gsl_multifit_nlinear_residual(ws);
    gsl_matrix *J = gsl_multifit_nlinear_jac(ws);
    gsl_vector_view jcol = gsl_matrix_column(J, 0);
    double chi2, grad, cov;
    gsl_blas_ddot(r, r, &chi2);
    gsl_blas_ddot(&jcol.vector, r, &grad);
    fit->at_bound = (fit->value == 0.0 && grad > 0.0) || (fit->value == 1.0 && grad < 0.0);
    gsl_matrix_view c = gsl_matrix_view_array(&cov, 1, 1);
    if (gsl_multifit_nlinear_covar(J, 0.0, &c.matrix))
        return SCALING_NO_CONVERGENCE;
    fit->chi2 = chi2;
    fit->chi2_dof = fit->dof > 0 ? chi2 / fit->dof : NAN;
    fit->std_err = scaled_stderr(cov, chi2, fit->dof, sel->w != NULL);
    return SCALING_OK;
}

static int amdahl_fit_selection(const struct selection *sel, struct scaling_fit *fit) {
    gsl_multifit_nlinear_parameters params = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *ws =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &params, sel->n, 1);
    if (!ws)
        return SCALING_NO_CONVERGENCE;
    gsl_multifit_nlinear_fdf fdf = {
        .f = amdahl_residual, .df = amdahl_jacobian, .n = sel->n, .p = 1, .params = (void *)sel};
    double f = NAN;
    int status = amdahl_solve(ws, &fdf, sel, &f);
    if (status == SCALING_OK) {
        fit->value = clamp01(f);
        fit->n_used = (int)sel->n;
        fit->dof = (int)sel->n - 1;
        status = amdahl_errors(ws, &fdf, sel, fit);
    }
    gsl_multifit_nlinear_free(ws);
    return status;
}

int scaling_amdahl_fit(const struct scaling_points *pts, struct scaling_fit *fit, double *fitted) {
    fit_nan(fit);
    struct selection sel;
    int status = select_points(pts, &sel);
    if (status)
        return status;
    /* GSL's default handler aborts; a failed fit here is a status, not the end of a report. */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    status = amdahl_fit_selection(&sel, fit);
    gsl_set_error_handler(old);
    selection_free(&sel);
    if (status) {
        fit_nan(fit);
        return status;
    }
    for (size_t i = 0; fitted && i < pts->n; i++)
        fitted[i] = scaling_amdahl_speedup(fit->value, pts->p[i]);
    return SCALING_OK;
}

double scaling_karp_flatt(double p, double s) {
    if (!isfinite(p) || !isfinite(s) || p <= 1.0 || s <= 0.0)
        return NAN;
    return (1.0 / s - 1.0 / p) / (1.0 - 1.0 / p);
}

/* ---- Gustafson --------------------------------------------------------------------------- */

double scaling_gustafson_speedup(double p, double t1, double tp) {
    if (!isfinite(p) || !isfinite(t1) || !isfinite(tp) || p < 1.0 || t1 <= 0.0 || tp <= 0.0)
        return NAN;
    return p * t1 / tp;
}

double scaling_gustafson_model(double s, double p) {
    return p - s * (p - 1.0);
}

int scaling_gustafson_fit(const struct scaling_points *pts, struct scaling_fit *fit) {
    fit_nan(fit);
    struct selection sel;
    int status = select_points(pts, &sel);
    if (status)
        return status;
    /* p - S = s (p - 1): a line through the origin. */
    double *x = malloc(sel.n * sizeof *x), *y = malloc(sel.n * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        selection_free(&sel);
        return SCALING_NO_CONVERGENCE;
    }
    for (size_t i = 0; i < sel.n; i++) {
        x[i] = sel.p[i] - 1.0;
        y[i] = sel.p[i] - sel.s[i];
    }
    double s, cov, chi2;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    if (sel.w)
        status = gsl_fit_wmul(x, 1, sel.w, 1, y, 1, sel.n, &s, &cov, &chi2);
    else
        status = gsl_fit_mul(x, 1, y, 1, sel.n, &s, &cov, &chi2);
    gsl_set_error_handler(old);
    if (status == GSL_SUCCESS && isfinite(s)) {
        fit->value = s;
        fit->n_used = (int)sel.n;
        fit->dof = (int)sel.n - 1;
        fit->chi2 = chi2;
        fit->chi2_dof = chi2 / fit->dof;
        /* gsl_fit_mul's covariance already holds the residual variance; wmul's does not. */
        fit->std_err = sel.w ? scaled_stderr(cov, chi2, fit->dof, 1) : sqrt(cov);
    }
    free(x);
    free(y);
    selection_free(&sel);
    return status == GSL_SUCCESS && isfinite(s) ? SCALING_OK : SCALING_NO_CONVERGENCE;
}

const char *scaling_strerror(int status) {
    switch (status) {
    case SCALING_OK:
        return "ok";
    case SCALING_TOO_FEW:
        return "fewer than 2 distinct thread counts";
    case SCALING_BAD_INPUT:
        return "a thread count below 1, a speedup <= 0, or a value that is not a number";
    case SCALING_NO_CONVERGENCE:
        return "the fit did not converge";
    default:
        return "unknown status";
    }
}
